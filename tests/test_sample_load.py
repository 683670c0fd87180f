"""Generated folders load cleanly: no refused rows, every row of every file loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.sample import generate


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sample_loads_with_zero_rejected_rows(tmp_path: Path, fmt: str) -> None:
    written = generate(tmp_path / "data", year=2026, entries=500, seed=5, fmt=fmt)
    con = connect(tmp_path / "db.duckdb")
    result = load_folder(con, tmp_path / "data")
    assert result.missing_tables == []
    for f in result.files:
        assert f.rows_rejected == 0, (f.file_name, f.first_reasons)
        assert f.rows_read == f.rows_loaded == written.rows[f.table], f.file_name
    for table, rows in written.rows.items():
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0


def test_sample_two_years_load_into_one_database(tmp_path: Path) -> None:
    y25 = generate(tmp_path / "2025", year=2025, entries=300)
    y26 = generate(tmp_path / "2026", year=2026, entries=300)
    con = connect(tmp_path / "db.duckdb")
    load_folder(con, tmp_path / "2025")
    load_folder(con, tmp_path / "2026")
    # Entry numbers never collide across years; the registry is one group.
    assert con.execute("select count(*) from entries").fetchone()[0] == 600
    assert con.execute("select count(distinct entry_number) from entries").fetchone()[0] == 600
    lines = con.execute("select count(*) from entry_lines").fetchone()[0]
    assert lines == y25.rows["entry_lines"] + y26.rows["entry_lines"]
    assert con.execute("select count(distinct importer_number) from importers").fetchone()[0] \
        == y26.rows["importers"]
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0
    for table in ("penalties", "disposals"):  # case numbers never collide either
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        assert n == y25.rows[table] + y26.rows[table], table
