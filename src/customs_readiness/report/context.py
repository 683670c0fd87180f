"""From a period's figures to the report's context: plain data (text already formatted) that
the templates print, plus the generated resources and the CSV attachments.

``build_report`` takes a ``PeriodFigures`` value (the figures, their exception lists and the
volume table, as the metric engine handed them over) and reads only the report's own
aggregates from the database (``facts``). It never imports the metric engine and never
writes to the database. Only aggregates and the first rows of each exception list reach
the HTML, so render time does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..clock import prepared_at
from ..schema import TABLES
from ..values import to_decimal as _dec
from ..vocabulary import (
    AUTHORITY_LABELS,
    AUTHORITY_LEGEND,
    EXTRA_SECTION_TITLE,
    SECTIONS,
    STATUS_LABELS,
    STATUS_ORDER,
)
from . import board, excerpts, facts
from .benchmarks import benchmark_rows
from .format import (
    cell_text,
    fmt_change,
    fmt_count,
    fmt_date,
    fmt_number,
    fmt_rate,
    fmt_value,
)
from .model import Attachment, Report

REJECTED_ROWS = 10  # rejected rows listed in the data-quality section
MANIFEST_ROWS = 40  # load_files rows listed in the appendix
COVER_IMPORTERS = 6  # importer names on the cover

REPORT_TITLE = "Customs Enforcement Readiness Report"
SUBTITLE = "Self-assessment under Executive Order 14411, Strengthening Customs Enforcement"

# Names a metric's SQL may use for a stored table (the metric engine's period views
# included), to tell "not provided" from a true zero.
_TABLE_ALIASES = {
    "entries": ("entries", "period_entries"),
    "entry_lines": ("entry_lines", "period_lines", "period_value_lines", "period_line_totals"),
    "penalties": ("penalties", "period_penalties", "open_cases_at_end", "repeat_offenders"),
    "disposals": ("disposals", "period_disposals"),
    "importers": ("importers",),
    "brokers": ("brokers",),
}


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _tables_read(sql: str | None) -> set[str]:
    text = (sql or "").lower()
    found = set()
    for table, names in _TABLE_ALIASES.items():
        if any(re.search(rf"\b{n}\b", text) for n in names):
            found.add(table)
    return found


def _status(result: Any) -> str | None:
    s = _attr(result, "status")
    return None if s is None else str(s)


def _metric_row(result: Any, prior_run: Any, missing_tables: set[str]) -> dict[str, Any]:
    d = result.definition
    value = result.value
    unit = _attr(d, "unit", "")
    reads = _tables_read(_attr(d, "sql", ""))
    not_provided = sorted(reads & missing_tables)
    shown_missing = bool(not_provided) and (value is None or _dec(value) == 0)
    columns_absent = tuple(_attr(result, "not_provided", ()) or ())
    dated = bool(_attr(d, "dated", False))
    effective = _attr(result, "effective_on")
    not_in_force = bool(_attr(result, "not_in_force", False))
    prior_value = None
    has_prior = False
    prior_in_force = True
    if prior_run is not None and result.id in prior_run.results:
        has_prior = True
        prior = prior_run.results[result.id]
        prior_value = prior.value
        # a dated control not yet in force last year has no figure to compare with
        prior_in_force = not _attr(prior, "not_in_force", False)
    status = _status(result)
    if columns_absent or shown_missing:
        value_text = "not provided"
    elif not_in_force:
        value_text = "not in force"
    else:
        value_text = "not provided" if value is None and _attr(result, "missing") else \
            fmt_value(value, unit)
    missing = _attr(result, "missing")
    rows_in_scope = _attr(result, "rows_in_scope")
    missing_text = ""
    if missing and value is not None and not (columns_absent or shown_missing or not_in_force):
        missing_text = (f"{fmt_count(missing)} of {fmt_count(rows_in_scope)} not provided"
                        if rows_in_scope else f"{fmt_count(missing)} not provided")
    before = _attr(result, "before_order")
    authority = _attr(d, "authority", "indicator")
    return {
        "id": result.id,
        "title": _attr(d, "title", result.id),
        "unit": unit,
        "value": value,
        "value_text": value_text,
        "missing_text": missing_text,
        "not_provided": shown_missing or bool(columns_absent),
        "missing_tables": not_provided,
        "missing_columns": list(columns_absent),
        "status": status if status else "",
        "status_label": STATUS_LABELS.get(status or "", ""),
        "is_control": bool(_attr(d, "is_control", False)),
        "definition": _attr(d, "definition", ""),
        "basis": _attr(d, "basis", ""),
        "authority": authority,
        "authority_label": AUTHORITY_LABELS.get(authority, authority),
        "dated": dated,
        "not_in_force": not_in_force,
        "effective_on": effective,
        "effective_text": fmt_date(effective) if dated and effective else "",
        "before_order": before,
        "before_text": (fmt_value(before, unit) if before is not None else "–") if dated else "",
        "status_rule": _attr(result, "status_rule", "") or _attr(d, "status_rule", "") or "",
        "section": _attr(d, "section", ""),
        "has_prior": has_prior,
        "prior_text": ((fmt_value(prior_value, unit) if prior_in_force else "not in force")
                       if has_prior else ""),
        "change_text": (fmt_change(value, prior_value, unit)
                        if has_prior and prior_in_force and not not_in_force else
                        ("–" if has_prior else "")),
    }


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(f"{prefix}.{key}" if prefix else str(key), value[key], out)
        return
    if isinstance(value, (list, tuple)):
        out.append((prefix, ", ".join(cell_text(v) for v in value)))
        return
    out.append((prefix, cell_text(value)))


def _policy_rows(policy: Any) -> list[tuple[str, str]]:
    as_dict = policy.as_dict() if hasattr(policy, "as_dict") else dict(policy.values)
    rows: list[tuple[str, str]] = []
    _flatten("", as_dict, rows)
    return rows


def _query_file(d: Any) -> str:
    path = _attr(d, "path")
    if path is None:
        return ""
    name = Path(path).name
    return f"queries/{name}" if _attr(d, "source") == "catalog" else f"{name} (your metrics folder)"


def _penalty_floor_text(policy_values: dict[str, Any]) -> str | None:
    rows: list[tuple[str, str]] = []
    _flatten("", policy_values, rows)
    for key, text in rows:
        if key.split(".")[-1] in ("penalty_floor", "floor", "penalty_floor_share"):
            try:
                return fmt_rate(Decimal(text), 0) if Decimal(text) <= 1 else text
            except ArithmeticError:
                return text
    return None


def _period_dict(period: Any) -> dict[str, Any]:
    last_day = period.end - dt.timedelta(days=1)
    return {
        "label": str(period.label),
        "start": period.start,
        "end": period.end,
        "last_day": last_day,
        "start_text": fmt_date(period.start),
        "last_day_text": fmt_date(last_day),
        "year": period.year,
        "fiscal_start_month": period.fiscal_start_month,
    }


def build_report(
    con,
    figures: Any,
    *,
    prior_run: Any = None,
    prior_recomputed: bool = False,
    exception_rows: int = excerpts.EXCEPTION_ROWS,
    trend_chart: Callable[..., Any] | None = None,
    audit: tuple[dict[str, Any], str, bytes] | None = None,
    prepared: dt.datetime | None = None,
    # board pack (report/board.py)
    history: list[dict[str, Any]] | None = None,
    actions: dict[str, Any] | None = None,
    signoff: dict[str, Any] | None = None,
    board_charts: Callable[..., Any] | None = None,
) -> Report:
    """Collect the report's context from a period's figures and the database (read-only).

    ``figures`` is a metrics PeriodFigures (run, exception relations, volume rows);
    ``prior_run`` the previous period's MetricRun, if any (``prior_recomputed``: computed
    from the data now loaded under the same policy rather than read as stored).
    ``trend_chart(**kwargs)`` draws the monthly trend chart (default: charts.monthly_trend_svg
    here); it returns the SVG text, or a Deferred of it (waited for only when the PDF layout
    needs the chart). ``audit``: (section data, file name, bytes) of a scored audit
    worksheet, printed as the "Audit readiness" section and attached. ``prepared``: when the
    report is prepared (default ``clock.prepared_at()``: SOURCE_DATE_EPOCH, else now); the
    PDF's dates and the cover's "prepared" come from it, the figures' "as of" from the period.

    The board pack (``board.collect``): ``history`` the several-years view as plain data
    (``board.history_entry`` per year, the report year included); ``actions`` a filled-in
    remediation register (``register.read_register``); ``signoff`` the organisation,
    preparer, reviewer, date prepared and data extract date; ``board_charts(**kwargs)``
    draws the board charts (default: here), returning their JSON text or a Deferred of it.
    """
    if prepared is None:
        prepared = prepared_at()
    run = figures.run
    period = run.period
    policy = run.policy
    policy_values = dict(getattr(policy, "values", {}) or {})
    params = {"period_start": period.start, "period_end": period.end}
    provided, bookkept = facts.provided_tables(con)
    missing = set(TABLES) - provided

    # Catalog order (the run's order) throughout; ids break no ties since they are unique.
    order = {mid: i for i, mid in enumerate(run.results)}
    rows = [_metric_row(run.results[mid], prior_run, missing) for mid in run.results]
    rows_by_id = {r["id"]: r for r in rows}
    sections: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    extra: list[dict[str, Any]] = []
    for r in rows:
        if r["id"] == "readiness_score":
            continue
        sections.get(r["section"], extra).append(r)
    # Controls first (red, amber, green, n/a), then informational metrics; stable by id.
    for lst in (*sections.values(), extra):
        lst.sort(key=lambda r: (not r["is_control"], STATUS_ORDER.get(r["status"], 4),
                                order[r["id"]]))

    flagged = sorted((r for r in rows if r["is_control"] and r["status"] in ("red", "amber")),
                     key=lambda r: (STATUS_ORDER[r["status"]], order[r["id"]]))
    exceptions, attachments = excerpts.exception_excerpts(figures, exception_rows, con)
    totals = {e["metric_id"]: e["total_text"] for lst in exceptions.values() for e in lst}
    for r in flagged:
        r["records_text"] = totals.get(r["id"], "")

    score = _dec(run.score)
    score_result = run.results.get("readiness_score")
    score_status = (score_result.status if score_result is not None else None) or "n/a"
    controls = [r for r in rows if r["is_control"]]
    prior_score = _dec(prior_run.score) if prior_run is not None else None
    prior_rows = []
    if prior_run is not None:
        prior_rows.append({"title": "Readiness score",
                           "value_text": fmt_value(score, "score"),
                           "prior_text": fmt_value(prior_score, "score"),
                           "change_text": fmt_change(score, prior_score, "score")})
        for r in sections["volume"] + controls:
            if r["has_prior"]:
                prior_rows.append(r)

    importers = facts.dicts(*facts.report_query(con, "importers_of_period",
                                                {**params, "limit": COVER_IMPORTERS}))
    importers_total = importers[0]["importers_total"] if importers else 0

    data_quality, rejected_attachment = facts.data_quality(con, params, provided, bookkept,
                                                      REJECTED_ROWS)
    excerpts.clip_fields(data_quality["files"], ("file_name", "file_text", "note"))
    excerpts.clip_fields(data_quality["first_rejected"], ("file", "column", "raw_value", "reason"),
                 " … (in full in rejected_rows.csv)")
    if rejected_attachment is not None:
        attachments.append(rejected_attachment)
    audit_section = None
    if audit is not None:
        audit_section, audit_name, audit_bytes = audit
        attachments.append(Attachment(audit_name, "The tested audit worksheet the Audit "
                                      "readiness section projects", audit_bytes))

    # The DuckDB-only steps come before the chart (a chart worker imports matplotlib
    # meanwhile, and the queries release the GIL).
    dhs = facts.cbp_shaped_tables(con, figures.volume, params, provided)
    manifest = facts.manifest(con, MANIFEST_ROWS)
    excerpts.clip_fields(manifest["files"], ("source_dir", "file"))
    excerpts.clip_fields(manifest["loads"], ("source_dir",))
    trend = facts.trend(con, params, trend_chart)
    resources = {"charts/monthly-trend.svg": trend.pop("svg")}

    period_d = _period_dict(period)
    prepared_day = prepared.date()
    # Figures are as of the period's last day, or of the day prepared while it still runs.
    as_of = min(period_d["last_day"], prepared_day)
    period_d.update({
        "as_of": as_of,
        "as_of_text": fmt_date(as_of),
        "ended": prepared_day > period_d["last_day"],
    })
    # ---- board pack: findings and money, scorecards, register, years, sign-off
    board_part = board.collect(con, figures, rows_by_id=rows_by_id, period=period_d,
                               provided=provided, policy_values=policy_values,
                               history=history, prior_run=prior_run,
                               prior_recomputed=prior_recomputed, register=actions,
                               signoff=signoff, draw=board_charts)
    resources.update(board_part.resources)
    attachments.extend(board_part.attachments)
    # ---- end board pack
    defs = []
    for r in rows:
        d = run.results[r["id"]].definition
        defs.append({**r, "sql": (_attr(d, "sql", "") or "").strip(),
                     "exceptions_sql": (_attr(d, "exceptions_sql", "") or "").strip(),
                     "source": _query_file(d)})

    context = {
        "title": REPORT_TITLE,
        "subtitle": SUBTITLE,
        "period": period_d,
        "importers": {"names": [excerpts.clip(str(i["importer_name"]), note=" …")
                               for i in importers],
                      "total": importers_total,
                      "more": max(0, importers_total - len(importers))},
        "score": {"value": score, "text": fmt_number(score, 1) if score is not None else "n/a",
                  "status": score_status, "status_label": STATUS_LABELS[score_status],
                  "controls": len(controls),
                  "controls_applied": sum(1 for r in controls if r["status"] != "n/a")},
        "status_counts": {s: sum(1 for r in controls if r["status"] == s)
                          for s in ("red", "amber", "green", "n/a")},
        "policy": {"version": str(getattr(policy, "version", "") or ""),
                   "source": str(getattr(policy, "source", "") or ""),
                   "rows": (policy_rows := _policy_rows(policy)),
                   "key_width": max((len(k) for k, _ in policy_rows), default=0)},
        "penalty_floor": _penalty_floor_text(policy_values),
        "authority_legend": [{"label": AUTHORITY_LABELS[k], "text": v}
                             for k, v in AUTHORITY_LEGEND.items()],
        "effective_dates": sorted({r["effective_on"] for r in rows if r["dated"]
                                   and r["effective_on"] is not None}),
        "effective_dates_text": ", ".join(fmt_date(d) for d in sorted(
            {r["effective_on"] for r in rows if r["dated"] and r["effective_on"] is not None})),
        "any_not_in_force": any(r["not_in_force"] for r in rows),
        "broker_condition": policy_values.get("broker_condition", "licensed"),
        "flagged": flagged,
        "sections": sections,
        "section_headings": SECTIONS,
        "extra_section_title": EXTRA_SECTION_TITLE,
        "extra_metrics": extra,
        "exceptions": exceptions,
        "exception_rows": exception_rows,
        "prior": ({"label": str(prior_run.period.label), "rows": prior_rows,
                   "recomputed": prior_recomputed}
                  if prior_run is not None else None),
        "no_entries": trend["total"] == 0,
        "trend": trend,
        "dhs": dhs,
        "benchmarks": benchmark_rows(rows_by_id),
        "data_quality": data_quality,
        "missing_tables": sorted(missing),
        "metrics": rows_by_id,
        "definitions": defs,
        "manifest": manifest,
        "attachments": [{"name": a.name, "description": a.description} for a in attachments],
        "audit": audit_section,
        "prepared": {"date": prepared_day, "text": fmt_date(prepared_day),
                     "iso": prepared.strftime("%Y-%m-%dT%H:%M:%SZ")},
        **board_part.context,  # board pack: board, scorecards, remediation, years, signoff
    }
    return Report(context=context, resources=resources, attachments=attachments,
                  created=prepared)
