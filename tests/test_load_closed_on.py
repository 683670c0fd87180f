"""The optional penalties column ``closed_on`` (catalog version 2, data contract).

A penalties file may carry the day each case was closed, paid in full or cancelled. It loads
like any other optional date column (ISO or MM/DD/YYYY, from CSV, Parquet or XLSX), a file
without it loads with NULL, and a cell that is not a date is a row error naming the file, the
row and the column.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from customs_readiness import schema as s
from customs_readiness.db import connect
from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder

from _es003_fixtures import load
from conftest import minimal_tables, write_csv, write_tables

HEADER = ["case_number", "case_kind", "statute", "importer_number", "issued_on",
          "assessed_amount", "status", "paid_amount", "paid_on", "closed_on"]
CASES = [
    # closed on the period's last day (ISO), paid the same day
    ["P-1", "penalty", "19USC1592", "12-3456789AB", "2026-02-01", "1000.00", "paid", "500.00",
     "2026-12-31", "2026-12-31"],
    # closed the day after the period (US date, as ACE exports it)
    ["P-2", "penalty", "19USC1592", "12-3456789AB", "2026-03-01", "2000.00", "closed", "",
     "", "01/01/2027"],
    # still open: no closed_on
    ["P-3", "liquidated_damages", "bond", "260101-12345", "2026-04-01", "300.00", "open", "",
     "", ""],
    # US date without leading zeros
    ["P-4", "penalty", "other", "260101-12345", "2026-05-01", "40.00", "cancelled", "", "",
     "6/3/2026"],
]
WANT = {"P-1": dt.date(2026, 12, 31), "P-2": dt.date(2027, 1, 1), "P-3": None,
        "P-4": dt.date(2026, 6, 3)}


def _folder(tmp_path: Path, header: list[str], rows: list[list[object]]) -> Path:
    tables = minimal_tables()
    tables["penalties"] = (header, rows)
    return write_tables(tmp_path / "data", tables)


def _closed_on(con) -> dict[str, dt.date | None]:
    return dict(con.execute("select case_number, closed_on from penalties").fetchall())


def test_closed_on_is_an_optional_date_column_of_penalties() -> None:
    col = s.PENALTIES.column("closed_on")
    assert (col.kind, col.required) == (s.DATE, False)
    assert col.sql_type == "DATE"
    names = s.PENALTIES.column_names
    assert names.index("closed_on") == names.index("paid_on") + 1  # as the contract lists it


@pytest.mark.parametrize("fast_path", [True, False])
def test_closed_on_loads_iso_and_us_dates(con, tmp_path, fast_path) -> None:
    result = load_folder(con, _folder(tmp_path, HEADER, CASES), fast_path=fast_path)
    assert result.rows_rejected == 0
    assert _closed_on(con) == WANT
    column_type = con.execute(
        "select data_type from information_schema.columns "
        "where table_name = 'penalties' and column_name = 'closed_on'").fetchone()[0]
    assert column_type == "DATE"


def test_penalties_file_without_closed_on_loads_with_null(con, tmp_path) -> None:
    header = HEADER[:-1]
    rows = [r[:-1] for r in CASES]
    result = load_folder(con, _folder(tmp_path, header, rows))
    stats = {f.table: f for f in result.files}["penalties"]
    assert (stats.rows_read, stats.rows_loaded, stats.rows_rejected) == (4, 4, 0)
    assert _closed_on(con) == dict.fromkeys(WANT)
    # the other dates are untouched
    assert con.execute("select paid_on from penalties where case_number = 'P-1'").fetchone() == (
        dt.date(2026, 12, 31),)


@pytest.mark.parametrize("raw", ["2026-02-30", "31/12/2026", "Dec 31 2026", "2026-13-01", "soon"])
def test_bad_closed_on_is_a_row_error_naming_file_row_and_column(con, tmp_path, raw) -> None:
    rows = [list(r) for r in CASES]
    rows[2][-1] = raw  # P-3, the file's row 4 (header = row 1)
    result = load_folder(con, _folder(tmp_path, HEADER, rows))
    stats = {f.table: f for f in result.files}["penalties"]
    assert (stats.rows_read, stats.rows_loaded, stats.rows_rejected) == (4, 3, 1)
    assert stats.first_reasons == [
        f"row 4, closed_on {raw!r}: not a date: use YYYY-MM-DD or MM/DD/YYYY"]
    rejected = con.execute(
        "select file_name, table_name, row_number, column_name, raw_value, reason, record "
        "from rejected_rows").fetchall()
    assert len(rejected) == 1
    file_name, table, row, column, raw_value, reason, record = rejected[0]
    assert (file_name, table, row, column, raw_value) == ("penalties.csv", "penalties", 4,
                                                          "closed_on", raw)
    assert reason == "not a date: use YYYY-MM-DD or MM/DD/YYYY"
    assert json.loads(record)["closed_on"] == raw  # the row is kept verbatim
    assert sorted(_closed_on(con)) == ["P-1", "P-2", "P-4"]


def test_bad_closed_on_under_strict_is_a_file_error(con, tmp_path) -> None:
    rows = [list(r) for r in CASES]
    rows[0][-1] = "2026-12-32"
    with pytest.raises(DataFileError, match=r"penalties\.csv.*row 2, closed_on '2026-12-32': not a date"):
        load_folder(con, _folder(tmp_path, HEADER, rows), strict=True)
    assert con.execute("select count(*) from penalties").fetchone()[0] == 0


def test_closed_on_from_parquet_with_date_type_and_xlsx_equals_csv(tmp_path) -> None:
    csv_folder = _folder(tmp_path, HEADER, CASES)
    pq = tmp_path / "pq"
    xl = tmp_path / "xl"
    for folder in (pq, xl):
        folder.mkdir()
        for f in csv_folder.glob("*.csv"):
            if f.stem != "penalties":
                (folder / f.name).write_bytes(f.read_bytes())
    frame = pl.read_csv(csv_folder / "penalties.csv", infer_schema=False)
    # Parquet writers store dates as dates: closed_on typed, the US dates converted.
    typed = frame.with_columns(pl.Series("closed_on", list(WANT.values()), dtype=pl.Date))
    typed.write_parquet(pq / "penalties.parquet")
    frame.write_excel(xl / "penalties.xlsx")
    got = {}
    for name, folder in (("csv", csv_folder), ("parquet", pq), ("xlsx", xl)):
        con = connect(tmp_path / f"{name}.duckdb")
        result = load_folder(con, folder)
        assert result.rows_rejected == 0, name
        got[name] = _closed_on(con)
        con.close()
    assert got == {"csv": WANT, "parquet": WANT, "xlsx": WANT}


def test_closed_on_through_a_mapping_file_with_its_date_format(tmp_path) -> None:
    write_csv(tmp_path / "data" / "penalty register.csv",
              ["Case", "Kind", "Issued", "Amount", "Status", "Closed"],
              [["P-1", "Penalty", "01.05.2026", "1,000.00", "Paid", "31.12.2026"],
               ["P-2", "Penalty", "01.06.2026", "2,000.00", "Open", ""],
               ["P-3", "Penalty", "01.07.2026", "3,000.00", "Closed", "2026-13-45"]])
    write_csv(tmp_path / "data" / "entries.csv",
              ["entry_number", "entry_type", "importer_number", "entry_date"],
              [["ABC12345671", "01", "X", "2026-01-01"]])
    write_csv(tmp_path / "data" / "importers.csv", ["importer_number", "importer_name"],
              [["X", "X Co"]])
    mapping = tmp_path / "register.toml"
    mapping.write_text("""
[layout]
date_format = "%d.%m.%Y"
[penalties]
case_number = "Case"
case_kind = "Kind"
issued_on = "Issued"
assessed_amount = "Amount"
status = "Status"
closed_on = "Closed"
""")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb", mapping=mapping)
    assert _closed_on(con) == {"P-1": dt.date(2026, 12, 31), "P-2": None}
    column, reason = con.execute("select column_name, reason from rejected_rows").fetchone()
    assert column == "closed_on" and "not a date" in reason
