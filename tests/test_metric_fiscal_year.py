"""Fiscal years: --fiscal-year-start-month 10 makes FY2026 = [2025-10-01, 2026-10-01)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from _metric_fixtures import DOMESTIC, D, case, disposal, entry, line, run_for

DATA = {
    "importers": [DOMESTIC],
    "entries": [
        entry("2025-09-30", "AAA00000801"),  # day before FY2026
        entry("2025-10-01", "AAA00000802", psc_filed=True),  # first day
        entry("2026-09-30", "AAA00000803"),  # last day
        entry("2026-10-01", "AAA00000804"),  # day after
    ],
    "entry_lines": [line(f"AAA0000080{i}", entered_value=D(f"{i}00.00")) for i in range(1, 5)],
    "penalties": [case("C1", "2025-10-01", status="mitigated"),
                  case("C2", "2026-10-01", status="open"), case("C0", "2021-10-01", status="paid"),
                  case("C3", "2026-01-01", status="cancelled")],
    "disposals": [disposal("D1", "2026-09-30", disposed_on="2026-10-01", disposition="sold"),
                  disposal("D2", "2025-09-30")],
}


def test_metric_fiscal_year_october_bounds() -> None:
    run = run_for(DATA, year=2026, fiscal_start_month=10)
    assert (run.period.start, run.period.end, run.period.label) == (
        date(2025, 10, 1), date(2026, 10, 1), "FY2026")
    r = {k: v.value for k, v in run.results.items()}
    assert r["entries_total"] == 2  # 802 and 803
    assert r["entered_value_total"] == D("500.00")  # 200.00 + 300.00
    assert r["psc_rate"] == D("0.5")  # 1 of 2
    assert r["penalty_cases"] == 2  # C1, C3; C2 issued on the end date
    # C1 (mitigated, no closed_on) only: C2 is not before the end, C3 cancelled
    assert r["open_cases_at_period_end"] == 1
    # repeat window [2021-10-01, 2026-10-01): decided C0 (first day of window) + C1 = 2 -> DOM
    # repeats; the cancelled C3 never counts
    assert r["repeat_offender_importers"] == 1
    assert r["disposal_cases"] == 1  # D1
    assert r["pending_disposals_at_period_end"] == 1  # D1 disposed on the end date
    # D1 was disposed of on the end date, not by the end: no disposal, no median
    assert r["median_days_to_disposal"] is None


def test_metric_fiscal_year_from_policy(tmp_path: Path) -> None:
    p = tmp_path / "fy.toml"
    p.write_text("fiscal_year_start_month = 10\n")
    run = run_for(DATA, year=2026, policy_path=p)
    assert run.period.label == "FY2026" and run.results["entries_total"].value == 2
    # the option wins over the policy: calendar 2026 holds 803 and 804
    run = run_for(DATA, year=2026, fiscal_start_month=1, policy_path=p)
    assert run.period.label == "CY2026" and run.results["entries_total"].value == 2
    assert run.results["entered_value_total"].value == D("700.00")


def test_metric_fiscal_year_previous_year_in_same_database() -> None:
    # calendar 2025 holds 801 and 802 (Sep 30 and Oct 1 2025)
    run = run_for(DATA, year=2025)
    assert run.results["entries_total"].value == 2
    assert run.results["entered_value_total"].value == D("300.00")
