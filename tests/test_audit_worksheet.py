"""The worksheet's checks: every error `audit-score` refuses a worksheet for is one line
naming sheet, row and column (exit status 2); harmless changes (sorting, a number retyped as
text) are accepted. Worksheets are real files written by the tool and edited with openpyxl."""

from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from customs_readiness.audit.score import score_worksheet
from customs_readiness.audit.worksheet import (
    ERROR_TYPES,
    RESULTS,
    SAMPLE_COLUMNS,
    STRATA_COLUMNS,
    WorksheetError,
    write_worksheet,
)
from customs_readiness.cli import app
from customs_readiness.errors import ReadinessError

from _audit_fixtures import fill, hand_sample

D = Decimal
COL = {name: i + 1 for i, name in enumerate(SAMPLE_COLUMNS)}


@pytest.fixture
def drawn(tmp_path):
    """Strata of N = 40 (n = 4) and N = 10 (n = 3); sample ids 1-7 in rows 2-8."""
    lines = [(1, D(f"{100 * i}.50"), D(f"{5 * i}.25")) for i in range(1, 5)] + \
            [(2, D("1500.00"), D("75.00")), (2, D("1600.00"), None), (2, D("1700.00"), D("0.00"))]
    return write_worksheet(hand_sample([(40, 4, False), (10, 3, False)], lines),
                           tmp_path / "drawn", "catalog-test")


def _error(path) -> str:
    with pytest.raises(WorksheetError) as info:
        score_worksheet(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def _cli_error(path) -> str:
    result = CliRunner().invoke(app, ["audit-score", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_audit_worksheet_has_exactly_the_issue_sheets_and_columns(drawn):
    import openpyxl

    wb = openpyxl.load_workbook(drawn)
    assert wb.sheetnames == ["Sample", "Strata", "Plan"]
    assert [c.value for c in wb["Sample"][1]] == [
        "sample_id", "stratum", "entry_number", "line_number", "tariff_ordinal", "hts_number",
        "country_of_origin", "manufacturer_id", "entered_value", "duty_amount", "result",
        "error_type", "correct_duty", "notes"]
    assert [c.value for c in wb["Strata"][1]] == list(STRATA_COLUMNS) == [
        "stratum", "lower_value", "upper_value", "lines_in_universe", "lines_sampled",
        "value_in_universe"]
    plan = {r[0]: r[1] for r in wb["Plan"].iter_rows(min_row=2, max_row=20, values_only=True)}
    for item in ("universe", "period", "seed", "method", "size_rule", "allocation", "tool",
                 "catalog_version", "sample_checksum"):
        assert plan[item] not in (None, ""), item
    assert len(plan["sample_checksum"]) == 64
    # drop-downs for the tester
    lists = {str(dv.sqref): dv.formula1 for dv in wb["Sample"].data_validations.dataValidation}
    assert lists["K2:K8"] == '"' + ",".join(RESULTS) + '"'
    assert lists["L2:L8"] == '"' + ",".join(ERROR_TYPES) + '"'


def test_audit_worksheet_filled_correctly_scores(drawn, tmp_path):
    path = fill(drawn, tmp_path / "ok.xlsx", {2: ("error", "value", "12.00"),
                                              6: ("ERROR ", "Origin", 3)})
    result = score_worksheet(path)
    assert result.errors == 2 and result.errors_by_type["origin"] == 1


def test_audit_worksheet_untested_line(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", {3: (None,)})
    assert _error(path) == (f"{path}, sheet 'Sample', row 4, column 'result': line not tested: "
                            "result is empty (compliant or error)")
    assert _cli_error(path) == "error: " + _error(path)


def test_audit_worksheet_unknown_result(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", {5: ("pass",)})
    assert _error(path).endswith("sheet 'Sample', row 6, column 'result': unknown result "
                                 "'pass' (expected compliant or error)")
    _cli_error(path)


def test_audit_worksheet_error_without_type(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", {7: ("error", None, "5")})
    assert "sheet 'Sample', row 8, column 'error_type': error without a type" in _error(path)
    _cli_error(path)


def test_audit_worksheet_unknown_error_type(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", {1: ("error", "valuation", None)})
    assert "sheet 'Sample', row 2, column 'error_type': unknown error type 'valuation'" \
        in _error(path)


@pytest.mark.parametrize("value, problem", [("twelve", "correct_duty 'twelve' is not a number"),
                                            ("12,50", "correct_duty '12,50' is not a number"),
                                            (True, "correct_duty True is not a number"),
                                            (-5, "correct_duty -5 is negative")])
def test_audit_worksheet_bad_correct_duty(drawn, tmp_path, value, problem):
    path = fill(drawn, tmp_path / "w.xlsx", {4: ("error", "value", value)})
    assert _error(path).endswith(f"sheet 'Sample', row 5, column 'correct_duty': {problem}")
    _cli_error(path)


def _set(sheet: str, row: int, col: int, value):
    def edit(wb):
        wb[sheet].cell(row, col).value = value
    return edit


@pytest.mark.parametrize("column, value", [("entered_value", 999.5), ("duty_amount", 0),
                                           ("entry_number", "HND00000099"), ("stratum", 2),
                                           ("hts_number", None)])
def test_audit_worksheet_changed_cell_is_named(drawn, tmp_path, column, value):
    path = fill(drawn, tmp_path / "w.xlsx", edit=_set("Sample", 3, COL[column], value))
    assert _error(path).endswith(f"sheet 'Sample', row 3, column '{column}': changed since the "
                                 "sample was drawn (the sheet no longer matches the plan's "
                                 "checksum)")
    _cli_error(path)


def test_audit_worksheet_deleted_row(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", edit=lambda wb: wb["Sample"].delete_rows(4))
    assert _error(path).endswith("sheet 'Sample', row 4, column 'sample_id': sample line 3 is "
                                 "missing (the sheet no longer matches the plan's checksum)")


def test_audit_worksheet_added_row(drawn, tmp_path):
    def edit(wb):
        ws = wb["Sample"]
        for c, v in enumerate((8, 1, "XYZ00000001", 1, 1, "8471300100", "CN", "M", 5.0, 1.0,
                               "compliant"), start=1):
            ws.cell(9, c).value = v
    path = fill(drawn, tmp_path / "w.xlsx", edit=edit)
    assert _error(path).endswith("sheet 'Sample', row 9, column 'sample_id': sample line 8 is "
                                 "not in the drawn sample (the sheet no longer matches the plan's "
                                 "checksum)")


def test_audit_worksheet_duplicated_row(drawn, tmp_path):
    def edit(wb):
        ws = wb["Sample"]
        for c in range(1, len(SAMPLE_COLUMNS) + 1):
            ws.cell(9, c).value = ws.cell(2, c).value
    path = fill(drawn, tmp_path / "w.xlsx", edit=edit)
    assert "sheet 'Sample', row 9, column 'sample_id': sample line 1 appears twice (first in " \
           "row 2)" in _error(path)


def test_audit_worksheet_changed_stratum_size(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", edit=_set("Strata", 3, 4, 11))
    assert _error(path).endswith("sheet 'Strata', row 3, column 'lines_in_universe': changed "
                                 "since the sample was drawn (the sheet no longer matches the "
                                 "plan's checksum)")
    _cli_error(path)


def test_audit_worksheet_changed_checksum(drawn, tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(drawn)
    row = next(c.row for c in wb["Plan"]["A"] if c.value == "sample_checksum")
    path = fill(drawn, tmp_path / "w.xlsx", edit=_set("Plan", row, 2, "0" * 64))
    assert _error(path).endswith(f"sheet 'Plan', row {row}, column 'value': sample_checksum does "
                                 "not match the Sample sheet (the plan's checksums were changed)")


def test_audit_worksheet_sorted_or_retyped_still_scores(drawn, tmp_path):
    # A tester sorts the sheet (sample ids 7..1) and Excel turns a number into text: the
    # same lines with the same values, so the checksum still matches.
    def edit(wb):
        ws = wb["Sample"]
        rows = [[ws.cell(r, c).value for c in range(1, 15)] for r in range(2, 9)]
        for r, values in enumerate(reversed(rows), start=2):
            for c, v in enumerate(values, start=1):
                ws.cell(r, c).value = v
        ws.cell(2, COL["entered_value"]).value = "1700"  # was 1700.00 (sample line 7)
        ws.cell(3, COL["line_number"]).value = "1"
        ws.cell(20, COL["notes"]).value = "a note below the table"
    path = fill(drawn, tmp_path / "w.xlsx", {3: ("error", "other", 1)}, edit=edit)
    result = score_worksheet(path)
    assert result.lines_sampled == 7 and result.errors == 1


def test_audit_worksheet_missing_sheet_and_column(drawn, tmp_path):
    path = fill(drawn, tmp_path / "w.xlsx", edit=lambda wb: wb.remove(wb["Plan"]))
    assert "sheet 'Plan': sheet is missing" in _error(path)
    path = fill(drawn, tmp_path / "v.xlsx", edit=_set("Sample", 1, COL["result"], "outcome"))
    assert _error(path).endswith("sheet 'Sample', row 1, column 'result': missing column")


def test_audit_worksheet_not_a_workbook(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ReadinessError, match="not an XLSX workbook"):
        score_worksheet(bad)
    assert _cli_error(bad).startswith(f"error: {bad}: not an XLSX workbook")
    assert "no such file" in _cli_error(tmp_path / "none.xlsx")
