"""Opening a workbook the tool reads back (an audit worksheet, a remediation register): one
place that turns a missing file or a file that is not XLSX into one line naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ReadinessError


def open_workbook(path: Path, name: str | None = None) -> Any:
    """``path`` opened read-only for its values (openpyxl). Raises ReadinessError naming
    the file (as ``name``, default the path) when it is missing or not an XLSX workbook."""
    import zipfile

    import openpyxl

    name = str(path) if name is None else name
    if not Path(path).is_file():
        raise ReadinessError(f"{name}: no such file")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReadinessError(f"{name}: not an XLSX workbook ({first})") from None
