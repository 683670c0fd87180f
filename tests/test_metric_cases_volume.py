"""Hand-computed cases of the volume and importer-profile metrics (period: calendar 2025).

Written for catalog version 1; none of these figures is dated, but the cases run under
tests/policies/order_in_force_2025.toml like the other version-1 modules (the order in force
from 2025-01-01, everything else as shipped), so every dataset shared with the exception-list
tests is computed the same way. Version 2's changes here: the trusted-trader share counts the
importer's own CTPAT validation only (not the broker route), and a sum lacking amounts reports
how many rows lack them (missing).
"""

from __future__ import annotations

import pytest

from _metric_fixtures import (
    DOMESTIC,
    FOREIGN,
    Case,
    D,
    check_case,
    entry,
    importer,
    in_force_from_2025,
    line,
)

# Four entries on the period boundaries: only the first and last day of 2025 are in E.
BOUNDARY_ENTRIES = [
    entry("2024-12-31", "AAA00000001"),  # day before the period
    entry("2025-01-01", "AAA00000002"),  # first day: in
    entry("2025-12-31", "AAA00000003"),  # last day: in
    entry("2026-01-01", "AAA00000004"),  # day after (end is exclusive): out
]
BOUNDARY = {
    "importers": [DOMESTIC],
    "entries": BOUNDARY_ENTRIES,
    "entry_lines": [line(e["entry_number"], entered_value=D("10.00"), duty_amount=D("1.00"))
                    for e in BOUNDARY_ENTRIES],
}
EMPTY = {"importers": [DOMESTIC], "entries": [entry("2024-06-30")]}

# Normal case: E1 formal domestic (two lines, line 1 with a Chapter 99 ordinal),
# E2 informal type 11 foreign, E3 type 12 foreign validated CTPAT tier 2 (formal? no: informal),
# E4 type 06 domestic filed by a CTPAT-validated broker.
NORMAL = {
    "importers": [DOMESTIC, FOREIGN,
                  importer("TT2", us_organized=False, ctpat_tier="tier_2",
                           ctpat_validated_on="2024-01-01")],
    "brokers": [{"filer_code": "BRK", "license_number": "L1", "license_status": "active",
                 "ctpat_validated": True, "ctpat_validated_on": "2020-01-01"}],
    "entries": [
        entry("2025-03-01", "AAA00000011"),
        entry("2025-03-02", "AAA00000012", entry_type="11", importer_number="FOR"),
        entry("2025-03-03", "AAA00000013", entry_type="12", importer_number="TT2"),
        entry("2025-03-04", "BRK00000014", entry_type="06"),
    ],
    "entry_lines": [
        line("AAA00000011", 1, 1, entered_value=D("1000.00"), duty_amount=D("25.00")),
        # a Chapter 99 ordinal carrying a value: left out of every entered-value figure
        line("AAA00000011", 1, 2, hts_number="9903880301", entered_value=D("7.00"),
             duty_amount=D("250.00")),
        line("AAA00000011", 2, 1, entered_value=D("500.50"), duty_amount=None),
        line("AAA00000012", 1, 1, entered_value=D("200.00"), duty_amount=D("4.00")),
        line("AAA00000013", 1, 1, entered_value=D("300.00"), duty_amount=D("6.00")),
        line("BRK00000014", 1, 1, entered_value=D("0.25"), duty_amount=D("0.01")),
    ],
}

CASES = in_force_from_2025([
    # E = 4 entries of March 2025.
    Case("entries_total", "normal", NORMAL, 4, None),
    # first and last day in, day before and day after out: 2
    Case("entries_total", "boundaries", BOUNDARY, 2, None),
    Case("entries_total", "empty-period", EMPTY, 0, None),
    # formal = types 01 and 06 = 2; informal = 11 and 12 = 2
    Case("formal_entries", "normal", NORMAL, 2, None),
    Case("formal_entries", "boundaries", BOUNDARY, 2),
    Case("formal_entries", "empty-period", EMPTY, 0),
    Case("informal_entries", "normal", NORMAL, 2, None),
    Case("informal_entries", "boundaries", BOUNDARY, 0),
    Case("informal_entries", "empty-period", EMPTY, 0),
    # distinct (entry, line): (11,1) (11,2) (12,1) (13,1) (14,1) = 5; the Chapter 99 ordinal of
    # line (11,1) does not make a second line
    Case("entry_lines_total", "normal", NORMAL, 5, None),
    Case("entry_lines_total", "boundaries", BOUNDARY, 2),
    Case("entry_lines_total", "empty-period", EMPTY, 0),
    # L' = all lines but the 99 ordinal: 1000.00 + 500.50 + 200.00 + 300.00 + 0.25 = 2000.75
    Case("entered_value_total", "normal", NORMAL, D("2000.75"), None),
    # first and last day: 10.00 + 10.00
    Case("entered_value_total", "boundaries", BOUNDARY, D("20.00")),
    Case("entered_value_total", "empty-period", EMPTY, D("0")),
    # L incl. the 99 ordinal: 25.00 + 250.00 + NULL(ignored) + 4.00 + 6.00 + 0.01 = 285.01
    # the line without a duty amount is reported as missing
    Case("duty_total", "normal-with-null-duty", NORMAL, D("285.01"), None, missing=1),
    Case("duty_total", "boundaries", BOUNDARY, D("2.00")),
    Case("duty_total", "empty-period", EMPTY, D("0")),
    # foreign IORs: FOR (all tests false) and TT2 (us_organized false) = 2
    Case("foreign_ior_entries", "normal", NORMAL, 2, None),
    Case("foreign_ior_entries", "empty-period", EMPTY, 0),
    # foreign value: 200.00 + 300.00 = 500.00; / 2000.75 = 0.24990628514307134824...
    Case("foreign_ior_value_share", "normal", NORMAL, D(500) / D("2000.75"), None),
    Case("foreign_ior_value_share", "empty-period-null", EMPTY, None, "n/a"),
    # the importer's own validation only: E13 (importer tier_2 validated 2024-01-01 <= entry
    # date) 300.00; E14 is filed by a licensed, CTPAT-validated broker for the unvalidated DOM:
    # the broker route is not counted, as in CBP's published share: 300.00 / 2000.75
    Case("trusted_trader_value_share", "normal", NORMAL, D("300.00") / D("2000.75"), None),
    Case("trusted_trader_value_share", "empty-period-null", EMPTY, None, "n/a"),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_volume_case(c: Case) -> None:
    check_case(c)
