"""The checks a load makes across rows: no key repeated within a file, no line without its
entry, and, on a reload, no line of another load left without its entry; and the rows of
earlier loads that a file's records supersede.

Each row check writes its findings into a temp table for the loader (loader.py), which
takes those rows out again and records why in ``rejected_rows``.
"""

from __future__ import annotations

import duckdb

from .. import schema as s
from .normalize import quote_ident, sql_str


def repeated_and_orphaned(con: duckdb.DuckDBPyConnection, table: s.Table, mine_rows: str,
                          this_load: dict) -> bool | None:
    """Temp tables ``_dups`` (_row, first_row: the rows of this file's rows ``mine_rows``
    whose key an earlier row already has) and ``_orphans`` (_row: lines whose entry is in
    no entries row). Returns, for the lines, whether every line of ``mine_rows`` is shown to
    have a tariff ordinal 1 row (``ordinal_1_lines``); None for other tables."""
    key = ", ".join(quote_ident(k) for k in table.key)
    # Repeated keys (the first good occurrence in the file is kept): a quick test that is 0
    # only when no key repeats (repeats_bound); otherwise only rows whose hash repeats are
    # compared exactly.
    con.execute("create or replace temp table _dups (_row bigint, first_row bigint)")
    parent = LINE_PARENT if table.name == "entry_lines" else None
    repeats, may_lack_ordinal_1, orphans = con.execute(
        repeats_bound(table, mine_rows, parent), this_load).fetchone()
    if repeats:
        con.execute(
            f"""insert into _dups
                with hashed as (
                    select _row, hash({key}) as h from {mine_rows}
                ),
                candidates as (
                    select i.* from {mine_rows} i
                    semi join (select h from hashed group by h having count(*) > 1) r
                        on hash({', '.join('i.' + quote_ident(k) for k in table.key)}) = r.h
                ),
                repeated as (
                    select {key}, min(_row) as first_row from candidates
                    group by all having count(*) > 1
                )
                select t._row, r.first_row from candidates t join repeated r using ({key})
                where t._row <> r.first_row""",
            this_load,
        )
    # A line must belong to an entry (of this load or of the database): counted with the
    # repeats (``orphans``), listed only when there is one.
    con.execute("create or replace temp table _orphans (_row bigint)")
    if orphans:
        con.execute(
            f"""insert into _orphans
                select _row from {mine_rows} t
                where _row not in (select _row from _dups)
                  and not exists (select 1 from entries e where e.entry_number = t.entry_number)""",
            this_load,
        )
    if table.name != "entry_lines":
        return None
    return ordinal_1_lines(repeats, may_lack_ordinal_1)


MASK_LINES = 15  # lines per 120-bit mask: 15 line numbers x 8 tariff ordinals
MASK_ORDINALS = 8


LINE_PARENT = ("entries", "entry_number")  # a line's entry: in this table, by this column


def repeats_bound(table: s.Table, rows: str, parent: tuple[str, str] | None = None) -> str:
    """A query of one row: ``repeats``, 0 exactly when no key of ``rows`` repeats (a
    positive number says a key may repeat: the exact comparison then runs); for the lines,
    ``may_lack_ordinal_1``, 0 only when every line (entry number + line number) has a
    tariff ordinal 1 row; and with ``parent`` (table, column), ``orphans``, 0 exactly when
    every row's column value is in that table (null where not asked or not known).

    Any key: as many distinct 64-bit hashes of the key as rows (equal keys hash alike).
    A key ending in two whole numbers (the lines' entry number, line number and tariff
    ordinal) is grouped by what comes before them instead: each group's rows set one bit
    each of a 120-bit mask, (line - 1) mod 15 x 8 + ordinal - 1, in a group per block of 15
    line numbers, and the group repeats no key when its rows set as many bits as there are
    rows. Rows out of the mask's range (an ordinal above 8, a number below 1) take the hash
    test. 10M lines: 0.4-0.5 s instead of 0.6-1.4 s, since it groups 3.3M entries instead
    of hashing 10M keys into a table of its own.

    The same groups count the lines without an ordinal 1 row: a group's distinct line
    numbers (bytes of the mask that are not 0) less its ordinal 1 bits, which, when no key
    repeats, is 0 exactly when each of its lines has one. Every row out of the masks' range
    counts as one such line: the count is then only a bound, and the metrics read it as "not
    shown" (ordinal_1_lines). And the groups, one per entry and block, are what is looked up
    in ``parent`` (the rows out of the masks one by one): 10M lines, the key and orphan
    tests 0.70-0.77 s together instead of 0.78-0.91 s one after the other."""
    key = ", ".join(quote_ident(k) for k in table.key)
    hash_repeats = f"count(*) - count(distinct hash({key}))"  # 0 when no key repeats
    ints = [c for c in table.key[-2:] if table.column(c).kind == s.INT]
    if len(table.key) < 3 or len(ints) < 2:
        orphans = "cast(null as bigint)" if parent is None else _not_in(rows, parent)
        return (f"select {hash_repeats} as repeats, "
                f"cast(null as bigint) as may_lack_ordinal_1, {orphans} as orphans from {rows}")
    head = ", ".join(quote_ident(k) for k in table.key[:-2])
    line, ordinal = (quote_ident(k) for k in ints)
    in_mask = f"{line} >= 1 and {ordinal} between 1 and {MASK_ORDINALS}"
    bit = (f"1::hugeint << (((({line} - 1) % {MASK_LINES}) * {MASK_ORDINALS}"
           f" + {ordinal} - 1)::hugeint)")
    # a line's bits are one byte of the mask: the line is there when its byte is not 0,
    # and has its ordinal 1 when the byte's lowest bit is set
    firsts = f"'{sum(1 << (MASK_ORDINALS * k) for k in range(MASK_LINES))}'::hugeint"
    present = " | ".join(["m"] + [f"(m >> {k})" for k in range(1, MASK_ORDINALS)])
    materialized = ""  # (the groups are read once: kept in the pipeline)
    if parent is None:
        orphans = "cast(null as bigint)"
    elif parent[1] in table.key[:-2]:  # the groups are read twice: made once
        materialized = "materialized"
        orphans = (f"{_not_in('groups', parent)} + "
                   f"{_not_in(rows, parent, f'not coalesce({in_mask}, false)')}")
    else:
        orphans = _not_in(rows, parent)
    return f"""
        with groups as {materialized} (
            select {head}, count(*) as rows, bit_or({bit}) as m
            from {rows} where {in_mask}
            group by {head}, ({line} - 1) // {MASK_LINES}
        ),
        masked as (
            select rows - bit_count(m) as repeats,
                   bit_count(({present}) & {firsts}) - bit_count(m & {firsts})
                       as lacking
            from groups
        ),
        outside as (
            select {hash_repeats} as repeats, count(*) as rows
            from {rows} where not coalesce({in_mask}, false)
        )
        select (select coalesce(sum(repeats), 0) from masked)
                 + (select repeats from outside) as repeats,
               cast((select coalesce(sum(lacking), 0) from masked)
                    + (select rows from outside) as bigint) as may_lack_ordinal_1,
               {orphans} as orphans"""


def _not_in(rows: str, parent: tuple[str, str], where: str = "true") -> str:
    """How many of ``rows`` (those ``where`` holds) have a ``parent`` column value (table,
    column) that is not in the parent table."""
    return (f"(select count(*) from {rows} t anti join {parent[0]} p "
            f"using ({quote_ident(parent[1])}) where {where})")


def ordinal_1_lines(repeats: int, may_lack_ordinal_1: int | None) -> bool:
    """Whether a file's rows, by their ``repeats_bound``, show that every line has a tariff
    ordinal 1 row (so a line count is a count of ordinal 1 rows: period_volume)."""
    return repeats == 0 and may_lack_ordinal_1 == 0


def forget_previous_load(con: duckdb.DuckDBPyConnection, source_dir: str) -> bool:
    """Delete every earlier load of ``source_dir`` (its rows, refused rows and bookkeeping):
    a reload replaces it. True when there was one."""
    old = [r[0] for r in con.execute("select load_id from loads where source_dir = ?", [source_dir]).fetchall()]
    if not old:
        return False
    for table in [*s.TABLES, "rejected_rows", "load_files"]:
        col = "_load_id" if table in s.TABLES else "load_id"
        con.execute(f"delete from {table} where list_contains(?, {col})", [old])
    con.execute("delete from loads where list_contains(?, load_id)", [old])
    return True


def orphaned_lines(con: duckdb.DuckDBPyConnection, source_dir: str) -> list[str]:
    """Lines of other loads whose entry this reload no longer carries (another folder may
    bring lines for an entry of this one) are not left without their entry: they move to
    ``rejected_rows`` under their own load and file, whose counts follow. Returns notes."""
    con.execute(
        """create or replace temp table _orphaned as
           select * from entry_lines l
           where not exists (select 1 from entries e where e.entry_number = l.entry_number)""")
    moved = con.execute(
        "select _load_id, _file, count(*) from _orphaned group by all order by all").fetchall()
    if moved:
        record = ", ".join(f"{sql_str(c)}, o.{quote_ident(c)}" for c in s.ENTRY_LINES.column_names)
        why = f"its entry is no longer in the database (the reload of {source_dir} no longer carries it)"
        con.execute(
            f"""insert into rejected_rows
                select o._load_id, o._file, 'entry_lines', o._row, 'entry_number', o.entry_number,
                       $why, cast(json_object({record}) as varchar)
                from _orphaned o order by o._load_id, o._file, o._row""", {"why": why})
        for load_id, file_name, n in moved:
            con.execute(
                """update load_files set rows_loaded = rows_loaded - $n,
                       rows_rejected = rows_rejected + $n
                   where load_id = $load_id and file_name = $file and table_name = 'entry_lines'""",
                {"n": n, "load_id": load_id, "file": file_name})
        con.execute("""delete from entry_lines where (_load_id, _file, _row) in
                       (select (_load_id, _file, _row) from _orphaned)""")
    con.execute("drop table _orphaned")
    return [f"{file_name} (load {load_id}): {n:,} line(s) lost their entry with this reload; "
            "moved to rejected_rows" for load_id, file_name, n in moved]


def supersede_earlier(con: duckdb.DuckDBPyConnection, table: s.Table, mine_rows: str,
                      load_id: int) -> int:
    """Delete the rows of earlier loads whose key one of this file's rows ``mine_rows``
    (its good rows) has, and, for entries, every line of such an entry (the lines of a
    re-delivered entry come from the new delivery only). Returns how many were deleted."""
    key = ", ".join(quote_ident(k) for k in table.key)
    this_load = {"load_id": load_id}
    superseded = 0
    if con.execute(f"select count(*) from {table.name} where _load_id <> ?", [load_id]).fetchone()[0]:
        superseded = con.execute(
            f"delete from {table.name} where _load_id <> $load_id and ({key}) in (select ({key}) from {mine_rows})",
            this_load,
        ).fetchone()[0]
        if superseded and table.name == "entry_lines":
            # Some lines of earlier loads lost some of their ordinals, and perhaps their
            # ordinal 1 row while keeping others (and this load may be reloaded without
            # them): what those loads showed of their lines no longer holds.
            con.execute("""update load_files set every_line_has_ordinal_1 = false
                           where table_name = 'entry_lines' and load_id <> $load_id""", this_load)
    if table.name == "entries" and con.execute(
        "select count(*) from entry_lines where _load_id <> ?", [load_id]
    ).fetchone()[0]:
        superseded += con.execute(
            f"delete from entry_lines where _load_id <> $load_id and entry_number in (select entry_number from {mine_rows})",
            this_load,
        ).fetchone()[0]
    return superseded
