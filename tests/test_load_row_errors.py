"""Each kind of row error: kept verbatim in rejected_rows, the load goes on, counts add up."""

from __future__ import annotations

import json

import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder

from conftest import minimal_tables, write_tables


def _rejects(con):
    return con.execute(
        "select file_name, row_number, column_name, raw_value, reason, record from rejected_rows order by file_name, row_number"
    ).fetchall()


def _assert_invariant(con):
    """rows loaded + rows rejected = rows read, for every file, and loaded matches the table."""
    for file_name, table, read, loaded, rejected in con.execute(
        "select file_name, table_name, rows_read, rows_loaded, rows_rejected from load_files where file_name is not null"
    ).fetchall():
        assert loaded + rejected == read, file_name
        stored = con.execute(f"select count(*) from {table} where _file = ?", [file_name]).fetchone()[0]
        kept = con.execute("select count(*) from rejected_rows where file_name = ?", [file_name]).fetchone()[0]
        assert (stored, kept) == (loaded, rejected), file_name


@pytest.mark.parametrize(
    ("column", "raw", "reason"),
    [
        ("entry_date", "2026-13-01", "not a date: use YYYY-MM-DD or MM/DD/YYYY"),
        ("entry_type", "ABC", "entry type must be a 2-digit code"),
        ("certification", "maybe", "unknown value; expected one of: yes, no, not_required, unknown"),
        ("psc_filed", "perhaps", "not a yes/no value: use true/false, yes/no, y/n or 1/0"),
        ("importer_number", "", "missing required value"),
        ("entry_number", "ABC-123", "entry number must be 11 letters or digits (dashes and spaces are dropped)"),
        ("port_code", "27A4", "port code must be 4 digits"),
        ("bond_type", "7", "bond type must be 0, 8 or 9"),
    ],
)
def test_entry_row_errors(con, tmp_path, column, raw, reason):
    tables = minimal_tables()
    header = ["entry_number", "entry_type", "importer_number", "entry_date", "certification", "psc_filed",
              "port_code", "bond_type"]
    good = ["ABC12345671", "01", "12-3456789AB", "2026-01-15", "yes", "n", "2704", "8"]
    bad = ["ABC12345682", "11", "260101-12345", "2026-01-16", "no", "y", "2704", "9"]
    bad[header.index(column)] = raw
    tables["entries"] = (header, [good, bad])
    tables["entry_lines"] = (["entry_number", "line_number", "hts_number", "entered_value"],
                             [["ABC12345671", "1", "8471300100", "1"]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    rejects = _rejects(con)
    assert len(rejects) == 1
    file_name, row, col, raw_value, why, record = rejects[0]
    # Row 3 = header (row 1) + good row (row 2) + this one.
    assert (file_name, row, col, why) == ("entries.csv", 3, column, reason)
    assert raw_value == (raw or None)
    assert (json.loads(record)[column] or "") == raw  # the row is kept verbatim (empty cell: null)
    assert con.execute("select entry_number from entries").fetchall() == [("ABC12345671",)]
    _assert_invariant(con)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("-5.00", "negative amount"), ("(5.00)", "negative amount"), ("12.345", "amount has fractions of a cent"),
     ("12,34x", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
     ("N/A", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
     ("12345678901234567", "amount too large"), ("", "missing required value")],
)
def test_amount_row_errors(con, tmp_path, raw, reason):
    tables = minimal_tables()
    tables["entry_lines"] = (["entry_number", "line_number", "hts_number", "entered_value"],
                             [["ABC12345671", "1", "8471300100", raw], ["ABC12345671", "2", "8471300100", "1"]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert [(r[2], r[4]) for r in _rejects(con)] == [("entered_value", reason)]
    _assert_invariant(con)


def test_duplicate_key_keeps_first_and_rejects_the_rest(con, tmp_path):
    tables = minimal_tables()
    tables["importers"] = (["importer_number", "importer_name"],
                           [["12-3456789AB", "First"], ["260101-12345", "Other"], [" 12-3456789ab ", "Second"]])
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert con.execute("select importer_name from importers where importer_number = '12-3456789AB'").fetchall() == [("First",)]
    (row,) = [r for r in _rejects(con)]
    assert row[1:5] == (4, "importer_number", "12-3456789AB", "duplicate key importer_number (first at row 2)")
    _assert_invariant(con)


def test_duplicate_line_key_includes_tariff_ordinal(con, tmp_path):
    tables = minimal_tables()
    tables["entry_lines"] = (["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value"],
                             [["ABC12345671", "1", "1", "8471300100", "1"],
                              ["ABC12345671", "1", "2", "9903880300", "0"],
                              ["ABC12345671", "1", "", "8471300100", "1"]])  # ordinal defaults to 1: duplicate
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert [(r[1], r[4]) for r in _rejects(con)] == [
        (4, "duplicate key entry_number + line_number + tariff_ordinal (first at row 2)")]


def test_line_without_entry_is_rejected(con, tmp_path):
    tables = minimal_tables()
    tables["entry_lines"][1].append(["ZZZ99999999", "1", "8471300100", "1"])
    load_folder(con, write_tables(tmp_path / "d", tables))
    assert [(r[1], r[2], r[4]) for r in _rejects(con)] == [
        (5, "entry_number", "no entry with this entry number in entries")]
    _assert_invariant(con)


def test_malformed_csv_line_is_rejected_and_rows_stay_numbered(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").write_text(
        "importer_number,importer_name\n12-3456789AB,Acme\nX,Y,Z,extra\n260101-12345,Overseas\n", encoding="utf-8")
    load_folder(con, folder)
    rejects = _rejects(con)
    assert [(r[1], r[3]) for r in rejects] == [(3, "X,Y,Z,extra")]
    assert rejects[0][4].startswith("malformed CSV line")
    assert con.execute("select importer_number, _row from importers order by _row").fetchall() == [
        ("12-3456789AB", 2), ("260101-12345", 4)]
    _assert_invariant(con)


def test_several_errors_in_one_row_are_all_named(con, tmp_path):
    tables = minimal_tables()
    tables["entries"] = (["entry_number", "entry_type", "importer_number", "entry_date"],
                         [["ABC12345671", "01", "12-3456789AB", "2026-01-15"], ["ABC12345682", "X", "", "nope"]])
    tables.pop("entry_lines")
    load_folder(con, write_tables(tmp_path / "d", tables))
    (r,) = _rejects(con)
    assert r[2] == "entry_type"
    assert "importer_number: missing required value" in r[4] and "entry_date: not a date" in r[4]


def test_strict_turns_row_errors_into_a_file_error(con, tmp_path):
    tables = minimal_tables()
    tables["entry_lines"][1].append(["ABC12345671", "3", "8471300100", "-1"])
    with pytest.raises(DataFileError) as err:
        load_folder(con, write_tables(tmp_path / "d", tables), strict=True)
    assert str(err.value) == ("entry_lines.csv: 1 row(s) refused under --strict; first: "
                              "row 5, entered_value '-1': negative amount")
    assert con.execute("select count(*) from entries").fetchone()[0] == 0


def test_blank_rows_are_not_records(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").write_text(
        "importer_number,importer_name\n12-3456789AB,Acme\n,\n260101-12345,Overseas\n\n", encoding="utf-8")
    load_folder(con, folder)
    assert con.execute("select count(*) from importers").fetchone()[0] == 2
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0
