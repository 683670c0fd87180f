"""The direct read (ingest/direct.py): clean CSV and Parquet table files go from the file
into their tables without a staging copy, and every row keeps its number in the file.

Each test checks the stored ``_row`` (and refused rows' numbers) by hand against the file
as written, and whether the file was staged: a clean file must not be, an irregular one
must be (its rows are then numbered by the staged read, as before).
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from customs_readiness import schema
from customs_readiness.db import connect
from customs_readiness.ingest import direct, load_folder, normalize, wholefile

from conftest import ENTRY_HEADER

IMPORTERS = "importer_number,importer_name\n12-3456789AB,Acme Inc\n"


def no_whole_file_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the direct read take quote-free files line by line, as when a line needs the
    full rules."""
    monkeypatch.setattr(wholefile, "all_lines_match", lambda *args, **kwargs: False)


def _folder(tmp_path: Path, entries: str, name: str = "data",
            importers: bytes = IMPORTERS.encode()) -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "importers.csv").write_bytes(importers)
    (folder / "entries.csv").write_bytes(entries.encode("utf-8"))
    return folder


def _rows(con, table: str = "entries") -> list[tuple[str, int]]:
    return con.execute(f"select entry_number, _row from {table} order by _row").fetchall()


def _misnumbered(con) -> int:
    """Entries whose _row is not the row their number A<i> was written on (i + 2)."""
    return con.execute("select count(*) from entries where "
                       "_row <> cast(substr(entry_number, 2) as bigint) + 2").fetchone()[0]


def _refused(con) -> list[tuple[int, str | None, str]]:
    return con.execute(
        "select row_number, column_name, reason from rejected_rows order by row_number").fetchall()


HEADER = ",".join(ENTRY_HEADER) + "\n"
ONE_ENTRY = HEADER + "ABC12345671,01,12-3456789AB,2026-01-15\n"


def _importers(con) -> list[tuple[str, int]]:
    return con.execute("select importer_name, _row from importers order by _row").fetchall()


def test_clean_csv_is_not_staged_and_rows_keep_their_numbers(con, tmp_path, staged):
    # A title row and an empty line above the header: the header is record 3, so the
    # data rows are rows 4, 5 and 6 of the file.
    text = ("Entry summary export\n\n" + HEADER
            + "ABC12345671,01,12-3456789AB,2026-01-15\n"
            + "ABC12345682,11,12-3456789AB,2026-02-01\n"
            + "ABC12345693,01,12-3456789AB,2026-03-31\n")
    result = load_folder(con, _folder(tmp_path, text))
    assert staged == []
    assert _rows(con) == [("ABC12345671", 4), ("ABC12345682", 5), ("ABC12345693", 6)]
    assert [(f.file_name, f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        ("importers.csv", 1, 1, 0), ("entries.csv", 3, 3, 0)]
    # the values are typed as the full rules type them
    assert con.execute("select entry_type, entry_date::varchar, filer_code from entries "
                       "order by _row limit 1").fetchone() == ("01", "2026-01-15", "ABC")


def test_cells_that_are_not_canonical_are_typed_by_the_full_rules(con, tmp_path, staged):
    # Row 3 writes its date the US way (accepted), row 4 an impossible date (refused):
    # only the file with such cells is staged, and every number is the file's.
    text = (HEADER
            + "ABC12345671,01,12-3456789AB,2026-01-15\n"
            + "abc-1234568-2,1,12-3456789AB,03/01/2026\n"
            + "ABC12345693,01,12-3456789AB,2026-02-30\n"
            + "ABC12345704,01,12-3456789AB,2026-04-01\n")
    result = load_folder(con, _folder(tmp_path, text))
    assert staged == ["entries.csv"]
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345682", 3), ("ABC12345704", 5)]
    assert con.execute("select entry_type, entry_date::varchar from entries where _row = 3"
                       ).fetchone() == ("01", "2026-03-01")
    assert _refused(con) == [(4, "entry_date", "not a date: use YYYY-MM-DD or MM/DD/YYYY")]
    entries = result.files[1]
    assert (entries.rows_read, entries.rows_loaded, entries.rows_rejected) == (4, 3, 1)


def test_blank_line_between_rows_is_read_the_staged_way(con, tmp_path, staged):
    text = (HEADER + "ABC12345671,01,12-3456789AB,2026-01-15\n\n\n"
            + "ABC12345682,01,12-3456789AB,2026-01-16\n")
    load_folder(con, _folder(tmp_path, text))
    assert staged == ["entries.csv"]
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345682", 5)]


def test_line_the_parser_refuses_is_kept_with_its_number(con, tmp_path, staged):
    # Row 3 has one field too many: the direct read sees the parser refuse it and
    # leaves the file to the staged read, which keeps the line verbatim.
    text = (HEADER + "ABC12345671,01,12-3456789AB,2026-01-15\n"
            + "ABC12345682,01,12-3456789AB,2026-01-16,extra\n"
            + "ABC12345693,01,12-3456789AB,2026-01-17\n")
    result = load_folder(con, _folder(tmp_path, text))
    assert staged == ["entries.csv"]
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345693", 4)]
    (row, column, reason), = _refused(con)
    assert (row, column) == (3, None) and reason.startswith("malformed CSV line")
    assert con.execute("select record from rejected_rows").fetchone()[0] == (
        "ABC12345682,01,12-3456789AB,2026-01-16,extra")
    assert (result.files[1].rows_read, result.files[1].rows_rejected) == (3, 1)


def test_repeated_key_in_a_clean_file_names_the_first_row(con, tmp_path, staged):
    text = (HEADER + "ABC12345671,01,12-3456789AB,2026-01-15\n"
            + "ABC12345682,01,12-3456789AB,2026-01-16\n"
            + "ABC12345671,11,12-3456789AB,2026-01-17\n")
    load_folder(con, _folder(tmp_path, text))
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345682", 3)]
    assert _refused(con) == [(4, "entry_number", "duplicate key entry_number (first at row 2)")]
    # the refused row is kept verbatim: the file was staged for it, after the direct read
    assert staged == ["entries.csv"]
    assert "2026-01-17" in con.execute("select record from rejected_rows").fetchone()[0]


def test_reloads_number_each_file_from_its_own_first_row(con, tmp_path, staged):
    first = _folder(tmp_path, HEADER + "ABC12345671,01,12-3456789AB,2026-01-15\n"
                    + "ABC12345682,01,12-3456789AB,2026-01-16\n", "a")
    second = _folder(tmp_path, HEADER + "ABC12345693,01,12-3456789AB,2026-02-15\n"
                     + "ABC12345704,01,12-3456789AB,2026-02-16\n"
                     + "ABC12345715,01,12-3456789AB,2026-02-17\n", "b")
    load_folder(con, first)
    load_folder(con, second)
    load_folder(con, first)  # the same folder again: replaces its previous load
    assert staged == []
    assert con.execute("select entry_number, _row from entries order by entry_number").fetchall() == [
        ("ABC12345671", 2), ("ABC12345682", 3), ("ABC12345693", 2), ("ABC12345704", 3),
        ("ABC12345715", 4)]


def test_crlf_line_ends_and_a_quoted_field(con, tmp_path, staged):
    load_folder(con, _folder(tmp_path, ONE_ENTRY.replace("\n", "\r\n"), importers=(
        b'importer_number,importer_name\r\n12-3456789AB,"Acme, Inc"\r\n'
        b'12-3456789AC,"Line ""two"" Ltd"\r\n')))
    assert staged == []
    assert _importers(con) == [("Acme, Inc", 2), ('Line "two" Ltd', 3)]


def test_a_record_of_several_mebibytes_loads_as_one_row(con, tmp_path, staged):
    # 3 MiB in one quoted field, across 30,000 line breaks: over DuckDB's default limit of
    # 2 MiB a record, within the loader's 8 MiB. It is one record: the next is row 3.
    name = ("x" * 99 + "\n") * 30_000 + "end"
    load_folder(con, _folder(tmp_path, ONE_ENTRY, importers=(
        f'importer_number,importer_name\n12-3456789AB,"{name}"\n99-0000000AB,Second\n'.encode())))
    assert con.execute("select importer_number, length(importer_name), _row from importers "
                       "order by _row").fetchall() == [
        ("12-3456789AB", len(name), 2), ("99-0000000AB", 6, 3)]
    assert _refused(con) == []


def _parquet_folder(tmp_path: Path, rows: list[list[str | None]]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    frame = pl.DataFrame(rows, schema=ENTRY_HEADER, orient="row")
    frame.write_parquet(folder / "entries.parquet")
    return folder


def test_clean_parquet_is_not_staged(con, tmp_path, staged):
    load_folder(con, _parquet_folder(tmp_path, [
        ["ABC12345671", "01", "12-3456789AB", "2026-01-15"],
        ["ABC12345682", "11", "12-3456789AB", "2026-01-16"]]))
    assert staged == []
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345682", 3)]


def test_parquet_rows_that_need_the_full_rules(con, tmp_path, staged):
    # row 3: lower case and dashes (accepted); row 4: no entry type (refused); row 5: a
    # row of empty cells (not a record)
    load_folder(con, _parquet_folder(tmp_path, [
        ["ABC12345671", "01", "12-3456789AB", "2026-01-15"],
        ["abc-1234568-2", "1", "12-3456789AB", "2026-01-16"],
        ["ABC12345693", None, "12-3456789AB", "2026-01-17"],
        [None, None, None, None],
        ["ABC12345704", "01", "12-3456789AB", "2026-01-18"]]))
    assert staged == ["entries.parquet"]
    assert _rows(con) == [("ABC12345671", 2), ("ABC12345682", 3), ("ABC12345704", 6)]
    assert _refused(con) == [(4, "entry_type", "missing required value")]


def test_a_larger_clean_file_numbers_every_row(con, tmp_path, staged):
    # Enough rows for DuckDB to read the file in parallel (several row groups): the
    # numbering must still follow the file, row by row.
    n = 150_000
    lines = [f"A{i:010d},01,12-3456789AB,2026-01-{1 + i % 28:02d}" for i in range(n)]
    load_folder(con, _folder(tmp_path, HEADER + "\n".join(lines) + "\n"))
    assert staged == []
    assert _misnumbered(con) == 0
    assert con.execute("select count(*), min(_row), max(_row) from entries").fetchone() == (n, 2, n + 1)


FULL_HEADER = ("entry_number,entry_type,importer_number,entry_date,filer_code,port_code,"
               "entry_summary_date,bond_type,certification,disclosure_complete,psc_filed,"
               "prior_disclosure,liquidation_status,liquidation_date\n")


@pytest.mark.parametrize("way", ["typed", "line", "parser", "quoted typed"])
def test_a_file_read_in_parallel_with_listed_values_numbers_every_row(con, tmp_path, staged, reads,
                                                                      monkeypatch, way):
    # 400,000 entries with every column (about 43 MB): DuckDB reads the file in parallel
    # in 16 MiB buffers. The yes/no and listed columns once made DuckDB join each cell to
    # its list of values, and the join handed the rows on out of the file's order: the
    # numbers of about three rows in four were wrong. Without a quote the file is read by
    # the typed reader once every line is proved canonical, else line by line; with a
    # quote somewhere, by the typed reader with quoting on once every line is proved
    # canonical (cells quoted or not), else split by the CSV parser: each must number
    # every row as the file does.
    quoted = way in ("parser", "quoted typed")
    if way in ("line", "parser"):
        no_whole_file_proof(monkeypatch)
    n = 400_000
    flags = ("true", "false", "yes", "no", "y", "n", "1", "0", "t", "f")
    statuses = ("unliquidated", "liquidated", "extended", "suspended", "deemed", "")
    lines = [f"A{i:010d},01,12-3456789AB,2026-01-{1 + i % 28:02d},A{i % 7:02d},2704,"
             f"2026-02-{1 + i % 28:02d},8,yes,no,{flags[i % 10]},{flags[(i + 3) % 10]},"
             f"{statuses[i % 6]},{'2026-11-20' if i % 6 == 1 else ''}" for i in range(n)]
    if quoted:
        lines[5] = lines[5].replace(",01,", ',"01",', 1)
    load_folder(con, _folder(tmp_path, FULL_HEADER + "\n".join(lines) + "\n"))
    assert staged == []
    assert reads == {"importers.csv": "parser", "entries.csv": way.split()[-1]}
    assert _misnumbered(con) == 0
    assert con.execute("select count(*), min(_row), max(_row) from entries").fetchone() == (n, 2, n + 1)
    # The listed values are typed as the file has them: a true flag at every even i (psc)
    # and every odd i (prior disclosure); a status where i % 6 != 5 (333,334 rows), a
    # liquidation date where i % 6 == 1 (66,667 rows).
    assert con.execute(
        "select count(*) filter (where psc_filed), count(*) filter (where prior_disclosure), "
        "count(liquidation_status), count(liquidation_date) from entries").fetchone() == (
        200_000, 200_000, 333_334, 66_667)
    assert con.execute("select _row, entry_type, psc_filed, prior_disclosure, liquidation_status "
                       "from entries where _row in (6, 7) order by _row").fetchall() == [
        (6, "01", True, False, "deemed"), (7, "01", False, True, None)]


@pytest.mark.parametrize("quoted", [False, True], ids=["line read", "CSV parser"])
def test_a_plan_that_would_reorder_rows_is_not_run(con, tmp_path, staged, monkeypatch, quoted):
    # Were the direct read's SQL planned with an operator that hands rows on out of order
    # (here: `in (...)` lists again, which DuckDB turns into joins), its row numbers could
    # not be trusted: the file is staged instead, and numbered by the staged read.
    monkeypatch.setattr(normalize, "_in_list", lambda expr, values: (
        f"{expr} in ({', '.join(normalize.sql_str(v) for v in values)})"))
    monkeypatch.setattr(direct, "ORDER_CHECK_FROM", 0)  # a small file, checked as a large one
    rows = ["ABC12345671,01,12-3456789AB,2026-01-15,,,,,yes,,true,f,,",
            "ABC12345682,01,12-3456789AB,2026-01-16,,,,,no,,n,yes,deemed,",
            "ABC12345693,01,12-3456789AB,2026-01-17,,,,,,,,,,"]
    if quoted:
        rows[1] = rows[1].replace(",no,", ',"no",')
    load_folder(con, _folder(tmp_path, FULL_HEADER + "\n".join(rows) + "\n"))
    assert staged == ["entries.csv"]
    assert con.execute("select entry_number, _row, certification, psc_filed, prior_disclosure, "
                       "liquidation_status from entries order by _row").fetchall() == [
        ("ABC12345671", 2, "yes", True, False, None),
        ("ABC12345682", 3, "no", False, True, "deemed"),
        ("ABC12345693", 4, "unknown", None, None, None)]


def _stored(con, result) -> tuple[dict, list]:
    """Every table's rows and every file's counts after a load: what two reads must agree on."""
    return ({t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
             for t in [*schema.TABLES, "rejected_rows"]},
            [(f.file_name, f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files])


def _quote_free_folder(folder: Path, entries: list[list[str]], lines: list[list[str]], delim: str,
                       end: str) -> Path:
    """A folder of two importers and these entries and lines, each row written as its cells
    joined by ``delim``, every line ended by ``end`` (no quoting)."""
    folder.mkdir(parents=True)
    (folder / "importers.csv").write_text(IMPORTERS + "260101-12345,Overseas Ltd\n", encoding="utf-8")
    for name, rows in (("entries.csv", entries), ("entry_lines.csv", lines)):
        (folder / name).write_bytes((end.join(delim.join(r) for r in rows) + end).encode())
    return folder


def _awkward_folder(folder: Path, delim: str, end: str) -> Path:
    """Quote-free files with columns in their own order, a column the contract does not
    know, optional columns left out, and rows that are canonical, that need the full
    rules, that are refused, or that the parser refuses (a cell short)."""
    entries = [
        ["importer_number", "entry_number", "note", "entry_date", "entry_type", "psc_filed",
         "certification", "liquidation_date"],
        ["12-3456789AB", "ABC12345671", "first one", "2026-01-15", "01", "true", "yes", ""],
        ["12-3456789ab", "abc12345682", "a/b c", "2026-01-16", "11", "TRUE", "Y", "2026-11-20"],
        ["12-3456789AB", "ABC12345693", "", "2026-02-30", "01", "false", "no", ""],
        ["12-3456789AB", "ABC12345704", "short", "2026-01-17", "01", "n"],  # a cell short
        ["260101-12345", "ABC12345715", "!x~", "2026-01-18", "01", "", "", "2026-12-31"],
        ["12-3456789AB", "ABC12345671", "again", "2026-01-19", "01", "f", "no", ""],
        ["260101-12345", "ABC12345726", " padded ", " 2026-01-20", "01", "0", "not_required", ""],
    ]
    lines = [
        ["entry_number", "line_number", "hts_number", "entered_value", "duty_amount", "spi"],
        ["ABC12345671", "1", "8471300100", "100.00", "3.50", "A"],
        ["ABC12345671", "2", "8471.30.0100", "1.505", "", ""],
        ["ABC12345682", "001", "8471300100", "7", "0", "A+"],
        ["ABC12345715", "1", "8471300100", "12.5", "1,000.50", ""],
        ["ZZZ99999999", "1", "8471300100", "1", "0", ""],
        ["ABC12345715", "1", "9903880300", "0", "0.00", ""],
    ]
    return _quote_free_folder(folder, entries, lines, delim, end)


@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_the_line_read_stores_what_the_parser_and_the_full_rules_store(tmp_path, monkeypatch,
                                                                      reads, delim, end):
    folder = _awkward_folder(tmp_path / "data", delim, end)
    snapshots = []
    for way in ("line read", "CSV parser", "full rules"):
        if way == "CSV parser":
            monkeypatch.setattr(direct, "_line_shapes", lambda *args, **kwargs: None)
        con = connect(tmp_path / f"{way}.duckdb")
        result = load_folder(con, folder, fast_path=way != "full rules")
        if way == "line read":
            assert reads == {"importers.csv": "parser", "entries.csv": "line", "entry_lines.csv": "line"}
        snapshots.append(_stored(con, result))
        con.close()
    assert snapshots[0] == snapshots[1] == snapshots[2]
    tables, counts = snapshots[0]
    # entries: 2026-02-30, the short row and the repeated key refused; lines: 1.505 and
    # the line of no entry refused, and one of rows 5 and 7 (same key). Row 5's 1,000.50
    # is an ambiguous amount in the semicolon file and two cells in the comma file (a cell
    # more than the header: refused either way; row 7 then loads), and 1000.50 in the tab
    # and pipe files (row 7 then repeats row 5's key).
    assert counts == [("importers.csv", 2, 2, 0), ("entries.csv", 7, 4, 3),
                      ("entry_lines.csv", 6, 3, 3)]
    assert sorted((r[0], r[-1]) for r in tables["entries"]) == [
        ("ABC12345671", 2), ("ABC12345682", 3), ("ABC12345715", 6), ("ABC12345726", 8)]
    refused_5 = delim in ";,"
    assert sorted((r[1], r[3]) for r in tables["rejected_rows"]) == [
        ("entries.csv", 4), ("entries.csv", 5), ("entries.csv", 7),
        ("entry_lines.csv", 3), ("entry_lines.csv", 5 if refused_5 else 6),
        ("entry_lines.csv", 6 if refused_5 else 7)]
    reasons = {(r[1], r[3]): (r[4], r[5], r[6]) for r in tables["rejected_rows"]}
    short = ["12-3456789AB", "ABC12345704", "short", "2026-01-17", "01", "n"]
    assert reasons["entries.csv", 5] == (
        None, delim.join(short), "malformed CSV line: 6 cells where the header has 8")
    if delim == ",":
        assert reasons["entry_lines.csv", 5] == (
            None, "ABC12345715,1,8471300100,12.5,1,000.50,",
            "malformed CSV line: 7 cells where the header has 6, the last one empty: a "
            "delimiter inside an unquoted value (such as 1,000.50), or a line that ends with a "
            "delimiter where the header's line does not")


def _canonical_folder(folder: Path, delim: str, end: str, bad_date: bool,
                      us_dates: bool = False, as_ace: bool = False, midnight: bool = False) -> Path:
    """Quote-free files of _canonical_rows."""
    entries, lines = _canonical_rows(delim, bad_date, us_dates, as_ace, midnight)
    return _quote_free_folder(folder, entries, lines, delim, end)


def _canonical_rows(delim: str, bad_date: bool, us_dates: bool = False, as_ace: bool = False,
                    midnight: bool = False) -> tuple[list[list[str]], list[list[str]]]:
    """Rows (header first) of entries and lines whose every cell is canonical, at the edges of the shapes: the
    largest integer and amount, leading zeros, one and two decimals, empty optional
    cells, a leap day, every yes/no spelling, a column the contract does not know.
    ``bad_date``: one entry dated 2026-02-30 (the shape of a date, not a date).
    ``us_dates``: the entries' dates written MM/DD/YYYY, as ACE exports them; ``as_ace``:
    entry numbers with their dashes, HTS numbers with their dots, listed values
    capitalised (as ACE writes them too), entry type 01 written 1 (a code a spreadsheet or
    pandas read as a number), a line number written 1.0, amounts as a spreadsheet formats
    them ($3.5, 0,000,012.30). ``midnight``: the entries' ISO dates with a time of midnight,
    as Polars (T00:00:00.000000) and pandas (00:00:00) write a datetime column."""
    entries = [
        ["importer_number", "entry_number", "note", "entry_date", "entry_type", "psc_filed",
         "certification", "liquidation_date", "prior_disclosure"],
        ["12-3456789AB", "ABC12345671", "first one", "2026-01-15", "01", "True", "yes", "",
         "FALSE"],
        ["12-3456789AB", "ABC12345682", "", "2024-02-29", "11", "1", "", "2026-12-31", "yes"],
        ["260101-12345", "ABC12345693", "!x~", "2026-02-30" if bad_date else "2026-02-28", "01",
         "", "not_required", "", ""],
        ["260101-12345", "ABC12345704", "a/b c", "2026-03-01", "01", "n", "no", "", "F"],
    ]
    if us_dates:
        for row in entries[1:]:
            for k in (3, 7):
                if row[k]:
                    y, m, d = row[k].split("-")
                    row[k] = f"{m}/{d}/{y}"
    if midnight:
        for row in entries[1:]:
            for k, time in ((3, "T00:00:00.000000"), (7, " 00:00:00")):
                if row[k]:
                    row[k] += time
    if as_ace:
        for row in entries[1:]:
            row[1] = f"{row[1][:3]}-{row[1][3:10]}-{row[1][10]}"
            row[4] = row[4].lstrip("0")
            row[6] = row[6].capitalize()
    lines = [
        ["entry_number", "line_number", "hts_number", "entered_value", "duty_amount", "spi", "memo"],
        ["ABC12345671", "1", "8471300100", "100.00", "3.5", "A", ""],
        ["ABC12345671", "2", "8471300100", "9999999999999999.99", "0", "", "x"],
        ["ABC12345682", "007", "8471300100", "0.05", "", "A+", "y z"],
        ["ABC12345682", "999999999", "8471300100", "0000012.3", "00", "JO", ""],
        ["ABC12345704", "1", "9903880300", "0", "0.00", "", ""],
    ]
    if as_ace:
        for row in lines[1:]:
            row[0] = f"{row[0][:3]}-{row[0][3:10]}-{row[0][10]}"
            row[2] = f"{row[2][:4]}.{row[2][4:6]}.{row[2][6:]}"
        lines[1][1] = "1.0"  # a line number as pandas writes an integer column with a gap
        if delim != ";":  # (in a semicolon file a comma or "$" amount is the full rule's)
            lines[1][4] = "$3.5"  # an amount as a spreadsheet formats it
            if delim != ",":
                lines[4][3] = "0,000,012.30"  # grouped, where the comma is no delimiter
    return entries, lines


@pytest.mark.parametrize("written", ["ISO", "MM-DD-YYYY", "ACE", "datetime"])
@pytest.mark.parametrize("bad_date", [False, True], ids=["dates", "2026-02-30"])
@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_the_typed_read_stores_what_the_line_read_the_parser_and_the_full_rules_store(
        tmp_path, monkeypatch, reads, delim, end, bad_date, written):
    # Every line proved canonical, DuckDB's typed reader parses the integers, amounts and
    # dates itself (ISO, at midnight as pandas and Polars write a datetime, or MM/DD/YYYY
    # as ACE writes them, with its dashed entry numbers, dotted HTS numbers and capitalised
    # values): it must give what the other reads give.
    # A date that does not exist is refused by that reader, and the file is then read
    # line by line, where that one row goes to the full rules and is refused.
    folder = _canonical_folder(tmp_path / "data", delim, end, bad_date,
                               us_dates=written in ("MM-DD-YYYY", "ACE"), as_ace=written == "ACE",
                               midnight=written == "datetime")
    snapshots = []
    for way in ("typed", "line", "parser", "full rules"):
        if way == "line":
            no_whole_file_proof(monkeypatch)
        if way == "parser":
            monkeypatch.setattr(direct, "_line_shapes", lambda *args, **kwargs: None)
        reads.clear()
        con = connect(tmp_path / f"{way}.duckdb")
        result = load_folder(con, folder, fast_path=way != "full rules")
        if way in ("typed", "line", "parser"):
            assert reads == {"importers.csv": "parser",
                             "entries.csv": "line" if way == "typed" and bad_date else way,
                             "entry_lines.csv": way}
        snapshots.append(_stored(con, result))
        con.close()
    assert snapshots[0] == snapshots[1] == snapshots[2] == snapshots[3]
    tables, counts = snapshots[0]
    assert counts == [("importers.csv", 2, 2, 0), ("entries.csv", 4, 4 - bad_date, int(bad_date)),
                      ("entry_lines.csv", 5, 5, 0)]
    assert sorted((r[0], r[1], r[6], r[7], r[10], r[-1]) for r in tables["entry_lines"]) == [
        ("ABC12345671", 1, Decimal("100.00"), Decimal("3.50"), "A", 2),
        ("ABC12345671", 2, Decimal("9999999999999999.99"), Decimal("0.00"), None, 3),
        ("ABC12345682", 7, Decimal("0.05"), None, "A+", 4),
        ("ABC12345682", 999999999, Decimal("12.30"), Decimal("0.00"), "JO", 5),
        ("ABC12345704", 1, Decimal("0.00"), Decimal("0.00"), None, 6)]
    entries = {r[0]: r for r in tables["entries"]}
    # (written 1 and 11 in the ACE files: padded as the full rule pads them)
    assert sorted(r[1] for r in entries.values()) == ["01"] * (3 - bad_date) + ["11"]
    assert entries["ABC12345682"][3] == date(2024, 2, 29)
    assert entries["ABC12345682"][8] == "unknown" and entries["ABC12345682"][10] is True
    # psc_filed, prior_disclosure: true, yes, 1, n and F, as pandas and spreadsheets write them
    assert [(entries[k][10], entries[k][11]) for k in ("ABC12345671", "ABC12345682",
                                                       "ABC12345704")] == [
        (True, False), (True, True), (False, False)]
    assert ("ABC12345693" in entries) is not bad_date
    if bad_date:
        assert [(r[1], r[3], r[4]) for r in tables["rejected_rows"]] == [
            ("entries.csv", 4, "entry_date")]


def _quoted_folder(folder: Path, entries: list[list[str]], lines: list[list[str]], delim: str,
                   how: str) -> Path:
    """The rows written with quotes: ``all`` as Python's QUOTE_ALL and R's write.csv quote
    every cell (an empty one as ""), ``some`` every other cell quoted by hand, ``text`` as
    the csv module writes them by default, with the columns the contract does not know
    holding the delimiter and a quote (so quoted, the quote doubled)."""
    import csv

    folder.mkdir(parents=True)
    (folder / "importers.csv").write_text(IMPORTERS + '260101-12345,"Overseas, Ltd"\n',
                                          encoding="utf-8")
    for name, rows in (("entries.csv", entries), ("entry_lines.csv", lines)):
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            if how == "some":
                for row in rows:
                    fh.write(delim.join(f'"{c}"' if k % 2 else c for k, c in enumerate(row)) + "\n")
                continue
            out = csv.writer(fh, delimiter=delim, lineterminator="\n",
                             quoting=csv.QUOTE_ALL if how == "all" else csv.QUOTE_MINIMAL)
            unknown = {k for k, h in enumerate(rows[0]) if h in ("note", "memo")}
            for i, row in enumerate(rows):
                if how == "text" and i:
                    row = [f'{c}{delim} 12" pipe' if k in unknown else c for k, c in enumerate(row)]
                out.writerow(row)
    return folder


@pytest.mark.parametrize("how", ["all", "some", "text"])
@pytest.mark.parametrize("written", ["ISO", "ACE"])
@pytest.mark.parametrize("bad_date", [False, True], ids=["dates", "2026-02-30"])
@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_a_quoted_file_is_read_by_the_typed_reader_into_what_the_parser_and_the_full_rules_store(
        tmp_path, monkeypatch, reads, staged, delim, bad_date, written, how):
    # Quotes around canonical cells (every cell, some, or only the free text of a column
    # the contract does not know, which then holds the delimiter and a doubled quote): the
    # whole-file proof takes a cell quoted or not, and DuckDB's typed reader, quoting on,
    # takes the quotes off. It must store what the CSV parser and the full rules store. A
    # date that does not exist is refused by the typed reader, and the parser then reads
    # the file (that row going to the full rules, which refuse it).
    entries, lines = _canonical_rows(delim, bad_date, us_dates=written == "ACE",
                                     as_ace=written == "ACE")
    folder = _quoted_folder(tmp_path / "data", entries, lines, delim, how)
    snapshots = []
    for way in ("typed", "parser", "full rules"):
        if way == "parser":
            no_whole_file_proof(monkeypatch)
        reads.clear()
        staged.clear()
        con = connect(tmp_path / f"{way}.duckdb")
        result = load_folder(con, folder, fast_path=way != "full rules")
        if way != "full rules":
            assert reads == {"importers.csv": "parser",
                             "entries.csv": "parser" if bad_date else way,
                             "entry_lines.csv": way}
            assert staged == (["entries.csv"] if bad_date else [])
        snapshots.append(_stored(con, result))
        con.close()
    assert snapshots[0] == snapshots[1] == snapshots[2]
    tables, counts = snapshots[0]
    assert counts == [("importers.csv", 2, 2, 0), ("entries.csv", 4, 4 - bad_date, int(bad_date)),
                      ("entry_lines.csv", 5, 5, 0)]
    assert sorted((r[0], r[1], r[6], r[7], r[10]) for r in tables["entry_lines"]) == [
        ("ABC12345671", 1, Decimal("100.00"), Decimal("3.50"), "A"),
        ("ABC12345671", 2, Decimal("9999999999999999.99"), Decimal("0.00"), None),
        ("ABC12345682", 7, Decimal("0.05"), None, "A+"),
        ("ABC12345682", 999999999, Decimal("12.30"), Decimal("0.00"), "JO"),
        ("ABC12345704", 1, Decimal("0.00"), Decimal("0.00"), None)]
    assert sorted(r[3] for r in tables["entries"]) == sorted(
        [date(2026, 1, 15), date(2024, 2, 29), date(2026, 3, 1)] + ([] if bad_date else [date(2026, 2, 28)]))
    if bad_date:
        assert [(r[1], r[3], r[4]) for r in tables["rejected_rows"]] == [
            ("entries.csv", 4, "entry_date")]


def test_on_one_thread_a_large_file_is_read_directly(con, tmp_path, staged, reads):
    # With one thread DuckDB plans a plain INSERT (not BATCH_INSERT): the rows then go in
    # one after another in the file's order, so the file is read directly, not staged.
    con.execute("set threads = 1")
    n = 30_000  # about 2.3 MiB: over the size from which the plan is checked
    lines = [f"A{i:010d},01,12-3456789AB,2026-01-{1 + i % 28:02d},,,,,yes,no,{'tf'[i % 2]},,,"
             for i in range(n)]
    load_folder(con, _folder(tmp_path, FULL_HEADER + "\n".join(lines) + "\n"))
    assert staged == [] and reads == {"importers.csv": "parser", "entries.csv": "typed"}
    assert con.execute(
        "select count(*) filter (where psc_filed) from entries").fetchone()[0] == n // 2
    assert _misnumbered(con) == 0


def test_a_parquet_file_of_many_row_groups_numbers_every_row(con, tmp_path, staged):
    # 40 row groups of 5,000 rows: DuckDB reads them in parallel and, since file_row_number
    # numbers the rows, inserts them in any order; each row must keep its own number.
    n = 200_000
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    pl.DataFrame({
        "entry_number": [f"A{i:010d}" for i in range(n)],
        "entry_type": ["01"] * n,
        "importer_number": ["12-3456789AB"] * n,
        "entry_date": ["2026-01-15"] * n,
    }).write_parquet(folder / "entries.parquet", row_group_size=5_000)
    load_folder(con, folder)
    assert staged == []
    assert _misnumbered(con) == 0
    assert con.execute("select count(*), min(_row), max(_row) from entries").fetchone() == (n, 2, n + 1)


def _fast_and_full(db: Path, folder: Path, fast: bool, rejected_columns: str) -> dict:
    """The entries, lines and refused rows (``rejected_columns`` of them) of ``folder``
    loaded into ``db``, by the fast path or (``fast`` False) the full rules alone."""
    from customs_readiness.db import connect

    con = connect(db)
    try:
        load_folder(con, folder, fast_path=fast)
        return ({t: con.execute(f"select * exclude (_load_id) from {t} order by _row").fetchall()
                 for t in ("entries", "entry_lines")}
                | {"rejected": con.execute(f"select {rejected_columns} from rejected_rows "
                                           "order by all").fetchall()})
    finally:
        con.close()


def test_typed_parquet_columns_load_as_the_full_rules_load_them(tmp_path):
    # Typed Parquet columns (dates, integers, decimals of several scales, floats, booleans)
    # skip printing and parsing where their type already makes them canonical; every
    # table and refusal must equal what the full rules store from the same file.
    from datetime import date
    from decimal import Decimal


    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    pl.DataFrame(
        [["ABC12345671", "01", "12-3456789AB", date(2026, 1, 15), True],
         ["ABC12345682", "01", "12-3456789AB", date(999, 12, 31), None],
         ["ABC12345693", "01", "12-3456789AB", None, False]],
        schema={"entry_number": pl.String, "entry_type": pl.String, "importer_number": pl.String,
                "entry_date": pl.Date, "psc_filed": pl.Boolean}, orient="row",
    ).write_parquet(folder / "entries.parquet")
    # each row but the first has one cell that only the full rules may judge
    pl.DataFrame(
        [["ABC12345671", 1, 1, "8471300100", Decimal("100.50"), Decimal("1.2500"), 12.5],
         ["ABC12345671", 2, None, "8471300100", Decimal("0.05"), Decimal("1.2550"), 0.5],
         ["ABC12345671", -3, 1, "8471300100", Decimal("4.00"), None, None],
         ["ABC12345682", 1_000_000_000, 1, "8471300100", Decimal("1.00"), Decimal("0"), 0.1],
         ["ABC12345682", 2, 1, "8471300100", Decimal("1.00"), Decimal("0"), 1e20],
         ["ABC12345682", 3, 1, "8471300100", Decimal("-4.00"), Decimal("0"), 0.1],
         ["ABC12345682", 4, 1, "8471300100", Decimal("9999999999999999.99"), Decimal("0"), 0.1],
         ["ABC12345682", 5, 1, "8471300100", Decimal("12345678901234567.00"), None, 0.1]],
        schema={"entry_number": pl.String, "line_number": pl.Int64, "tariff_ordinal": pl.Int32,
                "hts_number": pl.String, "entered_value": pl.Decimal(20, 2),
                "duty_amount": pl.Decimal(18, 4), "mpf_amount": pl.Float64}, orient="row",
    ).write_parquet(folder / "entry_lines.parquet")
    stored = [_fast_and_full(tmp_path / f"typed-{fast}.duckdb", folder, fast,
                             "table_name, row_number, column_name, reason") for fast in (True, False)]
    assert stored[0] == stored[1]
    entries, lines, rejected = stored[0]["entries"], stored[0]["entry_lines"], stored[0]["rejected"]
    assert [(r[0], r[3], r[10], r[-1]) for r in entries] == [
        ("ABC12345671", date(2026, 1, 15), True, 2), ("ABC12345682", date(999, 12, 31), None, 3)]
    # 1.2500 at scale 4 is $1.25; 12.5 as a float is $12.50
    assert [(r[1], r[6], r[7], r[8], r[-1]) for r in lines] == [
        (1, Decimal("100.50"), Decimal("1.25"), Decimal("12.50"), 2),
        (4, Decimal("9999999999999999.99"), Decimal("0.00"), Decimal("0.10"), 8)]
    assert rejected == [
        ("entries", 4, "entry_date", "missing required value"),
        ("entry_lines", 3, "duty_amount", "amount has fractions of a cent"),
        ("entry_lines", 4, "line_number", "not a whole number"),
        ("entry_lines", 5, "line_number", "not a whole number"),
        ("entry_lines", 6, "mpf_amount",
         "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        ("entry_lines", 7, "entered_value", "negative amount"),
        ("entry_lines", 9, "entered_value", "amount too large")]


def test_quoted_line_break_and_byte_order_mark_keep_record_numbers(con, tmp_path, staged):
    # A UTF-8 byte-order mark before the header, and a quoted name running over two
    # lines: rows are numbered by record, as a spreadsheet shows them, without staging.
    load_folder(con, _folder(tmp_path, ONE_ENTRY, importers=(
        b"\xef\xbb\xbfimporter_number,importer_name\n12-3456789AB,\"Acme\nGlobal\"\n"
        b"12-3456789AC,After\n")))
    assert staged == []
    assert _importers(con) == [("Acme\nGlobal", 2), ("After", 3)]


def test_files_are_proved_in_a_thread_in_load_order(con, tmp_path, reads, monkeypatch):
    # The proofs run in the loader's "proof" thread, one file after another in load order,
    # so a file's proof overlaps the loads before it; the direct read then takes its
    # answer instead of proving the file again. Importers (free text) cannot be proved.
    proved: list[tuple[str, str]] = []
    real = direct.prove

    def spy(src, *args):
        proved.append((src.file_name, threading.current_thread().name.split("_")[0]))
        return real(src, *args)

    monkeypatch.setattr(direct, "prove", spy)
    folder = _canonical_folder(tmp_path / "data", ",", "\n", bad_date=False)
    load_folder(con, folder)
    assert proved == [("importers.csv", "proof"), ("entries.csv", "proof"), ("entry_lines.csv", "proof")]
    assert reads == {"importers.csv": "parser", "entries.csv": "typed", "entry_lines.csv": "typed"}
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 5


def test_a_file_that_changes_style_after_its_first_lines_keeps_every_value(tmp_path, reads):
    # The first lines are written as the contract writes them, so the file is read in the
    # exact style; later lines in ACE's style (a dashed entry number, a dotted HTS number,
    # MM/DD/YYYY, Liquidated) are not canonical in it: the proof fails, the line read flags
    # them and the full rules type them, to the values the contract gives them.
    entries = [["entry_number", "importer_number", "entry_date", "entry_type",
                "liquidation_status"]]
    entries += [[f"ABC{i:07d}1", "12-3456789AB", "2026-01-15", "01", "liquidated"]
                for i in range(40)]
    entries += [["XYZ-1234567-8", "12-3456789AB", "03/01/2026", "01", "Liquidated"]]
    lines = [["entry_number", "line_number", "hts_number", "entered_value"]]
    lines += [[f"ABC{i:07d}1", "1", "8471300100", "10.00"] for i in range(40)]
    lines += [["XYZ-1234567-8", "1", "8471.30.0100", "5.50"]]
    folder = _quote_free_folder(tmp_path / "data", entries, lines, ",", "\n")
    con = connect(tmp_path / "db.duckdb")
    result = load_folder(con, folder)
    assert [(f.file_name, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        ("importers.csv", 2, 0), ("entries.csv", 41, 0), ("entry_lines.csv", 41, 0)]
    assert reads == {"importers.csv": "parser", "entries.csv": "line", "entry_lines.csv": "line"}
    assert con.execute(
        "select entry_number, entry_date, liquidation_status, _row from entries "
        "where entry_number = 'XYZ12345678'").fetchall() == [
        ("XYZ12345678", date(2026, 3, 1), "liquidated", 42)]
    assert con.execute(
        "select entry_number, hts_number, entered_value, _row from entry_lines "
        "where entry_number = 'XYZ12345678'").fetchall() == [
        ("XYZ12345678", "8471300100", Decimal("5.50"), 42)]
    con.close()


def test_parquet_entry_types_as_numbers_load_as_the_full_rules_load_them(con, tmp_path, staged):
    # pandas reads entry types 01 and 11 as the numbers 1 and 11 and writes them back as
    # an integer column: the typed shortcut pads 0-99 as the full rule pads their text
    # (no row staged), and leaves 100, -1 and the missing one to the full rules, which
    # refuse them.
    def write(folder: Path, types: list[int | None]) -> Path:
        folder.mkdir()
        (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
        pl.DataFrame(
            {"entry_number": [f"ABC1234567{i}" for i in range(len(types))], "entry_type": types,
             "importer_number": ["12-3456789AB"] * len(types),
             "entry_date": ["2026-01-15"] * len(types)},
            schema={"entry_number": pl.String, "entry_type": pl.Int64,
                    "importer_number": pl.String, "entry_date": pl.String},
        ).write_parquet(folder / "entries.parquet")
        return folder

    load_folder(con, write(tmp_path / "clean", [1, 11, 0, 99]))
    assert staged == []
    assert con.execute("select entry_type from entries order by _row").fetchall() == [
        ("01",), ("11",), ("00",), ("99",)]
    folder = write(tmp_path / "data", [1, 11, 0, 100, -1, None, 99])
    stored = [_fast_and_full(tmp_path / f"types-{fast}.duckdb", folder, fast,
                             "table_name, row_number, column_name, raw_value, reason")
              for fast in (True, False)]
    assert stored[0] == stored[1]
    assert [(r[0], r[1], r[-1]) for r in stored[0]["entries"]] == [
        ("ABC12345670", "01", 2), ("ABC12345671", "11", 3), ("ABC12345672", "00", 4),
        ("ABC12345676", "99", 8)]
    assert stored[0]["rejected"] == [
        ("entries", 5, "entry_type", "100", "entry type must be a 2-digit code"),
        ("entries", 6, "entry_type", "-1", "entry type must be a 2-digit code"),
        ("entries", 7, "entry_type", None, "missing required value")]


def test_parquet_as_pandas_writes_it_loads_as_the_full_rules_load_it(tmp_path, staged):
    # pandas writes dates as timestamps (datetime64, midnight) and money as floats: those
    # typed columns skip printing and parsing where the value is a date at midnight or
    # the double nearest a cent amount; every other value goes through its text, and the
    # tables and refusals equal the full rules' over the same file.
    from datetime import date, datetime


    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    stamps = [datetime(2026, 1, 15), datetime(2026, 1, 16, 13, 45), datetime(2026, 1, 17, 0, 0, 0, 500_000),
              datetime(999, 12, 31), None, datetime(2024, 2, 29)]
    pl.DataFrame(
        {"entry_number": [f"ABC1234567{i}" for i in range(6)], "entry_type": ["01"] * 6,
         "importer_number": ["12-3456789AB"] * 6, "entry_date": stamps,
         "liquidation_date": [None, None, None, None, None, datetime(2026, 12, 31)]},
        schema={"entry_number": pl.String, "entry_type": pl.String, "importer_number": pl.String,
                "entry_date": pl.Datetime("us"), "liquidation_date": pl.Datetime("ns")},
    ).write_parquet(folder / "entries.parquet")
    floats = [12.5, 0.47, 0.1 + 0.2, 1e-05, 0.125, -0.0, float("nan"), float("inf"),
              9999999999999.99, 12345678901234.5, 1e16, 100.0, None, -4.0, 0.005]
    pl.DataFrame(
        {"entry_number": ["ABC12345670"] * len(floats), "line_number": list(range(1, len(floats) + 1)),
         "hts_number": ["8471300100"] * len(floats), "entered_value": floats},
        schema={"entry_number": pl.String, "line_number": pl.Int64, "hts_number": pl.String,
                "entered_value": pl.Float64},
    ).write_parquet(folder / "entry_lines.parquet")
    stored = [_fast_and_full(tmp_path / f"pandas-{fast}.duckdb", folder, fast,
                             "table_name, row_number, column_name, raw_value, reason")
              for fast in (True, False)]
    assert stored[0] == stored[1]
    entries, lines = stored[0]["entries"], stored[0]["entry_lines"]
    # midnight (the year 999 too, printed 0999), and a time the printed text drops (half a
    # second): dates; 13:45 is not one
    assert [(r[0], r[3]) for r in entries] == [
        ("ABC12345670", date(2026, 1, 15)), ("ABC12345672", date(2026, 1, 17)),
        ("ABC12345673", date(999, 12, 31)), ("ABC12345675", date(2024, 2, 29))]
    # the doubles nearest 12.50, 0.47, 100.00 and 9,999,999,999,999.99, and (above 10^13,
    # through its text) 12,345,678,901,234.50; the rest refused as the full rules refuse them
    assert [(r[1], r[6]) for r in lines] == [
        (1, Decimal("12.50")), (2, Decimal("0.47")), (9, Decimal("9999999999999.99")),
        (10, Decimal("12345678901234.50")), (12, Decimal("100.00"))]
    assert [(r[1], r[3], r[4]) for r in stored[0]["rejected"] if r[0] == "entry_lines"] == [
        (4, "0.30000000000000004", "amount has fractions of a cent"),
        (5, "1e-05", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        (6, "0.125", "amount has fractions of a cent"),
        (7, "-0.0", "negative amount"),
        (8, "nan", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        (9, "inf", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        (12, "1e+16", "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        (14, None, "missing required value"),
        (15, "-4.0", "negative amount"),
        (16, "0.005", "amount has fractions of a cent")]


def _quoted_throughout(folder: Path, n: int, end: str, change: dict[int, str] | None = None) -> Path:
    """An entries file of ``n`` entries (entry A<i> on row i + 2) with a column the contract
    does not know (a note holding the delimiter and a doubled quote), every cell quoted as
    Python's QUOTE_ALL and R's write.csv quote them, each line ended by ``end``;
    ``change``: the note of entry i instead."""
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator=end, quoting=csv.QUOTE_ALL)
    out.writerow([*FULL_HEADER.strip().split(","), "note"])
    for i in range(n):
        note = (change or {}).get(i, f'box {i}, 12" pipe')
        out.writerow([f"A{i:010d}", "01", "12-3456789AB", f"2026-01-{1 + i % 28:02d}", "", "2704",
                      "", "8", "yes", "no", "true", "false", "", "", note])
    folder.mkdir(parents=True)
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    (folder / "entries.csv").write_bytes(buf.getvalue().encode("utf-8"))
    return folder


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Chunks the byte scan counted as proved lines (``lines``) and quote by quote."""
    from customs_readiness.ingest import textfile

    calls = {"lines": 0, "quotes": 0}
    real_lines, real_numpy = textfile._Counter._lines, textfile._Counter._numpy

    def lines(self, chunk):
        calls["lines"] += 1
        return real_lines(self, chunk)

    def quotes(self, chunk, final):
        calls["quotes"] += 1
        return real_numpy(self, chunk, final)

    monkeypatch.setattr(textfile._Counter, "_lines", lines)
    monkeypatch.setattr(textfile._Counter, "_numpy", quotes)
    return calls


@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_large_file_quoted_throughout_counts_its_proved_lines_as_records(
        tmp_path, reads, staged, counted, end):
    # 40,000 entries, every cell quoted (4.6 MB): once the whole-file proof has shown every
    # line to be one record of canonical cells, the byte scan counts the lines after its
    # first chunk by their line ends instead of placing every quote (1M lines quoted
    # throughout: 0.3 s of CPU). Rows, numbers and counts are the full rules'.
    n = 40_000
    folder = _quoted_throughout(tmp_path / "data", n, end)
    assert (folder / "entries.csv").stat().st_size > 4 << 20
    con = connect(tmp_path / "fast.duckdb")
    fast = _stored(con, load_folder(con, folder))
    assert _misnumbered(con) == 0
    con.close()
    assert reads == {"importers.csv": "parser", "entries.csv": "typed"} and staged == []
    assert counted["lines"] >= 4 and counted["quotes"] <= 2  # the first chunk and one line
    con = connect(tmp_path / "full.duckdb")
    assert _stored(con, load_folder(con, folder, fast_path=False)) == fast
    con.close()
    assert fast[1] == [("importers.csv", 1, 1, 0), ("entries.csv", n, n, 0)]


def test_a_large_quoted_file_that_fails_its_proof_is_counted_quote_by_quote(
        tmp_path, reads, counted):
    # Entry 30,000's note holds a line break in its quotes: no line of cells, so the proof
    # fails, and the scan places every quote to count the records (that entry's record
    # runs over two lines and is one row: rows are records, as a spreadsheet shows them).
    folder = _quoted_throughout(tmp_path / "data", 40_000, "\n", {30_000: "two\nlines"})
    con = connect(tmp_path / "fast.duckdb")
    result = load_folder(con, folder)
    assert counted["lines"] == 0 and counted["quotes"] > 4
    assert reads["entries.csv"] == "parser"
    assert con.execute("select _row from entries where entry_number in "
                       "('A0000029999', 'A0000030000', 'A0000030001') order by 1").fetchall() == [
        (30_001,), (30_002,), (30_003,)]
    fast = _stored(con, result)
    con.close()
    con = connect(tmp_path / "full.duckdb")
    assert _stored(con, load_folder(con, folder, fast_path=False)) == fast
    con.close()


@pytest.mark.parametrize("kind", ["mixed line ends", "NUL"])
def test_a_large_proved_file_counted_by_its_lines_keeps_the_scan_s_refusals(
        tmp_path, counted, kind):
    # What the scan refuses a file for must survive counting by line ends. Lines ending in
    # CRLF and LF alike (the proof takes either) are still found mixed, so the file is read
    # from an LF copy, as the full rules read it; a NUL byte in a quoted note (the proof
    # takes any byte there but a quote or a line end) still refuses the file as binary,
    # naming its row.
    n = 40_000
    folder = _quoted_throughout(tmp_path / "data", n, "\r\n",
                                {35_000: "a\x00b"} if kind == "NUL" else None)
    if kind == "mixed line ends":
        path = folder / "entries.csv"
        data = path.read_bytes()
        cut = data.index(b"A0000030000")
        path.write_bytes(data[:cut] + data[cut:].replace(b"\r\n", b"\n"))
    outcomes = []
    for fast_path in (True, False):
        con = connect(tmp_path / f"{fast_path}.duckdb")
        try:
            outcomes.append(_stored(con, load_folder(con, folder, fast_path=fast_path)))
        except Exception as exc:  # (the same error both ways)
            outcomes.append(str(exc))
        con.close()
    assert counted["lines"] >= 4
    assert outcomes[0] == outcomes[1]
    if kind == "NUL":
        assert outcomes[0] == ("entries.csv, row 35002: binary data (a NUL byte) where text (CSV) "
                               "was expected")
    else:
        assert outcomes[0][1] == [("importers.csv", 1, 1, 0), ("entries.csv", n, n, 0)]
