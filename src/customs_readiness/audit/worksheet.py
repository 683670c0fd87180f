"""The audit worksheet: written by `audit-sample`, filled in by the tester, read by `audit-score`.

Sheets and columns are fixed (issue 13): ``Sample`` (one row per sampled line, then the
tester's columns), ``Strata`` and ``Plan``. The Plan sheet lists the plan's facts as
item/value rows, among them two SHA-256 checksums: of the sampled rows' identifying and
value columns, and of the Strata table. Below the items, the same columns are repeated as
short per-cell checksums (the first 8 hex digits of a SHA-256 of sheet, key, column and
value), so that a changed cell can be named by sheet, row and column, not only detected.

The checksums catch changes made to the sampled lines inside the workbook (a sorted-away
row, a retyped value); they are not a seal against someone who recomputes them. The
sample itself can always be re-derived from the database and the seed with `audit-sample`.

Cell values are compared in a canonical text form: whole numbers as digits, money as the
shortest exact decimal, text trimmed; so a value that Excel turned from text into a number
(or back) without changing it still matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from customs_readiness.errors import ReadinessError, WorkbookError
from customs_readiness.xlsxread import open_workbook

from ..version import __version__
from .draw import ALLOCATION, METHOD, RANDOM_NUMBERS, AuditSample
from .fmt import fmt_money
from .universe import LINE_COLUMNS

WORKSHEET_NAME = "audit-worksheet.xlsx"
SAMPLE, STRATA, PLAN = "Sample", "Strata", "Plan"

RESULTS = ("compliant", "error")
ERROR_TYPES = ("classification", "value", "origin", "special_program", "quantity", "other")
TESTER_COLUMNS = ("result", "error_type", "correct_duty", "notes")
CHECKED_SAMPLE_COLUMNS = ("sample_id", "stratum", *LINE_COLUMNS)
SAMPLE_COLUMNS = (*CHECKED_SAMPLE_COLUMNS, *TESTER_COLUMNS)
STRATA_COLUMNS = ("stratum", "lower_value", "upper_value", "lines_in_universe",
                  "lines_sampled", "value_in_universe")
PLAN_COLUMNS = ("item", "value")

# How each checked column is compared.
INTEGER_COLUMNS = {"sample_id", "stratum", "line_number", "tariff_ordinal", "lines_in_universe",
                   "lines_sampled"}
MONEY_COLUMNS = {"entered_value", "duty_amount", "lower_value", "upper_value",
                 "value_in_universe"}

UNIVERSE_TEXT = ("Entry lines (each line and tariff ordinal) of the entries whose entry date "
                 "falls in the period, excluding Chapter 99 ordinals (HTS numbers starting 99), "
                 "which carry no entered value of their own.")
HOW_TO_TEST = ("Test each line of the Sample sheet against its entry documents. Write result "
               "(compliant or error); for an error, error_type; correct_duty when the duty "
               "should have been different (empty means no difference); notes as you wish. "
               "Leave the other columns and the rows as drawn: audit-score checks them "
               "against the checksums below.")
SAMPLE_BLOCK = "cell checksums: Sample"
STRATA_BLOCK = "cell checksums: Strata"


class WorksheetError(WorkbookError):
    """A worksheet that cannot be scored; the message names file, sheet, row and column."""


# --------------------------------------------------------------------------- canonical form


def canonical(column: str, value: Any) -> str:
    """The text a checked cell is compared by. Raises ValueError for a cell that cannot hold
    the column's kind of value (a word in a number column)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if column in INTEGER_COLUMNS or column in MONEY_COLUMNS:
        number = to_decimal(value)
        if column in INTEGER_COLUMNS:
            if number != number.to_integral_value():
                raise ValueError("not a whole number")
            return str(int(number))
        return format(number.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def to_decimal(value: Any) -> Decimal:
    """A cell as an exact Decimal: numbers by their shortest repr, text only when it is a
    plain decimal number. Raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
    raise ValueError("not a number")


def _safe_canonical(column: str, value: Any) -> str:
    try:
        return canonical(column, value)
    except ValueError:
        return f"\x00{value!r}"  # never equal to a canonical value


def _checksum(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    h = hashlib.sha256()
    h.update(("\t".join(columns) + "\n").encode("utf-8"))
    for row in rows:
        h.update(("\t".join(_safe_canonical(c, v) for c, v in zip(columns, row, strict=True))
                  + "\n").encode("utf-8"))
    return h.hexdigest()


def _cell_digest(sheet: str, key: str, column: str, canon: str) -> str:
    return hashlib.sha256(f"{sheet}|{key}|{column}|{canon}".encode()).hexdigest()[:8]


def _sort_key(canon_id: str) -> tuple[int, int | str]:
    return (0, int(canon_id)) if canon_id.isdigit() else (1, canon_id)


def sample_checksum(rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 of the checked columns of the Sample rows, taken in sample_id order (so a
    sheet sorted by the tester still matches)."""
    rows = sorted(rows, key=lambda r: _sort_key(_safe_canonical("sample_id", r[0])))
    return _checksum(CHECKED_SAMPLE_COLUMNS, rows)


def strata_checksum(rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 of the Strata rows, in stratum order."""
    rows = sorted(rows, key=lambda r: _sort_key(_safe_canonical("stratum", r[0])))
    return _checksum(STRATA_COLUMNS, rows)


# --------------------------------------------------------------------------- writing


def strata_rows(sample: AuditSample) -> list[tuple]:
    return [(s.stratum, s.lower_value, s.upper_value, s.lines_in_universe, s.lines_sampled,
             s.value_in_universe) for s in sample.strata]


def plan_items(sample: AuditSample, catalog_version: str) -> list[tuple[str, Any]]:
    """The Plan sheet's item/value rows (also printed in the sampling-plan PDF)."""
    p = sample.period
    last_day = p.end - dt.timedelta(days=1)
    certainty = next((s for s in sample.strata if s.certainty), None)
    sampled = [s for s in sample.strata if not s.certainty]
    if sampled:
        asked = ("" if len(sampled) == sample.strata_requested
                 else f" ({sample.strata_requested} asked for; values bunch)")
        stratification = (f"{len(sampled)} strata by entered value{asked}, cut where the "
                          "cumulative entered value "
                          "of the lines outside the certainty stratum reaches equal shares of "
                          "their total; ranges are [lower_value, upper_value); a range with "
                          "fewer than 2 lines is merged into its neighbour.")
    else:
        stratification = "Every line of the universe is in the certainty stratum."
    if sample.certainty_value is None:
        certainty_text = "none"
    elif certainty is None:
        certainty_text = f"{fmt_money(sample.certainty_value)}: no line at or above it"
    else:
        certainty_text = (f"{fmt_money(sample.certainty_value)}: every line at or above it is tested "
                          f"(stratum {certainty.stratum}, {certainty.lines_in_universe:,} lines)")
    drawn = sum(s.lines_sampled for s in sampled)
    allocation = ALLOCATION
    if drawn > sample.size_rule.size:
        allocation += (f" The minimum of 2 per stratum raised the lines drawn from "
                       f"{sample.size_rule.size:,} to {drawn:,}.")
    rows = sample.rows
    return [
        ("universe", UNIVERSE_TEXT),
        ("period", f"{p.label}: {p.start.isoformat()} to {last_day.isoformat()}"),
        ("lines_in_universe", sample.universe_lines),
        ("value_in_universe", sample.universe_value),
        ("method", METHOD),
        ("seed", sample.seed),
        ("random_numbers", RANDOM_NUMBERS),
        ("stratification", stratification),
        ("certainty_value", certainty_text),
        ("certainty_stratum", certainty.stratum if certainty else "none"),
        ("size_rule", sample.size_rule.describe()),
        ("allocation", allocation),
        ("lines_sampled", len(rows)),
        ("confidence", "95 % (z = 1.96)"),
        ("how_to_test", HOW_TO_TEST),
        ("tool", f"customs-readiness {__version__}"),
        ("catalog_version", catalog_version),
        ("sample_checksum", sample_checksum(r[:len(CHECKED_SAMPLE_COLUMNS)] for r in rows)),
        ("strata_checksum", strata_checksum(strata_rows(sample))),
    ]


def write_worksheet(sample: AuditSample, out_dir: Path, catalog_version: str) -> Path:
    """Write ``out_dir/audit-worksheet.xlsx`` (atomically) and return its path. The same
    sample gives the same bytes: the workbook's dates are the period's last day."""
    data = worksheet_bytes(sample, catalog_version)
    return write_atomic(Path(out_dir) / WORKSHEET_NAME, data)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder (created if
    missing). Raises ReadinessError when the folder cannot be made or written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ReadinessError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def worksheet_bytes(sample: AuditSample, catalog_version: str) -> bytes:
    """The worksheet as XLSX bytes."""
    import xlsxwriter

    from ..clock import prepared_at

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({
        "title": f"Audit sample worksheet, {sample.period.label}",
        "subject": "Stratified random sample of entry lines for testing",
        "author": "customs-readiness",
        "comments": f"seed {sample.seed}",
        # when drawn (SOURCE_DATE_EPOCH when set): the same inputs give the same bytes
        "created": prepared_at().replace(tzinfo=None),
    })
    bold = wb.add_format({"bold": True, "bottom": 1, "bg_color": "#F0F4F8"})
    tester = wb.add_format({"bold": True, "bottom": 1, "bg_color": "#FFF3C4"})
    money = wb.add_format({"num_format": "#,##0.00"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    small = wb.add_format({"font_color": "#52606D", "font_size": 9})

    _write_sample_sheet(wb, sample, bold, tester, money)
    _write_strata_sheet(wb, sample, bold, money)

    ws = wb.add_worksheet(PLAN)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 100)
    ws.write_row(0, 0, PLAN_COLUMNS, bold)
    items = plan_items(sample, catalog_version)
    for r, (item, value) in enumerate(items, start=1):
        ws.write_string(r, 0, item, top)
        if isinstance(value, Decimal):
            ws.write_number(r, 1, float(value), money)
        elif isinstance(value, int):
            ws.write_number(r, 1, value, top)
        else:
            ws.write_string(r, 1, str(value), wrap)
    r = len(items) + 2
    r = _write_digest_block(ws, r, SAMPLE_BLOCK, SAMPLE, CHECKED_SAMPLE_COLUMNS,
                            [row[:len(CHECKED_SAMPLE_COLUMNS)] for row in sample.rows],
                            bold, small)
    _write_digest_block(ws, r + 1, STRATA_BLOCK, STRATA, STRATA_COLUMNS, strata_rows(sample),
                        bold, small)
    wb.close()
    return buf.getvalue()


def _write_sample_sheet(wb, sample: AuditSample, bold, tester, money) -> None:
    ws = wb.add_worksheet(SAMPLE)
    widths = {"sample_id": 10, "stratum": 8, "entry_number": 15, "line_number": 11,
              "tariff_ordinal": 13, "hts_number": 13, "country_of_origin": 17,
              "manufacturer_id": 18, "entered_value": 15, "duty_amount": 13, "result": 12,
              "error_type": 16, "correct_duty": 13, "notes": 40}
    for c, name in enumerate(SAMPLE_COLUMNS):
        ws.write_string(0, c, name, tester if name in TESTER_COLUMNS else bold)
        ws.set_column(c, c, widths[name], money if name in MONEY_COLUMNS | {"correct_duty"}
                      else None)
    for r, row in enumerate(sample.rows, start=1):
        for c, (name, value) in enumerate(zip(CHECKED_SAMPLE_COLUMNS, row, strict=True)):
            if value is None:
                continue
            if name in MONEY_COLUMNS:
                ws.write_number(r, c, float(value), money)
            elif name in INTEGER_COLUMNS:
                ws.write_number(r, c, int(value))
            else:
                ws.write_string(r, c, str(value))
    n = len(sample.rows)
    last = max(n, 1)
    col = SAMPLE_COLUMNS.index
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(SAMPLE_COLUMNS) - 1)
    ws.data_validation(1, col("result"), last, col("result"), {
        "validate": "list", "source": list(RESULTS),
        "input_title": "Test result", "input_message": "compliant or error",
        "error_title": "Test result", "error_message": "Choose compliant or error."})
    ws.data_validation(1, col("error_type"), last, col("error_type"), {
        "validate": "list", "source": list(ERROR_TYPES),
        "input_title": "Error type", "input_message": "For an error: what was wrong.",
        "error_title": "Error type", "error_message": "Choose one of the listed types."})
    ws.data_validation(1, col("correct_duty"), last, col("correct_duty"), {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "input_title": "Correct duty", "input_message": "The duty that should have been paid; "
        "empty means no difference.",
        "error_title": "Correct duty", "error_message": "A duty amount of 0 or more."})
    # Entry numbers and HTS numbers are digits kept as text on purpose.
    ws.ignore_errors({"number_stored_as_text": f"A1:{_col_letter(len(SAMPLE_COLUMNS))}{last + 1}"})


def _write_strata_sheet(wb, sample: AuditSample, bold, money) -> None:
    ws = wb.add_worksheet(STRATA)
    ws.write_row(0, 0, STRATA_COLUMNS, bold)
    for c, name in enumerate(STRATA_COLUMNS):
        ws.set_column(c, c, 18, money if name in MONEY_COLUMNS else None)
    for r, row in enumerate(strata_rows(sample), start=1):
        for c, (name, value) in enumerate(zip(STRATA_COLUMNS, row, strict=True)):
            if name in MONEY_COLUMNS:
                ws.write_number(r, c, float(value), money)
            else:
                ws.write_number(r, c, int(value))
    ws.freeze_panes(1, 0)


def _write_digest_block(ws, r: int, title: str, sheet: str, columns: Sequence[str],
                        rows: Sequence[Sequence[Any]], bold, small) -> int:
    ws.write_string(r, 0, title, bold)
    ws.write_string(r, 1, "First 8 hex digits of SHA-256 per cell, to name a changed cell. "
                          "Do not edit.", small)
    ws.write_row(r + 1, 0, columns, bold)
    r += 2
    for row in rows:
        key = canonical(columns[0], row[0])
        ws.write_string(r, 0, key, small)
        for c, (name, value) in enumerate(zip(columns[1:], row[1:], strict=True), start=1):
            ws.write_string(r, c, _cell_digest(sheet, key, name, canonical(name, value)), small)
        r += 1
    return r + 1


def _col_letter(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StratumRow:
    row: int  # spreadsheet row (header = 1)
    stratum: int
    lower_value: Decimal
    upper_value: Decimal
    lines_in_universe: int
    lines_sampled: int
    value_in_universe: Decimal


@dataclass(frozen=True)
class TestedLine:
    row: int
    sample_id: int
    stratum: int
    entered_value: Decimal | None
    duty_amount: Decimal | None
    result: str  # "compliant" or "error"
    error_type: str | None
    correct_duty: Decimal | None


@dataclass(frozen=True)
class Worksheet:
    """A tested worksheet, checked: the strata, the tested lines and the plan's items."""

    path: Path
    strata: tuple[StratumRow, ...]
    lines: tuple[TestedLine, ...]
    plan: dict[str, Any] = field(default_factory=dict)

    @property
    def certainty_stratum(self) -> int | None:
        value = self.plan.get("certainty_stratum")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None


def read_worksheet(path: Path) -> Worksheet:
    """Read and check a tested worksheet.

    Raises WorksheetError (one line naming sheet, row and column) for: a missing sheet or
    column; a sampled row or stratum that no longer matches the plan's checksums; an
    untested line (empty result); a result other than compliant or error; an error without
    an error_type or with an unknown one; a correct_duty that is not a number of 0 or more.
    """
    path = Path(path)
    name = str(path)
    sheets = _load_sheets(path)
    plan_rows = sheets[PLAN]
    items, blocks = _parse_plan(name, plan_rows)

    sample_header, sample_body = _table(name, SAMPLE, sheets[SAMPLE], SAMPLE_COLUMNS)
    strata_header, strata_body = _table(name, STRATA, sheets[STRATA], STRATA_COLUMNS)

    _check_integrity(name, STRATA, STRATA_COLUMNS, strata_header, strata_body,
                     items, "strata_checksum", blocks.get(STRATA_BLOCK, {}), plan_rows)
    _check_integrity(name, SAMPLE, CHECKED_SAMPLE_COLUMNS, sample_header, sample_body,
                     items, "sample_checksum", blocks.get(SAMPLE_BLOCK, {}), plan_rows)

    strata = tuple(_stratum_row(strata_header, r, cells) for r, cells in strata_body)
    by_stratum = {s.stratum: s for s in strata}
    lines = tuple(_tested_line(name, sample_header, r, cells) for r, cells in sample_body)
    for s in strata:
        got = sum(1 for line in lines if line.stratum == s.stratum)
        if got != s.lines_sampled:
            raise WorksheetError(name, STRATA, f"{s.lines_sampled:,} lines sampled, but the "
                                 f"Sample sheet has {got:,} lines of stratum {s.stratum}",
                                 s.row, "lines_sampled")
    for line in lines:
        if line.stratum not in by_stratum:
            raise WorksheetError(name, SAMPLE, f"stratum {line.stratum} is not in the Strata "
                                 "sheet", line.row, "stratum")
    return Worksheet(path=path, strata=strata, lines=lines,
                     plan={k: v for k, (_row, v) in items.items()})


def _load_sheets(path: Path) -> dict[str, list[tuple[int, tuple]]]:
    name = str(path)
    wb = open_workbook(path, name)
    try:
        out = {}
        for sheet in (SAMPLE, STRATA, PLAN):
            if sheet not in wb.sheetnames:
                raise WorksheetError(name, sheet, "sheet is missing (is this an audit "
                                     "worksheet written by `readiness audit-sample`?)")
            out[sheet] = [(i, tuple(row)) for i, row in
                          enumerate(wb[sheet].iter_rows(values_only=True), start=1)]
        return out
    finally:
        wb.close()


def _blank(cells: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _table(name: str, sheet: str, rows: list[tuple[int, tuple]], columns: Sequence[str]
           ) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """Header positions by name (row 1) and the non-blank rows below it."""
    if not rows:
        raise WorksheetError(name, sheet, "sheet is empty", 1)
    header = {}
    for i, v in enumerate(rows[0][1]):
        if isinstance(v, str) and v.strip() and v.strip() not in header:
            header[v.strip()] = i
    for c in columns:
        if c not in header:
            raise WorksheetError(name, sheet, "missing column", 1, c)
    width = max(header[c] for c in columns) + 1
    body = []
    for r, cells in rows[1:]:
        cells = tuple(cells) + (None,) * max(0, width - len(cells))
        # A row is blank when only notes (or nothing) is written in it.
        if _blank([cells[header[c]] for c in columns if c != "notes"]):
            continue
        body.append((r, cells))
    return header, body


def _parse_plan(name: str, rows: list[tuple[int, tuple]]
                ) -> tuple[dict[str, tuple[int, Any]], dict[str, dict[str, tuple[int, dict]]]]:
    """Item/value rows (until the first blank row) and the cell-checksum blocks."""
    items: dict[str, tuple[int, Any]] = {}
    blocks: dict[str, dict[str, tuple[int, dict]]] = {}
    i = 1
    while i < len(rows) and not _blank(rows[i][1][:2]):
        r, cells = rows[i]
        if isinstance(cells[0], str):
            items[cells[0].strip()] = (r, cells[1] if len(cells) > 1 else None)
        i += 1
    while i < len(rows):
        r, cells = rows[i]
        title = cells[0] if cells else None
        if title in (SAMPLE_BLOCK, STRATA_BLOCK) and i + 1 < len(rows):
            header = [str(v).strip() if v is not None else "" for v in rows[i + 1][1]]
            digests: dict[str, tuple[int, dict]] = {}
            i += 2
            while i < len(rows) and not _blank(rows[i][1]):
                rr, cc = rows[i]
                key = _safe_canonical(header[0], cc[0])
                digests[key] = (rr, {h: (str(v) if v is not None else "")
                                     for h, v in zip(header[1:], cc[1:], strict=False) if h})
                i += 1
            blocks[title] = digests
        else:
            i += 1
    for key in ("sample_checksum", "strata_checksum"):
        if key not in items:
            raise WorksheetError(name, PLAN, f"item '{key}' is missing: cannot check the "
                                 "sample against its plan", None, "item")
    return items, blocks


def _check_integrity(name: str, sheet: str, columns: Sequence[str], header: dict[str, int],
                     body: list[tuple[int, tuple]], items: dict[str, tuple[int, Any]],
                     item: str, digests: dict[str, tuple[int, dict]],
                     plan_rows: list[tuple[int, tuple]]) -> None:
    """Raise WorksheetError naming the first changed cell when the rows of ``sheet`` no
    longer match the plan's checksum ``item``."""
    values = [tuple(cells[header[c]] for c in columns) for _r, cells in body]
    expected_row, expected = items[item]
    got = sample_checksum(values) if sheet == SAMPLE else strata_checksum(values)
    if got == str(expected or "").strip():
        return
    key_col = columns[0]
    noun = "sample line" if sheet == SAMPLE else "stratum"
    seen: dict[str, int] = {}
    for (r, _cells), row in zip(body, values, strict=True):
        try:
            key = canonical(key_col, row[0])
        except ValueError:
            raise WorksheetError(name, sheet, f"{row[0]!r} is not a {noun} of the drawn "
                                 "sample (the sheet no longer matches the plan's checksum)",
                                 r, key_col) from None
        if key in seen:
            raise WorksheetError(name, sheet, f"{noun} {key} appears twice (first in row "
                                 f"{seen[key]}): the sheet no longer matches the plan's "
                                 "checksum", r, key_col)
        seen[key] = r
        if key not in digests:
            raise WorksheetError(name, sheet, f"{noun} {key or '(empty)'} is not in the drawn "
                                 "sample (the sheet no longer matches the plan's checksum)",
                                 r, key_col)
        stored = digests[key][1]
        for c, v in zip(columns[1:], row[1:], strict=True):
            if _cell_digest(sheet, key, c, _safe_canonical(c, v)) != stored.get(c):
                raise WorksheetError(name, sheet, "changed since the sample was drawn (the "
                                     "sheet no longer matches the plan's checksum)", r, c)
    missing = [k for k in digests if k not in seen]
    if missing:
        k = min(missing, key=_sort_key)
        # the row it was written in: rows follow the key order from row 2
        position = sorted(digests, key=_sort_key).index(k) + 2
        raise WorksheetError(name, sheet, f"{noun} {k} is missing (the sheet no longer matches "
                             "the plan's checksum)", position, key_col)
    raise WorksheetError(name, PLAN, f"{item} does not match the {sheet} sheet (the plan's "
                         "checksums were changed)", expected_row, "value")


def _stratum_row(header: dict[str, int], r: int, cells: tuple) -> StratumRow:
    v = {c: cells[header[c]] for c in STRATA_COLUMNS}
    return StratumRow(row=r, stratum=int(to_decimal(v["stratum"])),
                      lower_value=to_decimal(v["lower_value"]),
                      upper_value=to_decimal(v["upper_value"]),
                      lines_in_universe=int(to_decimal(v["lines_in_universe"])),
                      lines_sampled=int(to_decimal(v["lines_sampled"])),
                      value_in_universe=to_decimal(v["value_in_universe"]))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _tested_line(name: str, header: dict[str, int], r: int, cells: tuple) -> TestedLine:
    v = {c: cells[header[c]] for c in SAMPLE_COLUMNS}
    result = _text(v["result"]).lower()
    if not result:
        raise WorksheetError(name, SAMPLE, "line not tested: result is empty (compliant or "
                             "error)", r, "result")
    if result not in RESULTS:
        raise WorksheetError(name, SAMPLE, f"unknown result {_text(v['result'])!r} (expected "
                             "compliant or error)", r, "result")
    error_type = _text(v["error_type"]).lower() or None
    if result == "error":
        if error_type is None:
            raise WorksheetError(name, SAMPLE, "error without a type (one of "
                                 f"{', '.join(ERROR_TYPES)})", r, "error_type")
        if error_type not in ERROR_TYPES:
            raise WorksheetError(name, SAMPLE, f"unknown error type {_text(v['error_type'])!r}"
                                 f" (expected one of {', '.join(ERROR_TYPES)})", r, "error_type")
    else:
        error_type = None  # a type written beside "compliant" counts for nothing
    correct = v["correct_duty"]
    correct_duty = None
    if not _blank([correct]):
        try:
            correct_duty = to_decimal(correct)
        except ValueError:
            raise WorksheetError(name, SAMPLE, f"correct_duty {correct!r} is not a number",
                                 r, "correct_duty") from None
        if correct_duty < 0:
            raise WorksheetError(name, SAMPLE, f"correct_duty {correct_duty} is negative",
                                 r, "correct_duty")
    entered = v["entered_value"]
    duty = v["duty_amount"]
    return TestedLine(row=r, sample_id=int(to_decimal(v["sample_id"])),
                      stratum=int(to_decimal(v["stratum"])),
                      entered_value=None if _blank([entered]) else to_decimal(entered),
                      duty_amount=None if _blank([duty]) else to_decimal(duty),
                      result=result, error_type=error_type, correct_duty=correct_duty)
