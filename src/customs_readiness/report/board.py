"""The board pack: who is exposed, how much it could cost, what to do, and who signs.

From a period's figures (``PeriodFigures``, handed over by the pipeline) and the report's
own read-only aggregates (SQL in ``queries/_report/``), this module collects:

- the **findings** (``findings``): every red or amber control, traced to the records behind it (its
  exception list, records on or after the effective date only), with the entered value
  and duty of the entries behind it and the penalty range that applies where one does;
  one finding per control and importer of record for the remediation register, each with
  a stable id (the same finding keeps its id next year);
- the **scorecards** of every importer of record and every filer code of the period
  (``scorecards``);
- the **several-years** view (plain data per year, see ``history_entry``);
- the **board summary** (the findings that matter most, the decisions asked of the board)
  and the **remediation** section (a filled-in register read back by ``register``).

It never imports the metric engine and never writes to the database: the findings' keys
are registered as an Arrow view and expanded in a temp table of the connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..speed import Deferred
from ..values import round_money
from .csvfile import to_csv
from .findings import (
    ACTION_ROWS,
    BOARD_SECTIONS,
    ELIGIBILITY_IDS,
    HIGH_SHARE,
    MAX_YEARS,
    MEDIUM_SHARE,
    REGISTER_ROWS,
    SCORECARD_ROWS,
    STATEMENT_IDS,
    TOP_FINDINGS,
    Findings,
    _attr,
    _controls_csv,
    _dec,
    collect_findings,
    findings_csv,
    findings_total,
    guide,
)
from .format import fmt_count, fmt_date, fmt_rate, fmt_value
from .model import Attachment
from .scorecards import _broker_csv, _importer_csv, broker_scorecard, importer_scorecard

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
    con.unregister("board_floor_cases")
    return BoardPart(context, resources, attachments)


