"""CSV records are counted byte for byte, independently of DuckDB's reader: no record is
swallowed, dropped or renumbered silently (docs/data-contract.md, Bad input)."""

from __future__ import annotations

import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder, textfile
from customs_readiness.ingest.textfile import _Counter, _exact

from conftest import minimal_tables, table_snapshot, write_tables

IMPORTERS = "importer_number,importer_name\n"


def _folder(tmp_path, importers: bytes):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").write_bytes(importers)
    return folder


def _rows(con):
    return con.execute("select importer_number, importer_name, _row from importers order by _row").fetchall()


def _counts(con, file_name="importers.csv"):
    return con.execute("select rows_read, rows_loaded, rows_rejected from load_files where file_name = ?",
                       [file_name]).fetchone()


def test_unterminated_quote_refuses_the_file_naming_its_row(con, tmp_path):
    lines = [f"12-34567{i:02d}AB,Name {i}" for i in range(40)]
    lines[4] = '12-3456704AB,"Name 4'
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").write_text(IMPORTERS + "\n".join(lines) + "\n", encoding="utf-8")
    before = table_snapshot(con)
    with pytest.raises(DataFileError) as err:
        load_folder(con, folder)
    assert str(err.value) == ("importers.csv, row 6: a quote opens a field here and never closes: "
                              "the 35 line(s) after it would be read as one cell")
    assert table_snapshot(con) == before


def test_unterminated_quote_on_the_last_line_is_a_row_error(con, tmp_path):
    load_folder(con, _folder(tmp_path, (IMPORTERS + '12-3456789AB,Acme\n260101-12345,"Over\n').encode()))
    assert _counts(con) == (2, 1, 1)
    assert con.execute("select row_number from rejected_rows").fetchall() == [(3,)]


@pytest.mark.parametrize("title", ["Report\x0cof importers", "Report\x0bof importers",
                                   "Report\u2028of importers", "Report\x1cof\x1dimporters\x85"])
def test_title_row_with_a_line_separator_keeps_every_record(con, tmp_path, title):
    data = f"{title},\n{IMPORTERS}12-3456789AB,Acme\n260101-12345,Overseas\n"
    load_folder(con, _folder(tmp_path, data.encode("utf-8")))
    assert _rows(con) == [("12-3456789AB", "Acme", 3), ("260101-12345", "Overseas", 4)]


def test_row_numbers_count_blank_lines_and_refused_lines(con, tmp_path):
    data = (IMPORTERS + "12-3456789AB,Acme\n\n\nX,Y,Z\n260101-12345,Overseas\r\n\r\n"
            '33-1111111AA,"Two\nlines"\n44-2222222BB,After\n')
    load_folder(con, _folder(tmp_path, data.encode()))
    assert [(r[0], r[2]) for r in _rows(con)] == [
        ("12-3456789AB", 2), ("260101-12345", 6), ("33-1111111AA", 8), ("44-2222222BB", 9)]
    assert con.execute("select row_number, raw_value from rejected_rows").fetchall() == [(5, "X,Y,Z")]
    assert _counts(con) == (5, 4, 1)


def test_carriage_return_line_ends(con, tmp_path):
    load_folder(con, _folder(tmp_path, (IMPORTERS + "12-3456789AB,Acme\r260101-12345,Overseas\r")
                             .replace("\n", "\r").encode()))
    assert [r[2] for r in _rows(con)] == [2, 3]


def test_quote_inside_a_field_is_text_and_counts_agree(con, tmp_path):
    data = IMPORTERS + '12-3456789AB,Pipes 5" wide\n,,a"\n,\n260101-12345,Overseas\n'
    load_folder(con, _folder(tmp_path, data.encode()))
    assert _rows(con)[0] == ("12-3456789AB", 'Pipes 5" wide', 2)
    assert _counts(con) == (3, 2, 1)  # ",": an empty record, not counted


def test_a_record_the_parser_drops_refuses_the_file(con, tmp_path, monkeypatch):
    # Simulate a parser that swallows one record: the byte count disagrees, nothing loads.
    from customs_readiness.ingest import textfile

    real = textfile.scan

    def one_more(path, delimiter, *args):
        found = real(path, delimiter, *args)
        if path.name == "importers.csv":
            found.records.count += 1
        return found

    monkeypatch.setattr(textfile, "scan", one_more)
    before = table_snapshot(con)
    with pytest.raises(DataFileError) as err:
        load_folder(con, _folder(tmp_path, (IMPORTERS + "12-3456789AB,Acme\n").encode()))
    assert str(err.value) == ("importers.csv: the file holds 2 records after the header but the "
                              "CSV parser read 1: check its quoting (a quote character inside a field?)")
    assert table_snapshot(con) == before


def test_mixed_line_ends_are_read(con, tmp_path):
    data = IMPORTERS.replace("\n", "\r\n") + "12-3456789AB,Acme\n260101-12345,Overseas\r\n"
    load_folder(con, _folder(tmp_path, data.encode()))
    assert [r[2] for r in _rows(con)] == [2, 3]


def test_nul_byte_beyond_the_first_block_is_binary(con, tmp_path):
    rows = "".join(f"12-34{i:05d}AB,Name {i}\n" for i in range(5000))
    data = (IMPORTERS + rows).encode() + b"99-9999999ZZ,bad\x00name\n"
    with pytest.raises(DataFileError, match=r"^importers\.csv, row 5002: binary data"):
        load_folder(con, _folder(tmp_path, data))


def test_latin1_accents_beyond_64_kib_are_decoded(con, tmp_path):
    filler = "".join(f"12-34{i:05d}AB,Name {i}\n" for i in range(4000))
    assert len(filler) > 65536
    data = (IMPORTERS + filler + "99-9999999ZZ,Société Générale – “Café”\n").encode("cp1252")
    load_folder(con, _folder(tmp_path, data))
    assert con.execute("select importer_name from importers where importer_number = '99-9999999ZZ'"
                       ).fetchone() == ("Société Générale – “Café”",)
    assert _counts(con) == (4001, 4001, 0)


def test_windows_1252_punctuation_in_the_first_block(con, tmp_path):
    data = (IMPORTERS + "12-3456789AB,“Acme” – Sons…\n260101-12345,Overseas\n").encode("cp1252")
    load_folder(con, _folder(tmp_path, data))
    assert _rows(con)[0][1] == "“Acme” – Sons…"


def test_utf16_with_bom_from_excel(con, tmp_path):
    text = "importer_number\timporter_name\r\n12-3456789AB\tÅcme\r\n260101-12345\tOverseas\r\n"
    load_folder(con, _folder(tmp_path, text.encode("utf-16")))
    assert _rows(con) == [("12-3456789AB", "Åcme", 2), ("260101-12345", "Overseas", 3)]


def test_utf8_file_with_one_bad_byte_refuses_that_row(con, tmp_path):
    data = (IMPORTERS + "12-3456789AB,Zürich AG\n").encode() + b"260101-12345,Over\xffseas\n"
    load_folder(con, _folder(tmp_path, data))
    assert _rows(con) == [("12-3456789AB", "Zürich AG", 2)]
    assert con.execute("select row_number, reason from rejected_rows").fetchall() == [
        (3, "not UTF-8 text (the rest of the file is UTF-8)")]


def _fast(data: bytes, step: int, use_numpy: bool):
    c = _Counter(",", use_numpy)
    carry = b""
    for i in range(0, len(data), step):
        carry = c.feed(carry + data[i:i + step])
    c.feed(carry, final=True)
    return c.result()


@pytest.mark.parametrize("data", [
    b"a,b\r\n\r\nc,\"d\r\ne\"\r\n", b'a,"x""y"\n\n', b'"a\n\n"\n\nb', b"\r\r\n\n", b'a,"b\nc',
    b'x,5" pipe\ny\n', b"a\r\nb\nc\r\n\r\nd\n\ne\r\n", b"\na\r\n",
    # the last opening quote of a chunk is the second half of a "" (the open field began
    # before it), or the file ends inside a field opened after a "" cell
    b'a,"b""c\nd,e\n', b'"""a\n"b', b'x,"",""\n"y', b'"",""""\n',
    # plain chunks (no quote, no CR) of growing and shrinking sizes, with empty records
    b"a,b\nc\n\nd,e\n", b"\nab\ncd\n\n\nef", b"abc\ndefgh\nij\n",
])
@pytest.mark.parametrize("use_numpy", [True, False])
def test_fast_counter_agrees_with_the_state_machine(data, use_numpy):
    exact = _exact(data, 0, b",")
    for step in (1, 2, 3, 5, 64):
        fast = _fast(data, step, use_numpy)
        if fast is not None:  # None: quotes inside fields, counted by the state machine
            assert (fast.count, fast.blank, fast.open_quote, fast.swallowed, fast.quoted) == (
                exact.count, exact.blank, exact.open_quote, exact.swallowed, exact.quoted)
    assert exact.quoted == (b'"' in data)


@pytest.mark.parametrize("data", [
    # every field quoted (a header too), as many exporters write: the first byte and the
    # last are quotes; empty quoted fields and quotes doubled inside a field
    b'"a","b"\n"c",""\n"d","e ""f"""',
    b'"a","b"\r\n"","x"\r\n"y",""\r\n',
    b'""\n"a"',
])
@pytest.mark.parametrize("use_numpy", [True, False])
def test_fast_counter_counts_files_quoted_from_the_first_byte(data, use_numpy):
    # The fast counter must not give up on them: the state machine it falls back to takes
    # about 4 s for 34 MB (under NumPy 2 a quote at the first byte once sent every such
    # file there).
    exact = _exact(data, 0, b",")
    for step in (1, 2, 3, 5, 64):
        fast = _fast(data, step, use_numpy)
        assert fast is not None, step
        assert (fast.count, fast.blank, fast.open_quote, fast.swallowed, fast.quoted) == (
            exact.count, exact.blank, exact.open_quote, exact.swallowed, exact.quoted)


def _trusting(data: bytes, step: int, use_numpy: bool, start: int):
    """_fast with a proof saying every line from byte ``start`` on is one record."""
    asked = []
    c = _Counter(",", use_numpy, lambda: asked.append(start) or start)
    carry = b""
    for i in range(0, len(data), step):
        carry = c.feed(carry + data[i:i + step])
    c.feed(carry, final=True)
    return c.result(), c.trusted, asked


_PROVED_LINES = b'"1","x ""y"", z"\n' * 30


@pytest.mark.parametrize(("data", "start"), [
    (b'"a","b"\n' + _PROVED_LINES, 8),
    (b'"a","b"\r\n' + _PROVED_LINES.replace(b"\n", b"\r\n"), 9),
    (b'"a","b"\n' + _PROVED_LINES.replace(b"\n", b"\r\n", 5), 8),  # CRLF and LF mixed
    (b'"a","b"\n' + _PROVED_LINES + b'"2",""', 8),  # no line end after the last line
    (b'"a","b"\n' + _PROVED_LINES + b'"2","\x00"\n' + _PROVED_LINES, 8),  # a NUL in a cell
    (b"a,b\n" + b'1,"2"\n3,4\n' * 20, 4),  # quotes on some lines only
    # A proof that disagrees with the count where the counter would start trusting it (the
    # first record is a quoted field over five lines, "" on each): in 3-byte chunks the
    # first line end of the first quoted chunk after the first lies inside that field, and
    # the counter counts on by itself.
    (b'"a\n"",\n"",\n"",\n"",\nb","c"\n' + _PROVED_LINES, 0),
])
@pytest.mark.parametrize("use_numpy", [True, False])
def test_a_proved_file_counted_as_plain_lines_agrees_with_the_state_machine(data, start,
                                                                             use_numpy):
    # From the first quoted chunk after the first, the counter asks the proof (the loader
    # waits for direct.prove) and counts the proved lines as records: line ends only, no
    # quote placed. It must find what the state machine finds, chunk sizes whatever.
    exact = _exact(data, 0, b",")
    for step in (1, 2, 3, 5, 7, 64):
        fast, trusted, asked = _trusting(data, step, use_numpy, start)
        assert (fast.count, fast.blank, fast.open_quote, fast.swallowed, fast.quoted, fast.nul,
                fast.mixed_line_ends, fast.multiline) == (
            exact.count, exact.blank, exact.open_quote, exact.swallowed, exact.quoted,
            exact.nul, exact.mixed_line_ends, exact.multiline), step
        assert asked == [start]  # asked once
        if step == 64 and start:
            assert trusted is True
    if not start:
        assert _trusting(data, 3, use_numpy, start)[1] is False


@pytest.mark.parametrize("use_numpy", [True, False])
def test_an_unproved_file_is_counted_quote_by_quote(use_numpy):
    data = b'"a","b"\n' + _PROVED_LINES
    fast, trusted, asked = _trusting(data, 64, use_numpy, None)
    assert (trusted, asked, fast.count) == (False, [None], 31)
    # a file without a quote after its first chunk never asks (nor waits for the proof)
    fast, trusted, asked = _trusting(b'"a","b"\n' + b"1,2\n" * 40, 64, use_numpy, 8)
    assert (trusted, asked, fast.count) == (None, [], 41)


def test_a_large_file_quoted_throughout_is_counted_by_the_fast_counter(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b'"a","b"\n' + b'"12-3456789AB","Acme ""Tools"", Inc."\n' * 40_000
                     + b'"12-3456789AC",""')
    assert path.stat().st_size > textfile.SMALL

    def refuse(*_args):
        raise AssertionError("counted by the state machine")

    monkeypatch.setattr(textfile, "count_records", refuse)
    records = textfile.scan(path, ",").records
    assert (records.count, records.quoted, records.open_quote, records.blank) == (
        40_002, True, None, [])


@pytest.mark.parametrize(("tail", "quoted"), [(b"", False), (b'x,"y"\n', True), (b'x,y"', True)])
def test_a_large_file_says_whether_it_holds_a_quote(tmp_path, tail, quoted):
    # Over 1 MiB (counted chunk by chunk): a file without any quote is read line by line
    # (direct.py); one quote, even the very last byte, rules that out.
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"12-3456789AB,Acme\n" * 80_000 + tail)
    records = textfile.scan(path, ",").records
    assert records.quoted is quoted
    assert records.count == 80_001 + (1 if tail else 0)


def test_a_large_file_is_counted_in_chunks_the_same_way(con, tmp_path):
    # Over 1 MiB: counted chunk by chunk (numpy), blank lines, CRLF, quoted line breaks and a
    # quoted delimiter included; the row numbers and counts match the small-file counter's.
    lines = []
    for i in range(30_000):
        name = f'"Name {i}, ""quoted""\r\nsecond line"' if i % 7 == 0 else f"Name {i} {'x' * 20}"
        lines.append(f"12-{i:07d}AB,{name}")
        if i % 1000 == 999:
            lines.append("")
    data = ("importer_number,importer_name\r\n" + "\r\n".join(lines) + "\r\n").encode()
    assert len(data) > 1 << 20
    load_folder(con, _folder(tmp_path, data))
    assert _counts(con) == (30_000, 30_000, 0)
    rows = dict(con.execute("select importer_number, _row from importers").fetchall())
    # record i is on row i + 2, plus one blank line after every 1,000 records
    assert rows["12-0000000AB"] == 2 and rows["12-0000999AB"] == 1001
    assert rows["12-0001000AB"] == 1003 and rows["12-0029999AB"] == 30_000 + 1 + 29
    name = con.execute("select importer_name from importers where importer_number = '12-0000007AB'"
                       ).fetchone()[0]
    assert name == 'Name 7, "quoted"\r\nsecond line'
    # numpy (large loads) and bytes (smaller ones) count the chunks alike
    path = tmp_path / "d" / "importers.csv"
    assert textfile.scan(path, ",", use_numpy=True) == textfile.scan(path, ",", use_numpy=False)


def test_a_large_file_with_an_unterminated_quote(con, tmp_path):
    lines = [f"12-{i:07d}AB,Name {i}" for i in range(60_000)]
    lines[40_000] = '12-0040000AB,"Name'
    data = ("importer_number,importer_name\n" + "\n".join(lines) + "\n").encode()
    assert len(data) > 1 << 20
    with pytest.raises(DataFileError, match=r"^importers\.csv, row 40002: a quote opens a field here "
                                            r"and never closes: the 19,999 line\(s\) after it"):
        load_folder(con, _folder(tmp_path, data))


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\u2028"])
def test_es003_title_row_with_a_line_separator_keeps_every_record(tmp_path, separator):
    from _es003_fixtures import DUTY, ENTERED_VALUE, counts, load, totals, write_es003_csv

    path = write_es003_csv(tmp_path / "data" / "ES-003 export.csv",
                           title_rows=[[f"ES-003 Entry Summary Line Tariff Details{separator}page 1"],
                                       [f"Run date{separator}03/31/2026"]])
    con, _ = load(path.parent, tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
    assert counts(con)["entry_lines"] == (4, 4, 0)
    assert con.execute("select min(_row) from entry_lines").fetchone() == (4,)
