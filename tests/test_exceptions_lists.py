"""Exception lists: exactly the records behind each figure, as CSV and one XLSX workbook.

The hand-computed datasets of the version-1 case modules run under their policy (the order in
force from 2025-01-01, tests/policies/order_in_force_2025.toml), so a dated figure's list holds
exactly its records; DATA below runs under the same policy. Lists of dated metrics that span
the effective date (records marked predates_order) are tested in test_metric_cases_v2.py."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
import test_metric_cases_data_quality
import test_metric_cases_disclosure
import test_metric_cases_disposals
import test_metric_cases_eligibility
import test_metric_cases_penalties
import test_metric_cases_volume
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.errors import ConfigError
from customs_readiness.metrics import compute_or_load, exception_records, period_for, run_metrics
from customs_readiness.policy import load_policy
from customs_readiness.report.lists import WORKBOOK_NAME, write_exceptions

from _metric_fixtures import DOMESTIC, FOREIGN, ORDER_IN_FORCE_2025, D, entry, importer, make_db

# Rates list the records that pull them away from 1 (denominator - numerator), except
# psc_rate, which lists the entries with a correction (its numerator).
FAILING_REST = {"certification_rate", "disclosure_complete_rate", "origin_mid_completeness_rate",
                "entry_compliance_rate"}
LISTS_NUMERATOR = {"psc_rate"}

DATASETS = {}
for module in (test_metric_cases_volume, test_metric_cases_eligibility,
               test_metric_cases_disclosure, test_metric_cases_penalties,
               test_metric_cases_disposals, test_metric_cases_data_quality):
    for c in module.CASES:
        DATASETS.setdefault(id(c.tables), (c.test_id, c.tables, c.year, c.policy))
DATASETS = {name: (tables, year, policy) for name, tables, year, policy in DATASETS.values()}


# Amounts list the cases they are summed over (including those left out and counted as missing):
# the number of rows is not the figure; the lists are checked row by row in
# test_metric_cases_v2.py.
LISTS_CASES_OF_A_SUM = {"max_statutory_exposure_1592", "eo_minimum_payable_open"}


def expected_rows(result) -> int | None:
    if result.id in LISTS_CASES_OF_A_SUM:
        return None
    if result.id in FAILING_REST:
        return 0 if result.denominator is None else result.denominator - result.numerator
    if result.id in LISTS_NUMERATOR:
        return result.numerator or 0
    return result.value


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_exceptions_count_matches_the_figure(name: str) -> None:
    tables, year, policy = DATASETS[name]
    con = make_db(tables)
    run = run_metrics(con, year, load_policy(policy), store=False)
    checked = 0
    for mid, result in run.results.items():
        if not result.definition.exceptions_sql:
            continue
        cols, rows = exception_records(con, run, mid)
        expected = expected_rows(result)
        assert expected is None or len(rows) == expected, f"{name}: {mid}"
        assert cols[0] in {"entry_number", "importer_number", "case_number", "case_id"}
        assert cols[-2:] == ["_file", "_row"]
        keys = [r[0] for r in rows]
        assert keys == sorted(keys), mid
        checked += 1
    assert checked >= 14
    con.close()


DATA = {
    "importers": [DOMESTIC, FOREIGN,
                  importer("BAD", importer_name="=HYPERLINK(\"http://x\")", good_standing="not_good",
                           foreign_ior=False)],
    "entries": [entry("2025-01-01", "AAA00000991", entry_type="11", importer_number="FOR"),
                entry("2025-12-31", "AAA00000992", entry_type="12", importer_number="FOR"),
                entry("2026-01-01", "AAA00000993", entry_type="11", importer_number="FOR"),
                entry("2025-06-01", "AAA00000994", importer_number="BAD", certification="no")],
    "penalties": [{"case_number": "C-1", "case_kind": "penalty", "issued_on": "2025-02-01",
                   "assessed_amount": D("777.77"), "mitigated_amount": D("100.00"),
                   "status": "mitigated", "importer_number": "DOM"}],
}


def test_exceptions_records_are_the_ones_behind_the_figure() -> None:
    con = make_db(DATA)
    run = run_metrics(con, 2025, load_policy(ORDER_IN_FORCE_2025), store=False)
    cols, rows = exception_records(con, run, "foreign_ior_informal_entries")
    assert cols[:2] == ["entry_number", "entry_type"]
    # first and last day of 2025; 993 is the day after
    assert [r[0] for r in rows] == ["AAA00000991", "AAA00000992"]
    assert rows[0][-2:] == ("entries.csv", 2)  # traceable to the input row
    cols, rows = exception_records(con, run, "penalty_floor_breaches")
    rec = dict(zip(cols, rows[0], strict=True))
    # 0.50 x 777.77 = 388.885 floor; uplift 288.885 (exact)
    assert (rec["case_number"], rec["floor_amount"], rec["uplift_amount"]) == (
        "C-1", D("388.885"), D("288.885"))
    with pytest.raises(ConfigError, match="no exception list"):
        exception_records(con, run, "entries_total")
    with pytest.raises(ConfigError, match="unknown metric"):
        exception_records(con, run, "nope")
    con.close()


def test_exceptions_files_csv_and_workbook(tmp_path: Path) -> None:
    con = make_db(DATA)
    figures = compute_or_load(con, period_for(2025), load_policy(ORDER_IN_FORCE_2025))
    written = write_exceptions(figures, tmp_path / "out")
    names = [p.name for p in written]
    assert names[-1] == WORKBOOK_NAME
    assert "importers_not_in_good_standing.csv" in names
    assert "foreign_ior_continuous_bond_without_permission.csv" in names
    with (tmp_path / "out" / "importers_not_in_good_standing.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    # a formula-like cell is neutralised, as in the PDF attachments (one CSV writer)
    assert rows == [{"importer_number": "BAD", "importer_name": '\'=HYPERLINK("http://x")',
                     "good_standing": "not_good", "entries_in_period": "1",
                     "first_entry_date": "2025-06-01", "last_entry_date": "2025-06-01",
                     "entries_on_or_after_order": "1", "predates_order": "false",
                     "_file": "importers.csv", "_row": "4"}]
    with (tmp_path / "out" / "penalty_floor_breaches.csv").open(newline="") as fh:
        rec = next(csv.DictReader(fh))
    assert rec["floor_amount"] == "388.8850"  # exact in the CSV, never through float
    # empty lists still get a file with a header
    with (tmp_path / "out" / "repeat_offender_importers.csv").open(newline="") as fh:
        assert len(list(csv.reader(fh))) == 1

    wb = openpyxl.load_workbook(tmp_path / "out" / WORKBOOK_NAME)
    assert wb.sheetnames[0] == "index"
    assert len(wb.sheetnames) == len(written)  # index + one sheet per CSV
    assert all(len(s) <= 31 for s in wb.sheetnames)
    assert len(set(wb.sheetnames)) == len(wb.sheetnames)
    # the index names each metric's sheet (sheet names are short titles)
    index = wb["index"]
    sheet_of = {index.cell(row=r, column=2).value: index.cell(row=r, column=1).value
                for r in range(1, index.max_row + 1)}
    ws = wb[sheet_of["importers_not_in_good_standing"]]
    cell = ws.cell(row=2, column=2)
    # text, no formula, and neutralised as in every CSV (one rule for every writer)
    assert cell.value == '\'=HYPERLINK("http://x")' and cell.data_type == "s"
    con.close()


def test_exceptions_command(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    make_db(DATA, db).close()
    runner = CliRunner()
    out = tmp_path / "exc"
    result = runner.invoke(app, ["exceptions", "--db", str(db), "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "foreign_ior_informal_entries.csv").is_file()
    assert (out / WORKBOOK_NAME).is_file()
    # fiscal year FY2026 [2025-10-01, 2026-10-01): 992 and 993
    result = runner.invoke(app, ["exceptions", "--db", str(db), "--year", "2026", "--out",
                                 str(out / "fy"), "--fiscal-year-start-month", "10"])
    assert result.exit_code == 0, result.output
    with (out / "fy" / "foreign_ior_informal_entries.csv").open(newline="") as fh:
        assert [r["entry_number"] for r in csv.DictReader(fh)] == ["AAA00000992", "AAA00000993"]
