"""Reading one input file (CSV, Parquet, XLSX) into a DuckDB staging table of text
(staging.py says what is staged and how its rows are numbered): the entry points that
choose the reader by the file's format, the byte scan every file gets, and the Parquet and
XLSX readers. The CSV reader is csvread.py.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb

from ..errors import DataFileError
from . import workbook
from .csvread import csv_head, stage_csv
from .staging import (
    HEADER_SCAN_ROWS,
    FileScan,
    HeaderTest,
    Staged,
    duckdb_path,
    file_format,
    first_line,
    normalize_header,
    pick_header,
    row_view,
    unicode_path,
)


def read_headers(path: Path, looks_like_header: HeaderTest | None = None) -> tuple[list[str], int]:
    """Return (headers, 0-based index of the header row) without staging the file.

    The header row is the first of the first rows for which ``looks_like_header`` is
    true; if none is, the first non-empty row. Raises DataFileError if the file cannot
    be read at all.
    """
    fmt = file_format(path)
    if fmt == "parquet":
        return _parquet_headers(path), 0
    rows = csv_head(path).rows if fmt == "csv" else _xlsx_head(path, looks_like_header)[0]
    return pick_header(path, rows, looks_like_header)


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    looks_like_header: HeaderTest | None = None,
    scanned: Callable[[], FileScan] | None = None,
) -> Staged:
    """Stage ``path`` into temp table ``table``; raises DataFileError if unreadable.

    ``scanned`` returns the file's ``scan_file`` (computed in the background by the
    loader); without it a CSV file is scanned here.
    """
    fmt = file_format(path)
    if fmt == "csv":
        staged = stage_csv(con, path, table, looks_like_header, scanned)
    elif fmt == "parquet":
        staged = _stage_parquet(con, path, table)
    elif fmt == "xlsx":
        staged = _stage_xlsx(con, path, table, looks_like_header)
    else:  # pragma: no cover - the loader only stages known formats
        raise DataFileError(path.name, f"unsupported file type {path.suffix!r}")
    return staged


# ---------------------------------------------------------------- Parquet


def _parquet_headers(path: Path) -> list[str]:
    _sniff_parquet(path)
    try:
        with _HEADERS_LOCK, duckdb_path(path) as p:
            rel = _headers_connection().execute(
                "describe select * from read_parquet($p)", {"p": p}).fetchall()
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as Parquet: {first_line(exc)}") from None
    return [r[0] for r in rel]


# One in-memory connection reads every Parquet file's schema: opening one per file cost
# about 15 ms each (90 ms of a 0.7 s load of six Parquet files).
_HEADERS_LOCK = threading.Lock()


@functools.cache
def _headers_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    return con


def _signature(path: Path, n: int) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None


def _check_signature(path: Path, signature: bytes, problem: str) -> None:
    """Refuse a file whose first bytes are not the format's signature (garbage, a renamed file)."""
    if _signature(path, len(signature)) != signature:
        raise DataFileError(path.name, problem)


def _sniff_parquet(path: Path) -> None:
    _check_signature(path, b"PAR1", "not a Parquet file (no PAR1 signature)")


def _stage_parquet(con, path: Path, table: str) -> Staged:
    headers = _parquet_headers(path)
    try:
        with duckdb_path(path) as p:
            described = con.execute("describe select * from read_parquet($p)", {"p": p}).fetchall()
            selects = [f"{_parquet_text(name, typ)} as c{i}"
                       for i, (name, typ, *_rest) in enumerate(described)]
            con.execute(f"create or replace temp table {table}_raw as "
                        f"select {', '.join(selects)} from read_parquet($p)", {"p": p})
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as Parquet: {first_line(exc)}") from None
    row_view(con, table, len(headers), "rid + 2")
    return Staged(table, path, "parquet", headers, 1)


def _parquet_text(name: str, typ: str) -> str:
    """A Parquet column as text, the same on every machine."""
    q = '"' + name.replace('"', '""') + '"'
    t = typ.upper()
    if t == "DATE":
        return f"strftime({q}, '%Y-%m-%d')"
    if t.startswith("TIMESTAMP") and "TIME ZONE" in t:
        # An instant: written in UTC, whatever the session's (the machine's) time zone.
        return f"strftime(timezone('UTC', {q}), '%Y-%m-%d %H:%M:%S')"
    if t.startswith("TIMESTAMP"):
        return f"strftime({q}, '%Y-%m-%d %H:%M:%S')"
    # DuckDB prints floats in their shortest round-trip form (1234.56, not 1234.5599999),
    # decimals exactly, booleans as true/false.
    return f"cast({q} as varchar)"


# ---------------------------------------------------------------- XLSX


def _xlsx_reader(path: Path):
    import fastexcel

    if _signature(path, 4) == b"\xd0\xcf\x11\xe0":
        raise DataFileError(path.name, "an old .xls or a password-protected workbook: save it "
                            "as .xlsx without a password, or as CSV")
    _check_signature(path, b"PK\x03\x04", "not an Excel .xlsx workbook")
    _checked_workbook(path)
    with unicode_path(path) as p:
        return _sheet_rows(path, lambda: fastexcel.read_excel(p))


def _checked_workbook(path: Path) -> None:
    """workbook.check once per file version (the loader opens a workbook several times)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _CHECKED:
        workbook.check(path)
        _CHECKED.add(key)


_CHECKED: set[tuple[str, int, int]] = set()


def _sheet_rows(path: Path, load: Callable[[], object]):
    """Run a call of the XLSX reader; its failures (its own error classes, and a panic of
    the Rust code underneath, which is not an Exception) become one DataFileError."""
    try:
        return load()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        raise DataFileError(path.name, f"cannot be read as Excel: {first_line(exc)}") from None


def _xlsx_head(path: Path, test: HeaderTest | None = None) -> tuple[list[list[str]], int]:
    """First rows of the sheet to read, and its index. Row i is the sheet's row i + 1
    (empty rows above a table included), so a header found here is read from the same
    row when the sheet is staged.

    That is the first sheet with a row passing ``test`` among its first rows (a report
    export may come after a cover or criteria sheet), else the first sheet.
    """
    reader = _xlsx_reader(path)
    first: list[list[str]] | None = None
    for idx in range(len(reader.sheet_names) if test else 1):
        try:
            rows = _sheet_rows(path, lambda i=idx: [list(r) for r in reader.load_sheet(
                i, header_row=None, skip_rows=0, n_rows=HEADER_SCAN_ROWS,
                dtypes="string").to_polars().rows()])
        except DataFileError:
            if idx == 0:
                raise
            continue  # an empty or odd extra sheet
        if first is None:
            first = rows
        if test is not None and any(test([normalize_header(c) for c in r]) for r in rows):
            return rows, idx
    return first or [], 0


def _stage_xlsx(con, path: Path, table: str, test: HeaderTest | None) -> Staged:
    import polars as pl

    rows, sheet_idx = _xlsx_head(path, test)
    headers, header_idx = pick_header(path, rows, test)
    reader = _xlsx_reader(path)
    # Columns count from the first column of the sheet's used range, as in _xlsx_head (a
    # table starting in column C has its first header in column 0); a list of column
    # numbers would name the sheet's absolute columns instead.
    width = len(headers)
    df = _sheet_rows(path, lambda: reader.load_sheet(
        sheet_idx, header_row=None, skip_rows=header_idx + 1, dtype_coercion="coerce",
        use_columns=lambda column: column.index < width, schema_sample_rows=None,
    ).to_polars())
    exprs = []
    for i, name in enumerate(df.columns[: len(headers)]):
        exprs.append(_xlsx_text(pl, pl.col(name), df.schema[name]).alias(f"c{i}"))
    for i in range(len(df.columns), len(headers)):  # header cells with no data below them
        exprs.append(pl.lit(None, dtype=pl.String).alias(f"c{i}"))
    con.register(f"{table}_df", df.select(exprs).to_arrow())
    con.execute(f"create or replace temp table {table}_raw as select * from {table}_df")
    con.unregister(f"{table}_df")
    row_view(con, table, len(headers), f"rid + {header_idx + 2}")
    return Staged(table, path, "xlsx", headers, header_idx + 1)


def _xlsx_text(pl, col, dtype):
    """A spreadsheet cell as the text a person sees, not a float repr."""
    if dtype in (pl.Float64, pl.Float32):
        # Whole numbers stored as floats (1.0, 8471300100.0) lose the ".0";
        # others print their shortest exact decimal form.
        whole = col.is_finite() & (col == col.floor()) & (col.abs() < 1e15)
        return pl.when(whole).then(col.cast(pl.Int64).cast(pl.String)).otherwise(col.cast(pl.String))
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return col.dt.strftime("%Y-%m-%d %H:%M:%S")
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false"))
    if dtype == pl.Null:
        return col.cast(pl.String)
    return col.cast(pl.String)
