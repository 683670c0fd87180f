"""Hand-computed cases of the disclosure, certification and accuracy metrics (calendar 2025).

Written for catalog version 1. Calendar 2025 lies wholly before the order's default effective
date (2026-06-03): under the shipped policy the dated rates (certification, disclosure) would be
"not in force" (null, n/a). Every case here runs under tests/policies/order_in_force_2025.toml
(the order in force from 2025-01-01, everything else as shipped), so the arithmetic of each rate
is still tested; the effective date itself is tested in test_metric_cases_v2.py. Version 2's
change here: the entry accuracy indicator ignores cancelled penalty cases and disposal cases
whose goods were released.
"""

from __future__ import annotations

import pytest

from _metric_fixtures import (
    DOMESTIC,
    Case,
    D,
    case,
    check_case,
    disposal,
    entry,
    in_force_from_2025,
    line,
)

EMPTY = {"importers": [DOMESTIC], "entries": [entry("2026-01-01")]}


def entries_with(n_total: int, n_flagged: int, **flag: object) -> list[dict]:
    """n_total entries in 2025, the first n_flagged of them with ``flag`` set."""
    return [entry("2025-04-01", **(flag if i < n_flagged else {})) for i in range(n_total)]


def cert(n_yes: int, n_other: int, other: str = "no", column: str = "certification") -> dict:
    rows = [entry("2025-04-01", **{column: "yes"}) for _ in range(n_yes)]
    rows += [entry("2025-04-01", **{column: other}) for _ in range(n_other)]
    return {"importers": [DOMESTIC], "entries": rows}


CERT_MIXED = {
    "importers": [DOMESTIC],
    "entries": [
        entry("2025-01-01", certification="yes", disclosure_complete="yes"),  # first day
        entry("2025-12-31", certification="no", disclosure_complete="not_required"),  # last day
        entry("2025-06-01", certification="unknown", disclosure_complete="unknown"),
        entry("2025-06-01", certification="not_required", disclosure_complete="yes"),
        entry("2025-06-01", certification=None, disclosure_complete="no"),  # NULL = unknown
        entry("2026-01-01", certification="yes", disclosure_complete="yes"),  # day after
    ],
}
ONLY_NOT_REQUIRED = {"importers": [DOMESTIC],
                     "entries": [entry("2025-03-01", certification="not_required",
                                       disclosure_complete="not_required")]}

LINES = {
    "importers": [DOMESTIC],
    "entries": [entry("2025-01-01", "AAA00000501"), entry("2026-01-01", "AAA00000502")],
    "entry_lines": [
        line("AAA00000501", 1, 1),  # complete
        line("AAA00000501", 1, 2, hts_number="9903010101", country_of_origin=None),  # 99: not in L'
        line("AAA00000501", 2, 1, country_of_origin=None),  # origin missing
        line("AAA00000501", 3, 1, manufacturer_id=None),  # MID missing
        # a blank MID cell is stored as NULL by the loader (test_load_normalise): missing
        line("AAA00000501", 4, 1, manufacturer_id=None),
        line("AAA00000502", 1, 1, country_of_origin=None),  # day after: not in L
    ],
}


def mid_lines(n_complete: int, n_missing: int) -> dict:
    rows = [line("AAA00000601", i + 1) for i in range(n_complete)]
    rows += [line("AAA00000601", n_complete + i + 1, manufacturer_id=None) for i in range(n_missing)]
    return {"importers": [DOMESTIC], "entries": [entry("2025-08-01", "AAA00000601")],
            "entry_lines": rows}


PSC_BOUNDARY = {
    "importers": [DOMESTIC],
    "entries": [entry("2025-01-01", psc_filed=True), entry("2025-12-31", psc_filed=None),
                entry("2025-06-01"), entry("2026-01-01", psc_filed=True)],
}

COMPLIANCE = {
    "importers": [DOMESTIC],
    "entries": [
        entry("2025-01-01", "AAA00000701"),  # clean
        entry("2025-12-31", "AAA00000702", psc_filed=True),  # PSC
        entry("2025-05-01", "AAA00000703"),  # penalty case issued years later
        entry("2025-05-01", "AAA00000704"),  # disposal opened in 2023 names it
        entry("2025-05-01", "AAA00000705", psc_filed=None),  # unknown PSC: no PSC known, clean
        entry("2026-01-01", "AAA00000706"),  # day after
        entry("2025-05-01", "AAA00000707"),  # only a cancelled penalty case names it: clean
        entry("2025-05-01", "AAA00000708"),  # only a released detention names it: clean
        entry("2025-05-01", "AAA00000709"),  # a disposal case without a disposition names it
    ],
    "penalties": [case("P1", "2030-01-01", entry_number="AAA00000703"),
                  case("P2", "2025-06-01", entry_number="AAA00000707", status="cancelled")],
    "disposals": [disposal("D1", "2023-01-01", entry_number="AAA00000704"),
                  disposal("D2", "2025-06-01", entry_number="AAA00000708", disposition="released",
                           disposed_on="2025-06-05"),
                  disposal("D3", "2025-06-01", entry_number="AAA00000709", disposition=None)],
}


def compliance(n_clean: int, n_psc: int) -> dict:
    return {"importers": [DOMESTIC], "entries": entries_with(n_clean + n_psc, n_psc, psc_filed=True)}


CASES = in_force_from_2025([
    # yes = 1 (first day); denominator = yes, no (last day), unknown, NULL = 4 -> 1/4; red
    Case("certification_rate", "normal-boundaries-nulls", CERT_MIXED, D("0.25"), "red"),
    # 99 / 100 = 0.99 exactly: green (>= 0.99)
    Case("certification_rate", "on-green-threshold", cert(99, 1), D("0.99"), "green"),
    # 95 / 100 = 0.95 exactly: amber; 94/100 red
    Case("certification_rate", "on-amber-threshold", cert(95, 5, "unknown"), D("0.95"), "amber"),
    Case("certification_rate", "below-amber", cert(94, 6), D("0.94"), "red"),
    Case("certification_rate", "only-not-required-null", ONLY_NOT_REQUIRED, None, "n/a"),
    Case("certification_rate", "empty-period", EMPTY, None, "n/a"),
    # yes = 2 (first day, not_required-cert entry); denominator = 5 entries minus the one
    # not_required = 4 (yes, unknown, yes, no) -> 2/4 = 0.5
    Case("disclosure_complete_rate", "normal-boundaries", CERT_MIXED, D("0.5"), "red"),
    Case("disclosure_complete_rate", "on-green-threshold",
         cert(99, 1, column="disclosure_complete"), D("0.99"), "green"),
    Case("disclosure_complete_rate", "on-amber-threshold",
         cert(95, 5, column="disclosure_complete"), D("0.95"), "amber"),
    Case("disclosure_complete_rate", "empty-period", EMPTY, None, "n/a"),
    # L' of 2025 = 4 rows (the 99 ordinal is out); complete = 1 -> 1/4
    Case("origin_mid_completeness_rate", "normal-boundaries-nulls", LINES, D("0.25"), "red"),
    Case("origin_mid_completeness_rate", "on-green-threshold", mid_lines(99, 1), D("0.99"), "green"),
    Case("origin_mid_completeness_rate", "on-amber-threshold", mid_lines(19, 1), D("0.95"), "amber"),
    Case("origin_mid_completeness_rate", "empty-period-null", EMPTY, None, "n/a"),
    # PSC true on the first day; NULL and false are not PSCs; day after out: 1/3
    Case("psc_rate", "normal-boundaries", PSC_BOUNDARY, D(1) / D(3), "red"),
    # 5/100 = 0.05 green (<= 0.05); 10/100 amber (<= 0.10); 11/100 red
    Case("psc_rate", "on-green-threshold", compliance(95, 5), D("0.05"), "green"),
    Case("psc_rate", "on-amber-threshold", compliance(90, 10), D("0.1"), "amber"),
    Case("psc_rate", "above-amber", compliance(89, 11), D("0.11"), "red"),
    Case("psc_rate", "empty-period", EMPTY, None, "n/a"),
    # prior disclosure true on first and last day; NULL and false not; day after out: 2
    Case("prior_disclosures", "boundaries-nulls",
         {"importers": [DOMESTIC],
          "entries": [entry("2025-01-01", prior_disclosure=True),
                      entry("2025-12-31", prior_disclosure=True),
                      entry("2025-06-01", prior_disclosure=None),
                      entry("2025-06-01", prior_disclosure=False),
                      entry("2026-01-01", prior_disclosure=True)]}, 2, None),
    Case("prior_disclosures", "empty-period", EMPTY, 0, None),
    # 8 entries in E; non-compliant: 702 (PSC), 703 (penalty any date), 704 (disposal any
    # date), 709 (a disposal case not shown released) -> compliant 701, 705, 707 (its case was
    # cancelled), 708 (its goods were released) = 4/8 = 0.5
    Case("entry_compliance_rate", "normal-boundaries", COMPLIANCE, D("0.5"), "red"),
    # 39/40 = 0.975 exactly: green; 38/40 = 0.95: amber; 37/40 = 0.925: red
    Case("entry_compliance_rate", "on-green-threshold", compliance(39, 1), D("0.975"), "green"),
    Case("entry_compliance_rate", "on-amber-threshold", compliance(38, 2), D("0.95"), "amber"),
    Case("entry_compliance_rate", "below-amber", compliance(37, 3), D("0.925"), "red"),
    Case("entry_compliance_rate", "empty-period", EMPTY, None, "n/a"),
])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_disclosure_case(c: Case) -> None:
    check_case(c)
