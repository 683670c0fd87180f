"""Opening the readiness database and creating its tables.

The database holds the contract tables (see schema.py) plus bookkeeping:

- ``loads``: one row per load of a data folder (``load_id``, resolved ``source_dir``).
- ``load_files``: one row per file of a load: table, format, SHA-256, size and the
  rows read / loaded / rejected / superseded. The report's input manifest reads it.
- ``rejected_rows``: every row the loader refused, verbatim (JSON of the raw cells),
  with file, row number, column, raw value and reason.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import ReadinessError
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
  carried_columns varchar
)""",
    # databases made before a column was added to the bookkeeping
    "alter table load_files add column if not exists carried_columns varchar",
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


def is_readiness_database(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds this tool's tables (contract tables and load bookkeeping)."""
    names = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary").fetchall()}
    return {*TABLES, "loads", "load_files", "rejected_rows"} <= names


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

    Raises ReadinessError when the file is missing (must_exist), locked or not a
    DuckDB database.
    """
    target = str(path)
    if target != ":memory:":
        p = Path(target)
        if must_exist and not p.is_file():
            raise ReadinessError(f"{target}: no such database (run `readiness load` first)")
        if p.exists() and p.is_dir():
            raise ReadinessError(f"{target}: is a folder, not a database file")
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise ReadinessError(f"{target}: cannot open database: {first}") from None
    con.execute(f"set memory_limit = '{memory_limit}'")
    # No extension is ever fetched: the tool must never touch the network.
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute("set preserve_insertion_order = true")
    # DuckDB's own progress bar would print into our output; the commands show their own.
    con.execute("set enable_progress_bar = false")
    if must_exist and target != ":memory:" and not is_readiness_database(con):
        con.close()
        raise ReadinessError(f"{target}: not a database of this tool (no loaded tables); "
                             "run `readiness load` first")
    if not read_only:
        create_schema(con)
    return con
