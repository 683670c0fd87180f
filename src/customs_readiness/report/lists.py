"""Exception lists as files: one CSV per metric (the one CSV writer, ``csvfile``) and one XLSX
workbook with an index sheet and a sheet per metric, written from a period's figures.

A metric file may carry, after the marker line ``-- exceptions``, a query listing the records
behind its figure: key column first (entry number, importer number or case id), then the fields
that made each record count, then ``_file`` and ``_row`` pointing back into the input files.
For a counting metric the list has exactly ``value`` rows; for a rate it lists the records that
hold the rate down (or, for ``psc_rate``, push it up).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ReadinessError, shown
from ..values import dumps_json, json_value, round_money
from .csvfile import arrow_to_csv, neutralise
from .format import cell_text

WORKBOOK_NAME = "exceptions.xlsx"
_SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_ROWS_MAX = 1_048_575  # Excel's row limit minus the header row; the CSV has every row
CELL_CHARS_MAX = 32_767  # Excel's limit for the text of one cell
_CUT_NOTE = " … [cut at Excel's 32,767 characters; the CSV has the whole text]"


def _cell_string(value: object) -> tuple[str, bool]:
    """Text as the workbook gets it: formula-like text neutralised as in every CSV
    (csvfile.neutralise), and text beyond Excel's cell limit cut with a note saying so
    (rather than cut silently by the writer). Returns (text, cut)."""
    text = neutralise(str(value))
    if len(text) <= CELL_CHARS_MAX:
        return text, False
    return text[: CELL_CHARS_MAX - len(_CUT_NOTE)] + _CUT_NOTE, True


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then put it in place: an
    interrupted or failed write (full disk, Ctrl-C, SIGTERM) leaves no partial file."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sheet_names(ids: list[str]) -> dict[str, str]:
    """Unique sheet names of at most 31 characters ("index" is reserved for the first sheet)."""
    names: dict[str, str] = {}
    used = {"index"}
    for mid in ids:
        base = mid[:_SHEET_NAME_MAX]
        name, n = base, 2
        while name.lower() in used:
            suffix = f"~{n}"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        names[mid] = name
    return names


def _write_workbook(path: Path, run: Any, lists: dict[str, tuple[list[str], list[tuple]]],
                    totals: dict[str, int], cut: dict[str, int]) -> None:
    import xlsxwriter  # only this command writes workbooks

    # constant_memory: rows are flushed as written, so a million-row list does not sit in memory
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "constant_memory": True})
    try:
        bold = wb.add_format({"bold": True})
        money = wb.add_format({"num_format": "#,##0.00"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        sheets = _sheet_names(list(lists))

        index = wb.add_worksheet("index")
        index.write_string(0, 0, "Exception lists", bold)
        index.write_string(1, 0, "period")
        index.write_string(1, 1, f"{run.period.label} [{run.period.start.isoformat()}, "
                                 f"{run.period.end.isoformat()})")
        index.write_string(2, 0, "policy version")
        index.write_string(2, 1, run.policy.version)
        index.write_string(3, 0, "policy")
        index.write_string(3, 1, dumps_json(run.policy.values, indent=0).replace("\n", " "))
        header = ("sheet", "metric id", "title", "value", "status", "records", "note")
        for c, h in enumerate(header):
            index.write_string(5, c, h, bold)
        for r, mid in enumerate(lists, start=6):
            res = run.results[mid]
            index.write_string(r, 0, sheets[mid])
            index.write_string(r, 1, mid)
            index.write_string(r, 2, res.definition.title)
            index.write_string(r, 3, "" if res.value is None else cell_text(json_value(res.value, res.definition.unit)))
            index.write_string(r, 4, res.status or "")
            index.write_number(r, 5, totals[mid])
            notes = []
            if totals[mid] > _SHEET_ROWS_MAX:
                notes.append(f"sheet holds the first {_SHEET_ROWS_MAX:,} records; {mid}.csv holds all")
            if cut.get(mid):
                notes.append(f"{cut[mid]:,} cell(s) cut at Excel's {CELL_CHARS_MAX:,} characters; "
                             f"{mid}.csv holds the whole text")
            if notes:
                index.write_string(r, 6, "; ".join(notes))
        index.set_column(0, 2, 32)

        for mid, (cols, rows) in lists.items():
            ws = wb.add_worksheet(sheets[mid])
            for c, name in enumerate(cols):
                ws.write_string(0, c, name, bold)
            ws.set_column(0, max(len(cols) - 1, 0), 16)
            ws.freeze_panes(1, 1)
            for r, row in enumerate(rows[:_SHEET_ROWS_MAX], start=1):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        ws.write_boolean(r, c, v)
                    elif isinstance(v, Decimal):
                        # to the cent, half up, as every output rounds money
                        ws.write_number(r, c, float(round_money(v)), money)
                    elif isinstance(v, int):
                        ws.write_number(r, c, v)
                    elif isinstance(v, (date, datetime)):
                        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
                    else:
                        # write_string: text from the data never becomes a formula or a link
                        ws.write_string(r, c, _cell_string(v)[0])
    finally:
        wb.close()


def _cells_too_long(table) -> int:
    """Text cells of an Arrow table longer than a workbook cell holds (as _cell_string
    writes them), counted by Arrow without a Python loop."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .csvfile import _FORMULA_PATTERN

    n = 0
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            length = pc.add(pc.utf8_length(col), pc.cast(pc.match_substring_regex(col, _FORMULA_PATTERN), pa.int32()))
            n += pc.sum(pc.greater(length, CELL_CHARS_MAX)).as_py() or 0
    return n


def write_exceptions(figures: Any, out_dir: Path) -> list[Path]:
    """Write ``<metric_id>.csv`` for every metric of the period that has records behind its
    figure, and one workbook ``exceptions.xlsx`` with an index sheet and a sheet per metric.

    Returns the written paths (CSVs in catalog order, then the workbook).
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadinessError(f"{shown(out_dir)}: cannot create output folder ({exc.strerror})") from None
    run = figures.run
    tables = {mid: figures.exceptions[mid].to_arrow_table()
              for mid in run.results if mid in figures.exceptions}
    written: list[Path] = []
    try:
        for mid, table in tables.items():
            path = out_dir / f"{mid}.csv"
            data = arrow_to_csv(table)
            write_atomically(path, lambda tmp, data=data: tmp.write_bytes(data))
            written.append(path)
        lists = {mid: (list(t.column_names),
                       [tuple(r.values()) for r in t.slice(0, _SHEET_ROWS_MAX + 1).to_pylist()])
                 for mid, t in tables.items()}
        book = out_dir / WORKBOOK_NAME
        totals = {mid: t.num_rows for mid, t in tables.items()}
        cut = {mid: _cells_too_long(t) for mid, t in tables.items()}
        write_atomically(book, lambda tmp: _write_workbook(tmp, run, lists, totals, cut))
        written.append(book)
    except OSError as exc:
        raise ReadinessError(f"{shown(out_dir)}: cannot write exception files ({exc.strerror or exc})") from None
    return written
