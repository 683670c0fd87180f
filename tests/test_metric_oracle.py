"""A second, independent implementation of catalog version 2 in plain Python, run on the
bundled sample years (2025 and 2026 loaded into one database): every figure, status,
before-the-order baseline and missing count of the SQL catalog must agree with it, for
calendar 2026 (across the order's effective date), the previous year 2025 (wholly before it),
and fiscal 2026 starting in October. The oracle reads the raw CSV files of the sample folders
with the csv module (no loader, no SQL; the sample is in the contract's canonical spelling) and
follows the wording of metrics.md, not the queries."""

from __future__ import annotations

import csv
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
DECIDED = {"mitigated", "paid", "referred", "closed"}
PENDING = {"open", "petitioned"}
DISPOSED = {"destroyed", "sold", "exported", "forfeited", "abandoned", "third_party_disposal"}
# The shipped policy, as metrics.md states it.
EFFECTIVE_ON = date(2026, 6, 3)
FLOOR = Decimal("0.50")
WINDOW_YEARS, MIN_CASES = 5, 2

KEYS = {"importers": ("importer_number",), "brokers": ("filer_code",),
        "entries": ("entry_number",), "entry_lines": ("entry_number", "line_number", "tariff_ordinal"),
        "penalties": ("case_number",), "disposals": ("case_id",)}
DATES = {"ctpat_validated_on", "entry_date", "entry_summary_date", "liquidation_date",
         "issued_on", "paid_on", "closed_on", "opened_on", "disposed_on"}
MONEY = {"entered_value", "duty_amount", "mpf_amount", "hmf_amount", "assessed_amount",
         "loss_of_revenue", "dutiable_value", "domestic_value", "msrp_value",
         "mitigated_amount", "paid_amount"}
BOOLS = {"us_organized", "us_physical_presence", "us_assets_sufficient", "us_controlling_owner",
         "foreign_ior", "continuous_bond_permitted", "ctpat_validated", "psc_filed",
         "prior_disclosure", "expedited"}
INTS = {"line_number", "tariff_ordinal"}


def parse(column: str, text: str):
    """A canonical CSV cell as the contract reads it (empty = unknown)."""
    text = text.strip()
    if text == "":
        return None
    if column in DATES:
        return date.fromisoformat(text)
    if column in MONEY:
        return Decimal(text)
    if column in BOOLS:
        return {"true": True, "false": False}[text.lower()]
    if column in INTS:
        return int(text)
    return text


def read_folders(*folders: Path) -> tuple[dict[str, list[dict]], dict[str, set[str]]]:
    """Every table's rows, by key (a later folder's row replaces an earlier one with the same
    key), and the columns the files of each table carried (their headers)."""
    tables: dict[str, dict] = {t: {} for t in KEYS}
    carried: dict[str, set[str]] = {}
    for folder in folders:
        for table, key in KEYS.items():
            path = folder / f"{table}.csv"
            if not path.is_file():
                continue
            with path.open(newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                carried.setdefault(table, set()).update(reader.fieldnames or ())
                for raw in reader:
                    row = {c: parse(c, v) for c, v in raw.items()}
                    tables[table][tuple(row[k] for k in key)] = row
    out = {table: list(by_key.values()) for table, by_key in tables.items()}
    return out, carried


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


def amount_sum(rows: list[dict], column: str) -> tuple[Decimal | None, int]:
    """A sum of an amount every row should carry: (sum, rows lacking it); null when rows exist
    and none carries it; 0 over no rows."""
    present = [r[column] for r in rows if r.get(column) is not None]
    missing = len(rows) - len(present)
    if rows and not present:
        return None, missing
    return sum(present, Decimal(0)), missing


def oracle(tables: dict[str, list[dict]], carried: dict[str, set[str]], n_rejected: int,
           year: int, fsm: int) -> tuple[dict[str, tuple], dict[str, int]]:
    """(figures, list sizes): figures[id] = (value, status, before_order, missing), with
    ``...`` where a field does not apply; list sizes = the rows each exception list holds."""
    p = period_for(year, fsm)
    start, end = p.start, p.end
    importers = {r["importer_number"]: r for r in tables["importers"]}
    brokers = {r["filer_code"]: r for r in tables["brokers"]}
    entries, lines = tables["entries"], tables["entry_lines"]
    penalties, disposals = tables["penalties"], tables["disposals"]

    def has(table: str, column: str) -> bool:
        return column in carried.get(table, set())

    def ior(number):
        i = importers.get(number)
        if i is None:
            return "unknown"
        if i.get("foreign_ior") is not None:
            return "foreign" if i["foreign_ior"] else "domestic"
        tests = [i.get("us_organized"), i.get("us_physical_presence"),
                 i.get("us_assets_sufficient"), i.get("us_controlling_owner")]
        if any(t is False for t in tests):
            return "foreign"
        return "domestic" if all(t is True for t in tests) else "unknown"

    def importer_validated(e):
        i = importers.get(e["importer_number"])
        return bool(i and i.get("ctpat_tier") in ("tier_2", "tier_3") and (
            i.get("ctpat_validated_on") is None or i["ctpat_validated_on"] <= e["entry_date"]))

    def cover(e, strict: bool):
        if importer_validated(e):
            return True
        b = brokers.get(e.get("filer_code") or e["entry_number"][:3])
        if not b or not b.get("license_number"):
            return False
        if (b.get("license_status") or "active") != "active":  # empty with a licence = active
            return False
        if not strict:
            return True  # the order as published: a licensed customs broker
        return b.get("ctpat_validated") is True and (
            b.get("ctpat_validated_on") is None or b["ctpat_validated_on"] <= e["entry_date"])

    E = [e for e in entries if start <= e["entry_date"] < end]
    by_entry = {e["entry_number"]: e for e in E}
    L = [ln for ln in lines if ln["entry_number"] in by_entry]
    Lv = [ln for ln in L if not ln["hts_number"].startswith("99")]
    Pp = [c for c in penalties if start <= c["issued_on"] < end]
    D = [d for d in disposals if start <= d["opened_on"] < end]
    # the dated scopes: E* (on or after the effective date) and the baseline before it
    E_star = [e for e in E if e["entry_date"] >= EFFECTIVE_ON]
    E_before = [e for e in E if e["entry_date"] < EFFECTIVE_ON]
    entries_in_force = end > EFFECTIVE_ON and bool(E_star)
    total_value, _ = amount_sum(Lv, "entered_value")

    def value_of(pred):
        return sum((ln["entered_value"] for ln in Lv if pred(by_entry[ln["entry_number"]])),
                   Decimal(0))

    out: dict[str, tuple] = {}
    lists: dict[str, int] = {}
    out["entries_total"] = (len(E), None, ..., ...)
    out["formal_entries"] = (sum(1 for e in E if e["entry_type"] not in ("11", "12")), None, ..., ...)
    out["informal_entries"] = (sum(1 for e in E if e["entry_type"] in ("11", "12")), None, ..., ...)
    out["entry_lines_total"] = (len({(ln["entry_number"], ln["line_number"]) for ln in L}),
                                None, ..., ...)
    v, miss = amount_sum(Lv, "entered_value")
    out["entered_value_total"] = (v, None, ..., miss)
    v, miss = amount_sum(L, "duty_amount")
    out["duty_total"] = (v, None, ..., miss)
    out["foreign_ior_entries"] = (sum(1 for e in E if ior(e["importer_number"]) == "foreign"),
                                  None, ..., ...)
    out["foreign_ior_value_share"] = (
        ratio(value_of(lambda e: ior(e["importer_number"]) == "foreign"), total_value), None, ..., ...)
    # the importer's own validation only (CBP's share of partnership importers)
    out["trusted_trader_value_share"] = (ratio(value_of(importer_validated), total_value), None,
                                         ..., ...)

    def dated_count(name, count, control=True):
        """A dated entry count: over E*, its baseline over E before the date."""
        value = count(E_star)
        st = (status(value, "lower", 0) if control else None) if entries_in_force else "n/a"
        out[name] = (value, st, count(E_before), ...)
        lists[name] = count(E)  # the list holds the records on both sides, marked

    def foreign(e):
        return ior(e["importer_number"]) == "foreign"

    def informal(e):
        return e["entry_type"] in ("11", "12")

    dated_count("foreign_ior_informal_entries",
                lambda es: sum(1 for e in es if informal(e) and foreign(e)))
    dated_count("foreign_ior_formal_without_ctpat_cover",
                lambda es: sum(1 for e in es if not informal(e) and foreign(e)
                               and not cover(e, strict=False)))
    dated_count("foreign_ior_formal_without_ctpat_cover_strict",
                lambda es: sum(1 for e in es if not informal(e) and foreign(e)
                               and not cover(e, strict=True)), control=False)
    # the order as published, whatever the policy: the default reading, as its own figure
    dated_count("foreign_ior_formal_without_ctpat_cover_licensed",
                lambda es: sum(1 for e in es if not informal(e) and foreign(e)
                               and not cover(e, strict=False)), control=False)
    if has("entries", "bond_type"):
        dated_count("foreign_ior_continuous_bond_without_permission", lambda es: sum(
            1 for e in es if foreign(e) and e.get("bond_type") == "8"
            and (importers.get(e["importer_number"]) or {}).get("continuous_bond_permitted")
            is not True))
    else:
        out["foreign_ior_continuous_bond_without_permission"] = (None, "n/a", None, ...)
        lists["foreign_ior_continuous_bond_without_permission"] = 0
    n = sum(1 for e in E if ior(e["importer_number"]) == "unknown")
    out["unknown_ior_status_entries"] = (n, status(n, "lower", 0, None, "amber"), ..., ...)
    lists["unknown_ior_status_entries"] = n

    def not_good(es):
        return {e["importer_number"] for e in es
                if (importers.get(e["importer_number"]) or {}).get("good_standing")
                in ("not_good", "suspended_debarred")}

    dated_count("importers_not_in_good_standing", lambda es: len(not_good(es)))
    lists["importers_not_in_good_standing"] = len(not_good(E))  # one row per importer

    def dated_rate(name, col):
        if not has("entries", col):
            out[name] = (None, "n/a", None, ...)
            lists[name] = 0
            return

        def rate(es):
            den = [e for e in es if (e.get(col) or "unknown") != "not_required"]
            return ratio(sum(1 for e in den if e.get(col) == "yes"), len(den))

        value = rate(E_star)
        st = status(value, "higher", Decimal("0.99"), Decimal("0.95")) if entries_in_force else "n/a"
        out[name] = (value, st, rate(E_before), ...)
        lists[name] = sum(1 for e in E if (e.get(col) or "unknown") not in ("yes", "not_required"))

    dated_rate("certification_rate", "certification")
    dated_rate("disclosure_complete_rate", "disclosure_complete")
    ok = sum(1 for ln in Lv if (ln.get("country_of_origin") or "").strip()
             and (ln.get("manufacturer_id") or "").strip())
    r = ratio(ok, len(Lv))
    out["origin_mid_completeness_rate"] = (r, status(r, "higher", Decimal("0.99"), Decimal("0.95")),
                                           ..., ...)
    lists["origin_mid_completeness_rate"] = len(Lv) - ok
    n = sum(1 for e in E if e.get("psc_filed") is True)
    r = ratio(n, len(E))
    out["psc_rate"] = (r, status(r, "lower", Decimal("0.05"), Decimal("0.10")), ..., ...)
    lists["psc_rate"] = n
    out["prior_disclosures"] = (sum(1 for e in E if e.get("prior_disclosure") is True), None,
                                ..., ...)
    # cases of any date name an entry unless cancelled (penalties) or released (disposals)
    named = ({c.get("entry_number") for c in penalties if c["status"] != "cancelled"}
             | {d.get("entry_number") for d in disposals if d.get("disposition") != "released"})
    ok = sum(1 for e in E if e.get("psc_filed") is not True and e["entry_number"] not in named)
    r = ratio(ok, len(E))
    out["entry_compliance_rate"] = (r, status(r, "higher", Decimal("0.975"), Decimal("0.95")),
                                    ..., ...)
    lists["entry_compliance_rate"] = len(E) - ok

    def broker_case(c):
        return c.get("statute") == "19USC1641"

    out["penalty_cases"] = (sum(1 for c in Pp if c["case_kind"] == "penalty"), None, ..., ...)
    n = sum(1 for c in Pp if broker_case(c))
    out["broker_penalty_cases"] = (n, None, ..., ...)
    lists["broker_penalty_cases"] = n
    out["liquidated_damages_claims"] = (
        sum(1 for c in Pp if c["case_kind"] == "liquidated_damages"), None, ..., ...)
    v, miss = amount_sum([c for c in Pp if c["case_kind"] == "penalty"], "assessed_amount")
    out["penalties_assessed_amount"] = (v, None, ..., miss)
    v, miss = amount_sum([c for c in Pp if c["case_kind"] == "liquidated_damages"],
                         "assessed_amount")
    out["liquidated_damages_assessed_amount"] = (v, None, ..., miss)
    # paid by the end of the period; an empty paid amount is 0
    out["penalty_amount_paid"] = (sum(
        (c.get("paid_amount") or Decimal(0) for c in Pp
         if c.get("paid_on") is None or c["paid_on"] < end), Decimal(0)), None, ..., ...)
    mit = [c for c in Pp if c.get("mitigated_amount") is not None and c["assessed_amount"] > 0]
    a = sum((c["assessed_amount"] for c in mit), Decimal(0))
    m = sum((c["mitigated_amount"] for c in mit), Decimal(0))
    out["mitigation_rate"] = (ratio(a - m, a) if mit else None, None, ..., ...)

    def floor_case(c):
        return (c["case_kind"] == "penalty" and not broker_case(c)
                and c["issued_on"] >= EFFECTIVE_ON)

    breaches = [c for c in Pp if floor_case(c) and c.get("mitigated_amount") is not None
                and c["mitigated_amount"] < FLOOR * c["assessed_amount"]]
    out["penalty_floor_breaches"] = (len(breaches), None, ..., ...)
    lists["penalty_floor_breaches"] = len(breaches)
    out["penalty_floor_uplift_amount"] = (sum(
        (FLOOR * c["assessed_amount"] - c["mitigated_amount"] for c in breaches), Decimal(0)),
        None, ..., ...)

    window_start = date(end.year - WINDOW_YEARS, end.month, end.day)
    decided: dict[str, int] = {}
    pending: dict[str, int] = {}
    for c in penalties:
        if (c["case_kind"] == "penalty" and c.get("importer_number") and not broker_case(c)
                and window_start <= c["issued_on"] < end):
            if c["status"] in DECIDED:
                decided[c["importer_number"]] = decided.get(c["importer_number"], 0) + 1
            elif c["status"] in PENDING:
                pending[c["importer_number"]] = pending.get(c["importer_number"], 0) + 1
    repeat = {i for i, k in decided.items() if k >= MIN_CASES}
    would_be = {i for i in set(decided) | set(pending) if i not in repeat
                and decided.get(i, 0) + pending.get(i, 0) >= MIN_CASES}
    out["repeat_offender_importers"] = (len(repeat), status(len(repeat), "lower", 0), ..., ...)
    lists["repeat_offender_importers"] = len(repeat)
    out["repeat_offender_importers_pending"] = (len(would_be), None, ..., ...)
    lists["repeat_offender_importers_pending"] = len(would_be)

    def open_at_end(c):
        if c["issued_on"] >= end:
            return False
        if c.get("closed_on") is not None:
            return c["closed_on"] >= end
        return c["status"] in OPEN

    open_cases = [c for c in penalties if open_at_end(c) and not broker_case(c)]
    out["open_cases_at_period_end"] = (len(open_cases), None, ..., ...)
    lists["open_cases_at_period_end"] = len(open_cases)
    cases_1592 = [c for c in open_cases if c.get("statute") == "19USC1592"]
    total, missing = Decimal(0), 0
    for c in cases_1592:
        loss = c.get("loss_of_revenue") or Decimal(0)  # an empty loss counts as no loss
        dut, dom, culp = c.get("dutiable_value"), c.get("domestic_value"), c.get("culpability")
        if culp in (None, "none"):
            x = None
        elif c.get("prior_disclosure") is True:  # 1592(c)(4)
            if culp == "fraud":
                x = loss if loss > 0 else (Decimal("0.10") * dut if dut is not None else None)
            else:
                x = Decimal(0)  # interest only
        elif culp == "fraud":
            x = dom
        else:
            k, share = {"gross_negligence": (4, Decimal("0.40")),
                        "negligence": (2, Decimal("0.20"))}[culp]
            if loss > 0:
                x = k * loss if dom is None else min(dom, k * loss)
            else:
                x = share * dut if dut is not None else None  # not capped at domestic value
        if x is None:
            missing += 1
        else:
            total += x
    out["max_statutory_exposure_1592"] = (
        None if cases_1592 and missing == len(cases_1592) else total, None, ..., missing)
    lists["max_statutory_exposure_1592"] = len(cases_1592)
    v, miss = amount_sum(cases_1592, "loss_of_revenue")
    out["duty_restoration_1592d"] = (v, None, ..., miss)
    open_floor = [c for c in open_cases if floor_case(c)]
    v, miss = amount_sum(open_floor, "assessed_amount")
    out["eo_minimum_payable_open"] = (None if v is None else sum(
        (c["assessed_amount"] if c.get("importer_number") in repeat else FLOOR * c["assessed_amount"]
         for c in open_floor), Decimal(0)), None, ..., miss)
    lists["eo_minimum_payable_open"] = len(open_floor)

    def by_end(d):
        return d.get("disposed_on") is not None and d["disposed_on"] < end

    out["disposal_cases"] = (len(D), None, ..., ...)
    out["detentions"] = (sum(1 for d in D if d["action"] == "detention"), None, ..., ...)
    out["seizures"] = (sum(1 for d in D if d["action"] == "seizure"), None, ..., ...)
    v, miss = amount_sum([d for d in D if d.get("disposition") in DISPOSED and by_end(d)],
                         "domestic_value")
    out["disposed_domestic_value"] = (v, None, ..., miss)
    if has("disposals", "expedited"):
        def expedited(ds):
            return sum(1 for d in ds if d.get("expedited") is True and by_end(d))

        out["expedited_disposals"] = (
            expedited([d for d in D if d["opened_on"] >= EFFECTIVE_ON]),
            None if end > EFFECTIVE_ON else "n/a",
            expedited([d for d in D if d["opened_on"] < EFFECTIVE_ON]), ...)
        lists["expedited_disposals"] = expedited(D)
    days = [(d["disposed_on"] - d["opened_on"]).days for d in D if by_end(d)
            and d.get("disposition") is not None and d["disposition"] not in ("pending", "released")]
    out["median_days_to_disposal"] = (Decimal(str(statistics.median(days))) if days else None,
                                      None if days else "n/a", ..., ...)
    n = sum(1 for d in D if d.get("disposed_on") is None or d["disposed_on"] >= end)
    out["pending_disposals_at_period_end"] = (n, None, ..., ...)
    lists["pending_disposals_at_period_end"] = n
    out["rejected_rows"] = (n_rejected, None, ..., ...)
    # rates that are informational still carry n/a when null (a zero denominator)
    for mid in ("foreign_ior_value_share", "trusted_trader_value_share", "mitigation_rate"):
        v = out[mid]
        out[mid] = (v[0], "n/a" if v[0] is None else None, ..., ...)
    controls = ("foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
                "foreign_ior_continuous_bond_without_permission", "unknown_ior_status_entries",
                "importers_not_in_good_standing", "certification_rate", "disclosure_complete_rate",
                "origin_mid_completeness_rate", "psc_rate", "entry_compliance_rate",
                "repeat_offender_importers")
    points = {"green": Decimal(1), "amber": Decimal("0.5"), "red": Decimal(0)}
    applied = [out[c][1] for c in controls if out[c][1] in points]
    score = (Decimal(100) * sum(points[s] for s in applied) / len(applied)).quantize(
        Decimal("0.1"), ROUND_HALF_UP) if applied else None
    band = "n/a" if score is None else ("green" if score >= 90 else "amber" if score >= 70 else "red")
    out["readiness_score"] = (score, band, ..., ...)
    return out, lists


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("oracle") / "sample.duckdb"
    con = connect(path)
    load_folder(con, SAMPLE / "2025")
    load_folder(con, SAMPLE / "2026")
    yield con
    con.close()


@pytest.fixture(scope="module")
def sample_raw():
    tables, carried = read_folders(SAMPLE / "2025", SAMPLE / "2026")
    return tables, carried


def same(got, want) -> bool:
    if isinstance(want, Decimal) and isinstance(got, Decimal):
        # rates: the same exact fraction, to 20 decimal places
        return abs(got - want) < Decimal("1e-20")
    return got == want and type(got) is type(want)


def test_metric_oracle_reads_what_the_loader_stored(sample_db, sample_raw) -> None:
    tables, _ = sample_raw
    for table in KEYS:
        n = sample_db.execute(f"select count(*) from {table}").fetchone()[0]
        assert n == len(tables[table]), table
    assert sample_db.execute("select count(*) from rejected_rows").fetchone()[0] == 0


@pytest.mark.parametrize("year, fsm", [(2026, 1), (2025, 1), (2026, 10)])
def test_metric_oracle_agrees_on_sample_years(sample_db, sample_raw, year: int, fsm: int) -> None:
    run = run_metrics(sample_db, year, load_policy(), fiscal_start_month=fsm, store=False)
    expected, _lists = oracle(*sample_raw, 0, year, fsm)
    assert set(expected) == set(CATALOG_ORDER)
    assert expected["entries_total"][0] > 100  # the sample is not empty
    for mid in CATALOG_ORDER:
        got = run.results[mid]
        value, st, before, missing = expected[mid]
        assert same(got.value, value), (mid, got.value, value)
        assert got.status == st, (mid, got.status, st)
        if before is not ...:
            assert same(got.before_order, before), (mid, got.before_order, before)
        else:
            assert not got.definition.dated, mid
        if missing is not ...:
            assert got.missing == missing, (mid, got.missing, missing)


def test_metric_oracle_sample_exercises_version_2(sample_raw) -> None:
    # the sample year 2026 runs across the effective date: each dated control has records
    # on both sides, and 2025 is wholly before the order
    cy2026, _ = oracle(*sample_raw, 0, 2026, 1)
    for mid in ("foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
                "foreign_ior_formal_without_ctpat_cover_strict",
                "foreign_ior_continuous_bond_without_permission",
                "importers_not_in_good_standing"):
        value, _st, before, _m = cy2026[mid]
        assert value > 0 and before > 0, mid
    # the strict reading counts more than the order's own broker route
    assert (cy2026["foreign_ior_formal_without_ctpat_cover_strict"][0]
            > cy2026["foreign_ior_formal_without_ctpat_cover"][0])
    cy2025, _ = oracle(*sample_raw, 0, 2025, 1)
    assert all(cy2025[m][1] == "n/a" for m in ("foreign_ior_informal_entries",
                                               "certification_rate"))


@pytest.mark.parametrize("year, fsm", [(2026, 1), (2026, 10)])
def test_metric_oracle_exception_lists_match_on_sample(sample_db, sample_raw, year, fsm) -> None:
    from customs_readiness.metrics import exception_records

    run = run_metrics(sample_db, year, load_policy(), fiscal_start_month=fsm, store=False)
    _expected, lists = oracle(*sample_raw, 0, year, fsm)
    with_lists = {mid for mid, r in run.results.items() if r.definition.exceptions_sql}
    assert with_lists == set(lists)
    for mid in sorted(with_lists):
        _cols, recs = exception_records(sample_db, run, mid)
        assert len(recs) == lists[mid], (mid, len(recs), lists[mid])
