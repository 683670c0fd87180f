"""Findings of the board pack: every red or amber control traced to the records behind it,
with the entered value and duty of its entries, the penalty range that applies (with its
authority), a priority and a stable id per control and importer of record (the same finding
keeps its id next year). Read-only: the keys are gathered from the exception lists into a
temp table of the connection and expanded in another; the metric engine is never imported."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..sql import execute, queries_dir, read_sql, report_query
from ..values import round_money, to_decimal
from ..vocabulary import AUTHORITY_LABELS, STATUS_LABELS, STATUS_ORDER
from .csvfile import to_csv
from .format import figure_text, fmt_count, fmt_money, fmt_value

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


_NO_KEYS = ("select cast(null as varchar) as metric_id, cast(null as varchar) as entry_number, "
            "cast(null as varchar) as importer_number, cast(null as date) as scope_start "
            "limit 0")


def _finding_keys(con, figures: Any, flagged: list[Any], period: Any
                  ) -> tuple[dict[str, int], set[str]]:
    """Build the temp table ``board_finding_keys`` on ``con``: the records behind each
    flagged control (records before the order left out), one row each, made by DuckDB from
    the exception lists (not fetched into Python and handed back: 10M lines, 300,000 keys,
    0.3-0.45 s). Return the number of records per control and the controls whose records
    are importers of record."""
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
            importer_lists.add(result.id)
        else:  # a list of your own without entry or importer numbers: not traced
            continue
        records[result.id] = 0
        parts.append(part.sql_query())
    union = "\nunion all\n".join(f"select * from ({sql})" for sql in parts) or _NO_KEYS
    con.execute(f"create or replace temp table board_finding_keys as\n{union}")
    records.update(con.execute("select metric_id, count(*) from board_finding_keys "
                               "group by metric_id").fetchall())
    return records, importer_lists


def _run_report_sql(con, name: str, params: dict[str, Any]) -> None:
    path = queries_dir("_report") / f"{name}.sql"
    execute(con, read_sql(path), params, str(path))


def _money_by_importer_filer(con, figures: Any, params: dict[str, Any]) -> None:
    """The temp table ``board_money_by_importer_filer`` both scorecards read: the metric
    run's money per importer and filer code (working set ``period_money``, summed in the
    metrics' one pass over the lines), or, for a run stored by an earlier version without
    it, the lines summed here (``money_by_importer_filer.sql``, the same figures)."""
    table = getattr(figures, "money_table", None)
    if table is None:
        _run_report_sql(con, "money_by_importer_filer", params)
        return
    con.execute("create or replace temp table board_money_by_importer_filer as select "
                "importer_number, filer_code, entered_value, duty, duty_missing, lines "
                'from "' + table.replace('"', '""') + '"')


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
    # the ids as a query parameter, not an Arrow table (see csvfile.to_csv on pandas)
    ids = [c["metric_id"] for c in findings.controls] if metric_ids is None else list(metric_ids)
    row = _dicts(*report_query(con, "findings_total", {"metric_ids": ids}))[0]
    lp = findings.lines_provided
    return {**row, "entries_text": fmt_count(row["entries"]),
            "value_text": _money_text(row["entered_value"], lp),
            "duty_text": _duty_text(row["duty"], row["duty_missing"], row["lines"], lp)}


def collect_findings(con, figures: Any, lines_provided: bool = True) -> Findings:
    """Every red or amber control of ``figures`` traced to its records: the money behind it
    (per control and per control and importer of record), its penalty range, ranked.

    Builds the temp tables ``board_finding_keys``, ``board_finding_entries`` and
    ``board_money_by_importer_filer`` on ``con`` (read by the scorecards) and registers the
    floor cases as an Arrow view; writes nothing else.
    """
    run = figures.run
    period = run.period
    policy = run.policy
    order = {mid: i for i, mid in enumerate(run.results)}
    flagged = [r for r in run.results.values()
               if _attr(r.definition, "is_control", False) and r.status in STATUS_FACTOR]
    records, importer_lists = _finding_keys(con, figures, flagged, period)
    con.register("board_floor_cases", _floor_cases(figures))
    params = {"period_start": period.start, "period_end": period.end}
    _run_report_sql(con, "board_finding_entries", params)
    _money_by_importer_filer(con, figures, params)

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



# --------------------------------------------------------------------------- CSV files of the findings

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
