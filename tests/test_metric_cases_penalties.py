"""Hand-computed cases of the penalty and liquidated-damages metrics (calendar 2025: end is
2026-01-01 exclusive; repeat-offender window [2021-01-01, 2026-01-01))."""

from __future__ import annotations

import pytest

from _metric_fixtures import DOMESTIC, Case, D, case, check_case, entry

BASE = {"importers": [DOMESTIC], "entries": [entry("2025-02-02")]}
EMPTY = {**BASE, "penalties": [case("Z1", "2026-01-01", status="open")]}

PEN = {**BASE, "penalties": [
    case("P1", "2025-01-01", status="mitigated", mitigated_amount=D("400.00")),  # first day
    case("P2", "2025-12-31", assessed_amount=D("2000.00"), status="paid",
         mitigated_amount=D("1500.00"), paid_amount=D("1500.00")),  # last day
    case("P3", "2025-06-01", case_kind="liquidated_damages", statute="bond",
         assessed_amount=D("500.00"), status="open"),
    case("P4", "2026-01-01", assessed_amount=D("9999.00"), status="open"),  # day after
    case("P5", "2024-12-31", assessed_amount=D("7777.00"), status="petitioned",
         paid_amount=D("100.00")),  # day before
    case("P6", "2025-03-01", case_kind="liquidated_damages", assessed_amount=D("0.00"),
         mitigated_amount=D("0.00"), status="closed", paid_amount=D("0.00")),
    case("P7", "2025-04-01", assessed_amount=D("300.00"), status="paid",
         paid_amount=D("300.00")),  # no mitigated amount
    case("P8", "2025-07-01", assessed_amount=D("800.00"), mitigated_amount=D("400.00"),
         status="closed"),  # exactly on the floor: 400 = 0.50 x 800, not below
]}

REPEAT = {**BASE, "penalties": [
    case("R1a", "2021-01-01", importer_number="R1"),  # first day of the window
    case("R1b", "2025-12-31", importer_number="R1", status="open"),  # last day
    case("R2a", "2020-12-31", importer_number="R2"),  # day before the window
    case("R2b", "2025-06-01", importer_number="R2", status="petitioned",
         assessed_amount=D("600.00")),
    case("R3a", "2025-01-01", importer_number="R3"),
    case("R3b", "2026-01-01", importer_number="R3", status="open"),  # day after the period
    case("R4a", "2022-01-01", importer_number="R4", case_kind="liquidated_damages"),
    case("R4b", "2023-01-01", importer_number="R4", case_kind="liquidated_damages",
         status="open", assessed_amount=D("200.00")),
    case("R5a", "2024-01-01", importer_number="R5"),
    case("R5b", "2024-02-01", importer_number="R5", case_kind="liquidated_damages"),
    case("R6a", "2023-01-01", importer_number="R6", status="referred", assessed_amount=D("50.00")),
    case("R6b", "2023-02-01", importer_number="R6"),
    case("R6c", "2023-03-01", importer_number="R6"),
    case("N1", "2025-01-01", importer_number=None),
    case("N2", "2025-02-01", importer_number=None),
]}

FLOOR = {**BASE, "penalties": [
    case("F1", "2025-03-01", importer_number="A1", status="open"),
    case("F2", "2019-03-01", importer_number="A2", case_kind="liquidated_damages",
         assessed_amount=D("777.77"), status="referred"),
]}

EXPO = {**BASE, "penalties": [
    case("X1", "2025-01-01", culpability="fraud", domestic_value=D("5000.00"), status="open"),
    case("X2", "2025-01-01", culpability="fraud", domestic_value=None, status="open"),
    case("X3", "2025-01-01", culpability="gross_negligence", loss_of_revenue=D("100.00"),
         dutiable_value=D("10000.00"), domestic_value=D("300.00"), status="petitioned"),
    case("X4", "2020-01-01", culpability="gross_negligence", loss_of_revenue=D("0.00"),
         dutiable_value=D("1000.00"), status="referred"),
    case("X5", "2025-12-31", culpability="negligence", loss_of_revenue=D("250.00"),
         status="mitigated"),
    case("X6", "2025-01-01", culpability="negligence", loss_of_revenue=D("0.00"),
         dutiable_value=D("1000.00"), domestic_value=D("150.00"), status="open"),
    case("X7", "2025-01-01", culpability="negligence", loss_of_revenue=None,
         dutiable_value=D("1000.00"), status="open"),
    case("X8", "2025-01-01", culpability="none", loss_of_revenue=D("100.00"), status="open"),
    case("X9", "2025-01-01", culpability=None, loss_of_revenue=D("100.00"), status="open"),
    case("X10", "2025-01-01", culpability="negligence", loss_of_revenue=D("0.00"),
         dutiable_value=None, status="open"),
    case("X11", "2025-01-01", statute="19USC1595a", loss_of_revenue=D("100.00"), status="open"),
    case("X12", "2025-01-01", loss_of_revenue=D("100.00"), status="paid"),
    case("X13", "2026-01-01", loss_of_revenue=D("100.00"), status="open"),
]}

CASES = [
    # penalties in Pp: P1, P2, P7, P8 = 4 (P4 day after, P5 day before)
    Case("penalty_cases", "normal-boundaries", PEN, 4, None),
    Case("penalty_cases", "empty-period", EMPTY, 0, None),
    # LD in Pp: P3, P6 = 2
    Case("liquidated_damages_claims", "normal", PEN, 2, None),
    Case("liquidated_damages_claims", "empty-period", EMPTY, 0, None),
    # 1000 + 2000 + 300 + 800 = 4100.00
    Case("penalties_assessed_amount", "normal-boundaries", PEN, D("4100.00"), None),
    Case("penalties_assessed_amount", "empty-period", EMPTY, D("0"), None),
    # 500.00 + 0.00 = 500.00
    Case("liquidated_damages_assessed_amount", "normal", PEN, D("500.00"), None),
    Case("liquidated_damages_assessed_amount", "empty-period", EMPTY, D("0"), None),
    # paid in Pp: P2 1500 + P6 0 + P7 300 = 1800.00 (P1, P3, P8 NULL; P5 out of period)
    Case("penalty_amount_paid", "normal-nulls", PEN, D("1800.00"), None),
    Case("penalty_amount_paid", "empty-period", EMPTY, D("0"), None),
    # mitigated and assessed > 0: P1, P2, P8 (P6 assessed 0, P7 NULL mitigated):
    # 1 - (400 + 1500 + 400) / (1000 + 2000 + 800) = 1 - 2300/3800 = 1500/3800
    Case("mitigation_rate", "normal-nulls", PEN, D(1500) / D(3800), None),
    Case("mitigation_rate", "empty-period-null", EMPTY, None, "n/a"),  # denominator 0: null, n/a
    # below 0.50 x assessed: P1 (400 < 500); P8 exactly on the floor is not below; P6 0 < 0 no
    Case("penalty_floor_breaches", "normal-on-floor", PEN, 1, None),
    Case("penalty_floor_breaches", "empty-period", EMPTY, 0, None),
    # 0.50 x 1000 - 400 = 100
    Case("penalty_floor_uplift_amount", "normal", PEN, D("100.00"), None),
    Case("penalty_floor_uplift_amount", "empty-period", EMPTY, D("0"), None),
    # R1 (first and last day of the window) and R6 (3 in 2023) = 2; R2 one in window, R3 one
    # before the end, R4 liquidated damages only, R5 one penalty, N1/N2 no importer
    Case("repeat_offender_importers", "window-boundaries", REPEAT, 2, "red"),
    # DOM has P1, P2, P5, P7, P8 in the window: one repeat offender
    Case("repeat_offender_importers", "one-importer-many-cases", PEN, 1, "red"),
    Case("repeat_offender_importers", "on-threshold-0", FLOOR, 0, "green"),
    Case("repeat_offender_importers", "empty-period", EMPTY, 0, "green"),
    # open at 2026-01-01: P1 (mitigated), P3 (open), P5 (petitioned, 2024); P4 issued on the end
    Case("open_cases_at_period_end", "normal-boundaries", PEN, 3, None),
    # R1b open, R2b petitioned, R4b open, R6a referred; R3b issued on the end date
    Case("open_cases_at_period_end", "old-cases", REPEAT, 4, None),
    Case("open_cases_at_period_end", "empty-period", EMPTY, 0, None),
    # X1 5000 + X3 min(400, 300) + X4 0.40 x 1000 + X5 2 x 250 + X6 min(200, 150)
    # + X7 0.20 x 1000 (an empty loss is not above 0: the dutiable-value rule) = 6550.00;
    # X2 no domestic value, X8 none, X9 NULL, X10 no dutiable value,
    # X11 other statute, X12 paid, X13 issued on the end date: left out
    Case("max_statutory_exposure_1592", "rules-nulls-caps", EXPO, D("6550.00"), None),
    Case("max_statutory_exposure_1592", "empty-period", EMPTY, D("0"), None),
    # open cases: R1b 1000 (R1 repeat: full) + R2b 0.5 x 600 + R4b 0.5 x 200 + R6a 50 (repeat)
    # = 1000 + 300 + 100 + 50 = 1450.00
    Case("eo_minimum_payable_open", "repeat-and-floor", REPEAT, D("1450.00"), None),
    # DOM is a repeat offender in PEN: P1 1000 + P3 500 + P5 7777 in full = 9277.00
    Case("eo_minimum_payable_open", "repeat-offender-full", PEN, D("9277.00"), None),
    # no repeat offender: 0.5 x 1000 + 0.5 x 777.77 = 500 + 388.885 = 888.885 (exact, not rounded)
    Case("eo_minimum_payable_open", "floor-only", FLOOR, D("888.885"), None),
    Case("eo_minimum_payable_open", "empty-period", EMPTY, D("0"), None),
]


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_penalties_case(c: Case) -> None:
    check_case(c)
