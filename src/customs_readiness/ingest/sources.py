"""What each file of a data folder provides, as canonical raw columns.

A *source* is one contract table coming from one file: a table file named after its
table, or one table split out of an export (ACE ES-003, or a layout described by a
mapping file; see exports.py). Every source gives the loader an SQL relation whose
columns carry contract names and raw text values, plus ``_row`` for traceability.
Which file gives which sources is decided one level up, in discover.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .. import schema as s
from ..errors import DataFileError, shown
from .csvread import CsvHead, csv_head, scan_file
from .normalize import COMMA, POINT, POINT_ONLY, quote_ident, sql_str
from .readers import read_headers, stage
from .staging import FileScan, Staged, file_digest, file_format, normalize_header


@dataclass
class Source:
    """One contract table read from one file."""

    table: s.Table
    path: Path
    columns: dict[str, str]  # contract column -> SQL expression over the staging table (raw text)
    looks_like_header: object = None
    is_export: bool = False
    note: str = ""
    has_reason: bool = False  # the relation carries a `_reason` column (export-level row errors)
    staged: Staged | None = None
    shared_stage_key: str | None = None  # sources split from one file share its staging table
    _scan: FileScan | None = field(default=None, repr=False)
    scan_future: Any = field(default=None, repr=False)  # set by the loader: scanning in a thread
    digest_future: Any = field(default=None, repr=False)  # set by the loader: hashing in a thread
    # set by the loader: (amount style, future of direct.prove) proving the lines in a thread
    proof: tuple[str, Any] | None = field(default=None, repr=False)
    proved_line: int | None = None  # set by direct.prove: the first line it proved
    _stages: dict = field(default_factory=dict, repr=False)
    decimal_comma: bool | None = None  # declared by the --mapping file, for the whole load
    _head: CsvHead | None = field(default=None, repr=False)

    @property
    def file_name(self) -> str:
        return shown(self.path.name)

    @property
    def format(self) -> str:
        return file_format(self.path) or "?"

    def scan(self) -> FileScan:
        """A CSV file's encoding and records (nothing for another format), from the
        loader's background thread when it started one."""
        if self._scan is None:
            if self.scan_future is not None:
                self._scan = self.scan_future.result()
            else:
                self._scan = scan_file(self.path)
        return self._scan

    @property
    def digest(self) -> tuple[str, int]:
        """(SHA-256, size) of the file, from the loader's background thread when it
        started one."""
        if self.digest_future is not None:
            return self.digest_future.result()
        return file_digest(self.path)

    @property
    def malformed(self) -> list[tuple[int, str, str]]:
        return self.staged.malformed if self.staged else []

    @property
    def _stage_key(self) -> str:
        return self.shared_stage_key or f"{self.table.name}:{self.path}"

    def ensure_staged(self, con: duckdb.DuckDBPyConnection) -> Staged:
        if self.staged is None:
            key = self._stage_key
            if key not in self._stages:
                name = "_stage_" + str(len(self._stages) + 1) + "_" + self.table.name
                self._stages[key] = stage(con, self.path, name, self.looks_like_header, self.scan)
            self.staged = self._stages[key]
        return self.staged

    def relation(self, con: duckdb.DuckDBPyConnection) -> str:
        """SQL of a relation: contract columns (raw text) + _row (+ _reason)."""
        st = self.ensure_staged(con)
        cols = [f"{expr} as {quote_ident(name)}" for name, expr in self.columns.items()]
        return f"select _row, {', '.join(cols)} from {st.table}"

    def amount_style(self) -> str:
        """How this file writes amounts (normalize.POINT, POINT_ONLY or COMMA): as the
        mapping declared; else a comma only groups thousands, except in a semicolon-
        separated file, where it may be a decimal comma (then any comma is refused)."""
        if self.decimal_comma is not None:
            return COMMA if self.decimal_comma else POINT
        if self.staged is not None:
            delimiter = self.staged.delimiter
        else:  # (not staged: the direct read)
            delimiter = self.csv_head().delimiter if self.format == "csv" else None
        return POINT_ONLY if delimiter == ";" else POINT

    def csv_head(self) -> CsvHead:
        """The first records of this CSV file (read once: its delimiter, header rows)."""
        if self._head is None:
            self._head = csv_head(self.path)
        return self._head

    def record_expr(self, alias: str) -> str:
        """SQL expression: every cell of the original row (staging table ``alias``) as JSON."""
        st = self.staged
        pairs = ", ".join(f"{sql_str(h or f'column {i + 1}')}, {alias}.c{i}" for i, h in enumerate(st.headers))
        return f"cast(json_object({pairs}) as varchar)"

    def release(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the staging table now; :meth:`relation` stages the file again if asked."""
        self.cleanup(con)
        self._stages.pop(self._stage_key, None)
        self.staged = None

    def cleanup(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.staged is not None:
            name = self.staged.table
            con.execute(f"drop view if exists {name}; drop view if exists {name}_all; "
                        f"drop table if exists {name}_raw; "
                        f"drop table if exists {name}_shift")


def _table_header_test(table: s.Table):
    required = set(table.required_columns)

    def test(headers: list[str]) -> bool:
        return required <= set(headers)

    return test


def table_file_source(path: Path, table: s.Table) -> Source:
    """A file named after its table: headers are matched to contract columns by name.

    Raises DataFileError for a missing required column.
    """
    test = _table_header_test(table)
    headers, _ = read_headers(path, test)
    by_name = {normalize_header(h): i for i, h in enumerate(headers)}
    missing = [c for c in table.required_columns if c not in by_name]
    if missing:
        raise DataFileError(path.name, "missing required column", missing[0])
    columns = {c: f"c{by_name[c]}" for c in table.column_names if c in by_name}
    ignored = [h for h in headers if h and normalize_header(h) not in table.column_names]
    note = f"ignored columns: {', '.join(ignored)}" if ignored else ""
    return Source(table, path, columns, looks_like_header=test, note=note)
