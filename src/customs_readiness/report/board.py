"""The board pack: who is exposed, how much it could cost, what to do, and who signs.

From a period's figures (``PeriodFigures``, handed over by the pipeline) and the report's
own read-only aggregates (SQL in ``queries/_report/``), this module collects:

- the **findings**: every red or amber control, traced to the records behind it (its
  exception list, records on or after the effective date only), with the entered value
  and duty of the entries behind it and the penalty range that applies where one does;
  one finding per control and importer of record for the remediation register, each with
  a stable id (the same finding keeps its id next year);
- the **scorecards** of every importer of record and every filer code of the period;
- the **several-years** view (plain data per year, see ``history_entry``);
- the **board summary** (the findings that matter most, the decisions asked of the board)
  and the **remediation** section (a filled-in register read back by ``register``).

It never imports the metric engine and never writes to the database: the findings' keys
are registered as an Arrow view and expanded in a temp table of the connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..speed import Deferred
from ..sql import execute, queries_dir, read_sql, report_query
from ..values import round_money, to_decimal
from ..vocabulary import AUTHORITY_LABELS, STATUS_LABELS, STATUS_ORDER
from .csvfile import to_csv
from .format import figure_text, fmt_count, fmt_date, fmt_money, fmt_rate, fmt_value
from .model import Attachment

# Titles of the board pack's sections (report-only: the PDF outline and the contents).
BOARD_SECTIONS = {
    "board": "Board summary",
    "scope": "Scope and limitations",
    "findings": "Findings and money at stake",
    "importers": "Importers of record",
    "brokers": "Customs brokers and filers",
    "remediation": "Remediation",
    "years": "Several years",
    "method": "Method",
    "glossary": "Glossary",
    "signoff": "Notice and sign-off",
}

SCORECARD_ROWS = 60  # importers / filer codes printed in the PDF (the attached CSV has all)
REGISTER_ROWS = 20  # ranked findings printed in the remediation section (the CSV has all)
ACTION_ROWS = 40  # actions of a filled-in register printed per table (the file is attached)
TOP_FINDINGS = 5  # findings on the board summary
MAX_YEARS = 5  # years in the several-years view (the report year and up to four before)

# Priority bands (the Pareto rule, see docs/report.md): ranked by weight x status factor x
# (entered value + duty), the findings making up the first 80 % of that total are high, the
# next 15 % medium, the rest low.
HIGH_SHARE = Decimal("0.80")
MEDIUM_SHARE = Decimal("0.95")
STATUS_FACTOR = {"red": Decimal(1), "amber": Decimal("0.5")}

# 19 U.S.C. 1592(c)(2)-(3): without a loss of revenue, the maximum penalty is 40 % (gross
# negligence) or 20 % (negligence) of the dutiable value; fraud (c)(1) reaches the domestic
# value, which entry data does not carry.
NEGLIGENCE_SHARE = Decimal("0.20")
GROSS_NEGLIGENCE_SHARE = Decimal("0.40")


@dataclass(frozen=True)
class Guide:
    """What a control's finding means for the board: a short label (heat table, charts),
    the recommended action drawn from it, and the penalty that can attach to its records
    (``"1592"``: a false statement or omission on the entry; ``""``: none set)."""

    short: str
    action: str
    penalty: str = ""
    exposure: str = ""
    # What an importer-level list's records are: the importer's entries of the period
    # ("entries"), or its penalty cases ("cases": no entry is behind the finding, its money
    # is the penalty range)
    records: str = "entries"


GUIDES: dict[str, Guide] = {
    "foreign_ior_informal_entries": Guide(
        "Informal, foreign IOR",
        "File formally or designate a U.S. importer of record",
        exposure="The order bars these entries; it sets no penalty amount, and CBP's rules on "
                 "refusing or re-filing them are pending."),
    "foreign_ior_formal_without_ctpat_cover": Guide(
        "No CTPAT cover",
        "Obtain CTPAT validation or file through a licensed customs broker",
        exposure="The order conditions these entries on CTPAT validation or a licensed broker; "
                 "it sets no penalty amount."),
    "foreign_ior_continuous_bond_without_permission": Guide(
        "Bond without permission",
        "Obtain CBP's permission or use single-transaction bonds",
        exposure="A reported condition; what CBP may claim depends on the bond (19 CFR part "
                 "113) and on rules not yet written."),
    "unknown_ior_status_entries": Guide(
        "IOR status unknown",
        "Complete the importer registry (the four U.S.-presence tests)",
        exposure="A gap in the data: the eligibility controls cannot read these entries."),
    "importers_not_in_good_standing": Guide(
        "Not in good standing",
        "Resolve standing before further entries",
        exposure="A reported condition; the order sets no penalty amount."),
    "certification_rate": Guide(
        "Certification",
        "Certify every entry summary as the order requires",
        penalty="1592"),
    "disclosure_complete_rate": Guide(
        "Disclosure",
        "Complete the enhanced disclosure on every entry summary",
        penalty="1592"),
    "origin_mid_completeness_rate": Guide(
        "Origin and MID",
        "Report country of origin and manufacturer ID on every line",
        penalty="1592"),
    "psc_rate": Guide(
        "Corrections (PSC)",
        "Find and fix the cause of post-summary corrections",
        exposure="A correction is not a violation: the rate signals entries filed wrong."),
    "entry_compliance_rate": Guide(
        "Entry accuracy",
        "Review the entries with corrections, penalty or disposal cases; consider a prior "
        "disclosure (19 CFR 162.74)",
        exposure="The cases already open on these entries carry their own amounts."),
    "repeat_offender_importers": Guide(
        "Repeat offender",
        "Settle or contest the pending cases and strengthen compliance (no mitigation for "
        "repeat offenders under the reported rule)",
        exposure="Under the reported rule a repeat offender's cases are payable in full.",
        records="cases"),
}
ELIGIBILITY_IDS = ("foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
                   "foreign_ior_continuous_bond_without_permission",
                   "importers_not_in_good_standing")
STATEMENT_IDS = ("certification_rate", "disclosure_complete_rate",
                 "origin_mid_completeness_rate")

TIER_LABELS = {"none": "none", "tier_1": "Tier 1", "tier_2": "Tier 2", "tier_3": "Tier 3",
               "suspended": "suspended"}
STANDING_LABELS = {"good": "good", "not_good": "not good",
                   "suspended_debarred": "suspended or debarred", "unknown": "unknown"}


def guide(metric_id: str, title: str = "") -> Guide:
    """The control's guide; a control of your own gets a neutral one under its title."""
    return GUIDES.get(metric_id) or Guide(title or metric_id, "Review the records behind the "
                                          "finding and their cause")


def finding_id(metric_id: str, importer_number: str | None) -> str:
    """The stable id of a finding: the control and the importer of record it concerns, so
    the same finding keeps its id from one year's register to the next."""
    key = f"{metric_id}\x1f{importer_number or ''}".encode()
    return "F-" + hashlib.sha256(key).hexdigest()[:10]


# --------------------------------------------------------------------------- small helpers


def _dicts(columns: list[str], rows: Iterable[tuple]) -> list[dict[str, Any]]:
    return [dict(zip(columns, r, strict=True)) for r in rows]


def _dec(v: Any) -> Decimal:
    d = to_decimal(v)
    return d if d is not None else Decimal(0)


def _ratio(num: Any, den: Any) -> Decimal | None:
    n, d = to_decimal(num), to_decimal(den)
    if d is None or d == 0 or n is None:
        return None
    return n / d


def _yes_no(v: Any) -> str:
    return "not stated" if v is None else ("yes" if v else "no")


def _money_text(value: Any, lines_provided: bool) -> str:
    return fmt_money(value) if lines_provided else "not provided"


def _duty_text(duty: Any, missing: Any, lines: Any, lines_provided: bool) -> str:
    if not lines_provided:
        return "not provided"
    if not lines:
        return fmt_money(0)
    return figure_text(duty, "usd", int(missing or 0), int(lines or 0))


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


# --------------------------------------------------------------------------- findings


@dataclass
class Findings:
    """The red and amber controls traced to their records and money (see ``collect_findings``)."""

    period_label: str
    period_start: dt.date
    period_end: dt.date
    policy_version: str
    lines_provided: bool
    controls: list[dict[str, Any]] = field(default_factory=list)  # ranked
    rows: list[dict[str, Any]] = field(default_factory=list)  # per control and importer, ranked
    by_importer: dict[str, dict[str, int]] = field(default_factory=dict)
    by_broker: dict[str, dict[str, int]] = field(default_factory=dict)


_KEY_SCHEMA = (("metric_id", "string"), ("entry_number", "string"),
               ("importer_number", "string"), ("scope_start", "date32"))


def _finding_keys(figures: Any, flagged: list[Any], period: Any):
    """An Arrow table of the records behind each flagged control (records before the
    order left out), the number of records per control, and the controls whose records
    are importers of record."""
    import pyarrow as pa

    parts = []
    records: dict[str, int] = {}
    importer_lists: set[str] = set()
    for result in flagged:
        relation = figures.exceptions.get(result.id)
        if relation is None:
            continue
        columns = list(relation.columns)
        if "predates_order" in columns:
            relation = relation.filter("not coalesce(predates_order, false)")
        literal = "'" + result.id.replace("'", "''") + "'"
        if "entry_number" in columns:
            part = relation.project(f"{literal} as metric_id, cast(entry_number as varchar) "
                                    "as entry_number, cast(null as varchar) as importer_number, "
                                    "cast(null as date) as scope_start")
        elif "importer_number" in columns:
            effective = _attr(result, "effective_on") if _attr(result.definition, "dated") \
                else None
            start = max(period.start, effective) if effective else period.start
            scope = (f"date '{start.isoformat()}'" if guide(result.id).records == "entries"
                     else "cast(null as date)")
            part = relation.project(f"{literal} as metric_id, cast(null as varchar) as "
                                    "entry_number, cast(importer_number as varchar) as "
                                    f"importer_number, {scope} as scope_start")
        else:  # a list of your own without entry or importer numbers: not traced
            continue
        table = part.to_arrow_table()
        records[result.id] = table.num_rows
        if "entry_number" not in columns:
            importer_lists.add(result.id)
        parts.append(table)
    schema = pa.schema([(n, getattr(pa, t)()) for n, t in _KEY_SCHEMA])
    if not parts:
        return schema.empty_table(), records, importer_lists
    return pa.concat_tables([t.cast(schema) for t in parts]), records, importer_lists


def _run_report_sql(con, name: str, params: dict[str, Any]) -> None:
    path = queries_dir("_report") / f"{name}.sql"
    execute(con, read_sql(path), params, str(path))


def _floor_cases(figures: Any):
    """The floor cases open at the period's end as the metric engine listed them
    (eo_minimum_payable_open), or an empty table."""
    import pyarrow as pa

    schema = pa.schema([("case_number", pa.string()), ("importer_number", pa.string()),
                        ("assessed_amount", pa.decimal128(18, 2)),
                        ("minimum_payable", pa.decimal128(38, 4))])
    relation = figures.exceptions.get("eo_minimum_payable_open")
    if relation is None or not {"case_number", "importer_number", "assessed_amount",
                                "minimum_payable"} <= set(relation.columns):
        return schema.empty_table()
    return relation.project(
        "cast(case_number as varchar) as case_number, cast(importer_number as varchar) as "
        "importer_number, cast(assessed_amount as decimal(18, 2)) as assessed_amount, "
        "cast(minimum_payable as decimal(38, 4)) as minimum_payable").to_arrow_table()


def _penalties(guide_: Guide, value: Decimal, floor: dict[str, Any] | None,
               lines_provided: bool) -> list[dict[str, str]]:
    """The penalty ranges that apply to a finding's records, each with its authority."""
    out = []
    if guide_.penalty == "1592" and lines_provided and value > 0:
        neg, gross = value * NEGLIGENCE_SHARE, value * GROSS_NEGLIGENCE_SHARE
        out.append({
            "authority": "statute", "authority_label": AUTHORITY_LABELS["statute"],
            "low": "$0.00", "high": fmt_money(gross),
            "short": f"up to {fmt_money(neg)} – {fmt_money(gross)}",
            "text": (f"19 U.S.C. 1592(c), only if CBP found a material false statement or "
                     f"omission and no loss of revenue: up to {fmt_money(neg)} for negligence "
                     f"(20 % of the dutiable value, here the entered value) or {fmt_money(gross)} "
                     f"for gross negligence (40 %); fraud up to the domestic value, which the "
                     f"data does not carry"),
        })
    if floor and floor["cases"]:
        n = int(floor["cases"])
        low, high = round_money(_dec(floor["minimum_payable"])), round_money(_dec(floor["assessed"]))
        out.append({
            "authority": "reported", "authority_label": AUTHORITY_LABELS["reported"],
            "low": fmt_money(floor["minimum_payable"]), "high": fmt_money(floor["assessed"]),
            "short": (f"{fmt_money(low)} (in full)" if low == high
                      else f"{fmt_money(low)} – {fmt_money(high)}"),
            "text": (f"{fmt_count(n)} floor case{'' if n == 1 else 's'} open at the period's end "
                     f"on these records, {fmt_money(floor['assessed'])} assessed: not payable "
                     f"below {fmt_money(floor['minimum_payable'])} under the reported floor "
                     f"scenario (in full for repeat offenders)"),
        })
    return out


def _rank(items: list[dict[str, Any]], order: dict[str, int]) -> None:
    """Rank by priority score (weight x status factor x money), then catalog order and
    importer number; set ``rank`` and ``priority`` (Pareto bands, see HIGH_SHARE)."""
    items.sort(key=lambda f: (-f["score"], STATUS_ORDER.get(f["status"], 4),
                              order.get(f["metric_id"], 10**6), f.get("importer_number") or ""))
    total = sum((f["score"] for f in items), Decimal(0))
    running = Decimal(0)
    for i, f in enumerate(items, start=1):
        f["rank"] = i
        if total > 0:
            share = running / total
            f["priority"] = ("high" if f["score"] > 0 and share < HIGH_SHARE else
                             "medium" if f["score"] > 0 and share < MEDIUM_SHARE else "low")
        else:  # no money to weigh: red is high, amber medium
            f["priority"] = "high" if f["status"] == "red" else "medium"
        running += f["score"]


def findings_total(con, findings: Findings, metric_ids: Iterable[str] | None = None
                   ) -> dict[str, Any]:
    """Entries, entered value and duty behind the given findings' controls (all by
    default), each entry counted once; needs the temp table of ``collect_findings``."""
    import pyarrow as pa

    ids = [c["metric_id"] for c in findings.controls] if metric_ids is None else list(metric_ids)
    con.register("board_total_metrics", pa.table({"metric_id": pa.array(ids, pa.string())}))
    try:
        row = _dicts(*report_query(con, "findings_total", {}))[0]
    finally:
        con.unregister("board_total_metrics")
    lp = findings.lines_provided
    return {**row, "entries_text": fmt_count(row["entries"]),
            "value_text": _money_text(row["entered_value"], lp),
            "duty_text": _duty_text(row["duty"], row["duty_missing"], row["lines"], lp)}


def collect_findings(con, figures: Any, lines_provided: bool = True) -> Findings:
    """Every red or amber control of ``figures`` traced to its records: the money behind it
    (per control and per control and importer of record), its penalty range, ranked.

    Registers the findings' keys as an Arrow view and builds the temp table
    ``board_finding_entries`` on ``con`` (read by the scorecards); writes nothing else.
    """
    run = figures.run
    period = run.period
    policy = run.policy
    order = {mid: i for i, mid in enumerate(run.results)}
    flagged = [r for r in run.results.values()
               if _attr(r.definition, "is_control", False) and r.status in STATUS_FACTOR]
    keys, records, importer_lists = _finding_keys(figures, flagged, period)
    con.register("board_finding_keys", keys)
    con.register("board_floor_cases", _floor_cases(figures))
    params = {"period_start": period.start, "period_end": period.end}
    _run_report_sql(con, "board_finding_entries", params)

    money = {r["metric_id"]: r for r in _dicts(*report_query(con, "findings_money", params))}
    per_importer = _dicts(*report_query(con, "finding_importers", params))
    floors: dict[tuple[str, str], dict[str, Any]] = {
        (r["metric_id"], r["importer_number"]): r
        for r in _dicts(*report_query(con, "finding_floor_cases", params))}
    brokers = _dicts(*report_query(con, "finding_brokers", params))

    out = Findings(str(period.label), period.start, period.end,
                   str(_attr(policy, "version", "") or ""), lines_provided)
    for result in flagged:
        d = result.definition
        g = guide(result.id, d.title)
        m = money.get(result.id, {})
        value, duty = _dec(m.get("entered_value")), m.get("duty")
        control_floor = None
        fl = [f for (mid, _imp), f in floors.items() if mid == result.id]
        if fl:
            control_floor = {"cases": sum(int(f["cases"]) for f in fl),
                             "assessed": sum(_dec(f["assessed"]) for f in fl),
                             "minimum_payable": sum(_dec(f["minimum_payable"]) for f in fl)}
        weight = Decimal(policy.weight(result.id)) if hasattr(policy, "weight") else Decimal(1)
        traced = result.id in records
        authority = _attr(d, "authority", "indicator")
        out.controls.append({
            "metric_id": result.id, "title": d.title, "short": g.short, "status": result.status,
            "status_label": STATUS_LABELS.get(result.status, ""),
            "authority": authority, "authority_label": AUTHORITY_LABELS.get(authority, authority),
            "basis": _attr(d, "basis", ""), "action": g.action, "exposure": g.exposure,
            "value_text": fmt_value(result.value, d.unit), "weight": weight,
            "traced": traced, "records": records.get(result.id, 0),
            "records_text": ((fmt_count(records[result.id]) + (
                f" importer{'' if records[result.id] == 1 else 's'}"
                if result.id in importer_lists else "")) if traced else "not traced"),
            "entries": int(m.get("entries") or 0), "importers": int(m.get("importers") or 0),
            "entries_text": ("–" if g.records == "cases" or not traced
                             else fmt_count(m.get("entries") or 0)),
            "importers_text": fmt_count(m.get("importers") or 0) if traced else "–",
            "entered_value": value, "duty": duty,
            "duty_missing": int(m.get("duty_missing") or 0),
            "value_text_money": ("not traced" if not traced else
                                 "–" if g.records == "cases" else
                                 _money_text(value, lines_provided)),
            "duty_text": ("not traced" if not traced else "–" if g.records == "cases" else
                          _duty_text(duty, m.get("duty_missing"), m.get("lines"),
                                     lines_provided)),
            "penalties": _penalties(g, value, control_floor, lines_provided),
            "score": weight * STATUS_FACTOR[result.status] * (
                value + _dec(duty) + (control_floor["minimum_payable"] if control_floor else 0)),
        })
    _rank(out.controls, order)

    by_id = {c["metric_id"]: c for c in out.controls}
    for r in per_importer:
        c = by_id.get(r["metric_id"])
        if c is None:
            continue
        value, duty = _dec(r["entered_value"]), r["duty"]
        g = guide(c["metric_id"], c["title"])
        floor = floors.get((c["metric_id"], r["importer_number"]))
        out.rows.append({
            "finding_id": finding_id(c["metric_id"], r["importer_number"]),
            "metric_id": c["metric_id"], "title": c["title"], "short": c["short"],
            "status": c["status"], "status_label": c["status_label"],
            "authority": c["authority"], "authority_label": c["authority_label"],
            "basis": c["basis"], "action": g.action,
            "importer_number": r["importer_number"] or "",
            "importer_name": r["importer_name"] or "",
            "entries": int(r["entries"] or 0), "entered_value": value, "duty": duty,
            "entries_text": "–" if g.records == "cases" else fmt_count(r["entries"] or 0),
            "value_text": "–" if g.records == "cases" else _money_text(value, lines_provided),
            "duty_text": ("–" if g.records == "cases" else
                          _duty_text(duty, r["duty_missing"], r["lines"], lines_provided)),
            "penalties": _penalties(g, value, floor, lines_provided),
            "score": c["weight"] * STATUS_FACTOR[c["status"]] * (
                value + _dec(duty) + (_dec(floor["minimum_payable"]) if floor else 0)),
        })
        out.by_importer.setdefault(r["importer_number"] or "", {})[c["metric_id"]] = \
            int(r["entries"] or 0)
    _rank(out.rows, order)
    for r in out.rows:
        r["penalty_text"] = "; ".join(f"{p['authority_label']}: {p['text']}"
                                      for p in r["penalties"])
    for b in brokers:
        out.by_broker.setdefault(b["filer_code"], {})[b["metric_id"]] = int(b["entries"])
    return out


# --------------------------------------------------------------------------- scorecards


def _findings_list(found: dict[str, int], controls: dict[str, dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """A party's findings in the controls' rank order: short label, status, entries."""
    out = []
    for mid, c in controls.items():
        if mid in found:
            cases = guide(mid).records == "cases"
            out.append({"metric_id": mid, "short": c["short"], "status": c["status"],
                        "authority": c["authority"], "entries": found[mid],
                        "entries_text": "" if cases else fmt_count(found[mid])})
    # red first, then as the controls rank
    out.sort(key=lambda f: STATUS_ORDER.get(f["status"], 4))
    return out


AUTHORITY_RANK = {"order": 0, "reported": 1, "statute": 2, "indicator": 3}


def _importer_action(row: dict[str, Any], findings: list[dict[str, Any]]) -> str:
    # red findings first, then by authority (the order's own conditions on who may act as
    # importer of record before reported readings, statute and indicators), then the
    # controls' rank
    ranked = sorted(findings, key=lambda f: (STATUS_ORDER.get(f["status"], 4),
                                             AUTHORITY_RANK.get(f["authority"], 4)))
    actions = [guide(f["metric_id"]).action for f in ranked]
    if not row["in_registry"]:
        actions.insert(0, "Add the importer to the importer registry")
    elif row["ior_status"] == "unknown" and GUIDES["unknown_ior_status_entries"].action \
            not in actions:
        actions.append(GUIDES["unknown_ior_status_entries"].action)
    if not actions:
        return "None: keep monitoring"
    text = actions[0]
    if len(actions) > 1:
        text += f"; {len(actions) - 1} further action{'' if len(actions) == 2 else 's'} in the register"
    return text


def importer_scorecard(con, findings: Findings, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every importer of record with an entry in the period, ranked by money at stake."""
    rows = _dicts(*report_query(con, "importer_scorecard", params))
    controls = {c["metric_id"]: c for c in findings.controls}
    lp = findings.lines_provided
    out = []
    for r in rows:
        found = _findings_list(findings.by_importer.get(r["importer_number"], {}), controls)
        at_stake = _dec(r["value_at_stake"]) + _dec(r["duty_at_stake"])
        out.append({
            **r,
            "name_text": r["importer_name"] if r["importer_name"] is not None
            else "not in the importer registry",
            "status_text": r["ior_status"],
            "ctpat_text": (TIER_LABELS.get(r["ctpat_tier"], r["ctpat_tier"])
                           if r["ctpat_tier"] else "not stated"),
            "ctpat_date_text": (r["ctpat_validated_on"].isoformat()
                                if r["ctpat_validated_on"] else ""),
            "bond_text": _yes_no(r["continuous_bond_permitted"]) if r["in_registry"] else "–",
            "standing_text": (STANDING_LABELS.get(r["good_standing"], r["good_standing"])
                              if r["in_registry"] else "–"),
            "entries_text": fmt_count(r["entries"]),
            "formal_text": fmt_count(r["formal_entries"]),
            "informal_text": fmt_count(r["informal_entries"]),
            "value_text": _money_text(r["entered_value"], lp),
            "duty_text": _duty_text(r["duty"], r["duty_missing"], r["lines"], lp),
            "findings": found,
            "at_stake": at_stake,
            "value_at_stake_text": _money_text(r["value_at_stake"], lp) if found else "–",
            "duty_at_stake_text": (_duty_text(r["duty_at_stake"], r["duty_missing_at_stake"],
                                              r["lines_at_stake"], lp) if found else "–"),
            "action": _importer_action(r, found),
        })
    out.sort(key=lambda r: (-r["at_stake"], -int(r["entries"]), r["importer_number"]))
    return out


def _broker_action(r: dict[str, Any], found: list[dict[str, Any]]) -> str:
    if not r["in_registry"]:
        return "Add the filer code to the broker registry (license, CTPAT validation)"
    status = r["license_status"]
    if r["license_number"] and status in ("suspended", "revoked"):
        return (f"Stop filing through this broker (license {status}) and move its entries to "
                f"a licensed broker (19 U.S.C. 1641)")
    if r["broker_cases"]:
        n = int(r["broker_cases"])
        return (f"Review the broker relationship: {n} penalty case{'' if n == 1 else 's'} "
                f"under 19 U.S.C. 1641 this period")
    ids = {f["metric_id"] for f in found}
    if not r["licensed"] and ids & set(ELIGIBILITY_IDS[:2]):
        return ("Route foreign importers' formal entries through a licensed customs broker, "
                "or obtain their CTPAT validation")
    if "foreign_ior_informal_entries" in ids:
        return "Stop filing informal entries for foreign importers of record"
    if ids & set(STATEMENT_IDS):
        return "Require the enhanced certification and disclosure on every entry it files"
    if found:
        return "Review the flagged entries it filed with the broker"
    if r["licensed"] and not r["ctpat_validated"]:
        return "None under the order as published; not CTPAT-validated (the stricter reported reading)"
    return "None: keep monitoring"


def broker_scorecard(con, findings: Findings, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every filer code of the period (entries or a broker penalty case), most entries first."""
    rows = _dicts(*report_query(con, "broker_scorecard", params))
    # each rate from its control's effective date, as the catalog counts it
    rates: dict[str, dict[str, Any]] = {}
    for kind, start in (("certification", params["certification_from"]),
                        ("disclosure", params["disclosure_from"])):
        for r in _dicts(*report_query(con, "broker_rates", {**params, "effective_on": start})):
            keys = ("certification_due", "certified") if kind == "certification" else \
                ("disclosure_due", "disclosed")
            rates.setdefault(r["filer_code"], {}).update({k: r[k] for k in keys})
    for r in rows:
        r.update({"certification_due": 0, "certified": 0, "disclosure_due": 0, "disclosed": 0,
                  **rates.get(r["filer_code"], {})})
    controls = {c["metric_id"]: c for c in findings.controls}
    total_entries = sum(int(r["entries"]) for r in rows)
    total_value = sum((_dec(r["entered_value"]) for r in rows), Decimal(0))
    lp = findings.lines_provided
    out = []
    for r in rows:
        found = _findings_list(findings.by_broker.get(r["filer_code"], {}), controls)
        psc = _ratio(r["psc_filed"], r["entries"])
        cert = _ratio(r["certified"], r["certification_due"])
        disc = _ratio(r["disclosed"], r["disclosure_due"])
        if not r["in_registry"]:
            license_text = "not in the broker registry"
        elif r["license_number"]:
            license_text = f"{r['license_number']} ({r['license_status'] or 'active'})"
        else:
            license_text = "no license (self-filer)"
        out.append({
            **r,
            "name_text": r["broker_name"] or ("not in the broker registry" if not r["in_registry"]
                                              else "not stated"),
            "license_text": license_text,
            "ctpat_text": ("–" if not r["in_registry"] else
                           (("yes" + (f", {r['ctpat_validated_on'].isoformat()}"
                                      if r["ctpat_validated_on"] else ""))
                            if r["ctpat_validated"] else _yes_no(r["ctpat_validated"]))),
            "entries_text": fmt_count(r["entries"]),
            "formal_text": fmt_count(r["formal_entries"]),
            "informal_text": fmt_count(r["informal_entries"]),
            "value_text": _money_text(r["entered_value"], lp),
            "duty_text": _duty_text(r["duty"], r["duty_missing"], r["lines"], lp),
            "entry_share_text": fmt_rate(_ratio(r["entries"], total_entries), 1),
            "value_share_text": (fmt_rate(_ratio(r["entered_value"], total_value), 1)
                                 if lp else "not provided"),
            "psc_text": fmt_rate(psc, 1), "cert_text": fmt_rate(cert, 1),
            "disc_text": fmt_rate(disc, 1),
            "findings": found,
            "cases_text": (fmt_count(r["broker_cases"]) + (
                f" ({fmt_count(r['broker_cases_pending'])} pending)"
                if r["broker_cases_pending"] else "")) if r["broker_cases"] else "–",
            "cases_assessed_text": fmt_money(r["broker_cases_assessed"])
            if r["broker_cases"] else "",
            "action": _broker_action(r, found),
        })
    out.sort(key=lambda r: (-int(r["entries"]), r["filer_code"]))
    return out


# --------------------------------------------------------------------------- several years


def history_entry(run: Any, *, current: bool = False, recomputed: bool = True) -> dict[str, Any]:
    """One year of the several-years view as plain data (the pipeline hands a list of these
    to ``build_report``): label, score and band, and each control's value, status and
    before-the-order baseline."""
    controls = {}
    for mid, r in run.results.items():
        d = r.definition
        if not _attr(d, "is_control", False):
            continue
        controls[mid] = {"title": d.title, "unit": d.unit, "value": r.value,
                         "status": r.status or "", "before_order": _attr(r, "before_order"),
                         "dated": bool(_attr(d, "dated", False)),
                         "not_in_force": bool(_attr(r, "not_in_force", False))}
    score_result = run.results.get("readiness_score")
    return {"label": str(run.period.label), "year": run.period.year,
            "start": run.period.start, "end": run.period.end,
            "score": run.score, "band": (score_result.status if score_result else None) or "n/a",
            "current": current, "recomputed": recomputed, "controls": controls}


def _year_cell(c: dict[str, Any] | None) -> dict[str, Any]:
    if c is None:
        return {"text": "–", "status": "", "before": ""}
    if c["not_in_force"]:
        text = "not in force"
    else:
        text = fmt_value(c["value"], c["unit"]) if c["value"] is not None else "n/a"
    before = ""
    if c["dated"] and c["before_order"] is not None:
        before = fmt_value(c["before_order"], c["unit"])
    return {"text": text, "status": "" if c["not_in_force"] else c["status"],
            "before": before}


def several_years(history: list[dict[str, Any]], controls_order: list[str]
                  ) -> dict[str, Any]:
    """The trend table (score and each control, oldest year first) and the chart's data."""
    years = sorted(history, key=lambda y: y["start"])[-MAX_YEARS:]
    labels = [y["label"] for y in years]
    score_row = {"title": "Readiness score", "short": "Readiness score", "cells": [
        {"text": fmt_value(y["score"], "score") if y["score"] is not None else "n/a",
         "status": y["band"], "before": ""} for y in years]}
    rows = [score_row]
    panels = [{"title": "Readiness score", "kind": "score",
               "values": [None if y["score"] is None else str(y["score"]) for y in years],
               "statuses": [y["band"] for y in years], "before": [None for _ in years]}]
    for mid in controls_order:
        per_year = [y["controls"].get(mid) for y in years]
        known = next((c for c in reversed(per_year) if c is not None), None)
        if known is None:
            continue
        g = guide(mid, known["title"])
        rows.append({"title": known["title"], "short": g.short,
                     "cells": [_year_cell(c) for c in per_year]})
        kind = "rate" if known["unit"] == "rate" else "count"
        panels.append({
            "title": g.short, "kind": kind,
            "values": [None if c is None or c["not_in_force"] or c["value"] is None
                       else str(c["value"]) for c in per_year],
            "statuses": ["" if c is None or c["not_in_force"] else c["status"] for c in per_year],
            "before": [None if c is None or not c["dated"] or c["before_order"] is None
                       else str(c["before_order"]) for c in per_year],
        })
    return {"labels": labels, "rows": rows, "panels": panels, "count": len(years),
            "recomputed": [y["label"] for y in years if not y["current"] and y["recomputed"]],
            "as_stored": [y["label"] for y in years if not y["current"] and not y["recomputed"]]}


def _trend_csv(years: dict[str, Any]) -> bytes:
    columns = ["figure", *[f"{label}{suffix}" for label in years["labels"]
                           for suffix in ("", " status", " before the order")]]
    rows = []
    for r in years["rows"]:
        row = [r["title"]]
        for c in r["cells"]:
            row += [c["text"], c["status"], c["before"]]
        rows.append(row)
    return to_csv(columns, rows)


# --------------------------------------------------------------------------- summary


def _decisions(findings: Findings, totals: dict[str, dict[str, Any]],
               brokers: list[dict[str, Any]], register: dict[str, Any] | None,
               broker_condition: str, reported: list[str]) -> list[str]:
    """The decisions asked of the board, drawn from the findings (at most five)."""
    out = []
    by_id = {c["metric_id"]: c for c in findings.controls}
    elig = [by_id[m] for m in ELIGIBILITY_IDS if m in by_id]
    if elig:
        names = sorted({r["importer_number"] for r in findings.rows
                        if r["metric_id"] in ELIGIBILITY_IDS})
        total = totals["eligibility"]
        out.append(f"Decide, for the {len(names)} importer{'' if len(names) == 1 else 's'} of "
                   f"record named in the eligibility findings, whether to designate a U.S. "
                   f"importer of record, obtain CTPAT validation or file through a licensed "
                   f"broker, or stop their entries ({total['value_text']} entered value on "
                   f"the {total['entries_text']} entries concerned).")
    stmt = [by_id[m] for m in STATEMENT_IDS if m in by_id]
    if stmt:
        out.append(f"Require the order's certification and disclosure on every entry summary "
                   f"and name the officer who owns it ({totals['statements']['entries_text']} "
                   f"entries fall short; see "
                   f"the 19 U.S.C. 1592 ceilings in Findings and money at stake).")
    if "repeat_offender_importers" in by_id:
        c = by_id["repeat_offender_importers"]
        floor = next((p for p in c["penalties"] if p["authority"] == "reported"), None)
        out.append("Instruct counsel on the open penalty cases of the repeat-offender importers"
                   + (f" (not payable below {floor['low']} under the reported floor scenario)."
                      if floor else "."))
    risky = [b["filer_code"] for b in brokers
             if b["in_registry"] and (b["license_status"] in ("suspended", "revoked")
                                      or b["broker_cases"])]
    if risky:
        out.append(f"Review the relationship with broker{'' if len(risky) == 1 else 's'} "
                   f"{', '.join(risky)} (license suspended or revoked, or penalty cases under "
                   f"19 U.S.C. 1641).")
    if register is not None and register.get("overdue_total"):
        out.append(f"Hold owners to account for the {register['overdue_total']} overdue "
                   f"action{'' if register['overdue_total'] == 1 else 's'} of the remediation "
                   f"register.")
    high = sum(1 for r in findings.rows if r["priority"] == "high")
    if findings.rows:
        n = len(findings.rows)
        out.append("Approve the remediation register: an owner and a due date for "
                   + (f"each of the {n} findings, {high} of them high priority" if n > 1 else
                      f"the one finding ({'high' if high else 'not high'} priority)")
                   + " (readiness actions).")
    if reported:
        out.append(f"Note that {len(reported)} control{'' if len(reported) == 1 else 's'} rest "
                   f"on readings reported by secondary sources, pending CBP's rules, and that "
                   f"the broker route is read as "
                   f"{'the order as published' if broker_condition == 'licensed' else 'the stricter reported reading'}.")
    if not out:
        out.append("No red or amber control: confirm the scope and limitations of this "
                   "self-assessment and keep the controls under review.")
    return out[:5]


# --------------------------------------------------------------------------- remediation


def _remediation(findings: Findings, register: dict[str, Any] | None,
                 as_of: dt.date, as_of_text: str) -> dict[str, Any]:
    """The remediation section: the ranked findings, and a filled-in register read back
    (open, overdue and closed actions; a register of another period with what became of
    each of its findings)."""
    current = {r["finding_id"]: r for r in findings.rows}
    out: dict[str, Any] = {
        "findings": findings.rows[:REGISTER_ROWS], "total": len(findings.rows),
        "more": max(0, len(findings.rows) - REGISTER_ROWS),
        "high": sum(1 for r in findings.rows if r["priority"] == "high"),
        "medium": sum(1 for r in findings.rows if r["priority"] == "medium"),
        "low": sum(1 for r in findings.rows if r["priority"] == "low"),
        "register": None, "as_of_text": as_of_text,
    }
    if register is None:
        return out
    same_period = register["period_end"] == findings.period_end and \
        register["period_start"] == findings.period_start
    rows = []
    for a in register["actions"]:
        closed = a["status"] == "closed"
        present = a["finding_id"] in current
        # an action of another period whose finding is gone is resolved, whatever its date
        overdue = (not closed and a["due_date"] is not None and a["due_date"] < as_of
                   and (same_period or present))
        if same_period:
            outcome = "" if present else "no longer a finding under this run's figures"
        elif present:
            outcome = "closed in the register, but found again" if closed else "still present"
        else:
            outcome = "resolved: the finding is gone"
        state = "closed" if closed else ("overdue" if overdue else "open")
        if not same_period and not present:
            state = "resolved"
        rows.append({**a, "overdue": overdue, "present": present, "outcome": outcome,
                     "state": state,
                     "due_text": a["due_date"].isoformat() if a["due_date"] else "not set",
                     "owner_text": a["owner"] or "not assigned"})
    in_register = {a["finding_id"] for a in register["actions"]}
    missing = [r for r in findings.rows if r["finding_id"] not in in_register]

    def bounded(state: str) -> tuple[list[dict[str, Any]], int]:
        chosen = [r for r in rows if r["state"] == state]
        return chosen[:ACTION_ROWS], len(chosen)

    overdue, overdue_total = bounded("overdue")
    open_, open_total = bounded("open")
    closed_rows, closed_total = bounded("closed")
    out["register"] = {
        "file": register["file"], "period_label": register["period_label"],
        "same_period": same_period, "actions": len(rows),
        "overdue": overdue, "overdue_total": overdue_total,
        "open": open_, "open_total": open_total,
        "closed": closed_rows, "closed_total": closed_total,
        "row_limit": ACTION_ROWS,
        "outcomes": [] if same_period else sorted(
            rows, key=lambda a: (not a["present"], a["state"] != "overdue",
                                 a["state"] != "open", a["row"]))[:ACTION_ROWS * 2],
        "resolved": sum(1 for r in rows if not r["present"]),
        "still_present": sum(1 for r in rows if r["present"]),
        "found_again": sum(1 for r in rows if r["present"] and r["status"] == "closed"),
        "new_findings": len(missing),
    }
    return out


# --------------------------------------------------------------------------- collect


@dataclass
class BoardPart:
    """What the board pack adds to the report: context keys, charts and attachments."""

    context: dict[str, Any]
    resources: dict[str, Any]
    attachments: list[Attachment]


def _svg_bytes(svg: str) -> bytes:
    # The DOCTYPE names a W3C URL; drop it so nothing in the document even names one.
    return re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, count=1).encode("utf-8")


def _signoff(signoff: dict[str, Any] | None) -> dict[str, Any]:
    s = dict(signoff or {})
    out: dict[str, Any] = {}
    for key in ("organisation", "preparer", "reviewer"):
        v = s.get(key)
        out[key] = str(v).strip() if v is not None and str(v).strip() else None
    for key in ("date_prepared", "extract_date"):
        v = s.get(key)
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, str) and v.strip():
            v = dt.date.fromisoformat(v.strip())
        out[key] = v if isinstance(v, dt.date) else None
        out[key + "_text"] = fmt_date(out[key]) if out[key] else ""
    return out


def collect(con, figures: Any, *, rows_by_id: dict[str, dict[str, Any]], period: dict[str, Any],
            provided: set[str], policy_values: dict[str, Any],
            history: list[dict[str, Any]] | None = None,
            prior_run: Any = None, prior_recomputed: bool = False,
            register: dict[str, Any] | None = None,
            signoff: dict[str, Any] | None = None,
            draw: Callable[..., Any] | None = None) -> BoardPart:
    """The board pack's context, charts and attachments (see the module docstring).

    ``history``: plain data per year (``history_entry``), oldest first, the report year
    included; without it the report year and ``prior_run`` make the view. ``register``: a
    filled-in remediation register read by ``register.read_register``. ``signoff``: the
    organisation, preparer, reviewer, date prepared and data extract date. ``draw(**kwargs)``
    draws the board charts (default ``charts.board_charts_json`` here) and returns their
    JSON text, or a Deferred of it.
    """
    run = figures.run
    params = {"period_start": run.period.start, "period_end": run.period.end,
              "informal_types": list(policy_values.get("informal_entry_types", ["11", "12"]))}
    for key, mid in (("certification_from", "certification_rate"),
                     ("disclosure_from", "disclosure_complete_rate")):
        result = run.results.get(mid)
        effective = _attr(result, "effective_on") if result is not None else None
        params[key] = max(run.period.start, effective) if effective else run.period.start
    lines_provided = "entry_lines" in provided
    findings = collect_findings(con, figures, lines_provided)
    importers = importer_scorecard(con, findings, params)
    brokers = broker_scorecard(con, findings, params)
    sign = _signoff(signoff)
    as_of = sign["date_prepared"] or period["last_day"]
    as_of_text = (f"the date prepared, {fmt_date(as_of)}" if sign["date_prepared"]
                  else f"the period's last day, {fmt_date(as_of)}")
    remediation = _remediation(findings, register, as_of, as_of_text)

    if history is None:
        history = [history_entry(run, current=True)]
        if prior_run is not None:
            history.insert(0, history_entry(prior_run, recomputed=prior_recomputed))
    controls_order = [mid for mid, r in rows_by_id.items() if r["is_control"]]
    years = several_years(history, controls_order)

    totals = {"all": findings_total(con, findings),
              "eligibility": findings_total(con, findings, ELIGIBILITY_IDS),
              "statements": findings_total(con, findings, STATEMENT_IDS)}
    reported = [r["title"] for r in rows_by_id.values()
                if r["is_control"] and r["authority"] == "reported"]

    # Charts: plain JSON-safe arguments, so they can be drawn in a worker process.
    money_chart = [c for c in findings.controls
                   if c["traced"] and guide(c["metric_id"]).records == "entries"]
    chart_args = {
        "years": {"labels": years["labels"], "panels": years["panels"]},
        "money": ({"labels": [c["short"] for c in money_chart],
                   "values": [str(round_money(c["entered_value"])) for c in money_chart],
                   "duties": [None if c["duty"] is None else str(round_money(_dec(c["duty"])))
                              for c in money_chart]}
                  if money_chart and lines_provided else None),
    }
    if draw is None:
        from . import charts  # matplotlib only when the report draws here

        draw = charts.board_charts_json
    drawn = draw(**chart_args)

    def chart(name: str) -> Callable[[], bytes]:
        def make() -> bytes:
            text = drawn() if callable(drawn) else drawn
            return _svg_bytes(json.loads(text).get(name) or "<svg xmlns='http://www.w3.org/2000/svg'/>")
        return make

    resources = {"charts/years-trend.svg": Deferred(chart("years")),
                 "charts/money-by-control.svg": Deferred(chart("money"))}

    attachments = [
        Attachment("importer_scorecard.csv",
                   f"Every importer of record with an entry in {run.period.label}: "
                   f"{len(importers)} rows", Deferred(functools.partial(
                       _importer_csv, importers))),
        Attachment("broker_scorecard.csv",
                   f"Every filer code of {run.period.label}: {len(brokers)} rows",
                   Deferred(functools.partial(_broker_csv, brokers))),
        Attachment("findings.csv", f"Every finding (red or amber control by importer of "
                   f"record) with its money and priority: {len(findings.rows)} rows",
                   Deferred(functools.partial(findings_csv, findings))),
        Attachment("findings_by_control.csv", "Money at stake by red or amber control (the "
                   "figures of the money chart)",
                   Deferred(functools.partial(_controls_csv, findings))),
        Attachment("years.csv", "The score and each control by year (the figures of the "
                   "several-years chart)", Deferred(functools.partial(_trend_csv, years))),
    ]
    if register is not None:
        attachments.append(Attachment(register["file"], "The remediation register read back "
                                      "for the Remediation section", register["bytes"]))

    heat_columns = [{"metric_id": c["metric_id"], "short": c["short"], "status": c["status"],
                     "title": c["title"]}
                    for c in sorted(findings.controls,
                                    key=lambda c: controls_order.index(c["metric_id"])
                                    if c["metric_id"] in controls_order else 10**6)]
    printed_importers = importers[:SCORECARD_ROWS]
    heat_rows = []
    for imp in printed_importers:
        found = findings.by_importer.get(imp["importer_number"], {})
        heat_rows.append({"importer_number": imp["importer_number"], "name": imp["name_text"],
                          "cells": [{"status": col["status"] if col["metric_id"] in found else "",
                                     "text": ("" if guide(col["metric_id"]).records == "cases"
                                              else fmt_count(found[col["metric_id"]]))
                                     if col["metric_id"] in found else "–"}
                                    for col in heat_columns]})

    top = findings.controls[:TOP_FINDINGS]
    context = {
        "board_sections": BOARD_SECTIONS,
        "board": {
            "findings": findings.controls, "top_findings": top,
            "decisions": _decisions(findings, totals, brokers, remediation["register"],
                                    str(policy_values.get("broker_condition", "licensed")),
                                    reported),
            "entries_at_stake_text": totals["all"]["entries_text"],
            "value_at_stake_text": totals["all"]["value_text"],
            "duty_at_stake_text": totals["all"]["duty_text"],
            "lines_provided": lines_provided,
            "reported_controls": reported,
            "prior_score": next((fmt_value(y["score"], "score") for y in reversed(history)
                                 if not y["current"] and y["score"] is not None), None),
            "prior_label": next((y["label"] for y in reversed(history) if not y["current"]),
                                None),
        },
        "importer_scorecard": {"rows": printed_importers, "total": len(importers),
                               "more": max(0, len(importers) - SCORECARD_ROWS),
                               "heat_columns": heat_columns, "heat_rows": heat_rows},
        "broker_scorecard": {"rows": brokers[:SCORECARD_ROWS], "total": len(brokers),
                             "more": max(0, len(brokers) - SCORECARD_ROWS)},
        "remediation": remediation,
        "years": years,
        "signoff": sign,
        "method": {"bands": policy_values.get("score_bands", {}),
                   "high_share": fmt_rate(HIGH_SHARE, 0),
                   "medium_share": fmt_rate(MEDIUM_SHARE, 0)},
    }
    con.unregister("board_finding_keys")
    con.unregister("board_floor_cases")
    return BoardPart(context, resources, attachments)


# --------------------------------------------------------------------------- CSV files

FINDING_COLUMNS = ["finding_id", "priority", "rank", "metric_id", "control", "control_status",
                   "authority", "importer_number", "importer_name", "entries", "entered_value",
                   "duty", "penalty_range", "legal_basis", "suggested_action"]


def finding_values(r: dict[str, Any]) -> list[Any]:
    """A finding as the register's and findings.csv's columns (FINDING_COLUMNS)."""
    return [r["finding_id"], r["priority"], r["rank"], r["metric_id"], r["title"], r["status"],
            r["authority_label"], r["importer_number"], r["importer_name"], r["entries"],
            round_money(r["entered_value"]),
            None if r["duty"] is None else round_money(_dec(r["duty"])),
            r["penalty_text"], r["basis"], r["action"]]


def findings_csv(findings: Findings) -> bytes:
    return to_csv(FINDING_COLUMNS, [finding_values(r) for r in findings.rows])


def _controls_csv(findings: Findings) -> bytes:
    columns = ["rank", "priority", "metric_id", "control", "status", "authority", "records",
               "entries", "importers", "entered_value", "duty", "penalty_range"]
    return to_csv(columns, [[c["rank"], c["priority"], c["metric_id"], c["title"], c["status"],
                             c["authority_label"], c["records"], c["entries"], c["importers"],
                             round_money(c["entered_value"]),
                             None if c["duty"] is None else round_money(_dec(c["duty"])),
                             "; ".join(f"{p['authority_label']}: {p['text']}"
                                       for p in c["penalties"])]
                            for c in findings.controls])


def _importer_csv(rows: list[dict[str, Any]]) -> bytes:
    columns = ["importer_number", "importer_name", "in_registry", "country", "ior_status",
               "status_reason", "ctpat_tier", "ctpat_validated_on", "continuous_bond_permitted",
               "good_standing", "entries", "formal_entries", "informal_entries", "entered_value",
               "duty", "duty_lines_not_provided", "findings", "entries_at_stake", "value_at_stake",
               "duty_at_stake", "recommended_action"]
    return to_csv(columns, [[
        r["importer_number"], r["importer_name"], r["in_registry"], r["country"], r["ior_status"],
        r["status_reason"], r["ctpat_tier"], r["ctpat_validated_on"],
        r["continuous_bond_permitted"], r["good_standing"], r["entries"], r["formal_entries"],
        r["informal_entries"], round_money(_dec(r["entered_value"])),
        None if r["duty"] is None else round_money(_dec(r["duty"])), r["duty_missing"],
        "; ".join(f"{f['short']} ({f['status']}): {f['entries']}" for f in r["findings"]),
        r["entries_at_stake"], round_money(_dec(r["value_at_stake"])),
        None if r["duty_at_stake"] is None else round_money(_dec(r["duty_at_stake"])),
        r["action"]] for r in rows])


def _broker_csv(rows: list[dict[str, Any]]) -> bytes:
    columns = ["filer_code", "broker_name", "in_registry", "license_number", "license_status",
               "licensed", "ctpat_validated", "ctpat_validated_on", "entries", "formal_entries",
               "informal_entries", "importers", "entered_value", "duty", "entry_share",
               "value_share", "psc_rate", "certification_rate", "disclosure_rate", "findings",
               "broker_penalty_cases", "broker_cases_pending", "broker_cases_assessed",
               "recommended_action"]
    return to_csv(columns, [[
        r["filer_code"], r["broker_name"], r["in_registry"], r["license_number"],
        r["license_status"], r["licensed"], r["ctpat_validated"], r["ctpat_validated_on"],
        r["entries"], r["formal_entries"], r["informal_entries"], r["importers"],
        round_money(_dec(r["entered_value"])),
        None if r["duty"] is None else round_money(_dec(r["duty"])),
        r["entry_share_text"], r["value_share_text"], r["psc_text"], r["cert_text"],
        r["disc_text"],
        "; ".join(f"{f['short']} ({f['status']}): {f['entries']}" for f in r["findings"]),
        r["broker_cases"], r["broker_cases_pending"],
        None if r["broker_cases_assessed"] is None else round_money(_dec(r["broker_cases_assessed"])),
        r["action"]] for r in rows])
