"""Checks on an XLSX workbook before a reader opens it.

The XLSX reader (calamine, through fastexcel) holds a sheet's whole used range in memory
and trusts the sizes the file declares; a hostile workbook could make it allocate
gigabytes or abort the process. So the zip container is read here first, with Python's
``zipfile`` (which verifies every part's size and checksum as it inflates it), and the
workbook is refused with one line when:

- a part inflates beyond ``MAX_PART_BYTES`` or the parts together beyond ``MAX_TOTAL_BYTES``
  (a zip bomb: a small file expanding to gigabytes);
- a sheet's used range, as its ``<dimension>`` claims it or as its cell addresses span it,
  holds more than ``MAX_CELLS`` cells (``XFD1048576`` in an otherwise small sheet);
- the shared-string table claims more strings than it could hold.

Nothing here depends on the reader: the limits are documented in docs/data-contract.md.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import DataFileError

MAX_PART_BYTES = 1 << 30  # one part (a sheet's XML) inflated: 1 GiB
MAX_TOTAL_BYTES = 2 << 30  # every part inflated
MAX_CELLS = 30_000_000  # used range of a sheet (Excel's 1,048,576 rows of 28 columns)
XLSX_ROWS, XLSX_COLUMNS = 1_048_576, 16_384  # Excel's own limits
_CHUNK = 1 << 20

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref\s*=\s*["\']([A-Z]{1,3})(\d{1,9})(?::([A-Z]{1,3})(\d{1,9}))?')
# Row numbers (<row r="7">) and the cell addresses that can widen a sheet beyond 26 columns
# (column AA on) or below Excel's last row: one pass, literal-led so the scan stays fast.
# Cells in columns A-Z of rows Excel has need no look: 1,048,576 rows of 26 columns stay
# under MAX_CELLS.
_EXTENT = re.compile(rb'r\s*=\s*["\'](\d+|[A-Z]{2,}\d+|[A-Z]\d{7,})["\']')
_SST_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')


def column_number(letters: bytes | str) -> int:
    """1-based number of a column name (A = 1, XFD = 16384)."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def check(path: Path) -> None:
    """Raise DataFileError if ``path`` is not a zip container a reader can open safely."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            declared = sum(m.file_size for m in members)
            for m in members:
                if not m.filename:  # (zipfile's own is_dir() fails on such a part)
                    raise zipfile.BadZipFile("a part without a name")
                if m.file_size > MAX_PART_BYTES:
                    raise _too_big(path, m.filename, m.file_size)
            if declared > MAX_TOTAL_BYTES:
                raise _too_big(path, "the workbook", declared)
            for m in members:
                if m.is_dir():
                    continue
                _inflate(path, zf, m)
    except DataFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            ValueError) as exc:
        raise DataFileError(path.name, f"cannot be read as Excel: damaged or not a workbook ({exc})") from None
    except RuntimeError as exc:  # an encrypted part
        raise DataFileError(path.name, f"cannot be read as Excel: {exc}") from None
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None


def _too_big(path: Path, part: str, size: int) -> DataFileError:
    return DataFileError(
        path.name, f"{part} inflates to {size:,} bytes, more than this tool reads "
        f"({MAX_PART_BYTES:,} per part, {MAX_TOTAL_BYTES:,} in all): save the sheet as CSV")


def _inflate(path: Path, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Inflate one part (zipfile checks its real size and CRC against the declared ones),
    looking at the used range of a sheet and the size of the shared-string table."""
    name = member.filename.lower()
    sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
    strings = name.endswith("sharedstrings.xml")
    max_row = max_col = 0
    dim_seen = False
    tail = b""
    with zf.open(member) as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            if not (sheet or strings):
                continue
            text = tail + chunk
            if sheet:
                if not dim_seen and (d := _DIMENSION.search(text)):
                    dim_seen = True
                    _check_range(path, member.filename, d)
                for ref in set(_EXTENT.findall(text)):
                    letters = ref.rstrip(b"0123456789")
                    max_row = max(max_row, int(ref[len(letters):]))
                    if letters:
                        max_col = max(max_col, column_number(letters))
                cols = max(max_col, 26)
                if max_row > XLSX_ROWS or max_col > XLSX_COLUMNS or max_row * cols > MAX_CELLS:
                    _refuse_range(path, member.filename, max_row, cols)
            elif strings and (m := _SST_COUNT.search(text)) and int(m.group(1)) > member.file_size // 7:
                raise DataFileError(path.name, f"{member.filename}: claims {int(m.group(1)):,} shared "
                                    "strings, more than the part holds: damaged or hostile workbook")
            tail = chunk[-256:]


def _check_range(path: Path, part: str, m: re.Match) -> None:
    c1, r1, c2, r2 = m.groups()
    if c2 is None:
        return
    rows = int(r2) - int(r1) + 1
    cols = column_number(c2) - column_number(c1) + 1
    if rows > XLSX_ROWS or cols > XLSX_COLUMNS or rows * cols > MAX_CELLS:
        _refuse_range(path, part, rows, cols)


def _refuse_range(path: Path, part: str, rows: int, cols: int) -> None:
    raise DataFileError(
        path.name, f"{part} claims a sheet of {rows:,} rows by {cols:,} columns, more than this "
        f"tool reads ({MAX_CELLS:,} cells): remove stray cells far from the table, or save it as CSV")
