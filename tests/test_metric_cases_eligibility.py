"""Hand-computed cases of the importer-of-record eligibility metrics (period: calendar 2025).

Written for catalog version 1. Calendar 2025 lies wholly before the order's default effective
date (2026-06-03), so under the shipped policy the dated controls here would all be "not in
force" (n/a, value 0). To keep the arithmetic of each definition tested, every case runs under
tests/policies/order_in_force_2025.toml (the order in force from 2025-01-01; everything else as
shipped): the period's entries are E*, the before-the-order baseline is empty (0). Version 2's
changes are in the expectations: the order's broker route by default (a licensed broker with an
active licence covers), the stricter reading as its own metric, and "not in force" (n/a) for a
dated control when E* is empty. The effective date itself is tested in test_metric_cases_v2.py.
"""

from __future__ import annotations

import pytest

from _metric_fixtures import (
    DOMESTIC,
    FOREIGN,
    Case,
    check_case,
    entry,
    importer,
    in_force_from_2025,
)

EMPTY = {"importers": [DOMESTIC, FOREIGN],
         "entries": [entry("2026-01-01", entry_type="11", importer_number="FOR")]}

# Foreign informal entries on the boundaries: first and last day count, day after does not.
INFORMAL_BOUNDARY = {
    "importers": [DOMESTIC, FOREIGN],
    "entries": [
        entry("2024-12-31", entry_type="11", importer_number="FOR"),
        entry("2025-01-01", entry_type="11", importer_number="FOR"),
        entry("2025-12-31", entry_type="12", importer_number="FOR"),
        entry("2026-01-01", entry_type="11", importer_number="FOR"),
        entry("2025-06-01", entry_type="11", importer_number="DOM"),  # domestic: not counted
        entry("2025-06-01", entry_type="01", importer_number="FOR"),  # formal: not counted
    ],
}
# Exactly on the threshold (green = 0): no foreign informal entry at all.
NO_FOREIGN_INFORMAL = {"importers": [DOMESTIC, FOREIGN],
                       "entries": [entry("2025-06-01", entry_type="11", importer_number="DOM")]}

# CTPAT cover for formal entries of foreign importers.
CTPAT = {
    "importers": [
        DOMESTIC,
        FOREIGN,  # ctpat_tier none
        importer("T2", foreign_ior=True, ctpat_tier="tier_2", ctpat_validated_on="2025-06-01"),
        importer("T3", foreign_ior=True, ctpat_tier="tier_3", ctpat_validated_on=None),
        importer("T1", foreign_ior=True, ctpat_tier="tier_1"),
    ],
    "brokers": [
        {"filer_code": "VAL", "license_number": "1", "license_status": "active",
         "ctpat_validated": True, "ctpat_validated_on": "2025-06-01"},
        {"filer_code": "NOV", "license_number": "2", "license_status": "active",
         "ctpat_validated": False},
        {"filer_code": "SUS", "license_number": "3", "license_status": "suspended",
         "ctpat_validated": True},
        {"filer_code": "SLF", "license_number": None, "ctpat_validated": True},
    ],
    "entries": [
        entry("2025-05-31", "AAA00000101", importer_number="T2"),  # validated the next day: no cover
        entry("2025-06-01", "AAA00000102", importer_number="T2"),  # validated that day: cover
        entry("2025-03-01", "AAA00000103", importer_number="T3"),  # no validation date: cover
        entry("2025-03-01", "AAA00000104", importer_number="T1"),  # tier 1 is not validated
        entry("2025-05-31", "VAL00000105", importer_number="FOR"),  # broker validated later
        entry("2025-06-01", "VAL00000106", importer_number="FOR"),  # broker covers
        entry("2025-06-01", "NOV00000107", importer_number="FOR"),  # broker not CTPAT
        entry("2025-06-01", "SUS00000108", importer_number="FOR"),  # broker suspended
        entry("2025-06-01", "SLF00000109", importer_number="FOR"),  # no licence
        entry("2025-06-01", "XXX00000110", importer_number="FOR"),  # filer not in registry
        entry("2025-06-01", "AAA00000111", importer_number="DOM"),  # domestic: not counted
        entry("2025-06-01", "AAA00000112", importer_number="FOR", entry_type="11"),  # informal
    ],
}

BOND = {
    "importers": [
        DOMESTIC,
        importer("FP", foreign_ior=True, continuous_bond_permitted=True),
        importer("FN", foreign_ior=True, continuous_bond_permitted=False),
        importer("FU", foreign_ior=True, continuous_bond_permitted=None),
    ],
    "entries": [
        entry("2025-02-01", importer_number="FP", bond_type="8"),  # permitted
        entry("2025-02-01", importer_number="FN", bond_type="8"),  # counted
        entry("2025-02-01", importer_number="FU", bond_type="8"),  # NULL permission: counted
        entry("2025-02-01", importer_number="FN", bond_type="9"),  # single transaction bond
        entry("2025-02-01", importer_number="FN", bond_type=None),  # no bond type
        entry("2025-02-01", importer_number="DOM", bond_type="8"),  # domestic
        entry("2026-01-01", importer_number="FN", bond_type="8"),  # day after
    ],
}

UNKNOWN = {
    "importers": [
        DOMESTIC,
        FOREIGN,
        importer("U1", us_organized=True, us_physical_presence=None, us_assets_sufficient=True,
                 us_controlling_owner=True),  # none false, one empty: unknown
        importer("U2"),  # nothing known: unknown
        importer("F1", us_organized=True, us_physical_presence=None, us_assets_sufficient=False),
        importer("X1", foreign_ior=False),  # explicit flag: domestic
    ],
    "entries": [
        entry("2025-01-01", importer_number="U1"),
        entry("2025-12-31", importer_number="U2"),
        entry("2025-07-01", importer_number="NOTREG"),  # not in the registry: unknown
        entry("2025-07-01", importer_number="F1"),  # one false: foreign
        entry("2025-07-01", importer_number="X1"),
        entry("2025-07-01", importer_number="DOM"),
        entry("2026-01-01", importer_number="U2"),  # day after
    ],
}

STANDING = {
    "importers": [
        importer("G", good_standing="good"),
        importer("N", good_standing="not_good"),
        importer("S", good_standing="suspended_debarred"),
        importer("U", good_standing="unknown"),
        importer("Q", good_standing="not_good"),  # entries only outside the period
    ],
    "entries": [
        entry("2025-01-01", importer_number="N"),
        entry("2025-12-31", importer_number="N"),  # same importer again: counted once
        entry("2025-05-05", importer_number="S"),
        entry("2025-05-05", importer_number="U"),
        entry("2025-05-05", importer_number="G"),
        entry("2026-01-01", importer_number="Q"),
        entry("2024-12-31", importer_number="Q"),
    ],
}

CASES = in_force_from_2025([
    # 2025-01-01 and 2025-12-31 foreign informal; the rest are out of the period, domestic or
    # formal; the order is in force from the period's first day: the baseline before it is empty
    Case("foreign_ior_informal_entries", "boundaries", INFORMAL_BOUNDARY, 2, "red", before_order=0),
    Case("foreign_ior_informal_entries", "on-threshold-0", NO_FOREIGN_INFORMAL, 0, "green"),
    # no entry in 2025 at all: E* is empty, the control is not in force (n/a), value 0
    Case("foreign_ior_informal_entries", "empty-period", EMPTY, 0, "n/a"),
    # the order's broker route (default "licensed"): no cover for 101 (importer validated the
    # next day, filer AAA not a broker), 104 (tier 1), 108 (licence suspended), 109 (no
    # licence), 110 (filer not in the registry) = 5; covered: 102, 103 (importer validated),
    # 105, 106, 107 (licensed, active broker, CTPAT or not); 111 domestic, 112 informal
    Case("foreign_ior_formal_without_ctpat_cover", "normal", CTPAT, 5, "red"),
    Case("foreign_ior_formal_without_ctpat_cover", "empty-period", EMPTY, 0, "n/a"),
    Case("foreign_ior_formal_without_ctpat_cover", "on-threshold-0", NO_FOREIGN_INFORMAL, 0, "green"),
    # the stricter reading, whatever the policy says: the broker must be CTPAT-validated on the
    # entry date, so 105 (broker validated the next day) and 107 (broker not CTPAT) lose cover:
    # 5 + 2 = 7; only 102, 103 (importer) and 106 (validated broker) are covered. Informational.
    Case("foreign_ior_formal_without_ctpat_cover_strict", "normal", CTPAT, 7, None, before_order=0),
    Case("foreign_ior_formal_without_ctpat_cover_strict", "empty-period", EMPTY, 0, "n/a"),
    # FN bond 8 and FU (NULL permission) bond 8 = 2
    Case("foreign_ior_continuous_bond_without_permission", "normal-null-permission", BOND, 2, "red"),
    Case("foreign_ior_continuous_bond_without_permission", "empty-period", EMPTY, 0, "n/a"),
    # U1 (first day), U2 (last day), NOTREG = 3 -> amber (green if 0, else amber)
    Case("unknown_ior_status_entries", "normal-boundaries", UNKNOWN, 3, "amber"),
    Case("unknown_ior_status_entries", "on-threshold-0", NO_FOREIGN_INFORMAL, 0, "green"),
    Case("foreign_ior_entries", "unknown-is-not-foreign", UNKNOWN, 1, None),  # F1 only
    # N (twice, counted once) and S = 2; U unknown and G good are not counted, Q out of period
    Case("importers_not_in_good_standing", "normal-boundaries", STANDING, 2, "red"),
    Case("importers_not_in_good_standing", "empty-period", EMPTY, 0, "n/a"),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_eligibility_case(c: Case) -> None:
    check_case(c)
