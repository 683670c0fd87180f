"""Hand-computed cases of the penalty and liquidated-damages metrics (calendar 2025: end is
2026-01-01 exclusive; repeat-offender window [2021-01-01, 2026-01-01)).

Written for catalog version 1. The reported penalty floor applies only to cases issued on or
after its effective date (default 2026-06-03, after all of 2025), so every case here runs under
tests/policies/order_in_force_2025.toml (the order in force from 2025-01-01, everything else as
shipped): 2025's penalty cases are floor cases, earlier ones are not. Version 2's changes are in
the expectations: only decided penalty cases make a repeat offender; floor cases are importer
penalty cases issued on or after the effective date; the 1592 maximum follows the statute's
limbs (the dutiable-value limbs are not capped at domestic value, an empty loss of revenue is no
loss) and counts the cases it leaves out as missing. Boundaries of version 2 (effective date,
closed_on, paid_on, prior disclosure, broker cases) are in test_metric_cases_v2.py.
"""

from __future__ import annotations

import pytest

from _metric_fixtures import DOMESTIC, Case, D, case, check_case, entry, in_force_from_2025

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
    case("R7a", "2021-01-01", importer_number="R7"),  # first day of the window, paid
    case("R7b", "2025-12-31", importer_number="R7", status="closed"),  # last day, closed
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

CASES = in_force_from_2025([
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
    # floor cases (importer penalty cases issued on/after 2025-01-01) below 0.50 x assessed:
    # P1 (400 < 500); P8 exactly on the floor is not below; P6 is liquidated damages
    Case("penalty_floor_breaches", "normal-on-floor", PEN, 1, None),
    Case("penalty_floor_breaches", "empty-period", EMPTY, 0, None),
    # 0.50 x 1000 - 400 = 100
    Case("penalty_floor_uplift_amount", "normal", PEN, D("100.00"), None),
    Case("penalty_floor_uplift_amount", "empty-period", EMPTY, D("0"), None),
    # decided penalty cases in the window: R7 (paid on its first day, closed on its last) and
    # R6 (referred + 2 paid in 2023) = 2; R1 has 1 decided + 1 pending (open), R2 one case in
    # the window and it is pending, R3 one before the end, R4 liquidated damages only, R5 one
    # penalty, N1/N2 no importer
    Case("repeat_offender_importers", "window-boundaries", REPEAT, 2, "red"),
    # would-be repeat offenders: R1 (1 decided + 1 pending reaches 2); R2 (0 + 1) does not
    Case("repeat_offender_importers_pending", "window-boundaries", REPEAT, 1, None),
    Case("repeat_offender_importers_pending", "empty-period", EMPTY, 0, None),
    # DOM has P1, P2, P5, P7, P8 in the window: one repeat offender
    Case("repeat_offender_importers", "one-importer-many-cases", PEN, 1, "red"),
    Case("repeat_offender_importers", "on-threshold-0", FLOOR, 0, "green"),
    Case("repeat_offender_importers", "empty-period", EMPTY, 0, "green"),
    # open at 2026-01-01: P1 (mitigated), P3 (open), P5 (petitioned, 2024); P4 issued on the end
    Case("open_cases_at_period_end", "normal-boundaries", PEN, 3, None),
    # R1b open, R2b petitioned, R4b open, R6a referred; R3b issued on the end date
    Case("open_cases_at_period_end", "old-cases", REPEAT, 4, None),
    Case("open_cases_at_period_end", "empty-period", EMPTY, 0, None),
    # X1 fraud 5000 + X3 min(domestic 300, 4 x 100) + X4 0.40 x 1000 + X5 2 x 250 (no domestic
    # value: no cap) + X6 0.20 x 1000 (the dutiable-value limb is not capped at the domestic
    # value 150) + X7 0.20 x 1000 (an empty loss counts as no loss) = 6600.00;
    # missing (left out, counted): X2 fraud without domestic value, X8 culpability none, X9 no
    # culpability, X10 no dutiable value = 4; not in scope: X11 other statute, X12 paid,
    # X13 issued on the end date
    Case("max_statutory_exposure_1592", "rules-nulls-caps", EXPO, D("6600.00"), None, missing=4),
    Case("max_statutory_exposure_1592", "empty-period", EMPTY, D("0"), None, missing=0),
    # loss of revenue of the same open importer 1592 cases: X3 100 + X4 0 + X5 250 + X6 0 +
    # X8 100 + X9 100 + X10 0 = 550.00 (whatever the culpability: duties are restored anyway);
    # X1, X2 and X7 carry no loss of revenue: missing 3
    Case("duty_restoration_1592d", "normal-nulls", EXPO, D("550.00"), None, missing=3),
    Case("duty_restoration_1592d", "empty-period", EMPTY, D("0"), None, missing=0),
    # open floor cases (penalties issued on/after 2025-01-01): R1b 0.5 x 1000 (R1 is no repeat
    # offender: 1 decided case) + R2b 0.5 x 600 = 800.00; R4b is liquidated damages and R6a
    # (R6 a repeat offender) was issued in 2023, before the floor's date: not floor cases
    Case("eo_minimum_payable_open", "repeat-and-floor", REPEAT, D("800.00"), None),
    # DOM is a repeat offender in PEN: P1 1000 in full; P3 is liquidated damages, P5 was issued
    # in 2024 (before the floor's date) = 1000.00
    Case("eo_minimum_payable_open", "repeat-offender-full", PEN, D("1000.00"), None),
    # no repeat offender: F1 0.5 x 1000 = 500; F2 is liquidated damages (and from 2019)
    Case("eo_minimum_payable_open", "floor-only", FLOOR, D("500.00"), None),
    Case("eo_minimum_payable_open", "empty-period", EMPTY, D("0"), None),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_penalties_case(c: Case) -> None:
    check_case(c)
