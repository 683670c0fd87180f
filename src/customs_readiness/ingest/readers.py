"""Reading one input file (CSV, Parquet, XLSX) into a DuckDB staging table of text.

Every cell is staged as VARCHAR exactly as it appears in the file, so nothing is
inferred from a sample (leading zeros of HTS, ports and entry types survive) and a
refused row can be kept verbatim. Typing happens afterwards in SQL (normalize.py).

The cells go to a temp table ``<name>_raw`` with one column per header, named ``c0``,
``c1``, ... (headers from user files are not trusted as identifiers). A view ``<name>``
over it drops empty rows and adds ``_row``: the row number a spreadsheet would show for
that record, the header row being row 1 (title rows above the header shift it down).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import DataFileError

FORMATS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx"}
HEADER_SCAN_ROWS = 30  # title rows above the header are looked through this far


def normalize_header(name: object) -> str:
    """Canonical form of a column header: lower case, non-alphanumerics folded to '_'."""
    text = "" if name is None else str(name)
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


@dataclass
class Staged:
    """A file staged as text: where it is, what its headers are, what was malformed."""

    table: str  # view over the staged rows (the cells are in temp table <table>_raw)
    path: Path
    format: str
    headers: list[str]  # headers as written in the file, in order
    header_row: int  # 1-based row of the header line
    # Records the parser itself could not split into cells: (row, raw text, message).
    malformed: list[tuple[int, str, str]] = field(default_factory=list)


HeaderTest = Callable[[list[str]], bool]


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of ``path``, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def read_headers(path: Path, looks_like_header: HeaderTest | None = None) -> tuple[list[str], int]:
    """Return (headers, 0-based index of the header row) without staging the file.

    The header row is the first of the first rows for which ``looks_like_header`` is
    true; if none is, the first non-empty row. Raises DataFileError if the file cannot
    be read at all.
    """
    fmt = file_format(path)
    if fmt == "parquet":
        return _parquet_headers(path), 0
    rows = _csv_head(path)[0] if fmt == "csv" else _xlsx_head(path, looks_like_header)[0]
    return _pick_header(path, rows, looks_like_header)


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    looks_like_header: HeaderTest | None = None,
) -> Staged:
    """Stage ``path`` into temp table ``table``; raises DataFileError if unreadable."""
    fmt = file_format(path)
    if fmt == "csv":
        staged = _stage_csv(con, path, table, looks_like_header)
    elif fmt == "parquet":
        staged = _stage_parquet(con, path, table)
    elif fmt == "xlsx":
        staged = _stage_xlsx(con, path, table, looks_like_header)
    else:  # pragma: no cover - the loader only stages known formats
        raise DataFileError(path.name, f"unsupported file type {path.suffix!r}")
    return staged


# ---------------------------------------------------------------- header detection


def _pick_header(path: Path, rows: list[list[str]], test: HeaderTest | None) -> tuple[list[str], int]:
    nonblank = [i for i, r in enumerate(rows) if any(str(c).strip() for c in r if c is not None)]
    if not nonblank:
        raise DataFileError(path.name, "empty file: no header row")
    if test is not None:
        for i in nonblank:
            if test([normalize_header(c) for c in rows[i]]):
                return _clean_headers(path, rows[i]), i
    return _clean_headers(path, rows[nonblank[0]]), nonblank[0]


def _clean_headers(path: Path, row: list) -> list[str]:
    headers = ["" if c is None else str(c).strip() for c in row]
    while headers and headers[-1] == "":
        headers.pop()  # trailing empty cells of a spreadsheet row
    seen: dict[str, str] = {}
    for h in headers:
        key = normalize_header(h)
        if key and key in seen:
            raise DataFileError(path.name, f"column appears twice in the header ('{seen[key]}' and '{h}')", h)
        seen[key] = h
    return headers


# ---------------------------------------------------------------- CSV


def _sniff_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in head:
        raise DataFileError(path.name, "binary data where text (CSV) was expected")
    return head


def _csv_head(path: Path) -> tuple[list[list[str]], str, str]:
    """First rows of a CSV, its delimiter and its encoding."""
    head = _sniff_bytes(path)
    if not head.strip():
        raise DataFileError(path.name, "empty file: no header row")
    try:
        text = head.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the 64 KiB window
            text = head[: exc.start].decode("utf-8-sig")
            encoding = "utf-8"
        else:
            # Spreadsheet exports on Windows are often Latin-1 / cp1252.
            text = head.decode("latin-1")
            encoding = "latin-1"
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    sample = "\n".join(lines)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    return rows, delimiter, encoding


def _stage_csv(con, path: Path, table: str, test: HeaderTest | None) -> Staged:
    rows, delimiter, encoding = _csv_head(path)
    headers, header_idx = _pick_header(path, rows, test)
    # Physical line of the header: rows above it are single lines in any sane export.
    header_line = header_idx + 1
    ncols = max(len(headers), 1)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
    rej, scan = f"{table}_rej", f"{table}_rejscan"
    sql = f"""
        create or replace temp table {table}_raw as
        select * from read_csv($path, columns = {columns}, header = false, skip = $skip,
            delim = $delim, quote = '"', escape = '"', auto_detect = false,
            encoding = $enc, store_rejects = true, rejects_table = '{rej}',
            rejects_scan = '{scan}', null_padding = false, max_line_size = 8388608)
    """
    try:
        con.execute(sql, {"path": str(path), "skip": header_line, "delim": delimiter, "enc": encoding})
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as CSV: {_first_line(exc)}") from None
    # Records the CSV parser refused (wrong number of fields, bad quoting): kept as rejects.
    bad = con.execute(
        f"""select line, any_value(csv_line), string_agg(distinct error_message, '; ')
            from {rej} group by line order by line"""
    ).fetchall()
    malformed = [(int(line), raw or "", f"malformed CSV line: {msg}") for line, raw, msg in bad]
    # _row: physical line of the record. rowid counts good records only, so add the
    # refused lines that come before each record (few; a small join).
    shifts = [int(line) - header_line - 1 - i for i, (line, _, _) in enumerate(malformed)]
    if shifts:
        con.execute(f"create or replace temp table {table}_shift (q bigint)")
        con.executemany(f"insert into {table}_shift values (?)", [[q] for q in shifts])
    shift = f" + (select count(*) from {table}_shift s where s.q <= rid)" if shifts else ""
    _row_view(con, table, ncols, f"rid + {header_line + 1}{shift}")
    con.execute(f"drop table if exists {rej}; drop table if exists {scan}")
    return Staged(table, path, "csv", headers, header_line, malformed=malformed)


def _row_view(con, table: str, ncols: int, row_expr: str) -> None:
    """View ``table`` over ``table``_raw: blank rows dropped, ``_row`` numbered from rowid.

    rowid follows insertion order, which follows the file (preserve_insertion_order);
    a view avoids copying the whole file a second time.
    """
    base = con.execute(f"select coalesce(min(rowid), 0) from {table}_raw").fetchone()[0]
    # Empty cells are NULL in every reader; a row of only empty cells is not a record.
    blank = f"coalesce({', '.join(f'c{i}' for i in range(max(ncols, 1)))}) is null"
    con.execute(
        f"""create or replace temp view {table} as
            select r.* exclude (rid), {row_expr} as _row
            from (select rowid - {int(base)} as rid, * from {table}_raw) r
            where not ({blank})"""
    )


# ---------------------------------------------------------------- Parquet


def _parquet_headers(path: Path) -> list[str]:
    _sniff_parquet(path)
    try:
        with duckdb.connect() as con:
            rel = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as Parquet: {_first_line(exc)}") from None
    return [r[0] for r in rel]


def _check_signature(path: Path, signature: bytes, problem: str) -> None:
    """Refuse a file whose first bytes are not the format's signature (garbage, a renamed file)."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(signature))
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    if magic != signature:
        raise DataFileError(path.name, problem)


def _sniff_parquet(path: Path) -> None:
    _check_signature(path, b"PAR1", "not a Parquet file (no PAR1 signature)")


def _stage_parquet(con, path: Path, table: str) -> Staged:
    headers = _parquet_headers(path)
    described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    selects = []
    for i, (name, typ, *_rest) in enumerate(described):
        q = '"' + name.replace('"', '""') + '"'
        t = typ.upper()
        if t == "DATE":
            expr = f"strftime({q}, '%Y-%m-%d')"
        elif t.startswith("TIMESTAMP"):
            expr = f"strftime({q}, '%Y-%m-%d %H:%M:%S')"
        else:
            # DuckDB prints floats in their shortest round-trip form (1234.56, not
            # 1234.5599999), decimals exactly, booleans as true/false.
            expr = f"cast({q} as varchar)"
        selects.append(f"{expr} as c{i}")
    try:
        con.execute(
            f"create or replace temp table {table}_raw as select {', '.join(selects)} from read_parquet($p)",
            {"p": str(path)},
        )
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as Parquet: {_first_line(exc)}") from None
    _row_view(con, table, len(headers), "rid + 2")
    return Staged(table, path, "parquet", headers, 1)


# ---------------------------------------------------------------- XLSX


def _xlsx_reader(path: Path):
    import fastexcel

    _check_signature(path, b"PK\x03\x04", "not an Excel .xlsx workbook")
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error classes
        raise DataFileError(path.name, f"cannot be read as Excel: {_first_line(exc)}") from None


def _xlsx_head(path: Path, test: HeaderTest | None = None) -> tuple[list[list[str]], int]:
    """First rows of the sheet to read, and its index.

    That is the first sheet with a row passing ``test`` among its first rows (a report
    export may come after a cover or criteria sheet), else the first sheet.
    """
    reader = _xlsx_reader(path)
    first: list[list[str]] | None = None
    for idx in range(len(reader.sheet_names) if test else 1):
        try:
            sheet = reader.load_sheet(idx, header_row=None, n_rows=HEADER_SCAN_ROWS, dtypes="string")
            rows = [list(r) for r in sheet.to_polars().rows()]
        except Exception as exc:
            if idx == 0:
                raise DataFileError(path.name, f"cannot be read as Excel: {_first_line(exc)}") from None
            continue  # an empty or odd extra sheet
        if first is None:
            first = rows
        if test is not None and any(test([normalize_header(c) for c in r]) for r in rows):
            return rows, idx
    return first or [], 0


def _stage_xlsx(con, path: Path, table: str, test: HeaderTest | None) -> Staged:
    import polars as pl

    rows, sheet_idx = _xlsx_head(path, test)
    headers, header_idx = _pick_header(path, rows, test)
    reader = _xlsx_reader(path)
    try:
        sheet = reader.load_sheet(
            sheet_idx, header_row=None, skip_rows=header_idx + 1, dtype_coercion="coerce",
            use_columns=list(range(len(headers))), schema_sample_rows=None,
        )
        df = sheet.to_polars()
    except Exception as exc:
        raise DataFileError(path.name, f"cannot be read as Excel: {_first_line(exc)}") from None
    exprs = []
    for i, name in enumerate(df.columns[: len(headers)]):
        exprs.append(_xlsx_text(pl, pl.col(name), df.schema[name]).alias(f"c{i}"))
    for i in range(len(df.columns), len(headers)):  # header cells with no data below them
        exprs.append(pl.lit(None, dtype=pl.String).alias(f"c{i}"))
    con.register(f"{table}_df", df.select(exprs).to_arrow())
    con.execute(f"create or replace temp table {table}_raw as select * from {table}_df")
    con.unregister(f"{table}_df")
    _row_view(con, table, len(headers), f"rid + {header_idx + 2}")
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
