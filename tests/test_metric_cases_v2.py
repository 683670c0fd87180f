"""Hand-computed cases of catalog version 2 (the arithmetic of each figure is in a comment).

Unless a case names another policy file, every case runs under the shipped policy: the order's
dated provisions apply from 2026-06-03 (policy ``effective_on.default``), a dated control counts
the records on or after that date (E*) and reports the earlier ones of its period as its
before-the-order baseline (``before_order``: same formula, never in its status or the score).

Datasets:

- EFFECTIVE: calendar 2026, one record on the day before (2026-06-02) and one on the effective
  date (2026-06-03) for every dated control.
- WHOLLY_BEFORE: calendar 2025, wholly before the order: dated controls are not in force (n/a,
  0 for a count, null for a rate), their baseline is the full-year figure, the score leaves them
  out.
- FISCAL: fiscal year FY2026 (2025-10-01 to 2026-09-30) across the effective date, and the same
  records as calendar 2026 and 2025.
- BROKER: the order's broker route (a licensed broker with an active licence) against the
  stricter reading, as its own metric and as a policy file (tests/policies/ctpat_validated_broker
  .toml) that changes the control.
- AS_OF_END: closed_on, paid_on and disposed_on on the period's last day and on the day after;
  broker cases (19 U.S.C. 1641) apart from the importer's exposure; the floor's effective date.
- LIMBS: the limbs of 19 U.S.C. 1592(c) with and without a prior disclosure, 1592(d).
- ALL_MISSING: sums over rows none of which carries the amount (null, not 0).
- REPEAT: decided, pending and cancelled cases and the repeat-offender window.

Then the same figures through the loader (CSV, Parquet, XLSX), a deciding column no file
carried (ES-003 export, entries file without certification), and the command line (JSON
fields, an empty year, a file that is not a database of this tool).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.metrics import exception_records, run_metrics
from customs_readiness.policy import load_policy

from _es003_fixtures import ROWS as ES003_ROWS
from _es003_fixtures import write_es003_csv
from _metric_fixtures import (
    DOMESTIC,
    FOREIGN,
    POLICIES,
    Case,
    D,
    case,
    check_case,
    disposal,
    entry,
    importer,
    line,
    make_db,
    run_for,
    run_of,
    write_folder,
)

STRICT_POLICY = POLICIES / "ctpat_validated_broker.toml"
runner = CliRunner()

# --- EFFECTIVE: the day before the effective date and the date itself (calendar 2026) ------------
#
# Before (2026-06-02): E1 informal FOR, E3 formal FOR (filer AAA: no broker), E5 formal FOR by
# LIC (licensed, active, not CTPAT-validated), E7 formal FB bond 8 (FB: foreign, tier 2, no
# bond permission), E10 NG2 (suspended_debarred), E11 DOM certification no, disclosure unknown.
# On the date (2026-06-03): E2, E4, E6, E8 the same as E1, E3, E5, E7; E9 NG1 (not_good);
# E12 DOM certification no, disclosure no. E13 DOM on the last day (2026-12-31).
EFFECTIVE = {
    "importers": [DOMESTIC, FOREIGN,
                  importer("FB", foreign_ior=True, ctpat_tier="tier_2",
                           continuous_bond_permitted=False),
                  importer("NG1", foreign_ior=False, good_standing="not_good"),
                  importer("NG2", foreign_ior=False, good_standing="suspended_debarred")],
    "brokers": [{"filer_code": "LIC", "broker_name": "Licensed Broker", "license_number": "L-1",
                 "license_status": "active", "ctpat_validated": False}],
    "entries": [
        entry("2026-06-02", "AAA00002601", entry_type="11", importer_number="FOR"),
        entry("2026-06-03", "AAA00002602", entry_type="11", importer_number="FOR"),
        entry("2026-06-02", "AAA00002603", importer_number="FOR"),
        entry("2026-06-03", "AAA00002604", importer_number="FOR"),
        entry("2026-06-02", "LIC00002605", importer_number="FOR"),
        entry("2026-06-03", "LIC00002606", importer_number="FOR"),
        entry("2026-06-02", "AAA00002607", importer_number="FB", bond_type="8"),
        entry("2026-06-03", "AAA00002608", importer_number="FB", bond_type="8"),
        entry("2026-06-03", "AAA00002609", importer_number="NG1"),
        entry("2026-06-02", "AAA00002610", importer_number="NG2"),
        entry("2026-06-02", "AAA00002611", certification="no", disclosure_complete="unknown"),
        entry("2026-06-03", "AAA00002612", certification="no", disclosure_complete="no"),
        entry("2026-12-31", "AAA00002613"),
    ],
}

# Hand-computed figures of EFFECTIVE, CY2026, shipped policy: (value, status, before_order).
EFFECTIVE_DATED = {
    # E2 on the date; E1 the day before
    "foreign_ior_informal_entries": (1, "red", 1),
    # foreign formal entries of E*: E4 (no cover), E6 (licensed broker: cover), E8 (FB
    # validated: cover) -> 1; before: E3 (E5 and E7 covered) -> 1
    "foreign_ior_formal_without_ctpat_cover": (1, "red", 1),
    # stricter reading: LIC is not CTPAT-validated, so E6 (and E5 before) lose cover: E4, E6 -> 2;
    # before: E3, E5 -> 2; informational
    "foreign_ior_formal_without_ctpat_cover_strict": (2, None, 2),
    # the order's own reading as its own figure: the same as the default control -> 1; before 1
    "foreign_ior_formal_without_ctpat_cover_licensed": (1, None, 1),
    # E8 on the date; E7 the day before
    "foreign_ior_continuous_bond_without_permission": (1, "red", 1),
    # NG1 (entry on the date); NG2 has an entry the day before only
    "importers_not_in_good_standing": (1, "red", 1),
    # E* = E2, E4, E6, E8, E9, E12, E13 = 7 entries, all yes but E12: 6/7;
    # before: E1, E3, E5, E7, E10, E11 = 6, all yes but E11: 5/6
    "certification_rate": (D(6) / D(7), "red", D(5) / D(6)),
    # E12 no (E*), E11 unknown (before): 6/7 and 5/6
    "disclosure_complete_rate": (D(6) / D(7), "red", D(5) / D(6)),
}

# --- WHOLLY_BEFORE: calendar 2025, wholly before the order ----------------------------------------
WHOLLY_BEFORE = {
    "importers": [DOMESTIC, FOREIGN],
    "entries": [entry("2025-03-01", "AAA00002501", entry_type="11", importer_number="FOR"),
                entry("2025-04-01", "AAA00002502", importer_number="FOR"),
                entry("2025-05-01", "AAA00002503", certification="no")],
}

# --- FISCAL: FY2026 = [2025-10-01, 2026-10-01) across the effective date ----------------------------
FISCAL = {
    "importers": [DOMESTIC, FOREIGN],
    "entries": [
        entry("2025-09-30", "AAA00002700", entry_type="11", importer_number="FOR"),  # FY2025
        entry("2025-10-01", "AAA00002701", entry_type="11", importer_number="FOR"),  # first day
        entry("2026-06-02", "AAA00002702", entry_type="11", importer_number="FOR"),  # day before
        entry("2026-06-03", "AAA00002703", entry_type="11", importer_number="FOR"),  # the date
        entry("2026-09-30", "AAA00002704", entry_type="11", importer_number="FOR",
              certification="no"),  # last day
        entry("2026-10-01", "AAA00002705", entry_type="11", importer_number="FOR"),  # FY2027
    ],
    "disposals": [
        disposal("X1", "2025-10-01", disposition="destroyed", disposed_on="2025-10-05",
                 expedited=True),
        disposal("X2", "2026-06-02", disposition="destroyed", disposed_on="2026-06-04",
                 expedited=True),
        disposal("X3", "2026-06-03", disposition="destroyed", disposed_on="2026-06-10",
                 expedited=True),
        disposal("X4", "2026-09-30", disposition="destroyed", disposed_on="2026-10-01",
                 expedited=True),
        disposal("X5", "2025-09-30", disposition="destroyed", disposed_on="2025-10-02",
                 expedited=True),
    ],
}

# --- BROKER: the order's broker route and the stricter reading (calendar 2026) --------------------
# Formal entries of FOR after the effective date: B1 by LIC (licensed, active, not validated),
# B2 by VAL on the day VAL was validated, B3 by VAL the day before its validation.
BROKER = {
    "importers": [DOMESTIC, FOREIGN],
    "brokers": [{"filer_code": "LIC", "license_number": "L-1", "license_status": "active",
                 "ctpat_validated": False},
                {"filer_code": "VAL", "license_number": "L-2", "license_status": "active",
                 "ctpat_validated": True, "ctpat_validated_on": "2026-07-01"}],
    "entries": [entry("2026-07-01", "LIC00002801", importer_number="FOR"),
                entry("2026-07-01", "VAL00002802", importer_number="FOR"),
                entry("2026-06-30", "VAL00002803", importer_number="FOR")],
}

# --- AS_OF_END: what happened by the end of 2026 (end 2027-01-01, exclusive) ----------------------
# Importer DOM; 19USC1592 negligence cases of 1,000.00 unless noted (case()).
_LOSS = {"loss_of_revenue": D("100.00"), "dutiable_value": D("1000.00"),
         "domestic_value": D("5000.00")}
AS_OF_END = {
    "importers": [DOMESTIC],
    "entries": [entry("2026-07-01", "AAA00002901")],
    "penalties": [
        # closed on the period's last day: closed at its end
        case("K1", "2026-03-01", status="closed", closed_on="2026-12-31", **_LOSS),
        # closed the next day (the end date): still open at the end, whatever its status now
        case("K2", "2026-03-01", status="closed", closed_on="2027-01-01", **_LOSS),
        case("K3", "2026-03-01", status="paid", closed_on="2027-02-01",
             culpability="gross_negligence", **_LOSS),
        case("K4", "2026-07-01", status="open", **_LOSS),  # no closed_on, open
        case("K5", "2026-07-01", status="cancelled"),  # cancelled: never open
        # mitigated, but closed_on before the end: closed_on decides
        case("K6", "2026-04-01", status="mitigated", mitigated_amount=D("100.00"),
             closed_on="2026-11-30"),
        # floor cases: issued on the effective date / the day before, mitigated to 400 of 1,000
        case("K8", "2026-06-03", status="mitigated", mitigated_amount=D("400.00"),
             closed_on="2026-09-01"),
        case("K9", "2026-06-02", status="mitigated", mitigated_amount=D("400.00"),
             closed_on="2026-09-01"),
        case("K7", "2027-01-01", status="open", **_LOSS),  # issued on the end date
        # broker cases (19 U.S.C. 1641): the broker's exposure
        case("KB", "2026-07-01", statute="19USC1641", filer_code="LIC", status="open",
             assessed_amount=D("2500.00"), mitigated_amount=D("100.00"), **_LOSS),
        case("KB0", "2025-12-31", statute="19USC1641", filer_code="LIC", status="open"),
        case("KB2", "2027-01-01", statute="19USC1641", filer_code="LIC", status="open"),
        # payments: on the last day, on the end date, without a date
        case("P1", "2026-05-01", statute="19USC1595a", status="paid", paid_amount=D("500.00"),
             paid_on="2026-12-31", closed_on="2026-12-31"),
        case("P2", "2026-05-01", statute="19USC1595a", status="paid", paid_amount=D("300.00"),
             paid_on="2027-01-01", closed_on="2027-01-01"),
        case("P3", "2026-05-01", statute="19USC1595a", status="paid", paid_amount=D("200.00")),
    ],
    "disposals": [
        disposal("G1", "2026-07-01", disposition="destroyed", disposed_on="2026-12-31",
                 domestic_value=D("100.00"), expedited=True),
        disposal("G2", "2026-07-01", disposition="sold", disposed_on="2027-01-01",
                 domestic_value=D("200.00"), expedited=True),
        disposal("G3", "2026-07-01", disposition="destroyed", disposed_on="2026-07-11",
                 domestic_value=None, expedited=False),
        disposal("G4", "2026-02-01", disposition="destroyed", disposed_on="2026-02-05",
                 domestic_value=D("50.00"), expedited=True),
        disposal("G5", "2026-08-01", disposition="released", disposed_on="2026-08-02",
                 domestic_value=D("70.00")),
    ],
}

# --- LIMBS: 19 U.S.C. 1592(c) maximums of open importer cases (calendar 2026) ---------------------
_PD = {"prior_disclosure": True}
LIMBS = {
    "importers": [DOMESTIC],
    "entries": [entry("2026-07-01", "AAA00003001")],
    "penalties": [
        # prior disclosure, fraud, no loss: 0.10 x dutiable value = 0.10 x 10,000 = 1,000
        case("L1", "2026-07-01", status="open", culpability="fraud", loss_of_revenue=D("0"),
             dutiable_value=D("10000.00"), domestic_value=D("50000.00"), **_PD),
        # prior disclosure, fraud, with loss: 1.00 x loss = 300
        case("L2", "2026-07-01", status="open", culpability="fraud", loss_of_revenue=D("300.00"),
             dutiable_value=D("10000.00"), **_PD),
        # prior disclosure, negligence / gross negligence: interest only, 0
        case("L3", "2026-07-01", status="open", culpability="negligence",
             loss_of_revenue=D("300.00"), dutiable_value=D("10000.00"), **_PD),
        case("L4", "2026-07-01", status="open", culpability="gross_negligence",
             loss_of_revenue=D("50.00"), dutiable_value=D("10000.00"), **_PD),
        # gross negligence with loss: lesser of domestic value 3,000 and 4 x 1,000 = 3,000
        case("L5", "2026-07-01", status="open", culpability="gross_negligence",
             loss_of_revenue=D("1000.00"), domestic_value=D("3000.00")),
        # gross negligence, no loss: 0.40 x 10,000 = 4,000, NOT capped at domestic value 1,000
        case("L6", "2026-07-01", status="open", culpability="gross_negligence",
             loss_of_revenue=D("0"), dutiable_value=D("10000.00"), domestic_value=D("1000.00")),
        # negligence, empty loss (= no loss): 0.20 x 5,000 = 1,000, not capped at 100
        case("L7", "2026-07-01", status="open", culpability="negligence", loss_of_revenue=None,
             dutiable_value=D("5000.00"), domestic_value=D("100.00")),
        # prior disclosure, fraud, no loss and no dutiable value: left out, missing
        case("L8", "2026-07-01", status="open", culpability="fraud", loss_of_revenue=D("0"),
             dutiable_value=None, **_PD),
        # fraud without prior disclosure: domestic value 7,000
        case("L9", "2026-07-01", status="open", culpability="fraud",
             domestic_value=D("7000.00")),
        # negligence with loss, no domestic value: 2 x 200 = 400 (no cap to apply)
        case("L10", "2026-07-01", status="open", culpability="negligence",
             loss_of_revenue=D("200.00")),
    ],
}

# --- ALL_MISSING: sums over rows none of which carries the amount (calendar 2026) -----------------
ALL_MISSING = {
    "importers": [DOMESTIC],
    "entries": [entry("2026-07-01", "AAA00003101")],
    "entry_lines": [line("AAA00003101", 1, duty_amount=None),
                    line("AAA00003101", 2, duty_amount=None)],
    "penalties": [case("M1", "2026-07-01", status="open", culpability="fraud")],
    "disposals": [disposal("M2", "2026-07-01", disposition="destroyed",
                           disposed_on="2026-07-02", domestic_value=None)],
}

# --- REPEAT: repeat offenders, window [2022-01-01, 2027-01-01) for calendar 2026 ------------------
REPEAT = {
    "importers": [DOMESTIC],
    "entries": [entry("2026-07-01", "AAA00003201")],
    "penalties": [
        # R1: two cancelled cases and one paid: 1 decided case, not a repeat offender
        case("R1a", "2025-01-01", importer_number="R1", status="cancelled"),
        case("R1b", "2025-02-01", importer_number="R1", status="cancelled"),
        case("R1c", "2025-03-01", importer_number="R1", status="paid"),
        # R2: one paid, one open: would be one if the open case were decided against it
        case("R2a", "2024-01-01", importer_number="R2", status="paid"),
        case("R2b", "2026-07-01", importer_number="R2", status="open"),
        # R3: two petitioned: 0 decided + 2 pending
        case("R3a", "2026-07-01", importer_number="R3", status="petitioned",
             assessed_amount=D("500.00")),
        case("R3b", "2026-05-01", importer_number="R3", status="petitioned"),
        # R4: paid on the window's first day and on its last day: a repeat offender
        case("R4a", "2022-01-01", importer_number="R4", status="paid"),
        case("R4b", "2026-12-31", importer_number="R4", status="paid"),
        # R5: one paid case of its own and one broker case naming it: not a repeat offender
        case("R5a", "2023-01-01", importer_number="R5", status="paid"),
        case("R5b", "2023-02-01", importer_number="R5", statute="19USC1641", status="paid"),
        # R6: two decided and one open: a repeat offender (not counted as pending)
        case("R6a", "2023-01-01", importer_number="R6", status="paid"),
        case("R6b", "2023-06-01", importer_number="R6", status="mitigated",
             mitigated_amount=D("900.00")),
        case("R6c", "2026-08-01", importer_number="R6", status="open",
             assessed_amount=D("2000.00")),
        # R7: one paid penalty and an open liquidated-damages claim: penalties only
        case("R7a", "2023-01-01", importer_number="R7", status="paid"),
        case("R7b", "2026-07-01", importer_number="R7", status="open",
             case_kind="liquidated_damages", statute="bond"),
        # R8: one paid the day before the window, one in it: 1 decided in the window
        case("R8a", "2021-12-31", importer_number="R8", status="paid"),
        case("R8b", "2024-01-01", importer_number="R8", status="paid"),
    ],
}


def dated_cases(metric: str, name: str, tables: dict, expected: tuple, **kw) -> Case:
    value, status, before = expected
    return Case(metric, name, tables, value, status, before_order=before, **kw)


CASES = [
    # EFFECTIVE: each dated control counts the entry on the date, and its baseline the entry of
    # the day before
    *[dated_cases(m, "effective-date-boundary", EFFECTIVE, e, year=2026)
      for m, e in EFFECTIVE_DATED.items()],
    # not dated: every entry of 2026 counts (13 entries; FOR's six and FB's two are foreign)
    Case("entries_total", "effective-date-not-dated", EFFECTIVE, 13, None, year=2026),
    Case("foreign_ior_entries", "effective-date-not-dated", EFFECTIVE, 8, None, year=2026),
    Case("unknown_ior_status_entries", "effective-date-not-dated", EFFECTIVE, 0, "green",
         year=2026),
    # controls: the six dated ones red; unknown IOR, psc 0/13, entry accuracy 13/13 and repeat
    # offenders green; origin/MID n/a (no lines): 4 of 10 = 40.0, band red
    Case("readiness_score", "effective-date-boundary", EFFECTIVE, D("40.0"), "red", year=2026),

    # WHOLLY_BEFORE (2025): not in force: counts 0, rates null, status n/a; the baseline is the
    # full-year figure
    Case("foreign_ior_informal_entries", "wholly-before", WHOLLY_BEFORE, 0, "n/a",
         before_order=1),
    Case("foreign_ior_formal_without_ctpat_cover", "wholly-before", WHOLLY_BEFORE, 0, "n/a",
         before_order=1),
    Case("foreign_ior_formal_without_ctpat_cover_strict", "wholly-before", WHOLLY_BEFORE, 0,
         "n/a", before_order=1),
    Case("foreign_ior_continuous_bond_without_permission", "wholly-before", WHOLLY_BEFORE, 0,
         "n/a", before_order=0),
    Case("importers_not_in_good_standing", "wholly-before", WHOLLY_BEFORE, 0, "n/a",
         before_order=0),
    # 2 of 3 entries certified; all 3 disclosed
    Case("certification_rate", "wholly-before", WHOLLY_BEFORE, None, "n/a",
         before_order=D(2) / D(3)),
    Case("disclosure_complete_rate", "wholly-before", WHOLLY_BEFORE, None, "n/a",
         before_order=D(1)),
    Case("expedited_disposals", "wholly-before", WHOLLY_BEFORE, 0, "n/a", before_order=0),
    # not in the score: unknown IOR 0, psc 0/3, entry accuracy 3/3, repeat 0 green; origin/MID
    # n/a: 4 / 4 = 100.0 although the year holds violations of the (later) order
    Case("readiness_score", "wholly-before", WHOLLY_BEFORE, D("100.0"), "green"),

    # FISCAL FY2026: informal foreign entries 2703 (the date) and 2704 (last day); before:
    # 2701 (first day), 2702 (day before); 2700 and 2705 are other fiscal years
    Case("foreign_ior_informal_entries", "fiscal-year-across-date", FISCAL, 2, "red",
         year=2026, fiscal_start_month=10, before_order=2),
    # certification: 2703 yes, 2704 no = 1/2; before 2701, 2702 = 2/2
    Case("certification_rate", "fiscal-year-across-date", FISCAL, D("0.5"), "red",
         year=2026, fiscal_start_month=10, before_order=D(1)),
    Case("entries_total", "fiscal-year-boundaries", FISCAL, 4, None, year=2026,
         fiscal_start_month=10),
    # expedited: X3 (opened on the date, disposed of 2026-06-10); X4 was disposed of on the
    # end date (not by the end); baseline: X1, X2 opened before the date (a data-quality
    # finding, not counted); X5 is in FY2025
    Case("expedited_disposals", "fiscal-year-across-date", FISCAL, 1, None, year=2026,
         fiscal_start_month=10, before_order=2),
    Case("pending_disposals_at_period_end", "fiscal-year-boundaries", FISCAL, 1, None,
         year=2026, fiscal_start_month=10),  # X4
    # calendar 2026 of the same records: 2703, 2704, 2705 (3); before: 2702
    Case("foreign_ior_informal_entries", "calendar-2026-across-date", FISCAL, 3, "red",
         year=2026, before_order=1),
    # X3 and X4 (disposed of 2026-10-01, before the calendar year's end); before: X2
    Case("expedited_disposals", "calendar-2026-across-date", FISCAL, 2, None, year=2026,
         before_order=1),
    # calendar 2025: wholly before: 0, n/a; before: 2700, 2701
    Case("foreign_ior_informal_entries", "calendar-2025-before", FISCAL, 0, "n/a",
         before_order=2),

    # BROKER, the order's route (default): all three covered by a licensed, active broker -> 0
    Case("foreign_ior_formal_without_ctpat_cover", "licensed-broker", BROKER, 0, "green",
         year=2026, before_order=0),
    # the stricter reading as its own metric (whatever the policy): B1 (LIC not validated) and
    # B3 (VAL validated the day after the entry) -> 2
    Case("foreign_ior_formal_without_ctpat_cover_strict", "licensed-broker", BROKER, 2, None,
         year=2026),
    # the stricter reading as the policy: the control itself counts B1 and B3 -> red
    Case("foreign_ior_formal_without_ctpat_cover", "policy-ctpat-validated-broker", BROKER, 2,
         "red", year=2026, policy=STRICT_POLICY),
    Case("foreign_ior_formal_without_ctpat_cover_strict", "policy-ctpat-validated-broker",
         BROKER, 2, None, year=2026, policy=STRICT_POLICY),
    # the order's own reading stays whatever the policy says: all three covered -> 0
    Case("foreign_ior_formal_without_ctpat_cover_licensed", "policy-ctpat-validated-broker",
         BROKER, 0, None, year=2026, policy=STRICT_POLICY),
    # the score: every applicable control green (origin/MID n/a) = 100.0; under the strict
    # policy the cover control is red: 9 of 10 = 90.0 (still the green band)
    Case("readiness_score", "licensed-broker", BROKER, D("100.0"), "green", year=2026),
    Case("readiness_score", "policy-ctpat-validated-broker", BROKER, D("90.0"), "green",
         year=2026, policy=STRICT_POLICY),

    # AS_OF_END, penalties issued in 2026 (Pp): K1-K6, K8, K9, KB, P1-P3 = 12 penalty cases
    # (K7, KB2 issued on the end date, KB0 the day before the period)
    Case("penalty_cases", "as-of-period-end-boundaries", AS_OF_END, 12, None, year=2026),
    # broker cases in Pp: KB only (KB0 the day before, KB2 the day after the period)
    Case("broker_penalty_cases", "boundaries", AS_OF_END, 1, None, year=2026),
    Case("broker_penalty_cases", "empty-period", LIMBS, 0, None, year=2026),
    # 11 x 1,000 + KB 2,500 = 13,500.00 (penalties_assessed_amount counts broker cases too)
    Case("penalties_assessed_amount", "as-of-period-end", AS_OF_END, D("13500.00"), None,
         year=2026, missing=0),
    # open at 2027-01-01: K2 (closed on the end date), K3 (closed after it), K4 (open), P2
    # (paid and closed on the end date) = 4; not K1 (closed on the last day), K5 (cancelled),
    # K6 (closed_on before the end although mitigated), K8/K9 (closed in September), K7
    # (issued on the end date), KB and KB0 (broker cases)
    Case("open_cases_at_period_end", "closed-on-boundary", AS_OF_END, 4, None, year=2026),
    # open importer 1592 cases K2, K3, K4: negligence min(5,000, 2 x 100) = 200, gross
    # negligence min(5,000, 4 x 100) = 400, 200 -> 800.00; the broker case KB is not counted
    Case("max_statutory_exposure_1592", "closed-on-boundary", AS_OF_END, D("800.00"), None,
         year=2026, missing=0),
    # 1592(d): the loss of revenue of K2, K3, K4 = 300.00
    Case("duty_restoration_1592d", "closed-on-boundary", AS_OF_END, D("300.00"), None,
         year=2026, missing=0),
    # paid by the end: P1 500 (paid on the last day) + P3 200 (no date) = 700.00; P2 was paid on
    # the end date, after the period
    Case("penalty_amount_paid", "paid-on-boundary", AS_OF_END, D("700.00"), None, year=2026),
    # floor cases in Pp: importer penalty cases issued on/after 2026-06-03: K4, K5, K8 (KB is a
    # broker case, K9 the day before): K8 400 < 0.50 x 1,000 -> 1 breach, uplift 100.00
    Case("penalty_floor_breaches", "effective-date-boundary", AS_OF_END, 1, None, year=2026),
    Case("penalty_floor_uplift_amount", "effective-date-boundary", AS_OF_END, D("100.00"), None,
         year=2026),
    # DOM has 9 decided penalty cases of its own in the window (K1, K2, K3, K6, K8, K9, P1, P2,
    # P3; K4 is open, K5 cancelled, KB a broker case): a repeat offender, so the one open floor
    # case, K4, is payable in full: 1,000.00 (the other open cases K2, K3, P2 were issued before
    # the floor's date)
    Case("eo_minimum_payable_open", "effective-date-boundary", AS_OF_END, D("1000.00"), None,
         year=2026, missing=0),
    # mitigated with assessed > 0: K6 100/1,000, K8 400/1,000, K9 400/1,000, KB 100/2,500:
    # 1 - 1,000 / 5,500 = 4,500 / 5,500
    Case("mitigation_rate", "as-of-period-end", AS_OF_END, D(4500) / D(5500), None, year=2026),
    # disposals opened in 2026: G1-G5 = 5
    Case("disposal_cases", "as-of-period-end", AS_OF_END, 5, None, year=2026),
    # disposed of by the end: G1 100 (on the last day) + G3 (no value: missing) + G4 50 =
    # 150.00, missing 1; G2 was disposed of on the end date (pending at the end), G5 released
    Case("disposed_domestic_value", "disposed-on-boundary", AS_OF_END, D("150.00"), None,
         year=2026, missing=1),
    # days: G1 2026-07-01 -> 2026-12-31 = 183, G3 10, G4 4 -> median 10 (G2 not by the end)
    Case("median_days_to_disposal", "disposed-on-boundary", AS_OF_END, D("10"), None, year=2026),
    # pending at the end: G2 (disposed of on the end date)
    Case("pending_disposals_at_period_end", "disposed-on-boundary", AS_OF_END, 1, None,
         year=2026),
    # expedited: G1 (opened after the date, disposed of on the last day); G2 disposed of on the
    # end date; before the date: G4 (marked expedited although opened before the order)
    Case("expedited_disposals", "disposed-on-boundary", AS_OF_END, 1, None, year=2026,
         before_order=1),

    # LIMBS: 1,000 + 300 + 0 + 0 + 3,000 + 4,000 + 1,000 + 7,000 + 400 = 16,700.00; L8 lacks
    # the dutiable value its limb needs: missing 1 (a partial sum)
    Case("max_statutory_exposure_1592", "limbs-prior-disclosure", LIMBS, D("16700.00"), None,
         year=2026, missing=1),
    # loss of revenue: L1 0 + L2 300 + L3 300 + L4 50 + L5 1,000 + L6 0 + L8 0 + L10 200 =
    # 1,850.00; L7 and L9 carry none: missing 2
    Case("duty_restoration_1592d", "limbs-prior-disclosure", LIMBS, D("1850.00"), None,
         year=2026, missing=2),

    # ALL_MISSING: every row in scope lacks the amount: null ("not provided"), not 0
    Case("duty_total", "all-missing", ALL_MISSING, None, None, year=2026, missing=2),
    Case("entered_value_total", "all-present", ALL_MISSING, D("0"), None, year=2026, missing=0),
    Case("max_statutory_exposure_1592", "all-missing", ALL_MISSING, None, None, year=2026,
         missing=1),
    Case("duty_restoration_1592d", "all-missing", ALL_MISSING, None, None, year=2026, missing=1),
    Case("disposed_domestic_value", "all-missing", ALL_MISSING, None, None, year=2026,
         missing=1),

    # REPEAT: decided penalty cases of their own in the window: R4 (window's first and last
    # day) and R6 = 2; R1's cancelled cases never count, R5's broker case is not its own, R7's
    # claim is liquidated damages, R8's first case is the day before the window
    Case("repeat_offender_importers", "decided-cancelled-boundaries", REPEAT, 2, "red",
         year=2026),
    # would-be: R2 (1 decided + 1 open) and R3 (2 petitioned); R6 is counted above
    Case("repeat_offender_importers_pending", "pending-boundaries", REPEAT, 2, None, year=2026),
    # open floor cases: R2b 0.50 x 1,000 = 500 + R3a 0.50 x 500 = 250 + R6c 2,000 in full (R6 a
    # repeat offender) = 2,750.00; R3b was issued before the date, R7b is liquidated damages
    Case("eo_minimum_payable_open", "repeat-and-pending", REPEAT, D("2750.00"), None, year=2026),
    # open at the end: R2b, R3a, R3b, R6b (mitigated, no closed_on), R6c, R7b = 6
    Case("open_cases_at_period_end", "repeat-and-pending", REPEAT, 6, None, year=2026),
]


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.test_id)
def test_metric_v2_case(c: Case) -> None:
    check_case(c)


# --- exception lists mark the records before the order, and list the cases of a sum ---------------

def test_v2_exception_lists_mark_records_before_the_order() -> None:
    con = make_db(EFFECTIVE)
    run = run_metrics(con, 2026, load_policy(), store=False)
    for mid, expected in (
        ("foreign_ior_informal_entries", [("AAA00002601", True), ("AAA00002602", False)]),
        ("foreign_ior_formal_without_ctpat_cover", [("AAA00002603", True),
                                                    ("AAA00002604", False)]),
        ("certification_rate", [("AAA00002611", True), ("AAA00002612", False)]),
    ):
        cols, rows = exception_records(con, run, mid)
        got = [(r[0], r[cols.index("predates_order")]) for r in rows]
        assert got == expected, mid
        # the list holds the figure's records and its baseline's
        r = run.results[mid]
        if r.definition.unit == "count":
            assert len(rows) == r.value + r.before_order
    con.close()


def test_v2_exception_list_of_the_1592_maximum_names_each_limb() -> None:
    con = make_db(LIMBS)
    run = run_metrics(con, 2026, load_policy(), store=False)
    cols, rows = exception_records(con, run, "max_statutory_exposure_1592")
    limb = {r[0]: r[cols.index("limb")] for r in rows}
    assert len(rows) == 10  # every open importer 1592 case, the one left out included
    assert limb["L1"] == "1592(c)(4): 0.10 x dutiable value"
    assert limb["L2"] == "1592(c)(4): 1.00 x loss of revenue"
    assert limb["L3"] == limb["L4"] == "1592(c)(4): interest only"
    assert limb["L6"] == "1592(c)(2): 0.40 x dutiable value"
    assert limb["L9"] == "1592(c)(1): domestic value"
    con.close()


def test_v2_broker_cases_listed_apart() -> None:
    con = make_db(AS_OF_END)
    run = run_metrics(con, 2026, load_policy(), store=False)
    _cols, rows = exception_records(con, run, "broker_penalty_cases")
    assert [r[0] for r in rows] == ["KB"]
    for mid in ("open_cases_at_period_end", "max_statutory_exposure_1592",
                "eo_minimum_payable_open", "penalty_floor_breaches"):
        _cols, rows = exception_records(con, run, mid)
        assert not {"KB", "KB0", "KB2"} & {r[0] for r in rows}, mid
    _cols, rows = exception_records(con, run, "open_cases_at_period_end")
    assert sorted(r[0] for r in rows) == ["K2", "K3", "K4", "P2"]
    con.close()


# --- JSON fields: authority, effective_on, before_order, missing, the score's band ---------------

def test_v2_json_fields_of_dated_metrics_and_sums() -> None:
    out = run_of(CASES[0]).to_json_dict()  # EFFECTIVE, CY2026
    m = out["metrics"]
    assert m["foreign_ior_informal_entries"]["authority"] == "order"
    assert m["foreign_ior_informal_entries"]["effective_on"] == "2026-06-03"
    assert m["foreign_ior_informal_entries"]["before_order"] == 1
    assert m["importers_not_in_good_standing"]["authority"] == "reported"
    assert m["certification_rate"]["before_order"] == D(5) / D(6)
    assert "before_order" not in m["psc_rate"] and "effective_on" not in m["psc_rate"]
    assert m["psc_rate"]["authority"] == "indicator"
    assert m["readiness_score"]["status"] == "red"  # 40.0: the band, not a control status
    limbs = run_for(LIMBS, year=2026).to_json_dict()["metrics"]
    assert limbs["max_statutory_exposure_1592"]["missing"] == 1
    assert limbs["max_statutory_exposure_1592"]["authority"] == "statute"
    assert limbs["max_statutory_exposure_1592"]["value"] == D("16700.00")
    missing = run_for(ALL_MISSING, year=2026).to_json_dict()["metrics"]
    assert (missing["duty_total"]["value"], missing["duty_total"]["missing"]) == (None, 2)
    # a year wholly before the order: the figure is not in force, the baseline is the year
    before = run_for(WHOLLY_BEFORE).to_json_dict()["metrics"]["certification_rate"]
    assert (before["value"], before["status"], before["effective_on"], before["before_order"]) == (
        None, "n/a", "2026-06-03", D(2) / D(3))


# --- the same figures through the loader: CSV, Parquet, XLSX ------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_v2_dated_figures_from_each_file_format(tmp_path: Path, fmt: str) -> None:
    folder = write_folder(EFFECTIVE, tmp_path / fmt, fmt)
    assert {p.suffix for p in folder.iterdir()} == {f".{fmt}"}
    con = connect(tmp_path / "db.duckdb")
    result = load_folder(con, folder)
    assert result.rows_rejected == 0
    run = run_metrics(con, 2026, load_policy(), store=False)
    for mid, (value, status, before) in EFFECTIVE_DATED.items():
        r = run.results[mid]
        assert (r.value, r.status, r.before_order) == (value, status, before), (fmt, mid)
        assert r.not_provided == ()
    # every figure as computed from the rows inserted directly, except the one whose deciding
    # column no file carried (the folder has no prior_disclosure column: not provided)
    assert {k for k, r in run.results.items() if r.not_provided} == {"prior_disclosures"}
    direct = run_of(CASES[0])
    for mid, r in direct.results.items():
        got = run.results[mid]
        if got.not_provided:
            continue
        assert (got.value, got.status, got.before_order, got.missing) == (
            r.value, r.status, r.before_order, r.missing), (fmt, mid)
    strict = run_metrics(con, 2026, load_policy(STRICT_POLICY), store=False)
    r = strict.results["foreign_ior_formal_without_ctpat_cover"]
    assert (r.value, r.status, r.before_order) == (2, "red", 2)
    con.close()


# --- a deciding column no loaded file carried: not provided, never a red 0 % ----------------------

def _importers_csv(folder: Path) -> None:
    write_folder({"importers": [importer("12-3456789AB", foreign_ior=False),
                                importer("260101-12345", foreign_ior=True)]}, folder)


def test_v2_es003_export_without_certification_is_not_provided(tmp_path: Path) -> None:
    # the ES-003 fixture's two entries moved after the effective date (07/01/2026)
    rows = [r[:4] + ["07/01/2026"] + r[5:] for r in ES003_ROWS]
    folder = tmp_path / "data"
    write_es003_csv(folder / "ES-003 export.csv", rows=rows)
    _importers_csv(folder)
    con = connect(tmp_path / "db.duckdb")
    load_folder(con, folder)
    run = run_metrics(con, 2026, load_policy(), store=False)
    for mid, column in (("certification_rate", "entries.certification"),
                        ("disclosure_complete_rate", "entries.disclosure_complete")):
        r = run.results[mid]
        assert (r.value, r.status, r.not_provided, r.before_order) == (None, "n/a", (column,),
                                                                       None), mid
    # prior disclosure is informational: no figure, no status
    r = run.results["prior_disclosures"]
    assert (r.value, r.status, r.not_provided) == (None, None, ("entries.prior_disclosure",))
    # the export does carry the bond type and the PSC indicator: those are figures
    assert run.results["foreign_ior_continuous_bond_without_permission"].not_provided == ()
    assert run.results["psc_rate"].value == D("0.5")  # Y on XYZ98765432
    # not provided is left out of the score, like any n/a
    assert "certification_rate" not in {
        k for k, v in run.results.items() if v.definition.is_control and v.status != "n/a"}
    out = run.to_json_dict()["metrics"]["certification_rate"]
    assert out["not_provided"] == ["entries.certification"] and out["value"] is None
    con.close()


def test_v2_entries_file_without_certification_via_the_command(tmp_path: Path) -> None:
    data = {"importers": [DOMESTIC],
            "entries": [{k: v for k, v in entry("2026-07-01", "AAA00003301").items()
                         if k != "certification"}]}
    folder = write_folder(data, tmp_path / "data")
    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["load", str(folder), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout, parse_float=Decimal)["metrics"]
    assert (m["certification_rate"]["value"], m["certification_rate"]["status"],
            m["certification_rate"]["not_provided"]) == (None, "n/a", ["entries.certification"])
    # the column that was carried is a figure: 1 of 1 disclosed
    assert m["disclosure_complete_rate"]["value"] == Decimal(1)
    assert "not_provided" not in m["disclosure_complete_rate"]


# --- the command line: no false clean bill -----------------------------------------------------

def _loaded_db(tmp_path: Path) -> Path:
    data = {"importers": [DOMESTIC],
            "entries": [entry("2026-07-01", "AAA00003401"), entry("2024-03-01", "AAA00003402")],
            "penalties": [case("Y1", "2022-05-01")]}
    folder = write_folder(data, tmp_path / "data")
    db = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["load", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_v2_metrics_refuses_an_empty_year(tmp_path: Path) -> None:
    db = _loaded_db(tmp_path)
    for args, years in ((["--year", "2025"], "CY2022, CY2024, CY2026"),
                        (["--year", "2030"], "CY2022, CY2024, CY2026"),
                        # fiscal years: 2022-05-01 is FY2022, 2024-03-01 FY2024,
                        # 2026-07-01 FY2026
                        (["--year", "2025", "--fiscal-year-start-month", "10"],
                         "FY2022, FY2024, FY2026")):
        result = runner.invoke(app, ["metrics", "--db", str(db), *args, "--format", "json"])
        assert result.exit_code == 2, result.output
        err = result.stderr.strip()
        assert err.count("\n") == 0, err  # one line
        assert years in err, err
        assert result.stdout == ""  # no figures, no score
    # the years that do have data still compute
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2022", "--format", "json"])
    assert result.exit_code == 0, result.output


def test_v2_metrics_refuses_a_file_that_is_not_its_database(tmp_path: Path) -> None:
    some = tmp_path / "some.csv"
    some.write_text("entry_number,entry_type\nAAA00000001,01\n")
    before = hashlib.sha256(some.read_bytes()).hexdigest()
    result = runner.invoke(app, ["metrics", "--db", str(some), "--year", "2026"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().count("\n") == 0 and "some.csv" in result.stderr
    assert hashlib.sha256(some.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["some.csv"]  # nothing created beside it
    # a DuckDB file of another tool: refused, no schema created in it
    import duckdb

    other = tmp_path / "other.duckdb"
    c = duckdb.connect(str(other))
    c.execute("create table t (a integer)")
    c.close()
    result = runner.invoke(app, ["metrics", "--db", str(other), "--year", "2026"])
    assert result.exit_code == 2
    c = duckdb.connect(str(other), read_only=True)
    assert [r[0] for r in c.execute("select table_name from duckdb_tables()").fetchall()] == ["t"]
    c.close()


def test_v2_json_score_status_is_its_band(tmp_path: Path) -> None:
    db = _loaded_db(tmp_path)
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout, parse_float=Decimal)["metrics"]
    # one clean domestic entry after the order: every applicable control green = 100.0
    assert (m["readiness_score"]["value"], m["readiness_score"]["status"]) == (
        Decimal("100.0"), "green")
    assert m["foreign_ior_informal_entries"]["effective_on"] == "2026-06-03"
    assert m["foreign_ior_informal_entries"]["before_order"] == 0
    # Y1 (paid, 2022) is DOM's only case: no repeat offender; 2024's entry is another year
    assert m["repeat_offender_importers"]["value"] == 0
