"""The direct read of a CSV export (ACE ES-003, a mapped layout): its tables straight from
the file, without staging all its text first.

An export repeats each entry's header fields on every row of the entry, so it is both
the largest file a user loads and the slowest through the staged read: at 10M rows
staging its text, grouping the rows into entries and typing the lines each took 11-16 s
(47 s in all, against 12.5 s for the same data as table files). The two parts are read
like table files (direct.py) wherever the file allows it, and the staged read
(exports.py) stays for everything else, so both give the same tables:

- **entries** (and any other part with one record per key): one pass of DuckDB's CSV
  reader groups the file's rows by their raw cells (group_records), each group numbered
  by its first row (``WITH ORDINALITY``). Where every key has exactly one group (each
  entry's rows write its header fields alike, the usual export), the groups are the
  records, and exports._records_sql gives them the columns the staged read gives.
  Anything else (two spellings of one field, an empty cell on some rows, a record the
  reader cannot split) is left to the staged read, which judges such rows
  (exports._dedup_sql).
- **entry lines** (the rows themselves): when the lines' columns are read as they are
  (plain header columns) and every line of the file is proved canonical by one regular
  expression over the file (wholefile.py, in the loader's proof thread), DuckDB's typed
  reader reads it, as for a table file; a Chapter 99 number of eight digits gets its two
  zeros and an empty entered value on a Chapter 99 ordinal is 0, as exports._resolve
  reads them. Lines of an entry whose header fields disagree are refused with it, so the
  lines are read here only when no entry does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from .. import schema as s
from ..errors import DataFileError
from . import direct, wholefile
from .csvread import csv_reader
from .direct import Direct
from .normalize import AS_WRITTEN, EXACT, ISO_DATES, canonical, line_shape
from .staging import duckdb_path

LINES = "entry_lines"
# An export's HTS number may be a Chapter 99 subheading of eight digits (99038803, or
# 9903.88.03 as written), which exports._value_expr completes with 00.
_CHAPTER_99 = {EXACT: "99[0-9]{6}", AS_WRITTEN: r"99[0-9]{6}|99[0-9]{2}\.[0-9]{2}\.[0-9]{2}"}


@dataclass(frozen=True)
class _Columns:
    """The contract columns of an export's lines as direct.py takes a table file's:
    ``columns`` maps each to ``c<i>``, its column in the file."""

    table: s.Table
    columns: dict[str, str]


def _lines(src) -> _Columns | None:
    """The lines part of a CSV export whose every column is a header read as it is, or
    None (another part, another format, a column with null values, an extract, a value
    map, a date format, a constant: the staged read applies those)."""
    if (not getattr(src, "is_export", False) or src.table.name != LINES or src.format != "csv"
            or getattr(src, "dedup", True) or src.date_checks or set(src.columns) != set(src.plain)):
        return None
    return _Columns(src.table, {c: f"c{src.raw[c]}" for c in src.columns})


def eligible(src) -> bool:
    """Whether ``src`` is an export's lines part that the typed read may take (_lines)."""
    return _lines(src) is not None


def _special(delimiter: str, amounts: str) -> Callable[[s.Column, str], str | None]:
    """The line shapes of an export's own rules (direct._line_shapes' ``special``): an HTS
    number may be a Chapter 99 subheading of eight digits; an entered value may be empty
    (0 on a Chapter 99 ordinal; on another, the line is flagged and goes to the full
    rules)."""

    def shape(col: s.Column, spellings: str) -> str | None:
        if col.name == "hts_number":
            return f"(?:{line_shape(col, delimiter, amounts, ISO_DATES, spellings)}|{_CHAPTER_99[spellings]})"
        if col.name == "entered_value":
            return f"{line_shape(col, delimiter, amounts, ISO_DATES, spellings)}?"
        return None

    return shape


def prove(src, amounts: str, threads: int) -> tuple[str, str] | None:
    """The style in which every line of the export ``src`` is canonical for its lines
    part (direct.prove, with the export's shapes; every other column may hold any cell
    without a quote or a delimiter, or anything but a line end in quotes), or None. The
    loader runs it in its proof thread."""
    cols = _lines(src)
    try:
        plain = direct.plain_file(src) if cols is not None else None
    except (DataFileError, OSError):  # (the load itself reports it)
        return None
    if plain is None or plain.multiline:
        return None
    ncols, special = len(plain.headers), _special(plain.delimiter, amounts)
    style = direct.file_style(cols, ncols, plain.delimiter, amounts, plain.sample, special)
    if style is None:
        return None
    line = direct._line_shapes(cols, ncols, plain.delimiter, amounts, *style, special, quoted=True)
    return style if wholefile.all_lines_match(src.path, plain.header_line + 1, line, threads) else None


def _typed_rows(cols: _Columns, ncols: int, amounts: str, rej: str, rejscan: str,
                style: tuple[str, str], quote: str) -> str:
    """direct._typed_select for an export's lines: the typed reader over the proved file,
    each line's HTS number completed and its empty entered value read as exports._resolve
    reads them."""
    spellings = style[1]
    names = [c.name for c in cols.table.columns]
    hts = cols.columns["hts_number"]
    digits = hts if spellings == EXACT else f"replace({hts}, '.', '')"

    def export_rules(conds: list[str], values: list[str]) -> None:
        values[names.index("hts_number")] = (f"case when length({digits}) = 8 then {digits} || '00' "
                                             f"else {digits} end as hts_number")
        if "entered_value" in cols.columns:
            x = cols.columns["entered_value"]
            _ok, value = canonical(cols.table.column("entered_value"), x, amounts, ISO_DATES, spellings)
            values[names.index("entered_value")] = (
                f"case when {x} is null and starts_with({digits}, '99') then cast(0 as decimal(18,2)) "
                f"else {value} end as entered_value")
            conds.append(f"({x} is not null or starts_with({digits}, '99'))")

    return direct._typed_select(cols, ncols, amounts, rej, rejscan, style, export_rules, quote)


def insert(con: duckdb.DuckDBPyConnection, src, load_id: int, amounts: str) -> Direct | None:
    """Insert the canonical lines of the export ``src`` straight from its file (the module
    docstring); None when the staged read must take the file (nothing of it is then left
    in the table)."""
    cols = _lines(src)
    if cols is None or src.split is None or src.split.entry_conflicts(con) is not None:
        return None
    plain = direct.plain_file(src)
    if plain is None or plain.multiline:
        return None
    style = direct._proved(con, src, amounts, prove)
    if style is None:
        return None
    rej, rejscan = "_direct_export_rej", "_direct_export_rejscan"
    rows = _typed_rows(cols, len(plain.headers), amounts, rej, rejscan, style, plain.quote)
    return direct.run_reads(con, src, load_id, plain, [("typed", rows, plain.delimiter)], rej, rejscan)


def group_records(con: duckdb.DuckDBPyConnection, src, name: str,
                  records: Callable[[str], str]) -> bool:
    """Build temp table ``name``, the records of the export part ``src`` (one per key),
    from one grouped read of its CSV file: ``records(groups)`` gives them from the
    relation ``groups`` (one row per distinct set of the raw cells the part reads, NULL
    for an empty cell; ``_row`` its first row, ``_n`` its rows, ``_fits`` whether they
    all have exactly the header's cells). True when that holds every record: each key
    has one group, every row fits, and the reader read every record; else nothing is
    left and the staged read builds them."""
    if src.format != "csv" or src.date_checks:
        return False
    try:
        plain = direct.plain_file(src)
    except (DataFileError, OSError):  # (the staged read reports it)
        return False
    if plain is None or plain.multiline:
        return False
    n = len(plain.headers)
    used = sorted(set(src.raw.values()))
    rej, rejscan = "_direct_export_rej", "_direct_export_rejscan"
    # No record holds a line break, so each line is one record (read with quoting on when
    # the file has quotes: a description with a comma); one column more than the header
    # shows a record with a cell too many (csv_reader), and a short one has no last cell.
    cells = ", ".join(f"nullif(c{i}, '') as c{i}" for i in used)
    reader = csv_reader(n + 1, rej, rejscan, quote=plain.quote)
    groups = (f"select min(ordinality) + $skip as _row, count(*) as _n, "
              f"bool_and(c{n - 1} is not null and c{n} is null) as _fits, {cells} "
              f"from {reader} with ordinality group by all")
    with duckdb_path(src.path) as path:
        con.execute(f"create or replace temp table {name} as {records(groups)}",
                    {"path": path, "skip": plain.header_line, "delim": plain.delimiter})
    refused = con.execute(f"select count(*) from {rej}").fetchone()[0]
    con.execute(f"drop table if exists {rej}; drop table if exists {rejscan}")
    total, keys, keyed, rows, fits = con.execute(
        f"select count(*), count(distinct _key), count(_key), coalesce(sum(_n), 0), "
        f"coalesce(bool_and(_fits), true) from {name}").fetchone()
    if not refused and total == keys == keyed and rows == plain.expected and fits:
        return True
    con.execute(f"drop table {name}")
    return False

