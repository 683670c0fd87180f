"""The benchmark script's size parsing and target verdicts (benchmarks/bench.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
_spec = importlib.util.spec_from_file_location("bench", _PATH)
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench"] = bench
_spec.loader.exec_module(bench)


@pytest.mark.parametrize(("text", "lines"), [("100k", 100_000), ("1m", 1_000_000),
                                             ("10M", 10_000_000), ("2.5m", 2_500_000),
                                             ("5000", 5_000), ("1_000", 1_000)])
def test_sample_bench_parse_size(text: str, lines: int) -> None:
    assert bench.parse_size(text) == lines


def test_sample_bench_targets_verdicts() -> None:
    m = bench.Measure
    # 10M lines: load 20 + metrics 7 = 27 s against ingest 10 s -> 2.70 x (met);
    # report 6 s (missed); run 44 s at 2,100 MB (RSS over 2,048 MB -> missed).
    res = {"ingest": m(10.0, 500), "load": m(20.0, 1500), "metrics": m(7.0, 900),
           "report": m(6.0, 800), "run": m(44.0, 2100)}
    lines = bench.target_lines([(10_000_000, 3_333_333, res)])
    assert "2.70 x (27.00 s vs 10.00 s) | yes |" in lines[2]
    assert lines[3].endswith("| 6.00 s | NO |")
    assert lines[4].endswith("| 44.00 s, 2,100 MB | NO |")


def test_sample_bench_skipped_step_has_no_verdict() -> None:
    m = bench.Measure
    res = {"ingest": m(1.0, 100), "load": m(2.0, 200), "metrics": m(note="skipped"),
           "report": m(note="skipped"), "run": m(note="skipped")}
    assert bench.target_lines([(1_000_000, 333_333, res)])[2:] == []


def test_sample_bench_results_go_to_a_new_file_unless_asked(tmp_path: Path) -> None:
    import time

    at = time.strptime("2026-11-29 18:30:05", "%Y-%m-%d %H:%M:%S")
    assert bench.results_path(None, False, tmp_path, at) == tmp_path / "results-20261129-183005.md"
    assert bench.results_path(None, True, tmp_path) == bench.HERE / "results.md"
    assert bench.results_path(tmp_path / "mine.md", False, tmp_path) == tmp_path / "mine.md"
    with pytest.raises(SystemExit):  # --results and --update-results exclude each other
        bench.main(["--results", "x.md", "--update-results"])
