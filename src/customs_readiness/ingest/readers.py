"""Reading one input file (CSV, Parquet, XLSX) into a DuckDB staging table of text.

Every cell is staged as VARCHAR exactly as it appears in the file, so nothing is
inferred from a sample (leading zeros of HTS, ports and entry types survive) and a
refused row can be kept verbatim. Typing happens afterwards in SQL (normalize.py).

The cells go to a temp table ``<name>_raw`` with one column per header, named ``c0``,
``c1``, ... (headers from user files are not trusted as identifiers). A view ``<name>``
over it drops empty rows and adds ``_row``: the row number a spreadsheet would show for
that record, the header row being row 1 (title rows above the header shift it down). A
CSV record whose cells do not fit the header's columns (one too many, or too few) is kept
out of the view and refused whole (``Staged.malformed``), with its number and its text.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import itertools
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import DataFileError
from . import textfile, workbook

FORMATS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx"}
HEADER_SCAN_ROWS = 30  # title rows above the header are looked through this far
HEAD_BYTES = 65536  # the header is looked for in the first 64 KiB of a text file
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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
    delimiter: str | None = None  # CSV only


@dataclass(frozen=True)
class FileScan:
    """A data file read once from end to end (see ``scan_file``)."""

    sha256: str
    size: int
    text: textfile.TextScan | None  # CSV only


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
    return _pick_header(path, rows, looks_like_header)


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
        staged = _stage_csv(con, path, table, looks_like_header, scanned)
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


@dataclass
class CsvHead:
    """The first records of a CSV file, as the csv module splits them."""

    rows: list[list[str]]
    delimiter: str
    encoding: str  # as told by the first 64 KiB (textfile.UTF8, UTF16 or CP1252)


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None


# The delimiters a CSV file may have: the sniffer chooses among these.
DELIMITERS = ",;\t|"


def _most_regular_delimiter(lines: list[str]) -> str:
    """The delimiter when the sniffer cannot tell (a row of another length among the
    first ones, say a record a cell short): the one that splits the most lines into the
    same number of cells, more than one. A comma when none does."""
    best, best_lines = ",", 0
    for delim in DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)
                         if any(cell.strip() for cell in row))
        cells, n = counts.most_common(1)[0] if counts else (0, 0)
        if cells > 1 and n > best_lines:
            best, best_lines = delim, n
    return best


def csv_head(path: Path) -> CsvHead:
    """First records of a CSV file, its delimiter and the encoding its head shows.

    Raises DataFileError for an empty or binary file.
    """
    head = _read_head(path)
    if not head.strip():
        raise DataFileError(path.name, "empty file: no header row")
    encoding, bom = textfile.bom_encoding(head)
    if encoding == textfile.UTF16 or (encoding is None and textfile.looks_utf16(head[:4096])):
        encoding = textfile.UTF16
        codec = "utf-16" if bom else "utf-16-le"
        text = head[: len(head) - len(head) % 2].decode(codec, errors="replace").lstrip("\ufeff")
    else:
        if b"\x00" in head:
            raise DataFileError(path.name, "binary data where text (CSV) was expected")
        try:
            text = head.decode("utf-8-sig")
            encoding = textfile.UTF8
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a multi-byte character cut by the 64 KiB window
                text = head[: exc.start].decode("utf-8-sig")
                encoding = textfile.UTF8
            else:
                text = head.decode("cp1252", errors="readiness-latin-1")
                encoding = textfile.CP1252
    if not text.strip():
        raise DataFileError(path.name, "empty file: no header row")
    # Records end at CR, LF or CRLF only (never at a form feed, vertical tab or U+2028,
    # which str.splitlines would also split at): as DuckDB's reader and Excel split them.
    lines = _LINE_BREAK.split(text, maxsplit=HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = _most_regular_delimiter(lines)
    rows = list(itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                 HEADER_SCAN_ROWS))
    return CsvHead(rows, delimiter, encoding)


def scan_file(path: Path, use_numpy: bool = True) -> FileScan:
    """Digest and size of any data file, plus the encoding and record count of a CSV file
    (textfile.scan); run in a background thread by the loader."""
    try:
        if file_format(path) != "csv":
            return FileScan(*file_digest(path), None)
        delimiter = csv_head(path).delimiter
        text = textfile.scan(path, delimiter, use_numpy)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    return FileScan(text.sha256, text.size, text)


def _stage_csv(con, path: Path, table: str, test: HeaderTest | None,
               scanned: Callable[[], FileScan] | None) -> Staged:
    head = csv_head(path)
    headers, header_idx = _pick_header(path, head.rows, test)
    header_line = header_idx + 1  # record number of the header (title rows above it)
    ncols = max(len(headers), 1)
    staged = Staged(table, path, "csv", headers, header_line, delimiter=head.delimiter)
    scan = (scanned or (lambda: scan_file(path)))().text
    source = path
    try:
        if scan.encoding in (textfile.UTF16, textfile.CP1252):
            source = textfile.transcode(path, scan.encoding)
        records = scan.records if scan.records is not None else textfile.count_records(
            source, head.delimiter)
        if records.mixed_line_ends:
            # DuckDB's reader stops at a file whose lines end in both CRLF and LF (a file
            # appended to on two systems): read a copy whose lines all end in LF.
            copy = textfile.transcode(source, scan.encoding if source == path else textfile.UTF8,
                                      line_ends=True)
            if source != path:
                source.unlink(missing_ok=True)
            source = copy
        if records.nul is not None:
            raise DataFileError(path.name, "binary data (a NUL byte) where text (CSV) was expected",
                                row=records.nul)
        if records.open_quote is not None and records.swallowed:
            # (On the last line it swallows nothing: the parser refuses that line.)
            raise DataFileError(
                path.name, f"a quote opens a field here and never closes: the {records.swallowed:,} "
                "line(s) after it would be read as one cell", row=records.open_quote)
        malformed = _read_csv(con, source, staged, ncols, head.delimiter,
                              parallel=not records.multiline)
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    # Count check: every record after the header is a row or a refused line, or the parser
    # dropped or merged records (irregular quoting): then nothing of the file is loaded.
    blank = [(max(first, header_line + 1), first + n - max(first, header_line + 1))
             for first, n in records.blank if first + n - 1 > header_line]
    expected = records.count - header_line - sum(n for _, n in blank)
    parsed = con.execute(f"select count(*) from {table}_raw").fetchone()[0] + len(malformed)
    if parsed != expected:
        raise DataFileError(
            path.name, f"the file holds {expected:,} records after the header but the CSV "
            f"parser read {parsed:,}: check its quoting (a quote character inside a field?)")
    # _row: the record's number in the file (blank records and refused lines counted), as a
    # spreadsheet numbers its rows. rowid counts parsed records only; records missing from
    # it (blank, refused) shift the ones after them.
    gaps = sorted(blank + [(row, 1) for row, _, _ in malformed])
    # A record has as many cells as the header or, in a file whose lines mostly end with a
    # delimiter (the header aside), one more that is empty; any other record is refused
    # whole: its cells would fall into the wrong columns. (A record of as many cells as
    # the header is read alike whether or not its line ends with a delimiter, and so the
    # direct read, which takes only such records, agrees with this.)
    empty = f"coalesce({', '.join(f'c{i}' for i in range(ncols))}, nullif(_extra, '')) is null"
    exact, more = con.execute(
        f"""select count(*) filter (where _cells = {ncols}),
                   count(*) filter (where _cells = {ncols + 1} and _extra = '')
            from {table}_raw where not ({empty})""").fetchone()
    trailing = more > exact
    keep = f"_cells = {ncols}" + (f" or (_cells = {ncols + 1} and _extra = '')" if trailing else "")
    _row_view(con, table, ncols, f"rid + {header_line + 1}", _shifts(gaps, header_line),
              keep=keep, blank=empty)
    odd = con.execute(
        f"""select _row, _cells, [{', '.join(f'c{i}' for i in range(ncols))}, _extra]
            from {table}_all where not ({keep}) order by _row""").fetchall()
    malformed = [(row, raw, _malformed_reason(msg, ncols, trailing)) for row, raw, msg in malformed]
    for row, n, cells in odd:
        malformed.append((row, _record_text(cells[:n], head.delimiter),
                          _cells_reason(n, ncols, trailing)))
    staged.malformed = sorted(malformed)
    return staged


def _record_text(cells: list[str | None], delimiter: str) -> str:
    """A record as the CSV grammar writes its cells (quoted where they need it)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(
        ["" if c is None else c for c in cells])
    return out.getvalue()[:-1]


def csv_reader(ncols: int, rejects: str, rejects_scan: str, quote: str = '"',
               parallel: bool = True) -> str:
    """SQL of DuckDB's CSV reader as the loader reads every text file: columns c0..c<n-1>
    as text, the records after the header (parameters $path, $skip, $delim), the records
    it cannot split kept in temp table ``rejects`` instead of stopping the read. The staged
    read and the direct read (direct.py) must read a file identically. ``quote=''``: no
    quoting (line_reader).

    A record's cells are counted exactly: a cell is never NULL (an empty one is '', even
    quoted: the null string is a line break, which no unquoted cell holds) and a column
    past the record's last cell is NULL (``null_padding``). Without padding DuckDB takes
    one empty cell too many as a trailing delimiter, so a comma file's unquoted 1,000.50
    before an empty last column loaded as two cells; with it, a record of more cells than
    columns is refused. The CSV parser's callers read one column more than the header
    (COLUMN_MORE) to see such a cell and judge it themselves. DuckDB pads in parallel only
    when no quoted field holds a line break: ``parallel=False`` for such a file
    (textfile.Records.multiline).

    A record may be up to 8 MiB long. DuckDB's read buffer would then default to 16 times
    that (128 MiB); 16 MiB buffers read a file of tens of MiB much faster (1M lines: the
    entries.csv insert 0.41 -> 0.24 s) and make no difference at 10M."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(max(ncols, 1))) + "}"
    return f"""read_csv($path, columns = {columns}, header = false, skip = $skip,
            delim = $delim, quote = '{quote}', escape = '{quote}', auto_detect = false,
            encoding = 'utf-8', store_rejects = true, rejects_table = '{rejects}',
            rejects_scan = '{rejects_scan}', null_padding = true, nullstr = '\n',
            allow_quoted_nulls = false, parallel = {str(parallel).lower()},
            max_line_size = 8388608, buffer_size = 16777216)"""


COLUMN_MORE = 1  # the CSV parser reads one column more than the header (see csv_reader)
LINE_DELIMITER = "\x01"


def line_reader(rejects: str, rejects_scan: str) -> str:
    """SQL of DuckDB's CSV reader taking each line after the header (parameters $path,
    $skip, $delim) as it is, as one text column c0: no quoting, and a delimiter the file
    does not use ($delim = LINE_DELIMITER; a line holding it is refused into ``rejects``).
    For a file without quote characters, where every line is one record (direct.py's line
    read)."""
    return csv_reader(1, rejects, rejects_scan, quote="")


def _read_csv(con, source: Path, staged: Staged, ncols: int, delimiter: str, parallel: bool
              ) -> list[tuple[int, str, str]]:
    """Stage the records after the header into ``<table>_raw`` (c0..c<ncols-1>, empty
    cells NULL, plus ``_cells``: the record's number of cells, and ``_extra``: the cell
    after the last column, if any); the lines the parser refused as (record number, raw
    text, DuckDB's messages)."""
    table = staged.table
    rej, scan = f"{table}_rej", f"{table}_rejscan"
    cells = [f"c{i}" for i in range(ncols + COLUMN_MORE)]
    sql = f"""create or replace temp table {table}_raw as
              select {', '.join(f"nullif({c}, '') as {c}" for c in cells[:ncols])},
                     cast({' + '.join(f'({c} is not null)::integer' for c in cells)} as integer) as _cells,
                     {cells[ncols]} as _extra
              from {csv_reader(ncols + COLUMN_MORE, rej, scan, parallel=parallel)}"""
    try:
        with duckdb_path(source) as path:
            con.execute(sql, {"path": path, "skip": staged.header_row, "delim": delimiter})
    except duckdb.Error as exc:
        raise DataFileError(staged.path.name, f"cannot be read as CSV: {_first_line(exc)}") from None
    # Records the CSV parser refused (too many cells, bad quoting): kept as rejects.
    bad = con.execute(
        f"""select line, min(csv_line), string_agg(distinct error_message, '; ' order by error_message)
            from {rej} group by line order by line"""
    ).fetchall()
    con.execute(f"drop table if exists {rej}; drop table if exists {scan}")
    # csv_line may carry the blank lines before the record, and its own line break.
    return [(int(line), (raw or "").strip("\r\n"), msg) for line, raw, msg in bad]


def _malformed_reason(message: str, ncols: int, trailing: bool) -> str:
    if "Invalid unicode" in message:
        return "not UTF-8 text (the rest of the file is UTF-8)"
    if "Expected Number of Columns" in message:
        # (read with COLUMN_MORE columns more than the header: say what the header has)
        found = max(int(n) for n in re.findall(r"Found: (\d+)", message))
        return _cells_reason(found, ncols, trailing)
    return f"malformed CSV line: {message}"


def _cells_reason(found: int, ncols: int, trailing: bool = False) -> str:
    hint = " (a delimiter inside an unquoted value, such as 1,000.50?)" if found > ncols else ""
    if trailing:
        hint = f" (or {ncols + 1}, the last one empty, as the lines that end with a delimiter)"
    return f"malformed CSV line: {found} cells where the header has {ncols}{hint}"


def _shifts(gaps: list[tuple[int, int]], header_line: int) -> list[tuple[int, int]]:
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


def _row_view(con, table: str, ncols: int, row_expr: str,
              shifts: list[tuple[int, int]] | None = None, keep: str | None = None,
              blank: str | None = None) -> None:
    """View ``table`` over ``table``_raw: blank rows dropped, ``_row`` numbered from rowid.

    rowid follows insertion order, which follows the file (preserve_insertion_order);
    a view avoids copying the whole file a second time. ``shifts``: (q, n) pairs from
    ``_shifts``; each row's number grows by the records missing before it (an ASOF join,
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


# ---------------------------------------------------------------- Parquet


def _parquet_headers(path: Path) -> list[str]:
    _sniff_parquet(path)
    try:
        with _HEADERS_LOCK, duckdb_path(path) as p:
            rel = _headers_connection().execute(
                "describe select * from read_parquet($p)", {"p": p}).fetchall()
    except duckdb.Error as exc:
        raise DataFileError(path.name, f"cannot be read as Parquet: {_first_line(exc)}") from None
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
        raise DataFileError(path.name, f"cannot be read as Parquet: {_first_line(exc)}") from None
    _row_view(con, table, len(headers), "rid + 2")
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
        raise DataFileError(path.name, f"cannot be read as Excel: {_first_line(exc)}") from None


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
    headers, header_idx = _pick_header(path, rows, test)
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
