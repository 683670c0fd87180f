"""Hand-computed cases of rejected_rows and readiness_score (calendar 2025).

Written for catalog version 1. Six of the eleven controls are dated, and 2025 lies wholly before
the order's default effective date, so every case here runs under
tests/policies/order_in_force_2025.toml (the order in force from 2025-01-01, everything else as
shipped) and the score still weighs every control. Version 2's changes here: the score's status
is its band (policy score_bands), and a dated control whose E* is empty is not in force (n/a,
out of the score). A year wholly before the order is tested in test_metric_cases_v2.py.
"""

from __future__ import annotations

import pytest

from _metric_fixtures import DOMESTIC, FOREIGN, Case, D, check_case, entry, in_force_from_2025


def rejected(n: int) -> list[dict]:
    return [{"load_id": 1, "file_name": "entries.csv", "table_name": "entries", "row_number": i + 2,
             "column_name": "entry_date", "raw_value": "x", "reason": "bad date", "record": "{}"}
            for i in range(n)]


EMPTY = {"importers": [DOMESTIC], "entries": [entry("2026-01-01")]}

# All green: one clean domestic formal entry.
CLEAN = {"importers": [DOMESTIC], "entries": [entry("2025-05-05")]}

# One foreign informal entry, certified, disclosed, no PSC:
#   foreign_ior_informal_entries 1 red; formal without cover 0 green; bond 0 green;
#   unknown 0 green; good standing 0 green; certification 1/1 green; disclosure 1/1 green;
#   origin/MID no lines n/a; psc 0/1 green; compliance 1/1 green; repeat 0 green
#   -> 9 green + 1 red over 10 applicable: 100 x 9 / 10 = 90.0
ONE_RED = {"importers": [DOMESTIC, FOREIGN],
           "entries": [entry("2025-05-05", entry_type="11", importer_number="FOR")]}

# Add an unknown-status importer (amber) to ONE_RED: two entries now.
#   informal foreign 1 red; unknown 1 amber; certification 2/2, disclosure 2/2, psc 0/2,
#   compliance 2/2 green; the other four counts green; origin/MID n/a
#   -> 8 green + 0.5 + 0 over 10 = 85.0
RED_AMBER = {"importers": [DOMESTIC, FOREIGN],
             "entries": [entry("2025-05-05", entry_type="11", importer_number="FOR"),
                         entry("2025-05-06", importer_number="NOT-IN-REGISTRY")]}

# Three reds and one amber over 10 applicable: (6 + 0.5) / 10 = 65.0; certification 2/3
# (0.666..) red, disclosure 2/3 red -- with ONE_RED's red: 3 reds. Unknown IOR 1 amber.
THREE_RED = {"importers": [DOMESTIC, FOREIGN],
             "entries": [entry("2025-05-05", entry_type="11", importer_number="FOR"),
                         entry("2025-05-06", importer_number="NOT-IN-REGISTRY"),
                         entry("2025-05-07", certification="no", disclosure_complete="unknown")]}

CASES = in_force_from_2025([
    # rejected rows of the whole database, whatever the period: 3
    Case("rejected_rows", "whole-database", {**CLEAN, "rejected_rows": rejected(3)}, 3, None),
    Case("rejected_rows", "none", CLEAN, 0, None),
    Case("rejected_rows", "empty-period-still-counts", {**EMPTY, "rejected_rows": rejected(2)}, 2),
    # 10 applicable controls all green (origin/MID n/a without lines): 100.0
    # the score's status is its band (policy score_bands: green >= 90, amber >= 70)
    Case("readiness_score", "all-green", CLEAN, D("100.0"), "green"),
    Case("readiness_score", "one-red", ONE_RED, D("90.0"), "green"),  # 90.0 is on the band
    Case("readiness_score", "red-and-amber", RED_AMBER, D("85.0"), "amber"),
    # 6 green + 1 amber (0.5) + 3 red over 10 = 65.0
    Case("readiness_score", "three-red-one-amber", THREE_RED, D("65.0"), "red"),
    # empty period: the six dated controls are not in force (E* empty: n/a), the three other
    # rates n/a (no entries); unknown IOR 0 and repeat offenders 0 are green: 2 / 2 = 100.0
    Case("readiness_score", "empty-period", EMPTY, D("100.0"), "green"),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_data_quality_case(c: Case) -> None:
    check_case(c)
