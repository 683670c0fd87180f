"""The remediation register: one row per finding as an XLSX workbook the team fills in
(owner, due date, status), and the same workbook read back for the report.

``write_register`` writes the findings of ``findings.collect_findings`` (ranked, each with its
stable id, suggested action, legal basis, authority, money at stake and priority) with empty
owner, due-date and status columns; status has a drop-down (open, in progress, closed) and
due date a date check. ``read_register`` reads a filled-in register back; anything it cannot
use is a ``RegisterError`` naming the file, sheet, row and column, in one line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ReadinessError, WorkbookError
from ..values import round_money
from ..xlsxread import open_workbook
from .findings import FINDING_COLUMNS, Findings, finding_values

REGISTER_SHEET = "Register"
ABOUT_SHEET = "About"
TEAM_COLUMNS = ["owner", "due_date", "status", "notes"]
COLUMNS = [*FINDING_COLUMNS, *TEAM_COLUMNS]
REQUIRED = ["finding_id", "control", "owner", "due_date", "status"]
STATUSES = ("open", "in progress", "closed")
_ID = re.compile(r"^F-[0-9a-f]{10}$")
_MONEY_COLUMNS = {"entered_value", "duty"}
VALIDATION_ROWS = 1000  # rows below the findings that still get the status drop-down


class RegisterError(WorkbookError):
    """A remediation register the report cannot read; the message names file, sheet, row
    and column."""


# --------------------------------------------------------------------------- write


def _col(n: int) -> str:
    """Column letter of a zero-based column index (A, B, ..., Z, AA, ...)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def register_bytes(findings: Findings) -> bytes:
    """The register workbook's bytes: the Register sheet (one row per finding) and an About
    sheet (period, policy, how to fill it in). Same findings, same bytes (no clock)."""
    import io

    import xlsxwriter  # writes the workbook with its data validation

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    stamp = dt.datetime.combine(findings.period_end - dt.timedelta(days=1), dt.time(0, 0))
    wb.set_properties({"title": f"Remediation register {findings.period_label}",
                       "created": stamp, "author": "customs-readiness"})
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#F0F4F8", "bottom": 1})
        team = wb.add_format({"bold": True, "bg_color": "#FFF3C4", "bottom": 1})
        money = wb.add_format({"num_format": "#,##0.00"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})

        ws = wb.add_worksheet(REGISTER_SHEET)
        for c, name in enumerate(COLUMNS):
            ws.write_string(0, c, name, team if name in TEAM_COLUMNS else bold)
        for r, finding in enumerate(findings.rows, start=1):
            for c, (name, v) in enumerate(zip(FINDING_COLUMNS, finding_values(finding),
                                              strict=True)):
                if v is None:
                    continue
                if name in _MONEY_COLUMNS:
                    ws.write_number(r, c, float(round_money(Decimal(v))), money)
                elif isinstance(v, int):
                    ws.write_number(r, c, v)
                else:  # text from the data never becomes a formula or a link
                    ws.write_string(r, c, str(v), wrap if name in ("penalty_range",
                                                                   "legal_basis",
                                                                   "suggested_action") else None)
        last = len(findings.rows) + VALIDATION_ROWS
        status_col = COLUMNS.index("status")
        due_col = COLUMNS.index("due_date")
        ws.data_validation(1, status_col, last, status_col, {
            "validate": "list", "source": list(STATUSES),
            "input_title": "Status", "input_message": "open, in progress or closed",
            "error_title": "Status", "error_message": "Choose open, in progress or closed."})
        ws.data_validation(1, due_col, last, due_col, {
            "validate": "date", "criteria": ">=", "value": dt.datetime(2000, 1, 1),
            "input_title": "Due date", "input_message": "A date, e.g. 2027-03-31",
            "error_title": "Due date", "error_message": "Enter a date."})
        ws.set_column(due_col, due_col, 12, day)
        widths = {"finding_id": 14, "priority": 9, "rank": 6, "metric_id": 22, "control": 34,
                  "control_status": 9, "authority": 10, "importer_number": 15,
                  "importer_name": 28, "entries": 8, "entered_value": 15, "duty": 13,
                  "penalty_range": 48, "legal_basis": 40, "suggested_action": 40,
                  "owner": 18, "status": 12, "notes": 30}
        for name, width in widths.items():
            i = COLUMNS.index(name)
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, max(1, len(findings.rows)), len(COLUMNS) - 1)

        about = wb.add_worksheet(ABOUT_SHEET)
        items = [
            ("register", "Remediation register (customs-readiness)"),
            ("period", findings.period_label),
            ("period_start", findings.period_start.isoformat()),
            ("period_end_exclusive", findings.period_end.isoformat()),
            ("policy_version", findings.policy_version),
            ("findings", str(len(findings.rows))),
            ("how to fill it in",
             "For each finding write an owner, a due date (a date cell or YYYY-MM-DD) and a "
             "status (open, in progress or closed; empty counts as open) in the yellow "
             "columns, and notes as you wish. Leave finding_id as written: it is the same "
             "for the same control and importer of record every year, so next year's report "
             "can say what became of each action. Then run `readiness report --actions "
             "FILE.xlsx`."),
        ]
        for r, (k, v) in enumerate(items):
            about.write_string(r, 0, k, bold)
            about.write_string(r, 1, v, wrap)
        about.set_column(0, 0, 22)
        about.set_column(1, 1, 90)
    finally:
        wb.close()
    return buf.getvalue()


def write_register(findings: Findings, out: Path) -> Path:
    """Write the register to ``out`` atomically. Raises ReadinessError when it cannot."""
    import os
    import tempfile

    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ReadinessError(f"{out}: folder {folder} does not exist")
    data = register_bytes(findings)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ReadinessError(f"{out}: cannot write: {exc.strerror}") from None
    try:
        from .html import chmod_like_new_file

        chmod_like_new_file(tmp)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


# --------------------------------------------------------------------------- read


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _date(v: Any) -> dt.date | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        return dt.date.fromisoformat(v.strip())  # ValueError: reported by the caller
    raise ValueError


def _sheet_rows(name: str, path: Path) -> dict[str, list[tuple]]:
    wb = open_workbook(path, name)
    try:
        out = {}
        for sheet in (REGISTER_SHEET, ABOUT_SHEET):
            if sheet not in wb.sheetnames:
                raise RegisterError(name, sheet, "sheet is missing (is this a register written "
                                    "by `readiness actions`?)")
            out[sheet] = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
        return out
    finally:
        wb.close()


def _about(name: str, rows: Sequence[tuple]) -> dict[str, Any]:
    items: dict[str, tuple[int, Any]] = {}
    for i, row in enumerate(rows, start=1):
        if row and _text(row[0]):
            items[_text(row[0])] = (i, row[1] if len(row) > 1 else None)
    out: dict[str, Any] = {}
    for key in ("period", "period_start", "period_end_exclusive"):
        if key not in items:
            raise RegisterError(name, ABOUT_SHEET, f"item '{key}' is missing", None, "A")
        row, value = items[key]
        if key == "period":
            out[key] = _text(value)
            continue
        try:
            out[key] = _date(value)
        except ValueError:
            out[key] = None
        if out[key] is None:
            raise RegisterError(name, ABOUT_SHEET, f"{_text(value)!r} is not a date "
                                "(YYYY-MM-DD)", row, "B")
    return out


def read_register(path: Path) -> dict[str, Any]:
    """A filled-in register as plain data: its period and one action per finding (stable
    id, control, importer, suggested action, owner, due date, status, notes), with the
    file's name and bytes (attached to the PDF).

    Raises RegisterError (one line naming the file, sheet, row and column) for a register
    that cannot be read: a sheet or column missing, a finding id that is not one the tool
    writes or appears twice, a due date that is not a date, a status that is not open, in
    progress or closed (empty counts as open).
    """
    path = Path(path)
    name = str(path)
    sheets = _sheet_rows(name, path)
    about = _about(name, sheets[ABOUT_SHEET])
    rows = sheets[REGISTER_SHEET]
    if not rows:
        raise RegisterError(name, REGISTER_SHEET, "sheet is empty", 1)
    header: dict[str, int] = {}
    for i, v in enumerate(rows[0]):
        if _text(v) and _text(v) not in header:
            header[_text(v)] = i
    for c in REQUIRED:
        if c not in header:
            raise RegisterError(name, REGISTER_SHEET, "missing column", 1, c)

    def get(cells: tuple, column: str) -> Any:
        i = header.get(column)
        return cells[i] if i is not None and i < len(cells) else None

    actions = []
    seen: dict[str, int] = {}
    for r, cells in enumerate(rows[1:], start=2):
        if all(_text(v) == "" for v in cells):
            continue
        fid = _text(get(cells, "finding_id"))
        where = f"{_col(header['finding_id'])}"
        if not fid:
            raise RegisterError(name, REGISTER_SHEET, "finding_id is empty (every row needs "
                                "the id `readiness actions` wrote)", r, "finding_id")
        if not _ID.match(fid):
            raise RegisterError(name, REGISTER_SHEET, f"{fid!r} is not a finding id written "
                                f"by `readiness actions` (F- and 10 hex digits, column {where})",
                                r, "finding_id")
        if fid in seen:
            raise RegisterError(name, REGISTER_SHEET, f"finding {fid} appears twice (first "
                                f"in row {seen[fid]})", r, "finding_id")
        seen[fid] = r
        raw_due = get(cells, "due_date")
        try:
            due = _date(raw_due)
        except ValueError:
            raise RegisterError(name, REGISTER_SHEET, f"{_text(raw_due)!r} is not a date "
                                f"(a date cell or YYYY-MM-DD, column "
                                f"{_col(header['due_date'])})", r, "due_date") from None
        status = " ".join(_text(get(cells, "status")).lower().split()) or "open"
        if status not in STATUSES:
            raise RegisterError(name, REGISTER_SHEET, f"{_text(get(cells, 'status'))!r} is "
                                f"not a status (open, in progress or closed; column "
                                f"{_col(header['status'])})", r, "status")
        actions.append({
            "finding_id": fid, "row": r,
            "control": _text(get(cells, "control")),
            "metric_id": _text(get(cells, "metric_id")),
            "importer_number": _text(get(cells, "importer_number")),
            "importer_name": _text(get(cells, "importer_name")),
            "priority": _text(get(cells, "priority")),
            "suggested_action": _text(get(cells, "suggested_action")),
            "owner": _text(get(cells, "owner")),
            "due_date": due, "status": status,
            "notes": _text(get(cells, "notes")),
        })
    return {"file": path.name, "bytes": path.read_bytes(), "period_label": about["period"],
            "period_start": about["period_start"], "period_end": about["period_end_exclusive"],
            "actions": actions}
