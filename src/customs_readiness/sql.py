"""One loader and one parameter binder for every ``.sql`` file of the tool.

Metric files (``queries/<id>.sql``), the period working sets (``queries/_base/``) and the
report's aggregates (``queries/_report/``) are all read and bound here. Parameters are
``$names`` bound by DuckDB, never formatted into the SQL text; a query receives exactly the
parameters it names, and one it names that is not available is an error naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from .errors import ConfigError
from .resources import bundled_dir

# One left-to-right scan: string literals and line comments are skipped, $names collected.
_SQL_TOKENS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|\$([A-Za-z_][A-Za-z0-9_]*)")


def queries_dir(sub: str | None = None) -> Path:
    """The shipped ``queries/`` folder, or one of its sub-folders (``_base``, ``_report``)."""
    root = bundled_dir("queries")
    return root / sub if sub else root


def read_sql(path: Path) -> str:
    """The text of a SQL file. Raises ConfigError naming the file when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read SQL file ({exc})") from None


def used_parameters(sql: str) -> list[str]:
    """Names of the $parameters a query uses (ignoring comments and string literals)."""
    return sorted({m.group(1) for m in _SQL_TOKENS.finditer(sql) if m.group(1)})


def bind(sql: str, params: dict[str, Any], where: str) -> dict[str, Any]:
    """The parameters ``sql`` names, taken from ``params``. Raises ConfigError naming
    ``where`` for a parameter that is not available."""
    names = used_parameters(sql)
    unknown = [n for n in names if n not in params]
    if unknown:
        raise ConfigError(
            f"{where}: unknown query parameter '${unknown[0]}' "
            f"(available: {', '.join('$' + k for k in params)})"
        )
    return {n: params[n] for n in names}


def _failed(where: str, exc: Exception) -> ConfigError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ConfigError(f"{where}: query failed: {first}")


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], where: str):
    """Run one query with only the parameters it uses; SQL errors name ``where``."""
    bound = bind(sql, params, where)
    try:
        return con.execute(sql, bound)
    except duckdb.Error as exc:
        raise _failed(where, exc) from None


def relation(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], where: str):
    """A lazy DuckDB relation of a query (hands Arrow its result without a row copy)."""
    bound = bind(sql, params, where)
    try:
        return con.sql(sql, params=bound)
    except duckdb.Error as exc:
        raise _failed(where, exc) from None


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None,
          where: str = "query") -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a query."""
    cur = execute(con, sql, params or {}, where)
    return [d[0] for d in cur.description], cur.fetchall()


def fetch_file(con: duckdb.DuckDBPyConnection, path: Path,
               params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a SQL file's query."""
    return fetch(con, read_sql(path), params, str(path))


def report_query(con: duckdb.DuckDBPyConnection, name: str,
                 params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of the report aggregate ``queries/_report/<name>.sql``."""
    return fetch_file(con, queries_dir("_report") / f"{name}.sql", params)
