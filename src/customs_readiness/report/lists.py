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
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ReadinessError, shown
from ..values import dumps_json, json_value, round_money
from .csvfile import arrow_to_csv, neutralise
from .format import unit_kind

WORKBOOK_NAME = "exceptions.xlsx"
INDEX_SHEET = "index"
_SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_ROWS_MAX = 1_048_575  # Excel's row limit minus the header row; the CSV has every row
_WIDTH_MIN, _WIDTH_MAX = 8, 60  # column widths, in characters, fitted to the content
_WIDTH_ROWS = 2_000  # rows measured to fit a column (the widest are usually among the first)

# Sheet names of the catalog's lists whose titles are longer than Excel's 31 characters:
# short titles a reader recognises (the index sheet carries every full title). Any other
# list is named by ``_short_title``: its title, abbreviated and cut at a word.
SHEET_NAMES = {
    "foreign_ior_informal_entries": "Informal entries, foreign IOR",
    "foreign_ior_formal_without_ctpat_cover": "Foreign IOR formal, no CTPAT",
    "foreign_ior_formal_without_ctpat_cover_strict": "Foreign IOR no CTPAT (strict)",
    "foreign_ior_formal_without_ctpat_cover_licensed": "Foreign IOR no CTPAT (order)",
    "foreign_ior_continuous_bond_without_permission": "Foreign IOR bond, no permission",
    "unknown_ior_status_entries": "Entries, IOR status unknown",
    "origin_mid_completeness_rate": "Origin & MID completeness",
    "broker_penalty_cases": "Broker penalty cases (§1641)",
    "penalty_floor_breaches": "Mitigated below the EO floor",
    "repeat_offender_importers_pending": "Would-be repeat offenders",
    "open_cases_at_period_end": "Cases open at period end",
    "max_statutory_exposure_1592": "Max exposure, open §1592 cases",
    "eo_minimum_payable_open": "Minimum payable, open cases",
    "pending_disposals_at_period_end": "Disposals pending at period end",
}
_ABBREVIATIONS = (
    (r"foreign importer of record", "foreign IOR"),
    (r"importer[- ]of[- ]record", "IOR"),
    (r"post-summary correction", "PSC"),
    (r"manufacturer ID", "MID"),
    (r"19 U\.S\.C\. ?", "§"),
    (r"at the end of the period", "at period end"),
    (r"\bwithout\b", "no"),
    (r" and ", " & "),
)
_DANGLING = {"a", "an", "the", "of", "with", "by", "to", "for", "under", "and", "&", "or",
             "on", "in", "at", "no", "is", "are", "whose", "which", "that", ""}
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")


def _short_title(title: str, limit: int = _SHEET_NAME_MAX) -> str:
    """A title within ``limit`` characters: abbreviated, then cut at a word (a trailing
    parenthesis, such as a reading of the order, is kept)."""
    text = title
    for pattern, short in _ABBREVIATIONS:
        if len(text) <= limit:
            break
        text = re.sub(pattern, short, text, flags=re.I)
    text = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", text).split())
    if len(text) <= limit:
        return text
    main, qualifier = text, ""
    m = re.match(r"(.*\S)\s+(\([^()]*\))$", text)
    if m and len(m.group(2)) <= limit // 2:
        main, qualifier = m.group(1), " " + m.group(2)
    room = limit - len(qualifier)
    words = (main[: room + 1].rsplit(" ", 1)[0] if len(main) > room else main)[:room].split()
    while len(words) > 1 and words[-1].lower().strip(",;-") in _DANGLING:
        words.pop()  # "Share of entered value with a" -> "Share of entered value"
    return " ".join(words).rstrip(" ,;-&") + qualifier


def _sheet_names(ids: list[str], titles: dict[str, str] | None = None) -> dict[str, str]:
    """Unique, readable sheet names of at most 31 characters: the title when it fits, else a
    short title (``SHEET_NAMES``, ``_short_title``); a repeated name gets " (2)", " (3)"...
    ("index" is the first sheet's)."""
    titles = titles or {}
    names: dict[str, str] = {}
    used = {INDEX_SHEET}
    for mid in ids:
        base = SHEET_NAMES.get(mid) or _short_title(titles.get(mid) or mid)
        base = base.strip() or mid[:_SHEET_NAME_MAX]
        name, n = base, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = _short_title(base, _SHEET_NAME_MAX - len(suffix)) + suffix
            n += 1
        used.add(name.lower())
        names[mid] = name
    return names


def _cell_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{round_money(value):,.2f}")
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fit_widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Column widths fitted to the header and the first rows, within the bounds."""
    widths = [len(h) + 2 for h in header]  # room for the autofilter's button
    for row in rows[:_WIDTH_ROWS]:
        for c, v in enumerate(row):
            widths[c] = max(widths[c], _cell_width(v) + 1)
    return [min(max(w, _WIDTH_MIN), _WIDTH_MAX) for w in widths]


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


def _write_workbook(path: Path, run: Any, lists: dict[str, tuple[list[str], list[tuple]]],
                    totals: dict[str, int], cut: dict[str, int] | None = None):
    import xlsxwriter  # only this command writes workbooks

    # constant_memory: rows are flushed as written, so a million-row list does not sit in memory
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "constant_memory": True})
    try:
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bottom": 1})
        money = wb.add_format({"num_format": "#,##0.00"})
        count = wb.add_format({"num_format": "#,##0"})
        rate = wb.add_format({"num_format": "0.00%"})
        number = wb.add_format({"num_format": "#,##0.0"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        link = wb.add_format({"font_color": "blue", "underline": 1})
        figure_format = {"money": money, "rate": rate, "count": count, "days": number,
                         "score": number}
        titles = {mid: run.results[mid].definition.title for mid in lists}
        sheets = _sheet_names(list(lists), titles)

        index = wb.add_worksheet(INDEX_SHEET)
        index.write_string(0, 0, "Exception lists", bold)
        p = run.period
        index.write_string(1, 0, "period")
        index.write_string(1, 1, str(p.label))
        index.write_string(2, 0, "first day")
        index.write_datetime(2, 1, datetime(p.start.year, p.start.month, p.start.day), day)
        last = p.end - timedelta(days=1)
        index.write_string(3, 0, "last day")
        index.write_datetime(3, 1, datetime(last.year, last.month, last.day), day)
        index.write_string(4, 0, "policy version")
        index.write_string(4, 1, run.policy.version)
        index.write_string(5, 0, "policy")
        index.write_string(5, 1, dumps_json(run.policy.values, indent=0).replace("\n", " "))
        header = ("sheet", "metric id", "title", "value", "unit", "status", "records", "note")
        top = 7
        rows = []
        for mid in lists:
            res = run.results[mid]
            note = (f"sheet holds the first {_SHEET_ROWS_MAX:,} records; {mid}.csv holds all"
                    if totals[mid] > _SHEET_ROWS_MAX else "")
            if getattr(res, "not_in_force", False):
                note = "not in force in this period" + (f"; {note}" if note else "")
            if (cut or {}).get(mid):
                note += ("; " if note else "") + (
                    f"{cut[mid]:,} cell(s) cut at Excel's {CELL_CHARS_MAX:,} characters; "
                    f"{mid}.csv holds the whole text")
            rows.append((sheets[mid], mid, res.definition.title, res.value,
                         res.definition.unit, res.status or "", totals[mid], note))
        for c, width in enumerate(_fit_widths(header, rows)):
            index.set_column(c, c, min(width, 48) if c != 0 else width)
        for c, h in enumerate(header):
            index.write_string(top, c, h, head)
        for r, (sheet, mid, title, value, unit, status, records, note) in enumerate(
                rows, start=top + 1):
            # an internal link; the sheet name has no apostrophe to escape (_NOT_IN_SHEET_NAMES)
            index.write_url(r, 0, f"internal:'{sheet}'!A1", link, sheet)
            index.write_string(r, 1, mid)
            index.write_string(r, 2, title)
            figure = json_value(value, unit)  # money rounded half up to the cent
            if figure is not None:
                index.write_number(r, 3, float(figure),
                                   figure_format.get(unit_kind(unit), number))
            index.write_string(r, 4, unit)
            index.write_string(r, 5, status)
            index.write_number(r, 6, records, count)
            if note:
                index.write_string(r, 7, note)
        index.autofilter(top, 0, top + max(len(rows), 1), len(header) - 1)
        index.freeze_panes(top + 1, 0)

        for mid, (cols, rows_) in lists.items():
            ws = wb.add_worksheet(sheets[mid])
            for c, width in enumerate(_fit_widths(cols, rows_)):
                ws.set_column(c, c, width)
            for c, name in enumerate(cols):
                ws.write_string(0, c, name, head)
            ws.freeze_panes(1, 1)
            shown = rows_[:_SHEET_ROWS_MAX]
            if cols:
                ws.autofilter(0, 0, max(len(shown), 1), len(cols) - 1)
            for r, row in enumerate(shown, start=1):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        ws.write_boolean(r, c, v)
                    elif isinstance(v, Decimal):
                        # to the cent, half up, as every output rounds money
                        ws.write_number(r, c, float(round_money(v)), money)
                    elif isinstance(v, (int, float)):
                        ws.write_number(r, c, v)
                    elif isinstance(v, (date, datetime)):
                        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
                    else:
                        # write_string: text from the data never becomes a formula or a link;
                        # formula-like text neutralised as in every CSV, cut with a note
                        ws.write_string(r, c, _cell_string(v)[0])
    finally:
        wb.close()


def _cells_too_long(table) -> int:
    """Text cells of an Arrow table longer than a workbook cell holds (as _cell_string
    writes them), measured by Arrow (a Python loop only over a column that has one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .csvfile import _FORMULA_PATTERN

    n = 0
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            length = pc.add(pc.utf8_length(col), pc.cast(pc.match_substring_regex(col, _FORMULA_PATTERN), pa.int32()))
            # compared in Python where any cell is too long (rare), the limit not made an
            # Arrow scalar (see csvfile.to_csv on pandas)
            if (pc.max(length).as_py() or 0) > CELL_CHARS_MAX:
                n += sum(1 for v in length.to_pylist() if v is not None and v > CELL_CHARS_MAX)
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
        raise ReadinessError(f"{shown(out_dir)}: cannot write exception files "
                             f"({exc.strerror or exc})") from None
    return written
