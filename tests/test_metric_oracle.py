"""A second, independent implementation of the catalog in plain Python, run on the bundled
sample years (2025 and 2026 loaded into one database): every figure and status of the SQL
catalog must agree with it, for calendar 2026, the previous year 2025, and fiscal 2026
starting in October. The oracle reads the stored tables row by row and follows the catalog's
wording, not the SQL."""

from __future__ import annotations

import statistics
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.metrics import CATALOG_ORDER, period_for, run_metrics
from customs_readiness.policy import load_policy

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
OPEN = {"open", "petitioned", "mitigated", "referred"}
DISPOSED = {"destroyed", "sold", "exported", "forfeited", "abandoned", "third_party_disposal"}


def rows(con, table: str) -> list[dict]:
    cur = con.execute(f"select * from {table}")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def ratio(num, den):
    return None if not den else Decimal(num) / Decimal(den)


def status(value, better, green, amber=None, otherwise="red"):
    if value is None:
        return "n/a"
    if better == "higher":
        if value >= green:
            return "green"
        if amber is not None and value >= amber:
            return "amber"
    else:
        if value <= green:
            return "green"
        if amber is not None and value <= amber:
            return "amber"
    return otherwise


def oracle(con, year: int, fsm: int) -> dict[str, tuple]:
    p = period_for(year, fsm)
    start, end = p.start, p.end
    importers = {r["importer_number"]: r for r in rows(con, "importers")}
    brokers = {r["filer_code"]: r for r in rows(con, "brokers")}
    entries = rows(con, "entries")
    lines = rows(con, "entry_lines")
    penalties = rows(con, "penalties")
    disposals = rows(con, "disposals")
    n_rejected = len(rows(con, "rejected_rows"))

    def ior(number):
        i = importers.get(number)
        if i is None:
            return "unknown"
        if i["foreign_ior"] is not None:
            return "foreign" if i["foreign_ior"] else "domestic"
        tests = [i["us_organized"], i["us_physical_presence"], i["us_assets_sufficient"],
                 i["us_controlling_owner"]]
        if any(t is False for t in tests):
            return "foreign"
        return "domestic" if all(t is True for t in tests) else "unknown"

    def cover(e):
        i = importers.get(e["importer_number"])
        if i and i["ctpat_tier"] in ("tier_2", "tier_3") and (
                i["ctpat_validated_on"] is None or i["ctpat_validated_on"] <= e["entry_date"]):
            return True
        b = brokers.get(e["filer_code"] or e["entry_number"][:3])
        return bool(b and b["license_number"] and b["license_status"] == "active"
                    and b["ctpat_validated"] is True
                    and (b["ctpat_validated_on"] is None
                         or b["ctpat_validated_on"] <= e["entry_date"]))

    E = [e for e in entries if start <= e["entry_date"] < end]
    by_entry = {e["entry_number"]: e for e in E}
    L = [ln for ln in lines if ln["entry_number"] in by_entry]
    Lv = [ln for ln in L if not ln["hts_number"].startswith("99")]
    Pp = [c for c in penalties if start <= c["issued_on"] < end]
    D = [d for d in disposals if start <= d["opened_on"] < end]
    informal = [e for e in E if e["entry_type"] in ("11", "12")]
    formal = [e for e in E if e["entry_type"] not in ("11", "12")]
    foreign = [e for e in E if ior(e["importer_number"]) == "foreign"]
    total_value = sum((ln["entered_value"] for ln in Lv), Decimal(0))

    def value_of(pred):
        return sum((ln["entered_value"] for ln in Lv if pred(by_entry[ln["entry_number"]])),
                   Decimal(0))

    out: dict[str, tuple] = {}
    out["entries_total"] = (len(E), None)
    out["formal_entries"] = (len(formal), None)
    out["informal_entries"] = (len(informal), None)
    out["entry_lines_total"] = (len({(ln["entry_number"], ln["line_number"]) for ln in L}), None)
    out["entered_value_total"] = (total_value, None)
    out["duty_total"] = (sum((ln["duty_amount"] for ln in L if ln["duty_amount"] is not None),
                             Decimal(0)), None)
    out["foreign_ior_entries"] = (len(foreign), None)
    out["foreign_ior_value_share"] = (
        ratio(value_of(lambda e: ior(e["importer_number"]) == "foreign"), total_value), None)
    out["trusted_trader_value_share"] = (ratio(value_of(cover), total_value), None)

    def zero(n, otherwise="red"):
        return (n, status(n, "lower", 0, None, otherwise))

    out["foreign_ior_informal_entries"] = zero(
        sum(1 for e in informal if ior(e["importer_number"]) == "foreign"))
    out["foreign_ior_formal_without_ctpat_cover"] = zero(
        sum(1 for e in formal if ior(e["importer_number"]) == "foreign" and not cover(e)))
    out["foreign_ior_continuous_bond_without_permission"] = zero(sum(
        1 for e in foreign if e["bond_type"] == "8"
        and (importers.get(e["importer_number"]) or {}).get("continuous_bond_permitted") is not True))
    out["unknown_ior_status_entries"] = zero(
        sum(1 for e in E if ior(e["importer_number"]) == "unknown"), "amber")
    out["importers_not_in_good_standing"] = zero(len({
        e["importer_number"] for e in E
        if (importers.get(e["importer_number"]) or {}).get("good_standing")
        in ("not_good", "suspended_debarred")}))

    def rate(col):
        den = [e for e in E if e[col] != "not_required"]
        r = ratio(sum(1 for e in den if e[col] == "yes"), len(den))
        return (r, status(r, "higher", Decimal("0.99"), Decimal("0.95")))

    out["certification_rate"] = rate("certification")
    out["disclosure_complete_rate"] = rate("disclosure_complete")
    r = ratio(sum(1 for ln in Lv if (ln["country_of_origin"] or "").strip()
                  and (ln["manufacturer_id"] or "").strip()), len(Lv))
    out["origin_mid_completeness_rate"] = (r, status(r, "higher", Decimal("0.99"), Decimal("0.95")))
    r = ratio(sum(1 for e in E if e["psc_filed"] is True), len(E))
    out["psc_rate"] = (r, status(r, "lower", Decimal("0.05"), Decimal("0.10")))
    out["prior_disclosures"] = (sum(1 for e in E if e["prior_disclosure"] is True), None)
    named = {c["entry_number"] for c in penalties} | {d["entry_number"] for d in disposals}
    r = ratio(sum(1 for e in E if e["psc_filed"] is not True and e["entry_number"] not in named),
              len(E))
    out["entry_compliance_rate"] = (r, status(r, "higher", Decimal("0.975"), Decimal("0.95")))

    floor = Decimal("0.50")
    out["penalty_cases"] = (sum(1 for c in Pp if c["case_kind"] == "penalty"), None)
    out["liquidated_damages_claims"] = (
        sum(1 for c in Pp if c["case_kind"] == "liquidated_damages"), None)
    out["penalties_assessed_amount"] = (sum((c["assessed_amount"] for c in Pp
                                             if c["case_kind"] == "penalty"), Decimal(0)), None)
    out["liquidated_damages_assessed_amount"] = (sum(
        (c["assessed_amount"] for c in Pp if c["case_kind"] == "liquidated_damages"), Decimal(0)),
        None)
    out["penalty_amount_paid"] = (sum((c["paid_amount"] for c in Pp if c["paid_amount"] is not None),
                                      Decimal(0)), None)
    mit = [c for c in Pp if c["mitigated_amount"] is not None and c["assessed_amount"] > 0]
    a = sum((c["assessed_amount"] for c in mit), Decimal(0))
    m = sum((c["mitigated_amount"] for c in mit), Decimal(0))
    out["mitigation_rate"] = (ratio(a - m, a) if mit else None, None)
    breaches = [c for c in Pp if c["mitigated_amount"] is not None
                and c["mitigated_amount"] < floor * c["assessed_amount"]]
    out["penalty_floor_breaches"] = (len(breaches), None)
    out["penalty_floor_uplift_amount"] = (sum(
        (floor * c["assessed_amount"] - c["mitigated_amount"] for c in breaches), Decimal(0)), None)
    window_start = date(end.year - 5, end.month, end.day)
    counts: dict[str, int] = {}
    for c in penalties:
        if c["case_kind"] == "penalty" and c["importer_number"] and \
                window_start <= c["issued_on"] < end:
            counts[c["importer_number"]] = counts.get(c["importer_number"], 0) + 1
    repeat = {i for i, n in counts.items() if n >= 2}
    out["repeat_offender_importers"] = zero(len(repeat))
    open_cases = [c for c in penalties if c["issued_on"] < end and c["status"] in OPEN]
    out["open_cases_at_period_end"] = (len(open_cases), None)
    exposure = Decimal(0)
    for c in open_cases:
        if c["statute"] != "19USC1592":
            continue
        loss, dut, dom = c["loss_of_revenue"], c["dutiable_value"], c["domestic_value"]
        mult = {"gross_negligence": (4, Decimal("0.40")), "negligence": (2, Decimal("0.20"))}
        if c["culpability"] == "fraud":
            x = dom
        elif c["culpability"] in mult:
            k, share = mult[c["culpability"]]
            # an empty loss is not above 0: the dutiable-value rule applies
            x = k * loss if loss is not None and loss > 0 else (share * dut if dut is not None else None)
        else:
            x = None
        if x is not None:
            exposure += min(x, dom) if dom is not None else x
    out["max_statutory_exposure_1592"] = (exposure, None)
    out["eo_minimum_payable_open"] = (sum(
        (c["assessed_amount"] if c["importer_number"] in repeat else floor * c["assessed_amount"]
         for c in open_cases), Decimal(0)), None)

    out["disposal_cases"] = (len(D), None)
    out["detentions"] = (sum(1 for d in D if d["action"] == "detention"), None)
    out["seizures"] = (sum(1 for d in D if d["action"] == "seizure"), None)
    out["disposed_domestic_value"] = (sum((d["domestic_value"] for d in D if d["disposition"]
                                           in DISPOSED and d["domestic_value"] is not None),
                                          Decimal(0)), None)
    out["expedited_disposals"] = (sum(1 for d in D if d["expedited"] is True), None)
    days = [(d["disposed_on"] - d["opened_on"]).days for d in D if d["disposed_on"] is not None
            and d["disposition"] is not None and d["disposition"] not in ("pending", "released")]
    out["median_days_to_disposal"] = (Decimal(str(statistics.median(days))) if days else None, None)
    out["pending_disposals_at_period_end"] = (sum(
        1 for d in D if d["disposed_on"] is None or d["disposed_on"] >= end), None)
    out["rejected_rows"] = (n_rejected, None)
    points = {"green": Decimal(1), "amber": Decimal("0.5"), "red": Decimal(0)}
    applied = [s for _v, s in out.values() if s in points]
    score = (Decimal(100) * sum(points[s] for s in applied) / len(applied)).quantize(
        Decimal("0.1"), ROUND_HALF_UP) if applied else None
    band = None if score is None else ("green" if score >= 90 else "amber" if score >= 70 else "red")
    out["readiness_score"] = (score, band or "n/a")
    return out


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("oracle") / "sample.duckdb"
    con = connect(path)
    load_folder(con, SAMPLE / "2025")
    load_folder(con, SAMPLE / "2026")
    yield con
    con.close()


@pytest.mark.parametrize("year, fsm", [(2026, 1), (2025, 1), (2026, 10)])
def test_metric_oracle_agrees_on_sample_years(sample_db, year: int, fsm: int) -> None:
    run = run_metrics(sample_db, year, load_policy(), fiscal_start_month=fsm, store=False)
    expected = oracle(sample_db, year, fsm)
    assert set(expected) == set(CATALOG_ORDER)
    assert expected["entries_total"][0] > 100  # the sample is not empty
    for mid in CATALOG_ORDER:
        got = run.results[mid]
        value, st = expected[mid]
        if isinstance(value, Decimal) and isinstance(got.value, Decimal):
            # rates: the same exact fraction, to 20 decimal places
            assert abs(got.value - value) < Decimal("1e-20"), mid
        else:
            assert got.value == value, mid
        assert got.status == st, mid


def test_metric_oracle_exception_lists_match_on_sample(sample_db) -> None:
    from customs_readiness.metrics import exception_records

    run = run_metrics(sample_db, 2026, load_policy(), fiscal_start_month=10, store=False)
    for mid, r in run.results.items():
        if not r.definition.exceptions_sql:
            continue
        _cols, recs = exception_records(sample_db, run, mid)
        if r.definition.unit == "count":
            assert len(recs) == r.value, mid
        elif mid == "psc_rate":
            assert len(recs) == r.numerator, mid
        else:
            assert len(recs) == r.denominator - r.numerator, mid
