"""Hypothesis: CSV files whose every cell is canonical (the typed read's only input),
quote-free or with the cells of some columns quoted, and the same files with one cell
that is not. However DuckDB's typed reader gets
them, the tables and refused rows must be those of the line read and of the full rules
(ingest/direct.py, ingest/wholefile.py; docs/robustness.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customs_readiness import schema
from customs_readiness.db import connect
from customs_readiness.ingest import direct, load_folder, wholefile
from customs_readiness.ingest.sources import table_file_source

from _fuzz import FUZZ

ENTRIES = ["ABC12345671", "ABC12345682", "ZZZ00000000"]
IDENT = "".join(chr(c) for c in range(0x21, 0x61) if chr(c) not in ',;\t|"') + "{}~"  # no delimiter


def _digits(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=lo, max_size=hi)


def _amount() -> st.SearchStrategy[str]:
    return st.tuples(_digits(1, 16), st.sampled_from(["", ".", ".."])).flatmap(
        lambda p: st.just(p[0]) if not p[1] else _digits(len(p[1]), len(p[1])).map(lambda f: f"{p[0]}.{f}"))


def _ident() -> st.SearchStrategy[str]:
    edge = st.sampled_from(IDENT)
    inner = st.text(IDENT + " ", max_size=6)
    return st.one_of(edge, st.tuples(edge, inner, edge).map("".join))


def _optional(cells: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), cells)


LINE = st.tuples(
    st.sampled_from(ENTRIES),                # entry_number
    _digits(1, 9),                           # line_number
    _optional(_digits(1, 9)),                # tariff_ordinal
    _digits(10, 10),                         # hts_number
    _optional(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)),  # country
    _optional(_ident()),                     # manufacturer_id
    _amount(),                               # entered_value
    _optional(_amount()),                    # duty_amount
    _optional(_ident()),                     # spi
)
HEADER = ["entry_number", "line_number", "tariff_ordinal", "hts_number", "country_of_origin",
          "manufacturer_id", "entered_value", "duty_amount", "spi"]
# Cells the typed reader would take, and take wrongly, were they not refused first:
# 1.5 as the integer 2, 0x10 as 16, 1.005 as 1.01, +1 and " 1" as 1, 1e2 as 100.
LENIENT = [(1, "1.5"), (1, "0x10"), (6, "1.005"), (6, "+1"), (1, " 1"), (7, "1e2"), (2, "1_0")]


def _as_written(row: list[str], delim: str) -> list[str]:
    """The row as ACE, spreadsheets and pandas write it: a dashed entry number, a dotted
    HTS number, the line number as a float, dollar amounts (grouped where the comma is no
    delimiter and the amount has at most 15 integer digits; none in a semicolon file, whose
    amounts are read strictly: normalize.POINT_ONLY)."""
    out = list(row)
    e, h = out[0], out[3]
    out[0] = f"{e[:3]}-{e[3:10]}-{e[10]}"
    out[3] = f"{h[:4]}.{h[4:6]}.{h[6:]}"
    out[1] = f"{out[1]}.0"
    for k in (6, 7) if delim != ";" else ():
        if out[k]:
            whole, _, cents = out[k].partition(".")
            digits = whole.lstrip("0") or "0"
            if delim not in ",;" and len(digits) <= 15:
                groups = []
                while digits:
                    groups.insert(0, digits[-3:])
                    digits = digits[:-3]
                whole = ",".join(groups)
            out[k] = "$" + whole + (f".{cents}" if _ else "")
    return out


def _snapshot(folder: Path, db: Path, monkeypatch, way: str):
    with monkeypatch.context() as m:
        if way == "line":
            m.setattr(wholefile, "all_lines_match", lambda *args, **kwargs: False)
        con = connect(db)
        try:
            result = load_folder(con, folder, fast_path=way != "full rules")
            return ({t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
                     for t in [*schema.TABLES, "rejected_rows"]},
                    [(f.file_name, f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files])
        finally:
            con.close()


@FUZZ
@given(lines=st.lists(LINE, min_size=1, max_size=40), delim=st.sampled_from(",;\t|"),
       end=st.sampled_from(["\n", "\r\n"]), spoil=st.one_of(st.none(), st.tuples(
           st.integers(min_value=0), st.sampled_from(LENIENT))), written=st.booleans(),
       midnight=st.sampled_from([" 00:00:00", "T00:00:00.000000", " 00:00", "T0:00"]))
def test_typed_read_equals_line_read_and_full_rules(tmp_path_factory, monkeypatch, reads, lines, delim,
                                                    end, spoil, written, midnight):
    # ``written``: every line as ACE, spreadsheets and pandas write it (the as-written style),
    # and the entries as pandas writes them back: entry type 1 for 01, a datetime at midnight
    folder = tmp_path_factory.mktemp("data")
    (folder / "importers.csv").write_text("importer_number,importer_name\n12-3456789AB,Acme\n")
    entry_type, time = ("1", midnight) if written else ("01", "")
    (folder / "entries.csv").write_text(
        "entry_number,entry_type,importer_number,entry_date\n"
        + "".join(f"{e},{entry_type},12-3456789AB,2026-01-{i + 10}{time}\n"
                  for i, e in enumerate(ENTRIES[:2])))
    rows = [_as_written(list(r), delim) if written else list(r) for r in lines]
    if spoil is not None:
        at, (col, cell) = spoil
        rows[at % len(rows)][col] = cell
    (folder / "entry_lines.csv").write_bytes(
        end.join(delim.join(r) for r in [HEADER, *rows]).encode() + end.encode())
    reads.clear()
    snaps = {}
    for way in ("typed", "line", "full rules"):
        snaps[way] = _snapshot(folder, tmp_path_factory.mktemp("db") / "t.duckdb", monkeypatch, way)
        if way == "typed":
            # the typed reader took the file only when no cell needed the full rules
            assert reads["entry_lines.csv"] == ("line" if spoil else "typed")
            assert reads["entries.csv"] == "typed"
    assert snaps["typed"] == snaps["line"] == snaps["full rules"]


@FUZZ
@given(lines=st.lists(LINE, min_size=1, max_size=40), delim=st.sampled_from(",;\t|"),
       end=st.sampled_from(["\n", "\r\n"]), spoil=st.one_of(st.none(), st.tuples(
           st.integers(min_value=0), st.sampled_from(LENIENT))), written=st.booleans(),
       quoted=st.lists(st.booleans(), min_size=len(HEADER), max_size=len(HEADER)))
def test_quoted_typed_read_equals_parser_and_full_rules(tmp_path_factory, monkeypatch, reads, lines,
                                                        delim, end, spoil, written, quoted):
    # The same lines with the cells of some columns in quotes (at least one; the entries
    # file quoted throughout, as Python's QUOTE_ALL writes it): the typed reader, quoting
    # on, must store what the CSV parser and the full rules store, and take the file only
    # when no cell needs the full rules.
    folder = tmp_path_factory.mktemp("data")
    (folder / "importers.csv").write_text("importer_number,importer_name\n12-3456789AB,Acme\n")
    (folder / "entries.csv").write_text(
        '"entry_number","entry_type","importer_number","entry_date"\n'
        + "".join(f'"{e}","01","12-3456789AB","2026-01-{i + 10}"\n' for i, e in enumerate(ENTRIES[:2])))
    rows = [_as_written(list(r), delim) if written else list(r) for r in lines]
    if spoil is not None:
        at, (col, cell) = spoil
        rows[at % len(rows)][col] = cell
    quoted = quoted if any(quoted) else [True, *quoted[1:]]
    (folder / "entry_lines.csv").write_bytes(end.join(
        delim.join(f'"{c}"' if q else c for c, q in zip(r, quoted, strict=True))
        for r in [HEADER, *rows]).encode() + end.encode())
    reads.clear()
    snaps = {}
    for way in ("typed", "line", "full rules"):  # (line: no proof, so the parser reads it)
        snaps[way] = _snapshot(folder, tmp_path_factory.mktemp("db") / "t.duckdb", monkeypatch, way)
        if way != "full rules":
            assert reads["entry_lines.csv"] == ("typed" if way == "typed" and not spoil else "parser")
            assert reads["entries.csv"] == way.replace("line", "parser")
    assert snaps["typed"] == snaps["line"] == snaps["full rules"]


@pytest.mark.parametrize(("col", "cell"), LENIENT)
def test_a_cell_the_typed_reader_would_misread_keeps_the_file_from_it(tmp_path, col, cell):
    row = ["ABC12345671", "1", "", "8471300100", "", "", "10.00", "", ""]
    row[col] = cell
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "entry_lines.csv").write_text(",".join(HEADER) + "\n" + ",".join(row) + "\n")
    path = folder / "entry_lines.csv"
    line = direct._line_shapes(table_file_source(path, schema.TABLES["entry_lines"]), len(HEADER), ",",
                               "point")
    assert line is not None
    assert not wholefile.all_lines_match(path, 2, line)
    row[col] = {1: "2", 2: "10", 6: "1.01", 7: "100"}[col]  # what it would read: canonical
    path.write_text(",".join(HEADER) + "\n" + ",".join(row) + "\n")
    assert wholefile.all_lines_match(path, 2, line)
