"""What every reader stages: one DuckDB temp table of text per file, and the view over it
that numbers its rows.

Every cell is staged as VARCHAR exactly as it appears in the file, so nothing is
inferred from a sample (leading zeros of HTS, ports and entry types survive) and a
refused row can be kept verbatim. Typing happens afterwards in SQL (normalize.py).

The cells go to a temp table ``<name>_raw`` with one column per header, named ``c0``,
``c1``, ... (headers from user files are not trusted as identifiers). A view ``<name>``
over it drops empty rows and adds ``_row``: the row number a spreadsheet would show for
that record, the header row being row 1 (title rows above the header shift it down).
The readers of each format: csvread.py (CSV) and readers.py (Parquet, XLSX, and the entry
points that choose among them).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from . import textfile

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
    # Records the parser could not split, or whose cells do not fit the columns (CSV):
    # (row, raw text, reason).
    malformed: list[tuple[int, str, str]] = field(default_factory=list)
    delimiter: str | None = None  # CSV only


@dataclass(frozen=True)
class FileScan:
    """A data file's scan (see ``scan_file``); its size and digest come from
    ``file_digest``."""

    text: textfile.TextScan | None  # CSV only


HeaderTest = Callable[[list[str]], bool]


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of ``path``, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    return h.hexdigest(), size


@contextlib.contextmanager
def unicode_path(path: Path) -> Iterator[str]:
    """``path`` as a str that readers written in C++ or Rust accept: itself, or, if it is
    not valid Unicode (a non-UTF-8 byte in a folder name), a link with a plain name to it,
    removed again when the block ends."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        folder = Path(tempfile.mkdtemp(prefix="readiness-"))
        link = folder / f"data{path.suffix.lower()}"
        try:
            os.symlink(os.path.abspath(path), link)
            yield str(link)
        finally:
            link.unlink(missing_ok=True)
            folder.rmdir()
        return
    yield text


@contextlib.contextmanager
def duckdb_path(path: Path) -> Iterator[str]:
    """``path`` as DuckDB's file readers must be given it to read exactly that file: they
    expand glob patterns (``data[1]``, ``*``, ``?``), so those characters are escaped."""
    with unicode_path(path) as text:
        yield re.sub(r"([\[*?])", r"[\1]", text)


# ---------------------------------------------------------------- header detection


def pick_header(path: Path, rows: list[list[str]], test: HeaderTest | None) -> tuple[list[str], int]:
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


# ---------------------------------------------------------------- numbering rows


def gap_shifts(gaps: list[tuple[int, int]], header_line: int) -> list[tuple[int, int]]:
    """Runs of missing records (first record number, how many; sorted) as (q, n): the rows
    staged from rowid q on come after n missing records."""
    out: list[tuple[int, int]] = []
    missing = 0
    for first, n in gaps:
        q = first - header_line - 1 - missing  # staged rows before this run
        missing += n
        if out and out[-1][0] == q:
            out[-1] = (q, missing)
        else:
            out.append((q, missing))
    return out


def row_view(con, table: str, ncols: int, row_expr: str,
             shifts: list[tuple[int, int]] | None = None, keep: str | None = None,
             blank: str | None = None) -> None:
    """View ``table`` over ``table``_raw: blank rows dropped, ``_row`` numbered from rowid.

    rowid follows insertion order, which follows the file (preserve_insertion_order);
    a view avoids copying the whole file a second time. ``shifts``: (q, n) pairs from
    ``gap_shifts``; each row's number grows by the records missing before it (an ASOF join,
    linear in the file). ``keep`` (CSV): the condition on ``_cells`` and ``_extra`` that a
    record's cells fit the columns; view ``table``_all then holds every numbered row and
    ``table`` only those. ``blank``: when a row is empty (default: all its cells are).
    """
    base = con.execute(f"select coalesce(min(rowid), 0) from {table}_raw").fetchone()[0]
    # Empty cells are NULL in every reader; a row of only empty cells is not a record.
    blank = blank or f"coalesce({', '.join(f'c{i}' for i in range(max(ncols, 1)))}) is null"
    rows = f"(select rowid - {int(base)} as rid, * from {table}_raw) r"
    shift = ""
    if shifts:
        con.execute(f"create or replace temp table {table}_shift as "
                    "select unnest($q)::bigint as q, unnest($n)::bigint as n",
                    {"q": [q for q, _ in shifts], "n": [n for _, n in shifts]})
        rows += f" asof left join {table}_shift s on r.rid >= s.q"
        shift = " + coalesce(s.n, 0)"
    every = table if keep is None else f"{table}_all"
    con.execute(
        f"""create or replace temp view {every} as
            select r.* exclude (rid), {row_expr}{shift} as _row
            from {rows}
            where not ({blank})"""
    )
    if keep is not None:
        con.execute(f"""create or replace temp view {table} as
                        select * exclude (_cells, _extra) from {every} where {keep}""")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
