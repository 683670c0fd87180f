"""A CSV record has as many cells as its header: a record with a cell more or less is
refused whole, with its row number and its text, since its cells would fall into the wrong
columns (docs/data-contract.md, Bad input). DuckDB's reader alone takes one empty cell too
many as a trailing delimiter: a comma file's unquoted 1,000.50 before an empty last column
loaded as entered value 1 and the next amounts shifted by one column. Lines that end with a
delimiter load when the header's line does too (only the header tells them apart)."""

from __future__ import annotations

from pathlib import Path

import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import direct, load_folder, textfile
from customs_readiness.ingest.textfile import _exact

from conftest import minimal_tables, write_tables

LINES_HEADER = "entry_number,line_number,hts_number,entered_value,duty_amount,spi"
GOOD_LINES = ["ABC12345671,1,8471300100,100.00,3.50,A",
              "ABC12345671,2,8471300100,7.00,,",
              "ABC12345682,1,8471300100,12.50,0.00,"]


def _folder(tmp_path: Path, lines: list[str], header: str = LINES_HEADER, end: str = "\n") -> Path:
    folder = write_tables(tmp_path / "data", {k: v for k, v in minimal_tables().items()
                                              if k != "entry_lines"})
    (folder / "entry_lines.csv").write_bytes((end.join([header, *lines]) + end).encode())
    return folder


def _lines(con) -> list[tuple]:
    return con.execute("""select _row, entry_number, line_number, entered_value, duty_amount, spi
                          from entry_lines order by _row""").fetchall()


def _refused(con) -> list[tuple]:
    return con.execute("""select row_number, column_name, raw_value, reason from rejected_rows
                          where file_name = 'entry_lines.csv' order by row_number""").fetchall()


def _counts(con) -> tuple[int, int, int]:
    return con.execute("""select rows_read, rows_loaded, rows_rejected from load_files
                          where file_name = 'entry_lines.csv'""").fetchone()


EXTRA = ("malformed CSV line: 7 cells where the header has 6, the last one empty: a delimiter inside "
         "an unquoted value (such as 1,000.50), or a line that ends with a delimiter where the "
         "header's line does not")
MORE = "malformed CSV line: 7 cells where the header has 6 (a delimiter inside an unquoted value, such as 1,000.50?)"


@pytest.mark.parametrize("way", ["line read", "CSV parser", "full rules"])
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_cell_more_before_an_empty_last_cell_is_refused(tmp_path, monkeypatch, way, quoted):
    # Row 3: an unquoted thousands comma makes 7 cells, the last one empty. Row 4 is the
    # same line a cell short. Neither may load with its amounts in the wrong columns.
    lines = [GOOD_LINES[0], "ABC12345671,2,8471300100,1,000.50,0.00,", "ABC12345682,1,8471300100,12.50",
             GOOD_LINES[2]]
    if quoted:  # a quote elsewhere in the file: the CSV parser reads it, not the line read
        lines[0] = 'ABC12345671,1,8471300100,100.00,3.50,"A"'
    if way == "CSV parser":
        monkeypatch.setattr(direct, "_line_shapes", lambda *args, **kwargs: None)
    con = connect(tmp_path / "t.duckdb")
    load_folder(con, _folder(tmp_path, lines), fast_path=way != "full rules")
    assert _lines(con) == [(2, "ABC12345671", 1, 100, 3.5, "A"), (5, "ABC12345682", 1, 12.5, 0, None)]
    assert _refused(con) == [
        (3, None, "ABC12345671,2,8471300100,1,000.50,0.00,", EXTRA),
        (4, None, "ABC12345682,1,8471300100,12.50",
         "malformed CSV line: 4 cells where the header has 6")]
    assert _counts(con) == (4, 2, 2)
    con.close()


def test_a_cell_more_that_is_not_empty_is_refused_with_the_same_reason(con, tmp_path):
    load_folder(con, _folder(tmp_path, [GOOD_LINES[0], "ABC12345671,2,8471300100,1,000.50,0.00,A"]))
    assert _refused(con) == [(3, None, "ABC12345671,2,8471300100,1,000.50,0.00,A", MORE)]


def test_two_cells_more_are_refused_naming_their_count(con, tmp_path):
    load_folder(con, _folder(tmp_path, [GOOD_LINES[0], "ABC12345671,2,8471300100,1,000.50,0.00,,"]))
    assert _refused(con) == [(3, None, "ABC12345671,2,8471300100,1,000.50,0.00,,",
                              "malformed CSV line: 8 cells where the header has 6 (a delimiter "
                              "inside an unquoted value, such as 1,000.50?)")]


@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_file_whose_lines_and_header_end_with_a_delimiter_loads_as_without(tmp_path, end):
    plain, trailing = connect(tmp_path / "plain.duckdb"), connect(tmp_path / "trailing.duckdb")
    load_folder(plain, _folder(tmp_path / "p", GOOD_LINES, end=end))
    load_folder(trailing, _folder(tmp_path / "t", [line + "," for line in GOOD_LINES],
                                  header=LINES_HEADER + ",", end=end))
    assert _lines(trailing) == _lines(plain) and len(_lines(plain)) == 3
    assert _refused(trailing) == [] and _counts(trailing) == (3, 3, 0)


def test_lines_that_end_with_a_delimiter_under_a_header_that_does_not_are_refused(con, tmp_path):
    # Such a line cannot be told from an unquoted 1,000.50 before an empty last column:
    # loading it could put every amount after that one column off.
    lines = [line + "," for line in GOOD_LINES] + ["ABC12345682,2,8471300100,1,000.50,0.00,"]
    load_folder(con, _folder(tmp_path, lines))
    assert _lines(con) == []
    why = ("malformed CSV line: 7 cells where the header has 6, the last one empty: a delimiter "
           "inside an unquoted value (such as 1,000.50), or a line that ends with a delimiter "
           "where the header's line does not")
    assert _refused(con) == [(row, None, line, why) for row, line in enumerate(lines, start=2)]


def test_under_a_header_that_ends_with_a_delimiter_a_cell_more_is_refused(con, tmp_path):
    lines = [line + "," for line in GOOD_LINES]
    lines.insert(1, "ABC12345671,3,8471300100,1,000.50,0.00,,")  # a cell more
    lines.insert(2, "ABC12345671,4,8471300100,5.00,0.00,A")  # no trailing delimiter: fine
    lines.insert(3, "ABC12345671,5,8471300100,5.00,0.00,A,B")  # a cell more, not empty
    load_folder(con, _folder(tmp_path, lines, header=LINES_HEADER + ","))
    assert [r[:3] for r in _lines(con)] == [(2, "ABC12345671", 1), (4, "ABC12345671", 4),
                                            (6, "ABC12345671", 2), (7, "ABC12345682", 1)]
    why = "cells where the header has 6 (or 7, the last one empty, as the header's line ends with a delimiter)"
    assert _refused(con) == [(3, None, "ABC12345671,3,8471300100,1,000.50,0.00,,", f"malformed CSV line: 8 {why}"),
                             (5, None, "ABC12345671,5,8471300100,5.00,0.00,A,B", f"malformed CSV line: 7 {why}")]
    assert _counts(con) == (6, 4, 2)


def test_a_header_that_ends_with_a_delimiter_over_lines_that_do_not_loads(con, tmp_path):
    load_folder(con, _folder(tmp_path, GOOD_LINES, header=LINES_HEADER + ","))
    assert len(_lines(con)) == 3 and _refused(con) == []


@pytest.mark.parametrize("way", ["line read", "CSV parser", "full rules"])
def test_under_such_a_header_over_lines_that_do_not_a_cell_more_before_an_empty_last_is_refused(
        tmp_path, monkeypatch, way):
    # The header's line ends with a delimiter, its lines do not: row 4's unquoted thousands
    # comma makes a cell more, the last one empty, which looks like a trailing delimiter.
    # Loaded, it was entered value 1, duty 0.50 and SPI "0.00".
    lines = [GOOD_LINES[0], GOOD_LINES[1], "ABC12345682,2,8471300100,1,000.50,0.00,", GOOD_LINES[2]]
    if way == "CSV parser":
        monkeypatch.setattr(direct, "_line_shapes", lambda *args, **kwargs: None)
    con = connect(tmp_path / "t.duckdb")
    load_folder(con, _folder(tmp_path, lines, header=LINES_HEADER + ","),
                fast_path=way != "full rules")
    assert [r[:3] for r in _lines(con)] == [(2, "ABC12345671", 1), (3, "ABC12345671", 2),
                                            (5, "ABC12345682", 1)]
    assert _refused(con) == [(4, None, "ABC12345682,2,8471300100,1,000.50,0.00,",
                              "malformed CSV line: 7 cells where the header has 6, the last one "
                              "empty: a delimiter inside an unquoted value (such as 1,000.50), or "
                              "a line that ends with a delimiter where most lines of the file do "
                              "not (the header's line does)")]
    assert _counts(con) == (4, 3, 1)
    con.close()


def test_a_quoted_line_break_is_read_on_one_thread_and_cells_still_counted(con, tmp_path):
    # A quoted field over two lines: DuckDB pads records only on one thread then. The
    # refused record keeps its cells, the quoted one quoted again.
    folder = _folder(tmp_path, [GOOD_LINES[0], 'ABC12345671,2,8471300100,1,000.50,0.00,"x\ny"',
                                GOOD_LINES[2]])
    (folder / "importers.csv").write_text(
        'importer_number,importer_name\n12-3456789AB,"Acme\nInc"\n260101-12345,Overseas Ltd\n',
        encoding="utf-8")
    load_folder(con, folder)
    assert con.execute("select importer_name from importers order by _row").fetchall() == [
        ("Acme\nInc",), ("Overseas Ltd",)]
    assert [r[0] for r in _lines(con)] == [2, 4]  # rows count records (row 3 has two lines)
    assert _refused(con) == [(3, None, 'ABC12345671,2,8471300100,1,000.50,0.00,"x\ny"', MORE)]


def test_the_byte_scan_tells_a_quoted_line_break(tmp_path):
    cases = {b'a,b\n1,"x\ny"\n': True, b'a,b\n1,"x\r\ny"\r\n': True, b'a,b\n1,"x y"\n2,z\n': False,
             b"a,b\n1,2\n": False}
    for data, multiline in cases.items():
        assert _exact(data, 0, b",").multiline is multiline, data
        # the chunked counter (numpy) of files over 1 MiB
        big = tmp_path / "big.csv"
        big.write_bytes(b"a,b\n" + b"1,2\n" * 300_000 + data[4:])
        assert textfile.scan(big, ",").records.multiline is multiline, data
