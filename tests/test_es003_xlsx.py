"""ES-003 as XLSX: title rows above the header, numbers stored as text or as numbers, dates as dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from customs_readiness.schema import TABLES

from _es003_fixtures import (
    DUTY,
    ENTERED_VALUE,
    HEADERS,
    ROWS,
    counts,
    load,
    totals,
    write_es003_csv,
)

TITLE_ROWS = [
    ["ES-003 Entry Summary Line Tariff Details"],
    ["Run date: 03/31/2026", None, "Filter: Entry Date 01/01/2026 - 12/31/2026"],
    [],
]


def _write_xlsx(path: Path, rows: list[list[object]], title_rows: list[list[object]] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Main Report"
    for r in title_rows:
        ws.append(r)
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _typed(row: list[str]) -> list[object]:
    """The same row as a spreadsheet with native cells: numbers, dates, blanks."""
    out: list[object] = []
    for h, v in zip(HEADERS, row, strict=True):
        if v == "":
            out.append(None)
        elif h.endswith("Date"):
            m, d, y = (int(x) for x in v.split("/"))
            out.append(dt.datetime(y, m, d))
        elif h.endswith("Amount"):
            out.append(float(v.replace("$", "").replace(",", "")))
        elif h in ("Entry Summary Line Number", "Tariff Ordinal Number", "Entry Type Code",
                   "Port of Entry Code", "Bond Type"):
            out.append(int(v))
        elif h == "HTS Number - Full":
            out.append(int(v.replace(".", "")))
        else:
            out.append(v)
    return out


def _stored(con) -> dict[str, list[tuple]]:
    out = {}
    for name in ("entries", "entry_lines"):
        cols = ", ".join(TABLES[name].column_names)
        out[name] = con.execute(f"select {cols} from {name} order by all").fetchall()
    return out


def _csv_tables(tmp_path: Path) -> dict[str, list[tuple]]:
    write_es003_csv(tmp_path / "csv" / "export.csv")
    con, _ = load(tmp_path / "csv", tmp_path / "csv.duckdb")
    return _stored(con)


def test_es003_xlsx_with_title_rows_and_numbers_as_text_equals_csv(tmp_path):
    _write_xlsx(tmp_path / "xlsx" / "ES003 export March.xlsx", ROWS, TITLE_ROWS)
    con, _ = load(tmp_path / "xlsx", tmp_path / "x.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
    assert _stored(con) == _csv_tables(tmp_path)
    # Title rows shift the rows: the header is on row 4, the first record on row 5.
    assert con.execute("select min(_row), max(_row) from entry_lines").fetchone() == (5, 8)


def test_es003_xlsx_with_native_numbers_and_dates_equals_csv(tmp_path):
    _write_xlsx(tmp_path / "xlsx" / "export.xlsx", [_typed(r) for r in ROWS])
    con, _ = load(tmp_path / "xlsx", tmp_path / "x.duckdb")
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (4, 4, 0)}
    assert _stored(con) == _csv_tables(tmp_path)


def test_es003_xlsx_conflict_is_refused_with_the_spreadsheet_row(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][HEADERS.index("Entry Type Code")] = "02"  # ABC's second row says type 02
    _write_xlsx(tmp_path / "xlsx" / "export.xlsx", rows, TITLE_ROWS)
    con, _ = load(tmp_path / "xlsx", tmp_path / "x.duckdb")
    assert counts(con) == {"entries": (2, 1, 1), "entry_lines": (4, 1, 3)}
    why = "entry header fields disagree across its rows: entry_type (Entry Type Code)"
    assert con.execute("select table_name, row_number, reason from rejected_rows where table_name = 'entries'"
                       ).fetchall() == [("entries", 5, why)]


def test_es003_xlsx_report_after_a_criteria_sheet_is_found(tmp_path):
    path = tmp_path / "xlsx" / "export.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Report Criteria"
    cover.append(["Report", "ES-003 Entry Summary Line Tariff Details"])
    cover.append(["Entry Date", "01/01/2026 - 12/31/2026"])
    ws = wb.create_sheet("Main Report")
    for r in TITLE_ROWS:
        ws.append(r)
    ws.append(HEADERS)
    for r in ROWS:
        ws.append(r)
    wb.create_sheet("Empty")
    wb.save(path)
    con, _ = load(tmp_path / "xlsx", tmp_path / "x.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
