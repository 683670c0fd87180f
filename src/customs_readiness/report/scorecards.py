"""Scorecards of the board pack: every importer of record and every filer code of the period,
with its status, volumes, findings and a recommended action (read-only aggregates in
``queries/_report/importer_scorecard.sql`` and ``broker_scorecard.sql``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..sql import report_query
from ..values import round_money
from ..vocabulary import STATUS_ORDER
from .csvfile import to_csv
from .findings import (
    ELIGIBILITY_IDS,
    GUIDES,
    STANDING_LABELS,
    STATEMENT_IDS,
    TIER_LABELS,
    Findings,
    _dec,
    _dicts,
    _duty_text,
    _money_text,
    _ratio,
    _yes_no,
    guide,
)
from .format import fmt_count, fmt_money, fmt_rate

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
