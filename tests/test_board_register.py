"""The remediation register: written by `readiness actions`, filled in with openpyxl, read
back by `report --actions` (open, overdue and closed actions), matched a year later by its
stable ids (resolved or still present), and refused in one line when malformed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.report.findings import finding_id
from customs_readiness.report.register import COLUMNS, read_register

from _board_fixtures import loaded
from _report_fixtures import pdf_text

runner = CliRunner()

INFORMAL = finding_id("foreign_ior_informal_entries", "251234-56789")
REPEAT = finding_id("repeat_offender_importers", "251234-56789")
STANDING = finding_id("importers_not_in_good_standing", "260101-12345")
CERT = finding_id("certification_rate", "12-3456789AA")


def _write(db: Path, year: int, out: Path) -> None:
    result = runner.invoke(app, ["actions", "--year", str(year), "--db", str(db),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: " in result.output


def _fill(path: Path, out: Path, values: dict[str, tuple]) -> Path:
    """Write owner, due date and status into the rows of the given finding ids."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Register"]
    head = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        fid = ws.cell(row, head["finding_id"]).value
        if fid in values:
            owner, due, status = values[fid]
            ws.cell(row, head["owner"]).value = owner
            ws.cell(row, head["due_date"]).value = due
            ws.cell(row, head["status"]).value = status
    wb.save(out)
    return out


def _text(pdf: Path) -> str:
    return " ".join(" ".join(pdf_text(pdf)).split())


def test_board_register_written_with_ids_money_and_a_status_check(tmp_path):
    db = loaded(tmp_path)
    out = tmp_path / "register.xlsx"
    _write(db, 2026, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Register"]
    assert [c.value for c in ws[1]] == COLUMNS
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True))
            for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert len(rows) == 12
    informal = rows[INFORMAL]
    assert (informal["metric_id"], informal["importer_number"], informal["entries"]) == \
        ("foreign_ior_informal_entries", "251234-56789", 1)
    assert (informal["entered_value"], informal["duty"]) == (1000.0, 75.0)
    assert informal["suggested_action"] == "File formally or designate a U.S. importer of record"
    assert informal["authority"] == "Order" and "EO 14411" in informal["legal_basis"]
    assert "$10,000.00" in informal["penalty_range"]
    assert (informal["owner"], informal["due_date"], informal["status"]) == (None, None, None)
    assert rows[CERT]["priority"] in ("high", "medium", "low")
    # the status column offers open, in progress and closed
    validations = ws.data_validations.dataValidation
    status_col = openpyxl.utils.get_column_letter(COLUMNS.index("status") + 1)
    lists = [v for v in validations if v.type == "list"]
    assert lists and lists[0].formula1 == '"open,in progress,closed"'
    assert str(lists[0].sqref).startswith(f"{status_col}2:")
    assert wb["About"]["B2"].value == "CY2026"
    # the same findings give the same file
    again = tmp_path / "again.xlsx"
    _write(db, 2026, again)
    assert again.read_bytes() == out.read_bytes()


def test_board_register_round_trip_and_the_next_year(tmp_path):
    db = loaded(tmp_path, next_year=True)
    blank = tmp_path / "register-2026.xlsx"
    _write(db, 2026, blank)
    filled = _fill(blank, tmp_path / "filled-2026.xlsx", {
        INFORMAL: ("Trade compliance", dt.datetime(2026, 9, 30), "in progress"),  # overdue
        STANDING: ("Legal", dt.datetime(2027, 3, 31), "open"),
        CERT: ("Broker desk", "2026-11-30", "closed"),
        REPEAT: ("Counsel", None, "Closed "),  # spelling and spaces are forgiven
    })
    read = read_register(filled)
    by_id = {a["finding_id"]: a for a in read["actions"]}
    assert by_id[CERT]["due_date"] == dt.date(2026, 11, 30)
    assert (by_id[REPEAT]["status"], by_id[STANDING]["status"]) == ("closed", "open")
    assert read["period_label"] == "CY2026" and read["period_end"] == dt.date(2027, 1, 1)

    # the same year: open, overdue (due before the date prepared) and closed actions
    out = tmp_path / "r2026.pdf"
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(db), "--out", str(out),
                                 "--actions", str(filled)])
    assert result.exit_code == 0, result.output
    text = _text(out)
    section = text[text.index("Remediation 12 findings"):]
    # 12 actions: 2 closed, 1 overdue (INFORMAL, due 30 Sep 2026), 9 open (no due date, or
    # STANDING due after the period)
    # overdue is measured on the date prepared (SOURCE_DATE_EPOCH: 1 March 2027, conftest)
    assert ("holds 12 actions: 9 open, 1 overdue (due before the date prepared, 1 March 2027 "
            "and not closed) and 2 closed") in section
    assert "Trade compliance 2026-09-30 in progress overdue" in section
    assert "Legal 2027-03-31 open" in section

    # the next year: the 2026 register matched to the 2027 findings by stable id
    _write(db, 2027, tmp_path / "register-2027.xlsx")
    ids_2027 = {a["finding_id"] for a in read_register(tmp_path / "register-2027.xlsx")["actions"]}
    assert {INFORMAL, REPEAT} <= ids_2027 and STANDING not in ids_2027 and CERT not in ids_2027
    out = tmp_path / "r2027.pdf"
    result = runner.invoke(app, ["report", "--year", "2027", "--db", str(db), "--out", str(out),
                                 "--actions", str(filled)])
    assert result.exit_code == 0, result.output
    text = _text(out)
    section = text[text.index("The CY2026 actions and what became of them"):]
    present = len(ids_2027 & set(by_id))
    assert f"{12 - present} resolved (the finding is gone in CY2027) and {present} still " \
           f"present" in section
    assert "Trade compliance 2026-09-30 in progress overdue still present" in section
    assert "Counsel not set closed closed in the register, but found again" in section
    assert "Legal 2027-03-31 open resolved: the finding is gone" in section
    assert "Broker desk 2026-11-30 closed resolved: the finding is gone" in section
    # both loaded years in the several-years view, the earlier computed under this policy
    assert "Several years The readiness score and each control for every loaded year " \
           "(CY2026, CY2027)" in text


def _corrupt(src: Path, out: Path, how: str) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb["Register"]
    head = {c.value: c.column for c in ws[1]}
    if how == "status":
        ws.cell(3, head["status"]).value = "done"
    elif how == "due_date":
        ws.cell(4, head["due_date"]).value = "next week"
    elif how == "duplicate":
        ws.cell(5, head["finding_id"]).value = ws.cell(2, head["finding_id"]).value
    elif how == "bad_id":
        ws.cell(2, head["finding_id"]).value = "=HYPERLINK(\"http://x\")"
    elif how == "missing_column":
        ws.cell(1, head["status"]).value = "state"
    elif how == "about":
        del wb["About"]
    wb.save(out)
    return out


@pytest.mark.parametrize(("how", "where"), [
    ("status", "sheet 'Register', row 3, column 'status': 'done' is not a status"),
    ("due_date", "sheet 'Register', row 4, column 'due_date': 'next week' is not a date"),
    ("duplicate", "sheet 'Register', row 5, column 'finding_id': finding F-"),
    ("bad_id", "sheet 'Register', row 2, column 'finding_id': "),
    ("missing_column", "sheet 'Register', row 1, column 'status': missing column"),
    ("about", "sheet 'About': sheet is missing"),
])
def test_board_register_malformed_is_a_one_line_error(tmp_path, how, where):
    db = loaded(tmp_path)
    blank = tmp_path / "register.xlsx"
    _write(db, 2026, blank)
    bad = _corrupt(blank, tmp_path / "bad.xlsx", how)
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(db), "--out", str(out),
                                 "--actions", str(bad)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {bad}, ")
    assert where in lines[0]
    assert not out.exists()
