"""Property-based fuzzing of CSV input (Hypothesis): generated files with hostile cells,
delimiters, line ends, encodings, title rows and blank lines load every record exactly as
written (or refuse it with a reason); randomly damaged files load or are refused with one
line, never crash, and a refused load leaves the database byte-identical."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import assume, example, given
from hypothesis import strategies as st

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.ingest.textfile import _UTF8_MULTI

from _fuzz import FUZZ, load_checked, stored_text
from conftest import minimal_tables, write_tables


@contextlib.contextmanager
def loaded(template: Path, file_name: str, data: bytes):
    """The minimal folder with ``file_name`` replaced by ``data``, loaded (load_checked)
    into a copy of the template database: yields (result, connection), both None for a
    refused load; the connection is closed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = write_tables(tmp / "d", minimal_tables())
        (folder / file_name).write_bytes(data)
        db = tmp / "db.duckdb"
        shutil.copy(template, db)
        result, con = load_checked(folder, db)
        try:
            yield result, con
        finally:
            if con is not None:
                con.close()


HOSTILE = ["=1+2", "+1", "-1", "@SUM(A1)", '"', '""', '"quoted"', ",", ";", "|", "\t", "\n",
           "\r\n", "\r", '5" pipe', "a\u2028b", "x\x0cy", "\x0b", "\x85", "é", "Zürich",
           "“smart” – quotes…", "€100", "日本語", "עברית", "🚢📦", " ", "  padded  ", "",
           "\ufeff", "<script>alert(1)</script>", "x" * 300]
cells = st.one_of(st.sampled_from(HOSTILE),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                          max_size=20))


def _expected(name: str, mixed: bool) -> str | None:
    """The stored importer_name of a written cell (spaces trimmed, empty = NULL)."""
    if mixed:  # read through a copy whose lines all end in LF (docs/data-contract.md)
        name = name.replace("\r\n", "\n").replace("\r", "\n")
    return stored_text(name)


def _mixed_line_ends(text: str) -> bool:
    crlf = text.count("\r\n")
    return sum(1 for n in (crlf, text.count("\n") - crlf, text.count("\r") - crlf) if n) > 1


@st.composite
def csv_files(draw):
    names = draw(st.lists(cells, max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    titles = draw(st.lists(st.sampled_from(["Importer register", "Report\x0cpage 1",
                                            "Run\u2028date", "Filter: all, \"quoted\""]), max_size=2))
    blanks = draw(st.lists(st.integers(0, len(names)), max_size=3))
    quote_all = draw(st.booleans())

    def field(text: str) -> str:
        # Quoted where the CSV grammar needs it (Python's csv.writer leaves a lone CR
        # unquoted when lines end in LF, which makes another file), or always.
        if quote_all or any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines: list[str] = []
    rows: list[tuple[str, str, int]] = []  # (importer_number, name, record number)
    lines += [field(t) for t in titles]
    lines.append(delimiter.join(["importer_number", "importer_name"]))
    for i, name in enumerate(names):
        lines += [""] * blanks.count(i)
        number = f"12-34{i:05d}AB"
        lines.append(field(number) + delimiter + field(name))
        rows.append((number, name, len(lines)))
    text = terminator.join(lines) + terminator
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    # A Windows-1252 file whose bytes happen to read as UTF-8 is read as UTF-8 (its text
    # is then another text): not what this property is about.
    assume(encoding != "cp1252" or data.isascii() or not _UTF8_MULTI.search(data))
    return data, rows, _mixed_line_ends(text), delimiter


@FUZZ
@given(csv_files())
@example((b"importer_number,importer_name\n12-3400000AB,\xc2\xa0\n",
          [("12-3400000AB", "\xa0", 2)], False, ","))  # a no-break space alone is blank
def test_every_record_is_loaded_as_written_or_refused_with_a_reason(template, generated):
    data, rows, mixed, _delimiter = generated
    with loaded(template, "importers.csv", data) as (result, con):
        if result is None:
            # Refused as a whole: only when the header could not be found (a delimiter the
            # sniffer could not tell from cells full of other delimiters).
            return
        stats = {f.file_name: f for f in result.files}["importers.csv"]
        # loaded + refused = the records written (blank lines are not records)
        assert stats.rows_read == len(rows)
        stored = con.execute(
            "select importer_number, importer_name, _row from importers where _load_id = ? "
            "order by _row", [result.load_id]).fetchall()
        wanted = [(n, _expected(name, mixed), r) for n, name, r in rows
                  if _expected(name, mixed) is not None]
        assert stored == wanted
        refused = con.execute("select row_number, reason from rejected_rows where load_id = ? "
                              "order by row_number", [result.load_id]).fetchall()
        assert refused == [(r, "missing required value") for n, name, r in rows
                           if _expected(name, mixed) is None]


MUTATIONS = [b'"', b",", b";", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\x93", b"\xc3",
             b"\xef\xbb\xbf", b"\x0c", b"   ", b"-", b"$", b"1,2"]


@st.composite
def damaged(draw):
    tables = minimal_tables()
    name = draw(st.sampled_from(["importers", "entries", "entry_lines"]))
    header, rows = tables[name]
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    data = bytearray(buf.getvalue().encode())
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(MUTATIONS))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 4))]
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        else:
            end = min(len(data), at + draw(st.integers(1, 40)))
            data[at:at] = data[at:end]
    return name, bytes(data)


@FUZZ
@given(damaged())
def test_damaged_files_load_or_are_refused_in_one_line(template, case):
    name, data = case
    with loaded(template, f"{name}.csv", data):
        pass  # the invariants are load_checked's


@given(st.lists(st.sampled_from(["12,50", "1.200,00", "1,234.56", "1.234", "12 50", "1 234,5",
                                 "99", "0,01", "1.000.000,00"]), min_size=1, max_size=6))
@FUZZ
def test_a_european_file_never_loads_amounts_multiplied(template, amounts):
    """Semicolon-separated, amounts as a European spreadsheet writes them: each amount is
    loaded at its face value only when no reading of it is ambiguous, else refused."""
    lines = ["entry_number;line_number;hts_number;entered_value"]
    lines += [f"ABC12345671;{i + 1};8471300100;{a}" for i, a in enumerate(amounts)]
    with loaded(template, "entry_lines.csv", ("\n".join(lines) + "\n").encode()) as (result, con):
        stored = dict(con.execute("select line_number, cast(entered_value as varchar) "
                                  "from entry_lines where _load_id = ?", [result.load_id]).fetchall())
    for i, a in enumerate(amounts):
        if "," in a or (a.count(".") and len(a.split(".")[-1]) == 3):
            assert i + 1 not in stored, a  # ambiguous: refused
        elif i + 1 in stored:
            assert stored[i + 1] == f"{int(a.replace(' ', '')):d}.00"


@st.composite
def stray_delimiters(draw):
    """Entry lines with a delimiter put somewhere inside an unquoted cell of some of them
    (a thousands separator left unquoted, a code typed with a delimiter): (file bytes, the
    lines as (row number, entered value, spi, whether a delimiter went in))."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote_hts = draw(st.booleans())  # a quote in the file: the CSV parser, not the line read
    lines = ["entry_number,line_number,hts_number,entered_value,spi".replace(",", delimiter)]
    rows = []
    for i in range(draw(st.integers(1, 8))):
        value = f"{draw(st.integers(0, 10**9))}.{draw(st.integers(0, 99)):02d}"
        spi = draw(st.sampled_from(["", "A", "S"]))
        cells = ["ABC12345671", str(i + 1), "8471300100", value, spi]
        stray = draw(st.booleans())
        if stray:
            k = draw(st.sampled_from([0, 1, 3, 4] if quote_hts else [0, 1, 2, 3, 4]))
            at = draw(st.integers(0, len(cells[k])))
            cells[k] = cells[k][:at] + delimiter + cells[k][at:]
        if quote_hts:
            cells[2] = f'"{cells[2]}"'
        lines.append(delimiter.join(cells))
        rows.append((len(lines), value, spi or None, stray))
    return ("\n".join(lines) + "\n").encode(), rows


@FUZZ
@given(stray_delimiters())
def test_a_delimiter_inside_an_unquoted_cell_refuses_its_line(template, generated):
    """A record with one cell more than the header is refused whole, whichever cell took
    the delimiter and wherever (an empty last cell included); every other line loads with
    its own values in its own columns."""
    from decimal import Decimal

    data, rows = generated
    with loaded(template, "entry_lines.csv", data) as (result, con):
        stored = con.execute(
            "select _row, entered_value, spi from entry_lines where _load_id = ? order by _row",
            [result.load_id]).fetchall()
        refused = con.execute(
            "select row_number, reason from rejected_rows where load_id = ? order by row_number",
            [result.load_id]).fetchall()
    assert stored == [(r, Decimal(v), spi) for r, v, spi, stray in rows if not stray]
    assert [r for r, _ in refused] == [r for r, _, _, stray in rows if stray]
    assert all(why.startswith("malformed CSV line: 6 cells where the header has 5")
               for _, why in refused)


def _template_db(path: Path) -> Path:
    """A database holding one earlier load, so every example loads into a non-empty one."""
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(path)
        load_folder(con, write_tables(Path(tmp) / "earlier", minimal_tables()))
        con.close()
    return path


import pytest  # noqa: E402  (fixtures after the tests they serve read better here)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return _template_db(tmp_path_factory.mktemp("fuzz") / "template.duckdb")


_BARE = st.text(alphabet=st.sampled_from(list("ab1 -.:\x00é")), max_size=4)
_QUOTED = st.text(alphabet=st.sampled_from(list('ab,;"\x00é ')), max_size=5).map(
    lambda t: '"' + t.replace('"', '""') + '"')


@st.composite
def proved_lines(draw):
    """A header and lines of cells, each bare (no quote, delimiter or line break) or quoted
    (anything but a line break inside, quotes doubled), as direct.prove proves them: each
    line one record. Line ends LF or CRLF, mixed at random; maybe none after the last line."""
    ncols = draw(st.integers(1, 4))
    lines = draw(st.lists(st.lists(st.one_of(_BARE, _QUOTED), min_size=ncols, max_size=ncols),
                          min_size=1, max_size=40))
    lines = [cells for cells in lines if "".join(cells) or ncols > 1]  # (an empty line is none)
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines) + 1,
                         max_size=len(lines) + 1))
    header = '"h1"' + ',"h"' * (ncols - 1) + ends[0]
    body = "".join(",".join(cells) + end for cells, end in zip(lines, ends[1:], strict=False))
    if draw(st.booleans()):
        body = body.rstrip("\r\n") if body.rstrip("\r\n") else body
    return (header + body).encode("utf-8"), len(header.encode("utf-8"))


@FUZZ
@given(proved_lines(), st.integers(1, 80), st.booleans())
def test_a_proved_file_counted_by_its_line_ends_is_counted_as_the_state_machine_counts_it(
        generated, step, use_numpy):
    # The byte scan trusts the whole-file proof (textfile._Counter._trust): from its first
    # quoted chunk after the first on, a proved file's lines are counted by their line
    # ends. Whatever the cells, line ends and chunk size, it must find what the exact
    # state machine finds.
    from customs_readiness.ingest.textfile import _Counter, _exact

    data, start = generated
    exact = _exact(data, 0, b",")
    c = _Counter(",", use_numpy, lambda: start)
    carry = b""
    for i in range(0, len(data), step):
        carry = c.feed(carry + data[i:i + step])
    c.feed(carry, final=True)
    fast = c.result()
    assert (fast.count, fast.blank, fast.open_quote, fast.swallowed, fast.quoted, fast.nul,
            fast.mixed_line_ends, fast.multiline) == (
        exact.count, exact.blank, exact.open_quote, exact.swallowed, exact.quoted, exact.nul,
        exact.mixed_line_ends, exact.multiline)
