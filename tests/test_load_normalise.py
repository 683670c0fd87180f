"""Each normalisation rule of the data contract, through a real load into DuckDB."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customs_readiness.ingest import load_folder

from conftest import ENTRY_HEADER, minimal_tables, write_tables


def _load_entry_value(con, tmp_path, column: str, raw: str):
    """Load one entry whose `column` cell is `raw`; return (stored value, rejected reason)."""
    tables = minimal_tables()
    header = ENTRY_HEADER + ([column] if column not in ENTRY_HEADER else [])
    row = ["ABC-1234567-1", "01", "12-3456789AB", "2026-01-15"] + ([raw] if column not in ENTRY_HEADER else [])
    if column in ENTRY_HEADER:
        row[ENTRY_HEADER.index(column)] = raw
    tables["entries"] = (header, [row])
    tables.pop("entry_lines")
    load_folder(con, write_tables(tmp_path / "d", tables))
    got = con.execute(f"select {column} from entries").fetchall()
    why = con.execute("select reason from rejected_rows").fetchall()
    return (got[0][0] if got else None), (why[0][0] if why else None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2026-03-01", dt.date(2026, 3, 1)), ("03/01/2026", dt.date(2026, 3, 1)),
     ("3/1/2026", dt.date(2026, 3, 1)), ("2026-03-01 00:00:00", dt.date(2026, 3, 1)),
     ("2024-02-29", dt.date(2024, 2, 29))],
)
def test_date_iso_and_us_formats(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "entry_date", raw) == (expected, None)


@pytest.mark.parametrize("raw", ["2026-02-30", "01.03.2026", "2026/03/01", "yesterday", "2026-03-01 12:30:00"])
def test_date_other_formats_are_row_errors(con, tmp_path, raw):
    value, why = _load_entry_value(con, tmp_path, "entry_date", raw)
    assert value is None and why.startswith("not a date")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", "01"), ("01", "01"), ("11", "11"), ("99", "99"), (" 3 ", "03")],
)
def test_entry_type_left_padded(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "entry_type", raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ABC-1234567-1", "ABC12345671"), ("abc 1234567 1", "ABC12345671"), (" ABC12345671 ", "ABC12345671")],
)
def test_entry_number_drops_dashes_and_spaces(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "entry_number", raw) == (expected, None)


def test_filer_code_defaults_to_entry_number_prefix(con, tmp_path):
    assert _load_entry_value(con, tmp_path, "filer_code", "") == ("ABC", None)


def test_identifiers_trimmed_and_upper_cased(con, tmp_path):
    assert _load_entry_value(con, tmp_path, "port_code", " 2704 ") == ("2704", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yes", "yes"), ("YES", "yes"), ("No", "no"), ("not_required", "not_required"),
     ("Not Required", "not_required"), ("", "unknown"), ("unknown", "unknown")],
)
def test_certification_enum_case_insensitive_and_empty_unknown(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "certification", raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("FALSE", False), ("yes", True), ("No", False), ("y", True), ("N", False),
     ("1", True), ("0", False), ("", None)],
)
def test_boolean_spellings(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "psc_filed", raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Liquidated", "liquidated"), ("Pending Liquidation", "unliquidated"), ("EXTENDED", "extended"),
     ("deemed", "deemed"), ("Suspended", "suspended")],
)
def test_liquidation_status_ace_spellings(con, tmp_path, raw, expected):
    assert _load_entry_value(con, tmp_path, "liquidation_status", raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1234.56", Decimal("1234.56")), ("$1,234.56", Decimal("1234.56")), ("1,000", Decimal("1000.00")),
     ("0.1", Decimal("0.10")), ("12.300", Decimal("12.30")), ("9999999999999999.99", Decimal("9999999999999999.99")),
     ("0", Decimal("0.00"))],
)
def test_amounts_exact_decimal(con, tmp_path, raw, expected):
    tables = minimal_tables()
    tables["entry_lines"] = (["entry_number", "line_number", "hts_number", "entered_value"],
                             [["ABC12345671", "1", "8471300100", raw]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    (value,) = con.execute("select entered_value from entry_lines").fetchone()
    assert value == expected and isinstance(value, Decimal)
    assert con.execute("select typeof(entered_value) from entry_lines").fetchone()[0] == "DECIMAL(18,2)"


def test_hts_drops_dots_and_line_numbers_like_001(con, tmp_path):
    tables = minimal_tables()
    tables["entry_lines"] = (["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value"],
                             [["ABC12345671", "001", "", "8471.30.0100", "1"],
                              ["ABC12345671", "001", "2", "9903.88.0300", "0"]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    rows = con.execute("select line_number, tariff_ordinal, hts_number from entry_lines order by 2").fetchall()
    assert rows == [(1, 1, "8471300100"), (1, 2, "9903880300")]


def test_broker_license_status_defaults_active_when_licensed(con, tmp_path):
    tables = minimal_tables()
    tables["brokers"] = (["filer_code", "license_number", "license_status", "ctpat_validated"],
                         [["abc", "L123", "", "Y"], ["XYZ", "", "", "n"], ["QRS", "L9", "Revoked", ""]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    rows = con.execute("select filer_code, license_status, ctpat_validated from brokers order by 1").fetchall()
    assert rows == [("ABC", "active", True), ("QRS", "revoked", None), ("XYZ", None, False)]


def test_headers_match_case_and_spacing_insensitively(con, tmp_path):
    tables = minimal_tables()
    tables["importers"] = (["Importer Number", " IMPORTER_NAME "], [["12-3456789ab", "Acme"]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert con.execute("select importer_number, importer_name from importers").fetchall() == [("12-3456789AB", "Acme")]


def test_text_is_kept_verbatim(con, tmp_path):
    tables = minimal_tables()
    hostile = "<script>alert('x')</script> & <img src=http://127.0.0.1:9/x>"
    tables["importers"] = (["importer_number", "importer_name"], [["12-3456789AB", hostile]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert con.execute("select importer_name from importers").fetchone()[0] == hostile


def test_blank_text_cells_are_stored_as_null(con, tmp_path):
    # Cells of only spaces are empty: origin and MID "missing" in the metrics means NULL.
    tables = minimal_tables()
    tables["entry_lines"] = (
        ["entry_number", "line_number", "hts_number", "entered_value", "country_of_origin",
         "manufacturer_id"],
        [["ABC12345671", "1", "8471300100", "1.00", "  ", "   "],
         ["ABC12345671", "2", "8471300100", "1.00", " cn ", " xyz123 "]],
    )
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert con.execute(
        "select line_number, country_of_origin, manufacturer_id from entry_lines order by 1"
    ).fetchall() == [(1, None, None), (2, "CN", "XYZ123")]
