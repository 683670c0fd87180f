"""Opening the readiness database and creating its tables.

The database holds the contract tables (see schema.py) plus bookkeeping:

- ``loads``: one row per load of a data folder (``load_id``, resolved ``source_dir``).
- ``load_files``: one row per file of a load: table, format, SHA-256, size and the
  rows read / loaded / rejected / superseded. The report's input manifest reads it. For a
  lines file, ``every_line_has_ordinal_1``: its load showed that each of its lines has a
  tariff ordinal 1 row (made false when a later load takes some of its rows): the metrics
  then count lines as ordinal 1 rows (queries/_base/80_period_volume.sql).
- ``rejected_rows``: every row the loader refused, verbatim (JSON of the raw cells),
  with file, row number, column, raw value and reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .errors import ReadinessError, shown
from .schema import TABLES, create_table_sql

BOOKKEEPING_DDL = (
    """create table if not exists loads (
  load_id integer,
  source_dir varchar
)""",
    """create table if not exists load_files (
  load_id integer,
  file_name varchar,
  table_name varchar,
  format varchar,
  sha256 varchar,
  bytes bigint,
  rows_read bigint,
  rows_loaded bigint,
  rows_rejected bigint,
  rows_superseded bigint,
  note varchar,
  carried_columns varchar,
  every_line_has_ordinal_1 boolean
)""",
    # databases made before a column was added to the bookkeeping
    "alter table load_files add column if not exists carried_columns varchar",
    "alter table load_files add column if not exists every_line_has_ordinal_1 boolean",
    """create table if not exists rejected_rows (
  load_id integer,
  file_name varchar,
  table_name varchar,
  row_number bigint,
  column_name varchar,
  raw_value varchar,
  reason varchar,
  record varchar
)""",
)

DEFAULT_DB = "readiness.duckdb"
DEFAULT_MEMORY_LIMIT = "1536MB"  # with Python and the buffers, a 10M-line load peaks under 2 GB


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract and bookkeeping table that does not exist yet, and add the
    contract columns a database made by an earlier version lacks (e.g. penalties.closed_on,
    empty for the rows loaded before)."""
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    present = set(con.execute(
        "select table_name, column_name from duckdb_columns() where not internal").fetchall())
    for table in TABLES.values():
        for c in table.columns:
            if (table.name, c.name) not in present:
                con.execute(f"alter table {table.name} add column {c.name} {c.sql_type}")
    for ddl in BOOKKEEPING_DDL:
        con.execute(ddl)


@contextlib.contextmanager
def unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Statements in this block need not keep insertion order (DuckDB may then write and
    join in parallel without reordering); ``connect`` keeps it everywhere else, which the
    loader's CSV row numbering relies on."""
    con.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("set preserve_insertion_order = true")


def connect(
    path: str | Path = DEFAULT_DB,
    read_only: bool = False,
    must_exist: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> duckdb.DuckDBPyConnection:
    """Open (and if needed create) the readiness database.

    ``path`` may be ``":memory:"``. With ``must_exist`` a missing file is an error
    instead of a new empty database. DuckDB's memory is capped (it spills to disk
    beyond it) so a 10M-line year stays within a laptop's memory.

    An existing file must be a DuckDB database of this tool (or a DuckDB database without
    tables); anything else (a CSV file given as ``--db``, another application's database)
    is refused before anything is written to it.

    Raises ReadinessError when the file is missing (must_exist), locked, not a DuckDB
    database, or not one of this tool.
    """
    target = str(path)
    shown_target = shown(target)
    existing = False
    if target != ":memory:":
        p = Path(target)
        if must_exist and not p.is_file():
            raise ReadinessError(f"{shown_target}: no such database (run `readiness load` first)")
        if p.exists() and p.is_dir():
            raise ReadinessError(f"{shown_target}: is a folder, not a database file")
        if p.exists():
            existing = True
            _check_signature(p, shown_target)
            if not read_only:
                # Looked at read-only first: opening a database for writing replays its
                # write-ahead log into it, so another application's database is refused
                # from a read-only look and left exactly as it was.
                look = _open(target, True, shown_target)
                try:
                    _check_ours(look, shown_target, must_exist)
                finally:
                    look.close()
    con = _open(target, read_only, shown_target)
    try:
        if existing and read_only:
            _check_ours(con, shown_target, must_exist)
        con.execute(f"set memory_limit = '{memory_limit}'")
        # No extension is ever fetched: the tool must never touch the network.
        con.execute("set autoinstall_known_extensions = false")
        con.execute("set autoload_known_extensions = false")
        con.execute("set preserve_insertion_order = true")
        # Dates and times the same on every machine (Parquet timestamps with a time zone).
        con.execute("set TimeZone = 'UTC'")
        # DuckDB's own progress bar would print into our output; the commands show their own.
        con.execute("set enable_progress_bar = false")
        if not read_only:
            create_schema(con)
    except BaseException:
        con.close()
        raise
    return con


def _open(target: str, read_only: bool, shown_target: str) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise ReadinessError(f"{shown_target}: cannot open database: {first}") from None


def _check_signature(p: Path, shown_target: str) -> None:
    """A DuckDB database file carries "DUCK" at byte 8 of its first block."""
    try:
        with p.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise ReadinessError(f"{shown_target}: cannot open database: {exc.strerror or exc}") from None
    if head[8:12] != b"DUCK":
        raise ReadinessError(f"{shown_target}: not a DuckDB database (nothing was written to it); "
                             "give --db a new file name or a database made by `readiness load`")


def _check_ours(con: duckdb.DuckDBPyConnection, shown_target: str, must_exist: bool) -> None:
    """Refuse a database of another application (tables, but not the tool's bookkeeping)
    and, where ``must_exist`` (a command reading loaded data), one without the tool's
    tables: a read command never creates the schema, so an empty DuckDB file is refused."""
    tables = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "and database_name = current_database() and not temporary").fetchall()}
    if tables and not {"loads", "load_files", "rejected_rows"} <= tables:
        raise ReadinessError(f"{shown_target}: a DuckDB database, but not one of this tool "
                             "(no loads table); nothing was written to it")
    if must_exist and not {*TABLES, "loads", "load_files", "rejected_rows"} <= tables:
        raise ReadinessError(f"{shown_target}: not a database of this tool (no loaded "
                             "tables); run `readiness load` first")
