"""The quick test for repeated keys (checks.repeats_bound): 0 exactly when no key repeats.

The lines' key is tested by masks of 15 line numbers x 8 tariff ordinals per entry; every
case below puts keys on the edges of those masks (line 15 and 16 of one entry, the same
line and ordinal in two blocks or two entries, ordinals and line numbers outside the mask),
and the loads check that the rows refused are exactly the repeated ones."""

from __future__ import annotations

import duckdb
import pytest

from customs_readiness import schema as s
from customs_readiness.ingest import load_folder
from customs_readiness.ingest.checks import LINE_PARENT, repeats_bound

from conftest import minimal_tables, write_tables


def _bound(keys: list[tuple]) -> int:
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar, line_number integer, tariff_ordinal integer)")
    if keys:
        con.executemany("insert into t values (?, ?, ?)", keys)
    return con.execute(repeats_bound(s.ENTRY_LINES, "t")).fetchone()[0]


EVERY_SLOT = [("A", line, ordinal) for line in range(1, 46) for ordinal in range(1, 9)]


@pytest.mark.parametrize(("keys", "repeats"), [
    pytest.param([], 0, id="no rows"),
    # 45 lines x 8 ordinals fill three masks of one entry: every bit once, nothing repeats
    pytest.param(EVERY_SLOT, 0, id="three full masks"),
    # line 1 and line 16 set the same bit, in different blocks; line 15 ordinal 8 is bit 119
    pytest.param([("A", 1, 1), ("A", 16, 1), ("A", 31, 1), ("A", 15, 8)], 0, id="same bit, other block"),
    pytest.param([("A", 3, 2), ("B", 3, 2)], 0, id="same line in two entries"),
    # (ordinal 9 of line 1 would take the bit of line 2's ordinal 1)
    pytest.param([("A", 1, 9), ("A", 2, 1), ("A", 1, 10), ("A", 0, 1), ("A", -4, 1), ("A", 2, 0)], 0,
                 id="outside the mask, no repeat"),
    pytest.param([("A", 16, 3), ("A", 17, 3), ("A", 16, 3)], 1, id="repeat in the second block"),
    pytest.param([*EVERY_SLOT, ("A", 45, 8)], 1, id="repeat of the last bit"),
    pytest.param([("A", 7, 9), ("A", 7, 9)], 1, id="repeat with ordinal 9"),
    pytest.param([("A", 0, 1), ("A", 0, 1), ("A", 1, 1)], 1, id="repeat with line 0"),
    pytest.param([("A", 2, 1), ("A", 2, 1), ("A", 2, 1), ("A", 3, 12), ("A", 3, 12)], 3,
                 id="repeats inside and outside"),
])
def test_repeats_bound_is_zero_exactly_without_repeats(keys, repeats):
    assert _bound(keys) == repeats


def _orphans(keys: list[tuple], entries: tuple[str, ...] = ("A",)) -> int:
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar, line_number integer, tariff_ordinal integer)")
    con.execute("create table entries (entry_number varchar)")
    con.executemany("insert into entries values (?)", [(e,) for e in entries])
    if keys:
        con.executemany("insert into t values (?, ?, ?)", keys)
    return con.execute(repeats_bound(s.ENTRY_LINES, "t", LINE_PARENT)).fetchone()[2]


@pytest.mark.parametrize(("keys", "orphans"), [
    pytest.param([], 0, id="no rows"),
    pytest.param([("A", line, 1) for line in range(1, 40)], 0, id="every line's entry there"),
    # the groups (entry, block of 15 lines) are looked up, not the rows: B's two blocks
    pytest.param([("A", 1, 1), ("B", 1, 1), ("B", 2, 1), ("B", 16, 1)], 2, id="two groups of B"),
    # rows out of the masks are looked up one by one
    pytest.param([("A", 1, 1), ("B", 1, 9), ("B", 0, 1)], 2, id="B only out of the masks"),
    pytest.param([("A", 1, 9), ("A", -1, 1)], 0, id="A out of the masks"),
])
def test_the_key_test_counts_lines_without_their_entry(keys, orphans):
    assert _orphans(keys) == orphans


def test_no_parent_no_orphan_count():
    assert _bound([("A", 1, 1)]) == 0
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar, line_number integer, tariff_ordinal integer)")
    assert con.execute(repeats_bound(s.ENTRY_LINES, "t")).fetchone() == (0, 0, None)


def test_a_one_column_key_is_tested_by_its_hashes():
    con = duckdb.connect()
    con.execute("create table t (entry_number varchar)")
    con.executemany("insert into t values (?)", [("A",), ("B",), ("A",)])
    assert "hash" in repeats_bound(s.ENTRIES, "t")
    assert con.execute(repeats_bound(s.ENTRIES, "t")).fetchone()[0] == 1


def _lines(rows: list[list[str]]):
    tables = minimal_tables()
    tables["entry_lines"] = (["entry_number", "line_number", "tariff_ordinal", "hts_number",
                              "entered_value"], rows)
    return tables


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "full rules"])
def test_load_refuses_exactly_the_repeated_lines_around_the_masks(con, tmp_path, fast_path):
    rows = [["ABC12345671", str(line), "1", "8471300100", "10"] for line in range(1, 18)]
    # (rows 2-18 are lines 1-17)
    rows += [["ABC12345671", "16", "9", "9903880300", "0"],    # row 19: ordinal 9, first
             ["ABC12345671", "16", "1", "8471300100", "11"],   # row 20: repeats row 17
             ["ABC12345671", "16", "9", "9903880300", "0"],    # row 21: repeats row 19
             ["ABC12345671", "1", "2", "9903880300", "0"]]     # row 22: new (ordinal 2)
    load_folder(con, write_tables(tmp_path / "d", _lines(rows)), fast_path=fast_path)
    assert con.execute(
        "select row_number, reason from rejected_rows order by row_number").fetchall() == [
        (20, "duplicate key entry_number + line_number + tariff_ordinal (first at row 17)"),
        (21, "duplicate key entry_number + line_number + tariff_ordinal (first at row 19)")]
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 19


def test_load_of_lines_filling_several_masks_refuses_nothing(con, tmp_path):
    rows = [["ABC12345671", str(line), str(ordinal), "8471300100", "1"]
            for line in range(1, 32) for ordinal in range(1, 9)]
    result = load_folder(con, write_tables(tmp_path / "d", _lines(rows)))
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0
    assert [f.rows_loaded for f in result.files if f.table == "entry_lines"] == [31 * 8]
