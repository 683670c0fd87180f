"""Tables written back by pandas or Polars load by the fast path, as the contract's files do
(benchmarks/spellings_bench.py writes them; the loader must store the same tables)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from customs_readiness import schema
from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.sample import generate

_BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(_BENCH))
_spec = importlib.util.spec_from_file_location("spellings_bench", _BENCH / "spellings_bench.py")
assert _spec and _spec.loader
spellings_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(spellings_bench)


def _tables(db: Path, folder: Path) -> dict[str, list]:
    con = connect(db)
    try:
        result = load_folder(con, folder)
        assert all(f.rows_rejected == 0 for f in result.files), [f.first_reasons for f in result.files]
        return {t: con.execute(f"select * exclude (_load_id, _file) from {t} order by all").fetchall()
                for t in schema.TABLES}
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "quoted"])
def test_spellings_bench_frames_load_as_the_contract_files_do(tmp_path: Path, staged: list[str],
                                                              reads: dict[str, str], fmt: str) -> None:
    generate(tmp_path / "contract", year=2026, entries=400, seed=7, fmt="csv")
    frames = spellings_bench.rewrite(tmp_path / "contract", tmp_path / "frames", fmt)
    if fmt == "csv":
        entries = (frames / "entries.csv").read_text().splitlines()
        header = entries[0].split(",")
        first = dict(zip(header, entries[1].split(","), strict=True))
        # as a data frame library writes them back: a number, a datetime, True/False
        assert first["entry_type"] in {str(n) for n in range(1, 100)}
        assert first["entry_date"].endswith(" 00:00:00")
        assert first["psc_filed"] in ("True", "False")
        assert any(cell.endswith(".0") for line in (frames / "entry_lines.csv").read_text()
                   .splitlines()[1:50] for cell in line.split(","))
    if fmt == "quoted":
        lines = (frames / "entry_lines.csv").read_text().splitlines()
        assert all(c.startswith('"') and c.endswith('"') for line in lines[1:50] for c in line.split(","))
        assert any('""' in line.split(",") for line in lines[1:50])  # an empty cell, quoted
    contract = _tables(tmp_path / "contract.duckdb", tmp_path / "contract")
    staged_contract = list(staged)
    staged.clear()
    reads.clear()
    assert _tables(tmp_path / "frames.duckdb", frames) == contract
    if fmt == "quoted":  # proved with its quotes, read by the typed reader (not the parser)
        assert (reads["entries.csv"], reads["entry_lines.csv"]) == ("typed", "typed")
    # the fast path took every rewritten file the contract's files went through it with
    assert [Path(n).stem for n in staged] == [Path(n).stem for n in staged_contract]
    assert "entries" not in {Path(n).stem for n in staged}
