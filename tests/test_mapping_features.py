"""Mapping-file features: headers and alternatives, constants, derived values, value maps,
date formats, null values, extraction; which profile reads a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from _es003_fixtures import counts, load, write_es003_csv
from conftest import write_csv

HEADER = ["Entry No", "Type", "IOR", "Released", "Liq", "PSC", "Line", "Tariff", "Value", "Origin"]
ROWS = [
    ["ABC-1234567-1", "01 - Consumption", "12-3456789AB", "022526", "P", "N/A", "1", "8471300100", "100.00", "CN"],
    ["ABC-1234567-1", "01 - Consumption", "12-3456789AB", "022526", "P", "N/A", "2", "8473300100", "50.00", "n/a"],
    ["XYZ98765432", "11 - Informal", "260101-12345", "031026", "F", "yes", "1", "6204624010", "7.50", "MX"],
]
MAPPING = """
[layout]
name = "ERP lines"
null_values = ["N/A"]

[entries]
entry_number = "Entry No"
entry_type = { header = "Type", extract = "^([0-9]{1,2})" }
importer_number = ["IOR Number", "IOR"]
entry_date = { header = "Released", date_format = "%m%d%y" }
filer_code = { from = "entry_number", first_chars = 3 }
liquidation_status = { header = "Liq", values = { "P" = "unliquidated", "F" = "liquidated" } }
psc_filed = "PSC"
certification = { value = "not_required" }

[entry_lines]
entry_number = "Entry No"
line_number = "Line"
hts_number = "Tariff"
entered_value = "Value"
country_of_origin = "Origin"
"""


def _folder(tmp_path: Path, rows: list[list[str]] = ROWS, name: str = "erp export.csv") -> Path:
    write_csv(tmp_path / "data" / name, HEADER, rows)
    return tmp_path / "data"


def _mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    p = tmp_path / "erp.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_mapping_reads_a_layout_with_every_kind_of_column_spec(tmp_path):
    con, _ = load(_folder(tmp_path), tmp_path / "db.duckdb", mapping=_mapping(tmp_path))
    assert con.execute(
        """select entry_number, entry_type, importer_number, entry_date, filer_code, liquidation_status,
                  psc_filed, certification from entries order by entry_number"""
    ).fetchall() == [
        # "01 - Consumption" -> 01 (extract); 022526 -> 2026-02-25 (%m%d%y); P -> unliquidated;
        # N/A -> empty -> unknown (NULL); certification is the constant
        ("ABC12345671", "01", "12-3456789AB", dt.date(2026, 2, 25), "ABC", "unliquidated", None, "not_required"),
        ("XYZ98765432", "11", "260101-12345", dt.date(2026, 3, 10), "XYZ", "liquidated", True, "not_required"),
    ]
    assert con.execute(
        "select line_number, tariff_ordinal, country_of_origin, entered_value from entry_lines order by all"
    ).fetchall() == [(1, 1, "CN", Decimal("100.00")), (1, 1, "MX", Decimal("7.50")), (2, 1, None, Decimal("50.00"))]


def test_mapping_value_outside_the_date_format_is_refused_naming_the_format(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][3] = "03/10/2026"  # a US date where the mapping says %m%d%y
    con, _ = load(_folder(tmp_path, rows), tmp_path / "db.duckdb", mapping=_mapping(tmp_path))
    assert counts(con) == {"entries": (2, 1, 1), "entry_lines": (3, 2, 1)}
    assert con.execute("select table_name, row_number, reason from rejected_rows order by table_name").fetchall() == [
        ("entries", 4, "Released: not a date in the format %m%d%y given by the mapping"),
        ("entry_lines", 4, "no entry with this entry number in entries"),
    ]


def test_mapping_iso_dates_are_read_whatever_the_format(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][3] = "2026-03-10"  # spreadsheets hand dates over as ISO
    con, _ = load(_folder(tmp_path, rows), tmp_path / "db.duckdb", mapping=_mapping(tmp_path))
    assert con.execute("select entry_date from entries where filer_code = 'XYZ'").fetchone() == (dt.date(2026, 3, 10),)


def test_mapping_unmapped_value_falls_through_to_the_contract_rule(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "Q"  # not in the value map, not a liquidation status
    con, _ = load(_folder(tmp_path, rows), tmp_path / "db.duckdb", mapping=_mapping(tmp_path))
    reason = con.execute("select reason from rejected_rows where table_name = 'entries'").fetchone()[0]
    assert reason.startswith("unknown value; expected one of: unliquidated, liquidated")


def test_mapping_column_null_values_override_the_layout_list(tmp_path):
    text = MAPPING.replace('country_of_origin = "Origin"',
                           'country_of_origin = { header = "Origin", null_values = ["--"] }')
    rows = [list(r) for r in ROWS]
    rows[1][9] = "--"
    rows[0][9] = "N/A"  # no longer empty for this column: refused as a country
    con, _ = load(_folder(tmp_path, rows), tmp_path / "db.duckdb", mapping=_mapping(tmp_path, text))
    assert con.execute("select row_number, column_name, raw_value from rejected_rows").fetchall() == [
        (2, "country_of_origin", "N/A")]


def test_mapping_is_tried_before_the_builtin_es003_profile(tmp_path):
    # An ES-003 file in the same folder as nothing else: with a mapping that does not match it,
    # the built-in ES-003 profile still reads it.
    write_es003_csv(tmp_path / "data" / "es003.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb", mapping=_mapping(tmp_path))
    assert con.execute("select count(*) from entries").fetchone()[0] == 2
    note = con.execute("select note from load_files where table_name = 'entries'").fetchone()[0]
    assert note.startswith("ACE ES-003 export:")


def test_mapping_takes_precedence_over_es003_for_a_file_both_match(tmp_path):
    write_es003_csv(tmp_path / "data" / "es003.csv")
    text = """
[layout]
name = "My ES-003 reading"
[entries]
entry_number = "Entry Summary Number"
entry_type = "Entry Type Code"
importer_number = "Importer Number"
entry_date = "Entry Summary Date"
[entry_lines]
entry_number = "Entry Summary Number"
line_number = "Entry Summary Line Number"
tariff_ordinal = "Tariff Ordinal Number"
hts_number = "HTS Number - Full"
entered_value = "Line Tariff Goods Value Amount"
"""
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb", mapping=_mapping(tmp_path, text))
    # entry date from Entry Summary Date, as this mapping says
    assert con.execute("select min(entry_date) from entries").fetchone() == (dt.date(2026, 3, 1),)
    note = con.execute("select note from load_files where table_name = 'entries'").fetchone()[0]
    assert note.startswith("My ES-003 reading:")


def test_mapping_of_a_single_table_is_not_deduplicated(tmp_path):
    write_csv(tmp_path / "data" / "penalty register.csv", ["Case", "Kind", "Issued", "Amount", "Status"],
              [["P-1", "Penalty", "01/05/2026", "1,000.00", "Open"],
               ["P-1", "Penalty", "01/06/2026", "2,000.00", "Open"]])
    write_csv(tmp_path / "data" / "entries.csv", ["entry_number", "entry_type", "importer_number", "entry_date"],
              [["ABC12345671", "01", "X", "2026-01-01"]])
    write_csv(tmp_path / "data" / "importers.csv", ["importer_number", "importer_name"], [["X", "X Co"]])
    text = """
[penalties]
case_number = "Case"
case_kind = "Kind"
issued_on = "Issued"
assessed_amount = "Amount"
status = "Status"
"""
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb", mapping=_mapping(tmp_path, text))
    # one row per case: the second P-1 is a duplicate key, not a repeated header field
    assert counts(con)["penalties"] == (2, 1, 1)
    assert con.execute("select reason from rejected_rows").fetchone()[0].startswith("duplicate key case_number")


def test_mapping_reads_an_xlsx_with_title_rows_like_the_csv(tmp_path):
    import openpyxl

    csv_con, _ = load(_folder(tmp_path / "csv"), tmp_path / "csv.duckdb", mapping=_mapping(tmp_path))
    path = tmp_path / "xlsx" / "erp export.xlsx"
    path.parent.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ERP line report"])
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    wb.save(path)
    con, _ = load(path.parent, tmp_path / "x.duckdb", mapping=_mapping(tmp_path))
    query = "select * exclude (_load_id, _file, _row) from {} order by all"
    for table in ("entries", "entry_lines"):
        assert con.execute(query.format(table)).fetchall() == csv_con.execute(query.format(table)).fetchall()
    assert con.execute("select min(_row) from entry_lines").fetchone() == (4,)
