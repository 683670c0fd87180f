"""Counting lines as their tariff ordinal 1 rows (period_volume), and when not to.

The loader's key test (checks.repeats_bound) also counts, per lines file, the lines that may
lack an ordinal 1 row; load_files keeps whether that count was 0, and a later load that takes
some rows of a lines file clears it. The metrics count the period's lines as ordinal 1 rows
only when every row of entry_lines comes from a file that showed it; otherwise the distinct
(entry number, line number) pairs, as before. Every case below has its line count worked out
by hand, and the count must be the same whichever way V takes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customs_readiness import schema as s
from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.ingest.checks import repeats_bound
from customs_readiness.metrics import compute_or_load, engine, period_for
from customs_readiness.policy import load_policy

from conftest import write_tables


def _lacking(keys: list[tuple]) -> tuple[int, int]:
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar, line_number integer, tariff_ordinal integer)")
    if keys:
        con.executemany("insert into t values (?, ?, ?)", keys)
    return con.execute(repeats_bound(s.ENTRY_LINES, "t")).fetchone()[:2]


@pytest.mark.parametrize(("keys", "lacking"), [
    pytest.param([], 0, id="no rows"),
    pytest.param([("A", 1, 1), ("A", 1, 2), ("A", 1, 3), ("A", 2, 1)], 0, id="every line has 1"),
    pytest.param([("A", 1, 1), ("A", 2, 2)], 1, id="line 2 only ordinal 2"),
    # line 1 and line 16 use the same byte of the mask, in two blocks
    pytest.param([("A", 1, 2), ("A", 16, 2), ("A", 31, 1)], 2, id="one per block"),
    pytest.param([("A", 3, 1), ("B", 3, 2)], 1, id="same line, other entry"),
    # line 15 is the mask's last byte: ordinal 8 alone lacks, with ordinal 1 it does not
    pytest.param([("A", 15, 8)], 1, id="last byte, ordinal 8 only"),
    pytest.param([("A", 15, 1), ("A", 15, 8)], 0, id="last byte, ordinals 1 and 8"),
    pytest.param([("A", 14, 8), ("A", 15, 1)], 1, id="ordinal 8 of the byte before"),
    # rows out of the masks (ordinal 9, line 0) each count: only a bound then
    pytest.param([("A", 1, 1), ("A", 1, 9)], 1, id="ordinal 9 counts"),
    pytest.param([("A", 0, 1)], 1, id="line 0 counts"),
])
def test_the_key_test_counts_lines_without_ordinal_1(keys, lacking):
    assert _lacking(keys) == (0, lacking)


def test_other_tables_have_no_count():
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar)")
    con.execute("insert into t values ('A')")
    assert con.execute(repeats_bound(s.ENTRIES, "t")).fetchone() == (0, None, None)


HEADER = ["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value"]
IMPORTERS = (["importer_number", "importer_name"], [["12-3456789AB", "Acme Inc"]])


def _entries(*numbers: str):
    return (["entry_number", "entry_type", "importer_number", "entry_date"],
            [[n, "01", "12-3456789AB", "2026-03-01"] for n in numbers])


def _folder(path: Path, entries: tuple[str, ...], lines: list[list[str]]) -> Path:
    return write_tables(path, {"importers": IMPORTERS, "entries": _entries(*entries),
                               "entry_lines": (HEADER, lines)})


def _flags(con) -> list[tuple]:
    return con.execute("select load_id, every_line_has_ordinal_1 from load_files "
                       "where table_name = 'entry_lines' order by load_id").fetchall()


def _lines_both_ways(con, monkeypatch) -> tuple[int, int, bool]:
    """V's line count as the metrics take it, and forced through the distinct lines; and
    which way the metrics took."""
    policy = load_policy(None)
    shown = engine.every_line_has_ordinal_1(con)
    taken = compute_or_load(con, period_for(2026), policy, store=False, reuse=False)
    with monkeypatch.context() as m:
        m.setattr(engine, "every_line_has_ordinal_1", lambda _con: False)
        distinct = compute_or_load(con, period_for(2026), policy, store=False, reuse=False)
    count = lambda f: sum(r[f.volume[0].index("lines")] for r in f.volume[1])  # noqa: E731
    return count(taken), count(distinct), shown


LINES = [["AAA00000011", "1", "1", "8471300100", "100"],
         ["AAA00000011", "1", "2", "9903880300", "0"],
         ["AAA00000011", "2", "1", "8473300100", "50"],
         ["AAA00000022", "1", "1", "6109100012", "30"]]


def test_clean_lines_are_counted_by_their_ordinal_1(tmp_path, monkeypatch):
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "d", ("AAA00000011", "AAA00000022"), LINES))
    assert _flags(con) == [(1, True)]
    # lines: AAA..11 line 1 (two ordinals) and line 2, AAA..22 line 1
    assert _lines_both_ways(con, monkeypatch) == (3, 3, True)
    con.close()


def test_a_line_without_ordinal_1_is_counted_once_all_the_same(tmp_path, monkeypatch):
    con = connect(tmp_path / "v.duckdb")
    lines = [*LINES, ["AAA00000022", "2", "2", "9903880300", "0"],   # line 2: ordinals 2
             ["AAA00000022", "2", "3", "9903880301", "0"]]           # and 3, no 1
    load_folder(con, _folder(tmp_path / "d", ("AAA00000011", "AAA00000022"), lines))
    assert _flags(con) == [(1, False)]
    assert _lines_both_ways(con, monkeypatch) == (4, 4, False)
    con.close()


def test_a_refused_ordinal_1_row_leaves_its_line_without_one(tmp_path, monkeypatch):
    con = connect(tmp_path / "v.duckdb")
    lines = [*LINES[:2], ["AAA00000011", "2", "1", "not an hts", "50"], LINES[3],
             ["AAA00000011", "2", "2", "9903880300", "0"]]
    load_folder(con, _folder(tmp_path / "d", ("AAA00000011", "AAA00000022"), lines))
    assert con.execute("select row_number from rejected_rows").fetchall() == [(4,)]
    assert _flags(con) == [(1, False)]
    # line 2 of AAA..11 keeps its ordinal 2 row: still one line
    assert _lines_both_ways(con, monkeypatch) == (3, 3, False)
    con.close()


def test_a_repeated_key_is_no_proof(tmp_path, monkeypatch):
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "d", ("AAA00000011", "AAA00000022"), [*LINES, LINES[0]]))
    assert _flags(con) == [(1, False)]
    assert _lines_both_ways(con, monkeypatch) == (3, 3, False)
    con.close()


def test_a_later_load_taking_an_ordinal_1_row_clears_the_proof(tmp_path, monkeypatch):
    """Folder B re-delivers line 1 ordinal 1 of A's entry; B is then reloaded without it.
    A's line 1 keeps only its ordinal 2 row and must still count as a line."""
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "a", ("AAA00000011", "AAA00000022"), LINES))
    b_lines = [["AAA00000011", "1", "1", "8471300100", "101"], ["BBB00000011", "1", "1", "8471300100", "7"]]
    load_folder(con, _folder(tmp_path / "b", ("BBB00000011",), b_lines))
    assert _flags(con) == [(1, False), (2, True)]
    # A's line 1 (ordinal 2 from A, ordinal 1 from B), A's line 2, A..22 line 1, B's line 1
    assert _lines_both_ways(con, monkeypatch) == (4, 4, False)
    load_folder(con, _folder(tmp_path / "b", ("BBB00000011",), b_lines[1:]))
    assert con.execute("select line_number, tariff_ordinal from entry_lines "
                       "where entry_number = 'AAA00000011' order by all").fetchall() == [(1, 2), (2, 1)]
    assert _flags(con) == [(1, False), (2, True)]  # (the reload takes the freed id)
    assert _lines_both_ways(con, monkeypatch) == (4, 4, False)
    con.close()


def test_whole_entries_re_delivered_keep_the_proof(tmp_path, monkeypatch):
    """A later folder re-delivering an entry takes all of its lines: no line is left
    without its ordinal 1, and the counts stay by ordinal 1."""
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "a", ("AAA00000011", "AAA00000022"), LINES))
    load_folder(con, _folder(tmp_path / "b", ("AAA00000011",),
                             [["AAA00000011", "5", "1", "8471300100", "9"]]))
    assert _flags(con) == [(1, True), (2, True)]
    # AAA..11 now has its one line 5 from B; AAA..22 line 1 from A
    assert _lines_both_ways(con, monkeypatch) == (2, 2, True)
    con.close()


def test_lines_from_no_load_or_an_older_database_take_the_distinct_count(tmp_path, monkeypatch):
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "d", ("AAA00000011", "AAA00000022"), LINES))
    # a row written by hand, outside any load: line 3 of AAA..22 without an ordinal 1
    con.execute("insert into entry_lines (entry_number, line_number, tariff_ordinal, hts_number) "
                "values ('AAA00000022', 3, 2, '9903880300')")
    assert _lines_both_ways(con, monkeypatch) == (4, 4, False)
    con.execute("delete from entry_lines where _load_id is null")
    assert engine.every_line_has_ordinal_1(con)
    # a database made before load_files recorded it
    con.execute("alter table load_files drop column every_line_has_ordinal_1")
    assert _lines_both_ways(con, monkeypatch) == (3, 3, False)
    con.close()
