"""The direct read: a table file's canonical rows go from the file into their table in
one pass, with no staging table of text.

Staging a whole file as text first (readers.stage) keeps every cell verbatim for a refused
row, but it costs a second copy of the file in memory and a second scan of it: on a
10M-line year it was the largest single cost of ``load`` after the typing itself. Most
files are clean, so the loader first tries this path and stages a file only when it
needs the text:

- **CSV.** Every record goes into the table in one ``insert ... select ... from
  read_csv(...)``, typed by the plain casts of normalize.canonical, with a flag in
  ``_row`` saying whether all its cells were canonical. DuckDB keeps the file's order
  (``preserve_insertion_order``) and gives the rows appended by one statement
  consecutive row ids, so the k-th row of the file is the k-th row id of the statement:
  ``_row`` is then set from it. This is valid only for a file whose records the parser
  reads one for one: UTF-8, one kind of line end, no empty record after the header, no
  NUL byte or open quote (all known from the byte scan, textfile.py), and, after the
  read, no record the parser refused and as many rows as the scan counted records. Any
  other file is taken out again and staged (readers.stage), so its errors and row
  numbers come from the one place that handles them. A file without any quote has one
  record per line. When one regular expression over the whole file proves every line
  canonical (wholefile.py), DuckDB's typed reader splits it and parses its integers,
  amounts and dates itself (_typed_select), exact for canonical text; otherwise, or when
  that reader refuses a line (a date such as 2026-02-30), the file is read line by line
  (_line_select), one regular expression per line flagging the lines that need the full
  rules. A file with quotes (every cell quoted, as Python's QUOTE_ALL and R's write.csv
  write them, or a description with commas in an export) is proved the same way, a cell
  standing in quotes or not: each line is then one record, which the typed reader reads
  with quoting on; otherwise the CSV parser's cells are read. Any way, the insert runs
  only when DuckDB plans it to keep the file's order (keeps_order). A file is read in one style (STYLES: ISO or MM/DD/YYYY dates, the
  contract's exact spellings or also those of ACE, spreadsheets and pandas), the first
  its first records fit (file_style), so a file written as the contract writes it gets
  the cheapest casts; a line in another style is flagged like any non-canonical one.
- **Parquet.** ``file_row_number`` numbers the rows, so only the canonical rows are
  inserted (in any order, which keeps the table's row groups full); the others are staged
  and typed by the full rules.

The rows not inserted here (a cell that is not canonical) are staged and typed by the
full rules in loader.py, exactly as before, and the whole-file checks (repeated keys,
lines without their entry) run on the table afterwards in either case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from .. import schema as s
from ..db import unordered
from ..errors import DataFileError
from . import textfile, wholefile
from .csvread import LINE_DELIMITER, csv_reader, line_reader, record_text, typed_reader
from .normalize import (
    ANY_DATE,
    AS_WRITTEN,
    COMMA,
    EXACT,
    ISO_DATES,
    US_DATE_FORMAT,
    US_DATES,
    canonical,
    line_shape,
    quote_ident,
    sql_str,
)
from .readers import _parquet_text
from .sources import Source
from .staging import duckdb_path, pick_header

DEFAULTS = {
    "entries": "replace (coalesce(filer_code, left(entry_number, 3)) as filer_code)",
    "entry_lines": "replace (coalesce(tariff_ordinal, 1) as tariff_ordinal)",
    "brokers": "replace (case when license_status is null and license_number is not null "
               "then 'active' else license_status end as license_status)",
}


@dataclass
class Direct:
    """What the direct read did with one file."""

    inserted: int  # rows now in the table (every cell canonical), numbered
    left: int  # rows of the file not inserted: they need the full rules (staging)
    read: str  # how the rows were read: typed, line, parser (CSV) or parquet


def _typed(table: s.Table, check: Callable[[s.Column], tuple[str, str]]) -> tuple[str, str]:
    """(condition that every cell is canonical, typed values as contract columns) from
    ``check``: a column's (condition, value) pair."""
    conds, values = [], []
    for c in table.columns:
        ok, value = check(c)
        conds.append(ok)
        values.append(f"{value} as {quote_ident(c.name)}")
    return " and ".join(conds), ", ".join(values)


def _with_defaults(table: s.Table, rows: str) -> str:
    return f"select * {DEFAULTS.get(table.name, '')} from ({rows})"


def canonical_select(table: s.Table, src: Source, rel: str, amounts: str,
                     flag: bool = False, also: str | None = None,
                     style: tuple[str, str] = (ANY_DATE, AS_WRITTEN)) -> str:
    """SQL over ``rel`` (contract columns as raw text, plus ``_row`` unless ``flag``): the
    rows whose every cell is canonical in ``style`` (by default every canonical cell),
    typed by plain casts with the table's defaults. With ``flag`` every row is kept and
    ``_row`` is 0 for a canonical row, -1 otherwise. ``also``: a further condition over
    ``rel`` that such a row meets."""
    every, values = _typed(table, lambda c: canonical(
        c, quote_ident(c.name) if c.name in src.columns else "cast(null as varchar)", amounts,
        *style))
    if src.has_reason:
        every = f"_reason is null and {every}"
    if also:
        every = f"{also} and {every}"
    if flag:
        return _with_defaults(table, f"select {values}, case when coalesce({every}, false) "
                                     f"then 0 else -1 end as _row from ({rel})")
    return _with_defaults(table, f"select _row, {values} from ({rel}) where {every}")


def eligible(src: Source) -> bool:
    """A table file (not an export) in CSV or Parquet whose columns are read as they are."""
    return (not src.is_export and src.shared_stage_key is None and not src.has_reason
            and src.format in ("csv", "parquet") and src.staged is None
            and all(expr.startswith("c") and expr[1:].isdigit() for expr in src.columns.values()))


def insert(con: duckdb.DuckDBPyConnection, src: Source, load_id: int, amounts: str) -> Direct | None:
    """Insert ``src``'s canonical rows straight from its file into its table. Returns None
    when the file must be staged instead (nothing of it is then left in the table)."""
    if src.format == "parquet":
        return _parquet(con, src, load_id, amounts)
    return _csv(con, src, load_id, amounts)


def _renamed(src: Source) -> str:
    """The contract columns of ``src`` (raw text, an empty cell NULL) from csv_reader's
    c0, c1, ... (where an empty cell is '')."""
    return ", ".join(f"nullif({expr}, '') as {quote_ident(name)}" for name, expr in src.columns.items())


# Operators that pass rows on in the order they read them. BATCH_INSERT is DuckDB's
# insert that keeps that order (preserve_insertion_order); it plans a plain INSERT,
# which appends rows as threads finish them, when the rows below come out of order.
ORDER_KEEPING = frozenset({"BATCH_INSERT", "PROJECTION", "FILTER", "READ_CSV"})


# DuckDB splits a CSV file among its threads in parts of about 8 MB (a 9 MiB file with a
# join in its plan came out misnumbered, a 7 MiB one did not): a file under 1 MiB is read
# by one thread, in order, and is not planned twice (10-20 ms each).
ORDER_CHECK_FROM = 1 << 20


def keeps_order(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> bool:
    """Whether DuckDB's plan for the insert ``sql`` is made only of operators that keep
    the rows' order. The CSV read numbers rows by the order they are inserted in; a join,
    say, would shuffle them (DuckDB makes one of an ``in (...)`` list), so a plan with
    anything else is not run and the file is staged instead: slower, never misnumbered.
    On one thread DuckDB plans a plain INSERT, and everything runs in the file's order."""
    keeping = ORDER_KEEPING
    if con.execute("select current_setting('threads')").fetchone()[0] == 1:
        keeping = ORDER_KEEPING | {"INSERT"}
    plan = json.loads(con.execute(f"explain (format json) {sql}", params).fetchone()[1])
    todo = list(plan)
    while todo:
        node = todo.pop()
        if node.get("name") not in keeping:
            return False
        todo.extend(node.get("children", []))
    return True


def _line_shapes(src: Source, ncols: int, delimiter: str, amounts: str,
                 dates: str = ANY_DATE, spellings: str = AS_WRITTEN,
                 special: Callable[[s.Column, str], str | None] | None = None,
                 quoted: bool = False) -> str | None:
    """The regular expression of a canonical line of ``src`` (line_shape per cell, joined
    by the delimiter), as it stands without its line end, its dates and spellings as
    ``dates`` and ``spellings`` allow (by default every canonical one). None: a table
    with free text, whose cells the line shapes do not cover. ``special(column,
    spellings)``: a column's own shape instead of its line_shape, where it gives one (an
    export's rules). ``quoted``: a cell may also stand in quotes, as the CSV grammar
    allows any cell (``"2026-01-15"``: Python's QUOTE_ALL, R's write.csv, many exports),
    with the same canonical text inside; a column the contract does not know may then
    hold anything but a line end in quotes (a description with commas, a doubled quote).
    Each such line is one record, which DuckDB's reader splits with quoting on into the
    same cells (the typed read of a quoted file)."""
    at = {int(expr[1:]): name for name, expr in src.columns.items()}
    sep = f"\\x{ord(delimiter):02x}"
    shapes = []
    for i in range(ncols):
        # a column the contract does not know: anything but the delimiter, a quote or a
        # line end (the line read never sees a line end in a line; the whole-file test does)
        col = src.table.column(at[i]) if i in at else None
        shape = ((special and special(col, spellings)) or line_shape(col, delimiter, amounts, dates, spellings)
                 if col is not None else f'[^{sep}"\\r\\n]*')
        if shape is None:
            return None
        if quoted:
            inside = shape if col is not None else '(?:[^"\\r\\n]|"")*'
            shape = f'(?:{shape}|"{inside}")'
        shapes.append(shape)
    return sep.join(shapes)


def _values(src: Source, cell: Callable[[str], str], amounts: str,
            dates: str = ANY_DATE, spellings: str = AS_WRITTEN) -> tuple[list[str], list[str]]:
    """(conditions, typed values) of a line whose cells match their line shapes, its cell
    of contract column ``name`` being ``cell(name)``: the value of normalize.canonical, and
    what the shape does not prove (a date exists: 2026-02-30 does not; a missing optional
    column's constant)."""
    conds, values = [], []
    for c in src.table.columns:
        x = cell(c.name) if c.name in src.columns else "cast(null as varchar)"
        ok, value = canonical(c, x, amounts, dates, spellings)
        values.append(f"{value} as {quote_ident(c.name)}")
        if c.name not in src.columns:
            conds.append(ok)  # a constant: true for an optional column
        elif c.kind == s.DATE:
            conds.append(f"({x} is null or {value} is not null)")
    return conds, values


def _line_select(src: Source, line: str, delimiter: str, amounts: str, reader: str,
                 style: tuple[str, str] = (ANY_DATE, AS_WRITTEN)) -> str:
    """The line read of a file without quote characters: SQL over ``reader`` (line_reader:
    each line as one text c0) giving what canonical_select(flag=True) gives over the CSV
    parser's cells. One regular expression (``line``, _line_shapes in ``style``) proves a
    whole line canonical, where the CSV read runs one per cell after splitting it; only a
    canonical line is then split. A line that is not (a cell that needs the full rules,
    or a delimiter inside an unquoted cell, or the wrong number of cells) is flagged and
    staged like any non-canonical row."""
    conds, values = _values(src, lambda name: f"nullif(_cells[{int(src.columns[name][1:]) + 1}], '')",
                            amounts, *style)
    lines = (f"select _line_ok, case when _line_ok then string_split(c0, {sql_str(delimiter)}) end as _cells "
             f"from (select c0, coalesce(regexp_full_match(c0, {sql_str(line)}), false) "
             f"as _line_ok from {reader})")
    return _with_defaults(src.table, f"select {', '.join(values)}, case when coalesce("
                                     f"{' and '.join(['_line_ok', *conds])}, false) then 0 else -1 end "
                                     f"as _row from ({lines})")


# The types the typed reader gives a proved-canonical cell of each kind (other kinds are
# read as text, as normalize.canonical takes them). A date of the right shape that does not
# exist (2026-02-30) is refused by the reader, and the file is then read line by line.
_READER_TYPES = {s.INT: "INTEGER", s.AMOUNT: "DECIMAL(18,2)", s.DATE: "DATE"}


def _typed_select(src: Source, ncols: int, amounts: str, rej: str, rejscan: str,
                  style: tuple[str, str] = (ISO_DATES, EXACT),
                  adjust: Callable[[list[str], list[str]], None] | None = None,
                  quote: str = "") -> str:
    """The typed read of a file whose every line is proved canonical in ``style`` (prove:
    its dates ISO_DATES or US_DATES, its spellings EXACT or AS_WRITTEN): DuckDB's CSV reader splits the lines and parses integers, amounts and
    dates (in that format) itself, which it does exactly for canonical text, so the line
    read's per-line test and its splitting are not repeated. Gives what _line_select gives
    over the same file. ``adjust(conds, values)`` may change the row test and the values
    (one per table column) in place: an export's own rules (exportread). ``quote='"'``:
    a file with quote characters, proved with its cells quoted or not (_line_shapes'
    ``quoted``), each line one record: the reader takes the quotes off."""
    dates, spellings = style
    at = {int(expr[1:]): name for name, expr in src.columns.items()}
    reader_types = _READER_TYPES if spellings == EXACT else {
        k: v for k, v in _READER_TYPES.items() if k != s.AMOUNT}  # ($1,234.56: as text)
    types = [reader_types.get(src.table.column(at[i]).kind, "VARCHAR") if i in at else "VARCHAR"
             for i in range(ncols)]
    # (the reader gives the dates as dates: their value is the column itself)
    conds, values = _values(src, lambda name: src.columns[name], amounts, ISO_DATES, spellings)
    if adjust is not None:
        adjust(conds, values)
    reader = typed_reader(types, rej, rejscan, US_DATE_FORMAT if dates == US_DATES else None, quote)
    return _with_defaults(src.table, f"select {', '.join(values)}, case when coalesce("
                                     f"{' and '.join(conds) or 'true'}, false) then 0 else -1 end "
                                     f"as _row from {reader}")


# The styles a file may be proved in (dates, spellings: see normalize), cheapest first.
STYLES = [(ISO_DATES, EXACT), (US_DATES, EXACT), (ISO_DATES, AS_WRITTEN), (US_DATES, AS_WRITTEN)]


def prove(src: Source, amounts: str, threads: int) -> tuple[str, str] | None:
    """The style in which every line of the CSV file ``src`` after its header is
    canonical (file_style; _line_shapes; wholefile.all_lines_match): the typed read may
    then take it, reading its dates in that format. None for any other file, for a table
    with free text, and for a file whose head cannot be read (the direct read reports
    that itself). The loader runs this in a thread while earlier files load
    (Source.proof); a proved file's first proved line is kept in ``src.proved_line``
    (its byte scan then counts the lines from there as records: loader._proved_from)."""
    try:
        head = src.csv_head()
        headers, header_idx = pick_header(src.path, head.rows, src.looks_like_header)
    except (DataFileError, OSError):  # the direct read reports it, with the file's name
        return None
    style = file_style(src, len(headers), head.delimiter, amounts, head.rows[header_idx + 1:])
    if style is None:
        return None
    # A cell may stand in quotes: the same test for a file without any (RE2 matches it as
    # fast), and a quoted file's typed read rests on it.
    line = _line_shapes(src, len(headers), head.delimiter, amounts, *style, quoted=True)
    if not wholefile.all_lines_match(src.path, header_idx + 2, line, threads):
        return None
    src.proved_line = header_idx + 2
    return style


def file_style(src: Source, ncols: int, delimiter: str, amounts: str,
               sample: list[list[str]],
               special: Callable[[s.Column, str], str | None] | None = None) -> tuple[str, str] | None:
    """The first style of STYLES in which the records of ``sample`` (the file's first,
    as csv_head read them; the last may be cut by the head's window and is left out) are
    canonical lines: the one style the whole file is proved in, and the line read's. None
    when there is none (or the table has free text). ``special``: as _line_shapes."""
    rows = [record_text(row, delimiter) for row in (sample[:-1] or sample)]
    for style in STYLES:
        line = _line_shapes(src, ncols, delimiter, amounts, *style, special, quoted=True)
        if line is None:
            return None
        pattern = re.compile(line)
        if all(pattern.fullmatch(row) for row in rows):
            return style
    return None


def _proved(con, src: Source, amounts: str,
            proving: Callable[[Source, str, int], tuple[str, str] | None] | None = None
            ) -> tuple[str, str] | None:
    """``proving(src)`` (by default prove), from the loader's thread when it started one
    for these amounts."""
    if src.proof is not None and src.proof[0] == amounts:
        return src.proof[1].result()
    return (proving or prove)(src, amounts,
                              con.execute("select current_setting('threads')").fetchone()[0])


@dataclass
class PlainFile:
    """A CSV file whose records the parser reads one for one (see the module docstring),
    as the byte scan and its head show it."""

    headers: list[str]
    header_line: int  # 1-based line of the header
    expected: int  # records after the header
    delimiter: str
    sample: list[list[str]]  # the first records after the header (csv_head)
    quoted: bool  # a quote character somewhere in the file
    multiline: bool  # a quoted cell holds a line break (a record over several lines)

    @property
    def quote(self) -> str:
        """The quote character DuckDB's reader is given: none for a file without any."""
        return '"' if self.quoted else ""


def plain_file(src: Source) -> PlainFile | None:
    """What the direct read needs to know of ``src``'s CSV file, or None when its records
    are not read one for one (another encoding, mixed line ends, a NUL byte, an open
    quote, an empty record after the header): such a file is staged."""
    head = src.csv_head()
    headers, header_idx = pick_header(src.path, head.rows, src.looks_like_header)
    header_line = header_idx + 1
    scan = src.scan().text
    records = scan.records if scan is not None else None
    if (scan is None or records is None or scan.encoding != textfile.UTF8 or not scan.valid_utf8
            or records.mixed_line_ends or records.nul is not None or records.open_quote is not None
            or any(first + n - 1 > header_line for first, n in records.blank)):
        return None
    return PlainFile(headers, header_line, records.count - header_line, head.delimiter,
                     head.rows[header_idx + 1:], records.quoted, records.multiline)


def _csv(con, src: Source, load_id: int, amounts: str) -> Direct | None:
    plain = plain_file(src)
    if plain is None:
        return None
    headers = plain.headers
    table = src.table.name
    rej, rejscan = f"_direct_{table}_rej", f"_direct_{table}_rejscan"
    # Without a quote in the file every line is one record: the typed read when every
    # line is proved canonical at once, else (or when the typed read refuses a line: a
    # date such as 2026-02-30) the line read; both are faster than the CSV parser's
    # cells, which split the records of any other file. A file with quotes whose every
    # line is proved canonical, cells quoted or not, is one record a line too: the typed
    # read with quoting on, else the parser.
    reads: list[tuple[str, str, str]] = []  # (read, rows, delimiter given to the reader)
    # The style of the file's first records (any style when they show none), the one the
    # whole file is proved in: the line read and the parser take it too, and a line in
    # another style goes to the full rules, as any other.
    style = file_style(src, len(headers), plain.delimiter, amounts,
                       plain.sample) or (ANY_DATE, AS_WRITTEN)
    line = None if plain.quoted else _line_shapes(src, len(headers), plain.delimiter, amounts,
                                                  *style)
    if line is not None:
        if _proved(con, src, amounts) is not None:  # (proved in this same style)
            reads.append(("typed", _typed_select(src, len(headers), amounts, rej, rejscan, style),
                          plain.delimiter))
        reads.append(("line", _line_select(src, line, plain.delimiter, amounts,
                                           line_reader(rej, rejscan), style), LINE_DELIMITER))
    else:
        if plain.quoted and not plain.multiline and _proved(con, src, amounts) is not None:
            reads.append(("typed", _typed_select(src, len(headers), amounts, rej, rejscan, style,
                                                 quote=plain.quote), plain.delimiter))
        # One column more than the header: a record is taken here only when its cells are
        # exactly the header's (csv_reader); any other goes to the staged read, which
        # judges it (a file whose lines end with a delimiter, or a record refused).
        n = len(headers)
        raw = (f"select {_renamed(src)}, c{n - 1} is not null and c{n} is null as _fits "
               f"from {csv_reader(n + 1, rej, rejscan, parallel=not src.scan().text.records.multiline)}")
        reads.append(("parser", canonical_select(src.table, src, raw, amounts, flag=True,
                                                 also="_fits", style=style),
                      plain.delimiter))
    return run_reads(con, src, load_id, plain, reads, rej, rejscan)


def run_reads(con, src: Source, load_id: int, plain: PlainFile, reads: list[tuple[str, str, str]],
              rej: str, rejscan: str) -> Direct | None:
    """Insert the rows of ``src``'s file by the first of ``reads`` ((read, SQL of the rows
    with ``_row`` 0 for a canonical row and -1 for another, delimiter given to the reader))
    that reads every record and is planned to keep the file's order; then number them.
    None when none does (nothing of the file is then left in the table)."""
    table = src.table.name
    cols = ", ".join(quote_ident(c) for c in src.table.column_names)
    mine = {"load_id": load_id, "file": src.file_name}
    for how, rows, delim in reads:
        insert = f"""insert into {table} ({cols}, _load_id, _file, _row)
                     select {cols}, $load_id, $file, _row from ({rows})"""
        with duckdb_path(src.path) as path:
            params = {**mine, "path": path, "skip": plain.header_line, "delim": delim}
            if src.path.stat().st_size >= ORDER_CHECK_FROM and not keeps_order(con, insert, params):
                return None
            # Problems of the file come back as rejects (store_rejects), not as an error;
            # an error here is about writing the table (a full disk) and stops the load.
            read = con.execute(insert, params).fetchone()[0]
        refused_by_parser = con.execute(f"select count(*) from {rej}").fetchone()[0]
        con.execute(f"drop table if exists {rej}; drop table if exists {rejscan}")
        if not refused_by_parser and read == plain.expected:
            used = how
            break
        # Records the reader refused, or a count that does not match the file's records:
        # the next read, in the end the staged read, handles (and reports) those.
        con.execute(f"delete from {table} where _load_id = $load_id and _file = $file", mine)
    else:
        return None
    # Rows appended by one statement have consecutive row ids in the file's order: the
    # first is the record after the header. Rows with a cell that is not canonical are
    # taken out again (numbered negative first) and typed by the full rules later.
    con.execute(
        f"""update {table} set _row = (case when _row = 0 then 1 else -1 end)
                * (rowid - (select min(rowid) from {table} where _load_id = $load_id and _file = $file)
                   + $first)
            where _load_id = $load_id and _file = $file""",
        {**mine, "first": plain.header_line + 1},
    )
    left = con.execute(
        f"delete from {table} where _load_id = $load_id and _file = $file and _row < 0", mine,
    ).fetchone()[0]
    return Direct(read - left, left, used)


def _parquet(con, src: Source, load_id: int, amounts: str) -> Direct | None:
    table = src.table
    with duckdb_path(src.path) as path:
        described = con.execute("describe select * from read_parquet($p)", {"p": path}).fetchall()

        def check(c: s.Column) -> tuple[str, str]:
            expr = src.columns.get(c.name)
            if expr is None:
                return canonical(c, "cast(null as varchar)", amounts, ISO_DATES, EXACT)
            name, typ = described[int(expr[1:])][:2]
            return (typed_canonical(c, quote_ident(name), str(typ), amounts)
                    or canonical(c, _parquet_text(name, typ), amounts, ISO_DATES, EXACT))

        every, values = _typed(table, check)
        cols = ", ".join(quote_ident(c) for c in table.column_names)
        rows = _with_defaults(table, f"select file_row_number + 2 as _row, {values} "
                                     f"from read_parquet($p, file_row_number = true) where {every}")
        # file_row_number numbers the rows, so their order in the table does not matter:
        # kept in the file's order, each Parquet row group would end in a part-filled row
        # group of the table, which the next checkpoint rewrites (10M lines written in row
        # groups of 250,000: the checkpoint 0.85 s -> 0.01 s without it).
        with unordered(con):
            inserted = con.execute(
                f"""insert into {table.name} ({cols}, _load_id, _file, _row)
                    select {cols}, $load_id, $file, _row from ({rows})""",
                {"load_id": load_id, "file": src.file_name, "p": path},
            ).fetchone()[0]
        total = con.execute("select count(*) from read_parquet($p)", {"p": path}).fetchone()[0]
    return Direct(inserted, total - inserted, "parquet")


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
             "UBIGINT", "HUGEINT")


def typed_canonical(col: s.Column, x: str, typ: str, amounts: str) -> tuple[str, str] | None:
    """(condition, value) for a Parquet column ``x`` of type ``typ`` already holding the
    contract's type: the same rows and values as normalize.canonical over its text
    (readers._parquet_text), without printing and parsing it again. None: no such shortcut
    for this type (the text is checked instead).

    A DATE prints as YYYY-MM-DD for the years 1000-9999, and a TIMESTAMP (without a time
    zone) at midnight as that date with 00:00:00, which the full rule reads as the date (as
    pandas writes a date: datetime64); an integer is canonical from 0 to 999,999,999, and
    as an entry type from 0 to 99 (printed as one or two digits: padded, as canonical
    takes 1 for 01 where pandas writes it); a
    DECIMAL prints its scale's digits, canonical when the scale is 2 or less and the amount
    is not negative and has at most 16 integer digits; a DOUBLE prints in its shortest
    round-trip form, which has at most two decimals exactly when the double is the one
    nearest a cent amount (below 10^13, where 15 significant digits suffice; pandas' float
    money); a BOOLEAN prints true or false."""
    t = typ.upper()
    kind = col.kind
    if kind == s.DATE and t == "DATE":
        ok, value = f"(isfinite({x}) and year({x}) between 1000 and 9999)", x
    elif kind == s.DATE and t.startswith("TIMESTAMP") and "TIME ZONE" not in t:
        ok = (f"(isfinite({x}) and year({x}) between 1000 and 9999 "
              f"and {x} = date_trunc('day', {x}))")
        value = f"cast({x} as date)"
    elif kind == s.AMOUNT and t == "DOUBLE" and amounts != COMMA:
        cents = f"try_cast({x} as decimal(18,2))"
        ok = (f"coalesce({x} >= 0 and {x} < 10000000000000 and not signbit({x}) "
              f"and cast({cents} as double) = {x}, false)")
        value = cents
    elif kind == s.INT and t in _INTEGERS:
        ok, value = f"({x} between 0 and 999999999)", f"cast({x} as integer)"
    elif kind == s.ENTRY_TYPE and t in _INTEGERS:
        # a code pandas read as a number (1 for 01): its one or two digits, padded
        ok, value = f"({x} between 0 and 99)", f"lpad(cast({x} as varchar), 2, '0')"
    elif kind == s.AMOUNT and t.startswith("DECIMAL(") and amounts != COMMA:
        scale = int(t[len("DECIMAL("):-1].split(",")[1])
        if scale > 2:
            return None
        ok, value = f"({x} >= 0 and {x} < 10000000000000000)", f"cast({x} as decimal(18,2))"
    elif kind == s.BOOL and t == "BOOLEAN":
        ok, value = f"({x} is not null)", x
    else:
        return None
    if not col.required:
        ok = f"({x} is null or {ok})"
    return ok, value
