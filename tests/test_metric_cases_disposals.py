"""Hand-computed cases of the detention, seizure and disposal metrics (calendar 2025).

Written for catalog version 1. expedited_disposals is dated (by opened_on) and 2025 lies wholly
before the order's default effective date, so every case here runs under
tests/policies/order_in_force_2025.toml (the order in force from 2025-01-01, everything else as
shipped). Version 2's change here: disposals count as of the period's end, so a case disposed of
on or after the end (or without a disposal date) is pending, not disposed, in the value and the
median. The effective date of expedited disposals is tested in test_metric_cases_v2.py.
"""

from __future__ import annotations

import pytest

from _metric_fixtures import DOMESTIC, Case, D, check_case, disposal, entry, in_force_from_2025

BASE = {"importers": [DOMESTIC], "entries": [entry("2025-02-02")]}
EMPTY = {**BASE, "disposals": [disposal("Z1", "2026-01-01"), disposal("Z0", "2024-12-31")]}

DISP = {**BASE, "disposals": [
    disposal("D1", "2025-01-01", action="detention", disposition="released",
             disposed_on="2025-01-11", domestic_value=D("100.00")),  # first day
    disposal("D2", "2025-12-31", action="seizure", disposition="pending",
             domestic_value=D("200.00")),  # last day, pending
    disposal("D3", "2025-03-01", action="seizure", disposition="destroyed",
             disposed_on="2025-03-11", domestic_value=D("300.00"), expedited=True),  # 10 days
    disposal("D4", "2025-03-01", action="general_order", disposition="sold",
             disposed_on="2025-04-01", domestic_value=D("400.50"), expedited=False),  # 31 days
    disposal("D5", "2025-11-01", action="abandonment", disposition="abandoned",
             disposed_on="2026-01-01", domestic_value=None, expedited=None),  # 61 days, after end
    disposal("D6", "2025-05-01", action="detention", disposition="exported",
             disposed_on=None, domestic_value=D("50.00")),  # disposition without a date
    disposal("D7", "2025-05-01", action="seizure", disposition="forfeited",
             disposed_on="2025-12-31", domestic_value=D("0.01")),  # 244 days
    disposal("D8", "2025-05-01", action="detention", disposition=None,
             disposed_on="2025-05-02", domestic_value=D("9.00")),  # no disposition
    disposal("D9", "2026-01-01", action="seizure", disposition="destroyed",
             disposed_on="2026-01-02", domestic_value=D("999.00"), expedited=True),  # day after
    disposal("D0", "2024-12-31", action="detention", disposition="third_party_disposal",
             disposed_on="2025-01-05", domestic_value=D("888.00")),  # day before
]}

# Odd count of durations for a whole median: 1, 2 and 4 days -> 2
ODD = {**BASE, "disposals": [
    disposal("M1", "2025-02-01", disposition="destroyed", disposed_on="2025-02-02"),
    disposal("M2", "2025-02-01", disposition="sold", disposed_on="2025-02-03"),
    disposal("M3", "2025-02-01", disposition="third_party_disposal", disposed_on="2025-02-05"),
]}

CASES = in_force_from_2025([
    # D1..D8 opened in 2025 (D9 day after, D0 day before) = 8
    Case("disposal_cases", "boundaries", DISP, 8, None),
    Case("disposal_cases", "empty-period", EMPTY, 0, None),
    # detentions D1, D6, D8 = 3; seizures D2, D3, D7 = 3
    Case("detentions", "normal", DISP, 3, None),
    Case("detentions", "empty-period", EMPTY, 0, None),
    Case("seizures", "normal", DISP, 3, None),
    Case("seizures", "empty-period", EMPTY, 0, None),
    # disposed of before the end: D3 300.00 + D4 400.50 + D7 0.01 (its last day) = 700.51;
    # D5 was disposed of on the end date and D6 has no disposal date: pending at the end, not
    # disposed (so D5's empty value is not missing either); D1 released, D2 pending, D8 no
    # disposition; D9/D0 out of the period
    Case("disposed_domestic_value", "normal-nulls", DISP, D("700.51"), None, missing=0),
    Case("disposed_domestic_value", "empty-period", EMPTY, D("0"), None, missing=0),
    # expedited true: D3 only (D4 false, D5 NULL, D9 out of period); opened on/after the
    # effective date 2025-01-01, so nothing is in the baseline before it
    Case("expedited_disposals", "normal-nulls", DISP, 1, None, before_order=0),
    # no disposal opened on or after the effective date: not in force (status n/a)
    Case("expedited_disposals", "empty-period", EMPTY, 0, "n/a"),
    # days: D3 10, D4 31, D7 244 (D5 was disposed of on the end date: not by the end; D1
    # released, D2 pending, D6 no date, D8 no disposition): median of 10, 31, 244 = 31
    Case("median_days_to_disposal", "as-of-period-end", DISP, D("31"), None),
    # without D5 and D7 an even count remains: D3 10, D4 31 -> (10 + 31) / 2 = 20.5
    Case("median_days_to_disposal", "even-count",
         {**BASE, "disposals": [d for d in DISP["disposals"] if d["case_id"] not in ("D5", "D7")]},
         D("20.5"), None),
    Case("median_days_to_disposal", "odd-count", ODD, D("2"), None),
    # (1 + 4) / 2 = 2.5: half days are kept
    Case("median_days_to_disposal", "half-day",
         {**BASE, "disposals": ODD["disposals"][:1] + ODD["disposals"][2:]}, D("2.5"), None),
    Case("median_days_to_disposal", "empty-period-null", EMPTY, None, "n/a"),  # no rows: null, n/a
    # pending at 2026-01-01: D2 (no date), D5 (disposed on the end date), D6 (no date) = 3;
    # D7 disposed on the last day is not pending; D9 is not in D
    Case("pending_disposals_at_period_end", "boundaries-nulls", DISP, 3, None),
    Case("pending_disposals_at_period_end", "empty-period", EMPTY, 0, None),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_disposals_case(c: Case) -> None:
    check_case(c)
