"""An ACE ES-003 CSV export is recognised by its headers and split into entries + entry_lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder
from customs_readiness.metrics import run_metrics
from customs_readiness.policy import load_policy

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


def test_es003_csv_with_spaces_in_name_is_split_into_entries_and_lines(tmp_path):
    write_es003_csv(tmp_path / "data" / "ES-003 Entry Summary Line Tariff Details 2026.csv")
    con, result = load(tmp_path / "data", tmp_path / "db.duckdb")
    # 2 entries, 4 tariff ordinals; 10,000.00 + 1,000.00 + 500.50 and 2,500 + 0 + 29 + 85.09
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (4, 4, 0)}
    assert result.rows_rejected == 0
    assert {f.table for f in result.files} == {"entries", "entry_lines"}


def test_es003_header_fields_are_normalised_from_ace_spellings(tmp_path):
    write_es003_csv(tmp_path / "data" / "export.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    rows = con.execute(
        """select entry_number, entry_type, importer_number, entry_date, filer_code, port_code,
                  entry_summary_date, bond_type, psc_filed, liquidation_status, liquidation_date,
                  certification, disclosure_complete, prior_disclosure, _row
           from entries order by entry_number"""
    ).fetchall()
    assert rows == [
        # filer code = first 3 characters of the entry number; "Pending Liquidation" -> unliquidated;
        # N -> false; _row = the entry's first row in the file (header = row 1)
        ("ABC12345671", "01", "12-3456789AB", dt.date(2026, 2, 25), "ABC", "2704", dt.date(2026, 3, 1),
         "8", False, "unliquidated", None, "unknown", "unknown", None, 2),
        ("XYZ98765432", "11", "260101-12345", dt.date(2026, 3, 10), "XYZ", "1001", dt.date(2026, 3, 12),
         "9", True, "liquidated", dt.date(2026, 4, 20), "unknown", "unknown", None, 5),
    ]


def test_es003_lines_keep_every_tariff_ordinal_as_exported(tmp_path):
    write_es003_csv(tmp_path / "data" / "export.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    rows = con.execute(
        """select entry_number, line_number, tariff_ordinal, hts_number, country_of_origin, manufacturer_id,
                  entered_value, duty_amount, mpf_amount, spi, _row
           from entry_lines order by entry_number, line_number, tariff_ordinal"""
    ).fetchall()
    d = Decimal
    assert rows == [
        # "001" -> 1; the Chapter 99 ordinal keeps its exported 0.00 and its duty
        ("ABC12345671", 1, 1, "9903880300", "CN", "CNACMSHE123SHE", d("0.00"), d("2500.00"), None, None, 2),
        ("ABC12345671", 1, 2, "8471300100", "CN", "CNACMSHE123SHE", d("10000.00"), d("0.00"), d("34.64"), None, 3),
        ("ABC12345671", 2, 1, "7326908688", "CN", "CNACMSHE123SHE", d("1000.00"), d("29.00"), d("3.46"), None, 4),
        ("XYZ98765432", 1, 1, "6204624010", "MX", "MXGLOTEX01MTY", d("500.50"), d("85.09"), None, "MX", 5),
    ]


def test_es003_metrics_do_not_double_count_a_chapter_99_ordinal_carrying_the_line_value(tmp_path):
    # Some layouts repeat the line's goods value on its Chapter 99 ordinal: 10,000.00 on both
    # ordinals of line 001. The value is kept as exported; the metric adds only non-99 ordinals:
    # 10,000.00 + 1,000.00 + 500.50 = 11,500.50.
    rows = [list(r) for r in ROWS]
    rows[0][16] = "10,000.00"
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert con.execute("select sum(entered_value) from entry_lines").fetchone()[0] == Decimal("21500.50")
    run = run_metrics(con, 2026, load_policy(None), store=False)
    assert run.results["entered_value_total"].value == ENTERED_VALUE
    assert run.results["duty_total"].value == DUTY
    assert run.results["entries_total"].value == 2


def test_es003_header_variants_case_and_spacing_are_recognised(tmp_path):
    variants = {
        "Line Tariff Goods Value Amount": "line goods value amount",
        "Line Tariff Duty Amount": "LINE  DUTY AMOUNT",
        "Entry Summary Number": "  entry summary number ",
        "HTS Number - Full": "HTS Number-Full",
        "Entry Type Code": "ENTRY TYPE CODE",
    }
    headers = [variants.get(h, h) for h in HEADERS]
    write_es003_csv(tmp_path / "data" / "ace report.csv", headers=headers)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)


def test_es003_without_optional_columns_loads_and_says_what_is_unknown(tmp_path):
    keep = ["Entry Summary Number", "Entry Type Code", "Importer Number", "Entry Date",
            "Entry Summary Line Number", "Tariff Ordinal Number", "HTS Number - Full",
            "Line Tariff Goods Value Amount"]
    idx = [HEADERS.index(h) for h in keep]
    write_es003_csv(tmp_path / "data" / "export.csv", headers=keep, rows=[[r[i] for i in idx] for r in ROWS])
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert totals(con)[:3] == (2, 4, ENTERED_VALUE)
    notes = dict(con.execute("select table_name, note from load_files where rows_read is not null").fetchall())
    assert notes["entries"].startswith("ACE ES-003 export: port_code, entry_summary_date, bond_type, "
                                       "certification, disclosure_complete, psc_filed, prior_disclosure, "
                                       "liquidation_status, liquidation_date not in the export (unknown)")
    assert "rows read = entries (one per entry_number" in notes["entries"]
    assert "country_of_origin" in notes["entry_lines"] and "rows read = file rows" in notes["entry_lines"]


def test_es003_note_names_the_fields_es003_does_not_carry(tmp_path):
    write_es003_csv(tmp_path / "data" / "export.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    note = con.execute("select note from load_files where table_name = 'entries'").fetchone()[0]
    assert note.startswith("ACE ES-003 export: certification, disclosure_complete, prior_disclosure "
                           "not in the export (unknown)")


def test_es003_missing_required_column_is_a_file_error_naming_it(tmp_path):
    headers = [h for h in HEADERS if h != "Entry Date"]
    i = HEADERS.index("Entry Date")
    write_es003_csv(tmp_path / "data" / "export.csv", headers=headers, rows=[r[:i] + r[i + 1:] for r in ROWS])
    with pytest.raises(DataFileError, match=r"export\.csv: ACE ES-003 export lacks a column for required "
                                            r"entries\.entry_date \(expected 'Entry Date' or 'Importation Date'\)"):
        load(tmp_path / "data", tmp_path / "db.duckdb")


def test_es003_file_with_unknown_headers_is_still_a_file_error(tmp_path):
    write_es003_csv(tmp_path / "data" / "notes.csv", headers=["Foo", "Bar"], rows=[["1", "2"]])
    with pytest.raises(DataFileError, match="headers match no known export"):
        load(tmp_path / "data", tmp_path / "db.duckdb")


def test_es003_reload_does_not_duplicate(tmp_path):
    write_es003_csv(tmp_path / "data" / "export.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    load_folder(con, tmp_path / "data")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)


def test_es003_csv_with_title_rows_above_the_header(tmp_path):
    write_es003_csv(tmp_path / "data" / "export.csv",
                    title_rows=[["ES-003 Entry Summary Line Tariff Details"], ["Run Date: 03/31/2026"], []])
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
    # header on line 4: the first record is row 5
    assert con.execute("select min(_row) from entry_lines").fetchone() == (5,)


def test_es003_dates_with_a_time_of_day_and_spelled_out_bond_type(tmp_path):
    rows = [list(r) for r in ROWS]
    for r in rows:
        r[HEADERS.index("Entry Date")] = {"02/25/2026": "2/25/2026 12:00:00 AM"}.get(r[4], r[4])
        r[HEADERS.index("Bond Type")] = {"8": "Continuous", "9": "Single Transaction"}[r[6]]
    rows[3][HEADERS.index("Liquidation Date")] = "04/20/2026 00:00:00"
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert con.execute("select entry_date, bond_type, liquidation_date from entries order by entry_number"
                       ).fetchall() == [(dt.date(2026, 2, 25), "8", None),
                                        (dt.date(2026, 3, 10), "9", dt.date(2026, 4, 20))]


def test_es003_empty_value_on_a_chapter_99_ordinal_is_zero_elsewhere_missing(tmp_path):
    rows = [list(r) for r in ROWS]
    value = HEADERS.index("Line Tariff Goods Value Amount")
    rows[0][value] = ""  # the Chapter 99 ordinal of line 001: no value of its own
    rows[3][value] = ""  # a commodity ordinal: the required value is missing
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert con.execute("select entered_value, duty_amount from entry_lines where hts_number = '9903880300'"
                       ).fetchone() == (Decimal("0.00"), Decimal("2500.00"))
    assert con.execute("select row_number, column_name, reason from rejected_rows").fetchall() == [
        (5, "entered_value", "missing required value")]


def test_es003_saved_under_a_table_name_is_still_read_as_an_export(tmp_path):
    write_es003_csv(tmp_path / "data" / "entries.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)


def test_es003_report_data_quality_says_what_the_export_did_not_carry(tmp_path):
    from customs_readiness import report

    write_es003_csv(tmp_path / "data" / "export.csv")
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    from customs_readiness.metrics import compute_or_load, period_for

    figures = compute_or_load(con, period_for(2026), load_policy())
    html = report.render_html(report.build_report(con, figures))
    section = html[html.index('id="data-quality"'):]
    assert "What the files did not carry" in section
    assert "certification, disclosure_complete, prior_disclosure not in the export (unknown)" in section
