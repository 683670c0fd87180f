"""ES-003-like exports written in tmp_path, as ACE Reports gives them (header names, spellings).

Two entries, four tariff-ordinal rows (the arithmetic the tests check):

- ABC-1234567-1, type 01, importer 12-3456789AB, entry date 02/25/2026:
  line 001 ordinal 1: 9903.88.03 (Chapter 99, Section 301) value 0.00, duty 2,500.00
  line 001 ordinal 2: 8471.30.0100 value $10,000.00, duty 0.00
  line 002 ordinal 1: 7326.90.8688 value 1,000.00, duty 29.00
- XYZ98765432, type 11, importer 260101-12345, entry date 03/10/2026:
  line 1 ordinal 1: 6204.62.4010 value 500.50, duty 85.09

Entered value 10,000.00 + 1,000.00 + 500.50 = 11,500.50 (the Chapter 99 ordinal adds 0);
duty 2,500.00 + 0.00 + 29.00 + 85.09 = 2,614.09.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb

from customs_readiness.db import connect
from customs_readiness.ingest import LoadResult, load_folder

HEADERS = [
    "Entry Summary Number", "Entry Type Code", "Importer Number", "Port of Entry Code", "Entry Date",
    "Entry Summary Date", "Bond Type", "Post Summary Correction Indicator", "Liquidation Status",
    "Liquidation Date", "Entry Summary Line Number", "Tariff Ordinal Number", "HTS Number - Full",
    "Country of Origin Code", "Manufacturer ID", "Line SPI Code", "Line Tariff Goods Value Amount",
    "Line Tariff Duty Amount", "Line MPF Amount", "Line HMF Amount",
]

_A = ["ABC-1234567-1", "01", "12-3456789AB", "2704", "02/25/2026", "03/01/2026", "8", "N",
      "Pending Liquidation", ""]
_B = ["XYZ98765432", "11", "260101-12345", "1001", "03/10/2026", "03/12/2026", "9", "Y",
      "Liquidated", "04/20/2026"]
ROWS = [
    _A + ["001", "1", "9903.88.03", "CN", "CNACMSHE123SHE", "", "0.00", "2,500.00", "", ""],
    _A + ["001", "2", "8471.30.0100", "CN", "CNACMSHE123SHE", "", "$10,000.00", "0.00", "34.64", "12.50"],
    _A + ["002", "1", "7326.90.8688", "CN", "CNACMSHE123SHE", "", "1,000.00", "29.00", "3.46", "1.25"],
    _B + ["1", "1", "6204.62.4010", "MX", "MXGLOTEX01MTY", "MX", "500.50", "85.09", "", ""],
]
ENTERED_VALUE = Decimal("11500.50")
DUTY = Decimal("2614.09")


def write_es003_csv(path: Path, headers: list[str] | None = None, rows: list[list[str]] | None = None,
                    title_rows: list[list[str]] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for t in title_rows:
            w.writerow(t)
        w.writerow(HEADERS if headers is None else headers)
        w.writerows(ROWS if rows is None else rows)
    return path


def load(folder: Path, db: Path, mapping: Path | str | None = None,
         strict: bool = False) -> tuple[duckdb.DuckDBPyConnection, LoadResult]:
    con = connect(db)
    return con, load_folder(con, folder, strict=strict, mapping=mapping)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """table -> (rows read, rows loaded, rows rejected) from load_files."""
    return {t: (r, lo, rej) for t, r, lo, rej in con.execute(
        "select table_name, rows_read, rows_loaded, rows_rejected from load_files where rows_read is not null"
    ).fetchall()}


def totals(con: duckdb.DuckDBPyConnection) -> tuple[int, int, Decimal, Decimal]:
    """(entries, lines, entered value without Chapter 99 ordinals, duty of every ordinal)."""
    e = con.execute("select count(*) from entries").fetchone()[0]
    n, value, duty = con.execute(
        "select count(*), sum(entered_value) filter (where hts_number not like '99%'), sum(duty_amount) "
        "from entry_lines"
    ).fetchone()
    return e, n, value, duty
