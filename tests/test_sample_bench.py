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
    # 10M lines against a bare ingest of 10 s: load 14 s -> 1.40 x (met); load + metrics
    # 14 + 7 = 21 s -> 2.10 x (missed); run 24 s -> 2.40 x but 2,100 MB (RSS missed).
    res = {"ingest": m(10.0, 500), "floor": m(12.0, 500), "load": m(14.0, 1500),
           "metrics": m(7.0, 900), "report": m(6.0, 800), "run": m(24.0, 2100)}
    lines = bench.target_lines([(10_000_000, 3_333_333, "csv", res)])
    assert lines[2] == "| 10,000,000 | csv | load <= 1.5 x ingest | 1.40 x (14.00 s vs 10.00 s) | yes |"
    assert lines[3].endswith("| 2.10 x (21.00 s vs 10.00 s) | NO |")
    assert lines[4] == ("| 10,000,000 | csv | run <= 2.5 x ingest, peak RSS <= 2,048 MB | "
                        "2.40 x (24.00 s vs 10.00 s); 2,100 MB | NO |")
    assert bench.floor_lines([(10_000_000, 3_333_333, "csv", res)]) == [
        "- 10,000,000 lines, csv: validating floor 12.00 s = 1.20 x ingest; load 14.00 s = "
        "1.17 x the floor"]
    # with the report's PDF step measured: the run's floor is 12 + 5 = 17 s = 1.70 x ingest,
    # and the run of 24 s is 24 / 17 = 1.41 x that floor
    res["render"] = m(5.0)
    assert bench.floor_lines([(10_000_000, 3_333_333, "csv", res)]) == [
        "- 10,000,000 lines, csv: validating floor 12.00 s = 1.20 x ingest; load 14.00 s = "
        "1.17 x the floor; run floor (validating floor + render 5.00 s) 17.00 s = 1.70 x "
        "ingest, run 24.00 s = 1.41 x that floor"]
    # a row of the timings table for the step, without an RSS of its own
    assert "| 10,000,000 | 3,333,333 | csv | render | 5.00 | 0.50 | - |  |" in bench.table_lines(
        [(10_000_000, 3_333_333, "csv", res)])


def test_sample_bench_targets_are_judged_within_each_round() -> None:
    m = bench.Measure
    # Three rounds; the machine was slow in the second (ingest 14 s). Ratios within each
    # round: load 14/10 = 1.40, 20/14 = 1.43, 16/10 = 1.60 -> median 1.43 (met), where the
    # medians of the steps (16 / 10 = 1.60) would say missed. load + metrics: (14+6)/10 =
    # 2.00, (20+8)/14 = 2.00, (16+7)/10 = 2.30 -> median 2.00 (met, at the limit).
    res = {"ingest": m(10.0, 500, rounds=(10.0, 14.0, 10.0)),
           "floor": m(12.0, 500, rounds=(12.0, 15.0, 12.0)),
           "load": m(16.0, 900, rounds=(14.0, 20.0, 16.0)),
           "metrics": m(7.0, 900, rounds=(6.0, 8.0, 7.0)),
           "report": m(6.0, 800, rounds=(6.0, 6.0, 6.0)),
           "run": m(30.0, 1500, rounds=(30.0, 30.0, 40.0))}
    lines = bench.target_lines([(10_000_000, 3_333_333, "csv", res)])
    assert lines[2] == ("| 10,000,000 | csv | load <= 1.5 x ingest | 1.43 x (16.00 s vs 10.00 s; "
                        "rounds 1.40 / 1.43 / 1.60) | yes |")
    assert lines[3] == ("| 10,000,000 | csv | load + metrics <= 2 x ingest | 2.00 x (23.00 s vs "
                        "10.00 s; rounds 2.00 / 2.00 / 2.30) | yes |")
    # run: 3.00, 2.14, 4.00 -> median 3.00 (missed)
    assert lines[4] == ("| 10,000,000 | csv | run <= 2.5 x ingest, peak RSS <= 2,048 MB | "
                        "3.00 x (30.00 s vs 10.00 s; rounds 3.00 / 2.14 / 4.00); 1,500 MB | NO |")
    # the timings table and the floor's lines read the same per-round ratios: floor
    # 12/10, 15/14, 12/10 -> 1.20; load over the floor 14/12, 20/15, 16/12 -> 1.33
    row = [(10_000_000, 3_333_333, "csv", res)]
    assert "| 10,000,000 | 3,333,333 | csv | load | 16.00 | 1.43 | 900 |  |" in bench.table_lines(row)
    assert bench.floor_lines(row) == [
        "- 10,000,000 lines, csv: validating floor 12.00 s = 1.20 x ingest; load 16.00 s = "
        "1.33 x the floor"]
    # just above the limit: three decimals where two would read as the limit itself
    assert [bench.shown_ratio(r, 2.0) for r in (2.004, 2.0, 1.996, 2.006)] == [
        "2.004", "2.00", "2.00", "2.01"]
    close = {**res, "load": m(14.0, 900, rounds=(14.0, 14.0, 14.0)),
             "ingest": m(10.0, 500, rounds=(10.0, 10.0, 10.0)),
             "metrics": m(6.04, 900, rounds=(6.04, 6.0, 6.04))}
    assert bench.target_lines([(10_000_000, 3_333_333, "csv", close)])[3] == (
        "| 10,000,000 | csv | load + metrics <= 2 x ingest | 2.004 x (20.04 s vs 10.00 s; "
        "rounds 2.004 / 2.00 / 2.004) | NO |")
    # a step not timed in every round of the ingest: the ratio of the medians
    res["metrics"] = m(7.0, 900, rounds=(6.0, 8.0))
    assert bench.target_lines([(10_000_000, 3_333_333, "csv", res)])[3] == (
        "| 10,000,000 | csv | load + metrics <= 2 x ingest | 2.30 x (23.00 s vs 10.00 s) | NO |")


def test_sample_bench_runs_every_step_once_a_round(tmp_path: Path, monkeypatch) -> None:
    # --repeat 2: two rounds, each ingest, floor, load, metrics, report, render, run in
    # that order; each step's median and its rounds in order.
    import argparse

    calls: list[str] = []
    clock = iter(range(1, 100))

    def fake_child(cmd, cwd=None):
        if cmd[1] == "-c" and cmd[2] == bench.RENDER_SCRIPT:
            calls.append("render")
            Path(cmd[3]).write_text("0.5")
        elif cmd[2] == bench.INGEST_SCRIPT:
            calls.append("ingest")
        elif cmd[2] == bench.FLOOR_SCRIPT:
            calls.append("floor")
        else:
            calls.append(cmd[3])  # the readiness command
        return float(next(clock)), 100.0, 0, ""

    monkeypatch.setattr(bench, "run_child", fake_child)
    monkeypatch.setattr(bench, "ensure_data", lambda *a, **k: 1_000)
    args = argparse.Namespace(data_dir=tmp_path, repeat=2, seed=1, regenerate=False)
    have = {c: True for c in ("sample", "load", "metrics", "report", "run")}
    _lines, res = bench.measure_size(1_000, "csv", args, have)
    steps = ["ingest", "floor", "load", "metrics", "report", "render", "run"]
    assert calls == steps * 2
    # wall seconds 1, 2, ... in call order (render's child takes 6 and 13, but the step is
    # its own 0.5 s from inside the report)
    assert res["ingest"].rounds == (1.0, 8.0) and res["ingest"].seconds == 4.5
    assert res["load"].rounds == (3.0, 10.0)
    assert res["run"].rounds == (7.0, 14.0)
    assert res["render"].rounds == (0.5, 0.5) and res["render"].note == "inside `report`"
    # a step that fails is not run again, and said so; the steps after it go on
    calls.clear()
    clock = iter(range(1, 100))

    def failing_metrics(cmd, cwd=None):
        secs, rss, rc, err = fake_child(cmd)
        return (secs, rss, 1, "boom") if calls[-1] == "metrics" else (secs, rss, rc, err)

    monkeypatch.setattr(bench, "run_child", failing_metrics)
    _lines, res = bench.measure_size(1_000, "csv", args, have)
    assert calls == steps + [s for s in steps if s != "metrics"]
    assert res["metrics"].seconds is None and res["metrics"].note == "failed (exit 1): boom"
    assert len(res["report"].rounds) == 2
    have["run"] = False
    _lines, res = bench.measure_size(1_000, "csv", args, have)
    assert res["run"].note == "skipped: `readiness run` not available yet"


def test_sample_bench_parquet_is_held_to_the_csv_load() -> None:
    m = bench.Measure

    def res(load: float) -> dict:
        return {"ingest": m(1.0), "floor": m(1.2), "load": m(load), "metrics": m(0.5),
                "report": m(3.0), "run": m(5.0)}

    rows = [(1_000_000, 333_333, "csv", res(2.0)), (1_000_000, 333_333, "parquet", res(2.1))]
    assert bench.target_lines(rows)[-1] == (
        "| 1,000,000 | parquet | load no slower than from CSV | 2.10 s vs 2.00 s | NO |")
    rows[1] = (1_000_000, 333_333, "parquet", res(1.5))
    assert bench.target_lines(rows)[-1].endswith("| 1.50 s vs 2.00 s | yes |")


def test_sample_bench_skipped_step_has_no_verdict() -> None:
    m = bench.Measure
    res = {"ingest": m(1.0, 100), "floor": m(1.1, 100), "load": m(2.0, 200),
           "metrics": m(note="skipped"), "report": m(note="skipped"), "run": m(note="skipped")}
    lines = bench.target_lines([(1_000_000, 333_333, "csv", res)])
    assert lines[3] == "| 1,000,000 | csv | load + metrics <= 2 x ingest | not measured | - |"
    # no target below 1M lines
    assert bench.target_lines([(100_000, 33_333, "csv", res)])[2:] == []


def test_sample_bench_compares_with_the_previous_results(tmp_path: Path) -> None:
    # The committed file of the previous round had no format column (it was CSV).
    old = tmp_path / "old.md"
    old.write_text("| lines | entries | step | seconds | peak RSS MB | note |\n"
                   "|---:|---:|---|---:|---:|---|\n"
                   "| 1,000,505 | 333,333 | load | 2.55 | 495 |  |\n"
                   "| 1,000,505 | 333,333 | metrics | 1.03 | 395 |  |\n", encoding="utf-8")
    previous = bench.read_results(old)
    assert previous == {(333_333, "csv", "load"): 2.55, (333_333, "csv", "metrics"): 1.03}
    m = bench.Measure
    res = {s: m() for s in bench.STEPS} | {"load": m(1.91), "metrics": m(1.10)}
    rows = [(1_000_464, 333_333, "csv", res)]
    assert bench.comparison_lines(rows, previous) == [
        "- 1M lines, csv, load: 2.55 s -> 1.91 s (-25 %)",
        "- 1M lines, csv, metrics: 1.03 s -> 1.10 s (+7 %)"]
    # and a file in this round's layout reads back the same way
    new = tmp_path / "new.md"
    new.write_text("\n".join(bench.table_lines(rows)) + "\n", encoding="utf-8")
    assert bench.read_results(new) == {(333_333, "csv", "load"): 1.91,
                                       (333_333, "csv", "metrics"): 1.10}


def test_sample_bench_results_go_to_a_new_file_unless_asked(tmp_path: Path) -> None:
    import time

    at = time.strptime("2026-11-29 18:30:05", "%Y-%m-%d %H:%M:%S")
    assert bench.results_path(None, False, tmp_path, at) == tmp_path / "results-20261129-183005.md"
    assert bench.results_path(None, True, tmp_path) == bench.HERE / "results.md"
    assert bench.results_path(tmp_path / "mine.md", False, tmp_path) == tmp_path / "mine.md"
    with pytest.raises(SystemExit):  # --results and --update-results exclude each other
        bench.main(["--results", "x.md", "--update-results"])


def test_profile_script_times_every_statement_of_a_load(tmp_path: Path) -> None:
    import subprocess

    from conftest import minimal_tables, write_tables

    folder = write_tables(tmp_path / "data", minimal_tables())
    script = _PATH.with_name("profile.py")
    done = subprocess.run([sys.executable, str(script), "load", str(folder), "--db",
                           str(tmp_path / "p.duckdb"), "--top", "40"],
                          capture_output=True, text=True, check=True)
    first, header, *rows = done.stdout.splitlines()
    assert first.startswith("load: ") and "DuckDB statements" in first
    assert header.split() == ["seconds", "share", "statement"]
    assert any("insert into entries" in r for r in rows)
    assert any(r.split()[-1] == "commit" for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_ingest_and_floor_scripts_store_every_row(tmp_path: Path, fmt: str) -> None:
    # The yardsticks themselves run: the bare ingest and the validating floor store every
    # row of a small generated year, the floor numbering them from 2 as the file does.
    import subprocess

    import duckdb

    folder = tmp_path / "year"
    lines = bench.ensure_data(folder, 3_000, fmt, 7, {}, regenerate=True)
    entries = bench.count_rows(folder / f"entries.{fmt}", fmt)
    for script in (bench.INGEST_SCRIPT, bench.FLOOR_SCRIPT):
        db = tmp_path / f"{len(script)}.duckdb"
        subprocess.run([sys.executable, "-c", script, str(folder), fmt, str(db)], check=True)
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select count(*) from entry_lines").fetchone()[0] == lines
        assert con.execute("select count(*) from entries").fetchone()[0] == entries
        if script is bench.FLOOR_SCRIPT:
            assert con.execute("select min(_row), max(_row), count(*) filter (where _row < 0) "
                               "from entry_lines").fetchone() == (2, lines + 1, 0)
        con.close()


def test_bench_children_run_the_package_compiled_as_pip_installs_it() -> None:
    # The steps' children may write bytecode even where the bench itself runs with
    # PYTHONDONTWRITEBYTECODE, and compile_package() compiles the package they import
    # first, as pip does at install: a step does not time compiling the tool's source.
    import importlib.util as iu
    import subprocess

    assert "PYTHONDONTWRITEBYTECODE" not in bench.CHILD_ENV
    assert bench.compile_package() == ""
    package = subprocess.run([sys.executable, "-c", "import customs_readiness, sys; "
                              "sys.stdout.write(customs_readiness.__path__[0])"],
                             capture_output=True, text=True, env=bench.CHILD_ENV,
                             check=True).stdout
    for module in ("cli/__init__.py", "ingest/loader.py", "metrics/engine.py", "report/pdf.py"):
        source = Path(package) / module
        assert source.is_file(), module
        assert Path(iu.cache_from_source(str(source))).is_file(), module


pandas_peer = bench.pandas_peer

# A year in the contract's spelling whose eleven peer figures are counted by hand: six
# entries in 2026 (one each side of the year left out), the order in force from 2026-06-03.
_PEER_TABLES = {
    "importers": (["importer_number", "importer_name", "us_organized", "us_physical_presence",
                   "us_assets_sufficient", "us_controlling_owner", "foreign_ior"],
                  [["11-1111111AA", "Dom Inc", "true", "true", "true", "true", None],
                   ["22-2222222BB", "Flag Ltd", None, None, None, None, "true"],  # foreign
                   ["33-3333333CC", "Test Ltd", "false", None, None, None, None],  # foreign
                   ["44-4444444DD", "Open Ltd", "true", None, None, None, None]]),  # unknown
    "entries": (["entry_number", "entry_type", "importer_number", "entry_date", "certification"],
                [["AAA00000011", "01", "11-1111111AA", "2026-01-10", "yes"],
                 ["AAA00000022", "11", "22-2222222BB", "2026-03-01", "no"],  # before the order
                 ["AAA00000033", "11", "22-2222222BB", "2026-06-03", None],  # its first day
                 ["AAA00000044", "12", "33-3333333CC", "2026-12-31", "not_required"],
                 ["AAA00000055", "01", "44-4444444DD", "2026-07-01", "yes"],
                 ["AAA00000066", "01", "99-9999999ZZ", "2026-08-01", "no"],  # not in registry
                 ["AAA00000077", "01", "11-1111111AA", "2027-01-01", "yes"],  # next year
                 ["AAA00000088", "01", "11-1111111AA", "2025-12-31", "yes"]]),  # last year
    "entry_lines": (["entry_number", "line_number", "tariff_ordinal", "hts_number",
                     "entered_value", "duty_amount"],
                    [["AAA00000011", "1", "1", "8471300100", "100.10", "3.00"],
                     ["AAA00000011", "1", "2", "9903880315", "50.00", "25.03"],  # Chapter 99
                     ["AAA00000011", "2", "1", "8473300100", "200.20", None],
                     ["AAA00000022", "1", "1", "6109100012", "0.05", "0.01"],
                     ["AAA00000055", "1", "1", "8471300100", "1000.00", "10.00"],
                     ["AAA00000077", "1", "1", "8471300100", "999.99", "9.99"]]),
    "penalties": (["case_number", "case_kind", "statute", "importer_number", "issued_on",
                   "assessed_amount", "status"],
                  [["P-1", "penalty", "19USC1592", "11-1111111AA", "2026-02-01", "1000.00", "open"],
                   ["P-2", "liquidated_damages", "bond", "11-1111111AA", "2026-03-01", "500.00",
                    "open"],
                   ["P-3", "penalty", "19USC1592", "11-1111111AA", "2025-12-31", "100.00", "open"],
                   ["P-4", "penalty", "19USC1592", "22-2222222BB", "2026-12-31", "200.00",
                    "paid"]]),
}


def test_pandas_peer_figures_are_counted_by_hand_and_are_the_tools(tmp_path: Path) -> None:
    # The peer's eleven figures on a year counted by hand, and `readiness metrics` on the
    # same files giving the same ones (agreement: nothing differs).
    import decimal
    import json
    import subprocess

    from conftest import write_tables

    folder = write_tables(tmp_path / "year", _PEER_TABLES)
    figures = pandas_peer.figures(folder, 2026)
    assert figures == {
        "entries_total": 6, "formal_entries": 3, "informal_entries": 3,
        "entry_lines_total": 4,  # entry 11's line 1 has two ordinals
        "entered_value_total": pytest.approx(1300.35),  # 100.10 + 200.20 + 0.05 + 1000.00
        "duty_total": pytest.approx(38.04),  # Chapter 99 ordinal included, one line empty
        "foreign_ior_entries": 3,
        "foreign_ior_informal_entries": 2,  # entries 33 and 44: on or after 2026-06-03
        "unknown_ior_status_entries": 2,  # a U.S. test empty; an importer not in the registry
        "certification_rate": [1, 3],  # in force: 33 (empty), 55 yes, 66 no; 44 not required
        "penalty_cases": 2,  # P-1 and P-4; P-2 is liquidated damages, P-3 last year's
    }
    db = tmp_path / "r.duckdb"
    cli = [sys.executable, "-c", "from customs_readiness.cli import main; main()"]
    subprocess.run([*cli, "load", str(folder), "--db", str(db)], check=True, capture_output=True)
    done = subprocess.run([*cli, "metrics", "--year", "2026", "--db", str(db), "--format",
                           "json"], check=True, capture_output=True, text=True)
    tool = json.loads(done.stdout, parse_float=decimal.Decimal)
    assert pandas_peer.agreement(figures, tool) == []
    # a cent, a count or a rate's denominator off is named
    off = {**figures, "duty_total": 38.05, "penalty_cases": 3, "certification_rate": [1, 4]}
    assert pandas_peer.agreement(off, tool) == [
        "duty_total: pandas 38.05, readiness 38.04",
        "certification_rate: pandas [1, 4], readiness [1, 3]",
        "penalty_cases: pandas 3, readiness 2"]


def test_sample_bench_times_the_peer_in_each_round_of_the_csv_files(tmp_path: Path,
                                                                     monkeypatch) -> None:
    # --peer: the pandas peer runs after `run` in each round, its note says whether its
    # figures are the tool's; Parquet rounds and runs without --peer have no pandas row.
    import argparse

    calls: list[str] = []
    clock = iter(range(1, 100))

    def fake_child(cmd, cwd=None):
        if cmd[1] == str(bench.PEER):
            calls.append("pandas")
        elif cmd[1] == "-c" and cmd[2] == bench.RENDER_SCRIPT:
            calls.append("render")
            Path(cmd[3]).write_text("0.5")
        else:
            calls.append("other")
        return float(next(clock)), 100.0, 0, ""

    monkeypatch.setattr(bench, "run_child", fake_child)
    monkeypatch.setattr(bench, "ensure_data", lambda *a, **k: 1_000)
    monkeypatch.setattr(bench, "peer_agreement", lambda db, out: "its 11 figures agree")
    have = {c: True for c in ("sample", "load", "metrics", "report", "run")}
    args = argparse.Namespace(data_dir=tmp_path, repeat=2, seed=1, regenerate=False, peer=True)
    _lines, res = bench.measure_size(1_000, "csv", args, have)
    # ingest, floor, load, metrics, report, render's child, run, pandas: wall 1-8, 9-16
    assert calls == (["other"] * 5 + ["render", "other", "pandas"]) * 2
    assert res["pandas"].rounds == (8.0, 16.0) and res["pandas"].note == "its 11 figures agree"
    row = [(1_000, 333, "csv", res)]
    # x ingest: the median of 8 / 1 and 16 / 9; the tool against the peer likewise:
    # load + metrics (3 + 4) / 8 and (11 + 12) / 16, run 7 / 8 and 15 / 16
    assert "| 1,000 | 333 | csv | pandas | 12.00 | 4.89 | 100 | its 11 figures agree |" in \
        bench.table_lines(row)
    assert bench.peer_lines(row) == [
        "- 1,000 lines, csv: pandas peer 12.00 s, peak 100 MB = 4.89 x ingest; `load` + "
        "`metrics` 15.00 s = 1.16 x the peer, `run` (with the PDF report) 11.00 s, peak 100 MB "
        "= 0.91 x the peer; its 11 figures agree"]
    calls.clear()
    _lines, res = bench.measure_size(1_000, "parquet", args, have)
    assert "pandas" not in calls and res["pandas"].note == bench.PEER_OFF
    assert not any("| pandas |" in line for line in bench.table_lines([(1_000, 333, "parquet", res)]))
    assert bench.peer_lines([(1_000, 333, "parquet", res)]) == []
