"""Reading a CSV file: its head (delimiter, header rows), DuckDB's reader as every text
file is read, and the staged read (every record as text, numbered, each record's cells
counted against the header).

A CSV record is refused whole when its cells do not fit the header's columns (one too
many, or too few), since its values would fall into the wrong columns: it is kept out of
the staged view and listed in ``Staged.malformed`` with its number and its text. A file
that is not UTF-8 or mixes line ends is read through a UTF-8 copy (textfile.transcode);
the byte scan (textfile) counts its records independently of the parser.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import DataFileError
from . import textfile
from .staging import (
    HEADER_SCAN_ROWS,
    FileScan,
    HeaderTest,
    Staged,
    duckdb_path,
    file_format,
    first_line,
    gap_shifts,
    pick_header,
    row_view,
)

HEAD_BYTES = 65536  # the header is looked for in the first 64 KiB of a text file
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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


def scan_file(path: Path, use_numpy: bool = True,
              proved_from: Callable[[], int | None] | None = None) -> FileScan:
    """The encoding and record count of a CSV file (textfile.scan, ``proved_from`` as
    there; a file of another format is not read); run in a background thread by the
    loader."""
    try:
        if file_format(path) != "csv":
            return FileScan(None)
        delimiter = csv_head(path).delimiter
        text = textfile.scan(path, delimiter, use_numpy, proved_from)
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    return FileScan(text)


def stage_csv(con, path: Path, table: str, test: HeaderTest | None,
              scanned: Callable[[], FileScan] | None) -> Staged:
    head = csv_head(path)
    headers, header_idx = pick_header(path, head.rows, test)
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
    # A record has as many cells as the header or, when the file's lines end with a
    # delimiter (an empty last cell), one more that is empty; any other record is refused
    # whole: its cells would fall into the wrong columns. Only the file's own convention
    # can tell a line that ends with a delimiter from an unquoted 1,000.50 before an empty
    # last column: both make one empty cell too many. The lines end with a delimiter when
    # the header's line does and more records have that empty cell than have none; under a
    # header whose line ends with one over lines that mostly do not, such a record is as
    # ambiguous as under a header without it. (A record of as many cells as the header is
    # read alike either way, so the direct read, which takes only such records, agrees.)
    header_ends = len(head.rows[header_idx]) == len(headers) + 1
    trailing = header_ends and _more_padded_than_plain(con, table, ncols)
    empty = f"coalesce({', '.join(f'c{i}' for i in range(ncols))}, nullif(_extra, '')) is null"
    keep = f"_cells = {ncols}" + (f" or (_cells = {ncols + 1} and _extra = '')" if trailing else "")
    row_view(con, table, ncols, f"rid + {header_line + 1}", gap_shifts(gaps, header_line),
             keep=keep, blank=empty)
    odd = con.execute(
        f"""select _row, _cells, [{', '.join(f'c{i}' for i in range(ncols))}, _extra]
            from {table}_all where not ({keep}) order by _row""").fetchall()
    malformed = [(row, raw, _malformed_reason(msg, ncols, trailing)) for row, raw, msg in malformed]
    for row, n, cells in odd:
        malformed.append((row, record_text(cells[:n], head.delimiter),
                          _cells_reason(n, ncols, trailing, last_empty=cells[ncols] == "",
                                        header_ends=header_ends)))
    staged.malformed = sorted(malformed)
    return staged


def _more_padded_than_plain(con, table: str, ncols: int) -> bool:
    """Whether more staged records have one empty cell more than the header than have as
    many cells as the header."""
    plain, padded = con.execute(
        f"""select count(*) filter (where _cells = {ncols}),
                   count(*) filter (where _cells = {ncols + 1} and _extra = '')
            from {table}_raw""").fetchone()
    return padded > plain


def record_text(cells: list[str | None], delimiter: str) -> str:
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
    columns is refused. The CSV parser's callers read one column more than the header to
    see such a cell and judge it themselves. DuckDB pads in parallel only
    when no quoted field holds a line break: ``parallel=False`` for such a file
    (textfile.Records.multiline).

    A record may be up to 8 MiB long. DuckDB's read buffer would then default to 16 times
    that (128 MiB); 16 MiB buffers read a file of tens of MiB much faster (1M lines: the
    entries.csv insert 0.41 -> 0.24 s) and make no difference at 10M."""
    return _read_csv_sql(["VARCHAR"] * max(ncols, 1), rejects, rejects_scan, quote,
                         f"null_padding = true, nullstr = '\n', allow_quoted_nulls = false, "
                         f"parallel = {str(parallel).lower()}")


def _read_csv_sql(types: list[str], rejects: str, rejects_scan: str, quote: str, options: str) -> str:
    """DuckDB's read_csv of the records after the header, columns c0.. of ``types``, as
    every reader of the loader calls it (csv_reader, typed_reader), plus ``options``."""
    columns = "{" + ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(types)) + "}"
    return f"""read_csv($path, columns = {columns}, header = false, skip = $skip,
            delim = $delim, quote = '{quote}', escape = '{quote}', auto_detect = false,
            encoding = 'utf-8', store_rejects = true, rejects_table = '{rejects}',
            rejects_scan = '{rejects_scan}', {options},
            max_line_size = 8388608, buffer_size = 16777216)"""


LINE_DELIMITER = "\x01"


def line_reader(rejects: str, rejects_scan: str) -> str:
    """SQL of DuckDB's CSV reader taking each line after the header (parameters $path,
    $skip, $delim) as it is, as one text column c0: no quoting, and a delimiter the file
    does not use ($delim = LINE_DELIMITER; a line holding it is refused into ``rejects``).
    For a file without quote characters, where every line is one record (direct.py's line
    read)."""
    return csv_reader(1, rejects, rejects_scan, quote="")


def typed_reader(types: list[str], rejects: str, rejects_scan: str,
                 dateformat: str | None = None, quote: str = "") -> str:
    """SQL of DuckDB's typed CSV reader for a file whose every line after the header is
    proved canonical (wholefile.all_lines_match): columns c0.. typed by ``types``
    (INTEGER, DECIMAL(18,2) and DATE parsed by the reader itself, the rest text; dates in
    ``dateformat``, else ISO), an empty cell NULL (quoted or not), parameters as
    csv_reader's. No quoting, unless ``quote`` (a file with quote characters, each line
    one record: the quotes are taken off). Only canonical text may be read so: the reader
    is lenient with anything else (direct.py)."""
    options = "parallel = true" + (f", dateformat = '{dateformat}'" if dateformat else "")
    return _read_csv_sql(types, rejects, rejects_scan, quote, options)


def _read_csv(con, source: Path, staged: Staged, ncols: int, delimiter: str, parallel: bool
              ) -> list[tuple[int, str, str]]:
    """Stage the records after the header into ``<table>_raw`` (c0..c<ncols-1>, empty
    cells NULL, plus ``_cells``: the record's number of cells, and ``_extra``: the cell
    after the last column, if any); the lines the parser refused as (record number, raw
    text, DuckDB's messages)."""
    table = staged.table
    rej, scan = f"{table}_rej", f"{table}_rejscan"
    cells = [f"c{i}" for i in range(ncols + 1)]  # one more than the header (csv_reader)
    sql = f"""create or replace temp table {table}_raw as
              select {', '.join(f"nullif({c}, '') as {c}" for c in cells[:ncols])},
                     {' + '.join(f'({c} is not null)::integer' for c in cells)} as _cells,
                     {cells[ncols]} as _extra
              from {csv_reader(ncols + 1, rej, scan, parallel=parallel)}"""
    try:
        with duckdb_path(source) as path:
            con.execute(sql, {"path": path, "skip": staged.header_row, "delim": delimiter})
    except duckdb.Error as exc:
        raise DataFileError(staged.path.name, f"cannot be read as CSV: {first_line(exc)}") from None
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
        # (read with a column more than the header: say what the header has)
        found = max(int(n) for n in re.findall(r"Found: (\d+)", message))
        return _cells_reason(found, ncols, trailing)
    return f"malformed CSV line: {message}"


def _cells_reason(found: int, ncols: int, trailing: bool = False, last_empty: bool = False,
                  header_ends: bool = False) -> str:
    """Why a record of ``found`` cells is refused; ``trailing``: the file's lines end with a
    delimiter (its header's line and most of its records); ``last_empty``: the record has
    one cell more, empty; ``header_ends``: the header's line ends with a delimiter."""
    why = f"malformed CSV line: {found} cells where the header has {ncols}"
    if trailing:
        return f"{why} (or {ncols + 1}, the last one empty, as the header's line ends with a delimiter)"
    if found == ncols + 1 and last_empty:
        where = ("most lines of the file do not (the header's line does)" if header_ends
                 else "the header's line does not")
        return (f"{why}, the last one empty: a delimiter inside an unquoted value (such as "
                f"1,000.50), or a line that ends with a delimiter where {where}")
    if found > ncols:
        return f"{why} (a delimiter inside an unquoted value, such as 1,000.50?)"
    return why
