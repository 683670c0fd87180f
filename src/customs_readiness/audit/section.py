"""The report's "Audit readiness" section as plain data, every figure already formatted for
print (``report_templates/_section_audit.html`` renders it as ``audit``).

The report passes ``audit_section(worksheet_path)`` into its template context; nothing here
touches the database or the report's own figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from .fmt import fmt_money, fmt_rate
from .score import DEFAULT_GOAL, ESTIMATORS, GOAL_BASIS, as_dict, score_worksheet

GOAL_TEXT = {
    "met": "met: the whole 95 % interval is at or above the goal",
    "not_met": "not met: the whole 95 % interval is below the goal",
    "inconclusive": "not shown either way: the 95 % interval includes the goal",
}


def fmt_interval_money(figure: dict[str, Decimal]) -> tuple[str, str]:
    """(estimate, 'low to high') of a money projection."""
    return (fmt_money(figure["estimate"]),
            f"{fmt_money(figure['low'])} to {fmt_money(figure['high'])}")


def audit_section(worksheet_path: Path, goal: Decimal | None = None) -> dict[str, Any]:
    """Score ``worksheet_path`` and return the section's figures as strings ready to print.

    Keys: ``title``, ``worksheet``, ``period``, ``method`` (sampling, estimators, seed),
    ``lines_in_universe``, ``lines_sampled``, ``errors``, ``rate`` (estimate, interval,
    exact_interval or None), ``loss`` and ``underpayment`` (estimate, interval), ``goal``
    (rate, basis, result, text), ``errors_by_type`` (list of type/count), ``strata`` (rows of
    printed cells) and ``data`` (the unformatted JSON data of `audit-score`).

    Raises WorksheetError as `audit-score` does for a worksheet that cannot be scored.
    """
    result = score_worksheet(Path(worksheet_path), DEFAULT_GOAL if goal is None else goal)
    data = as_dict(result)
    rate = data["compliance_rate"]
    exact = None
    if rate["exact_low"] is not None:
        exact = f"{fmt_rate(rate['exact_low'])} to {fmt_rate(rate['exact_high'])}"
    loss_estimate, loss_interval = fmt_interval_money(data["loss_of_revenue"])
    under_estimate, under_interval = fmt_interval_money(data["underpayment"])
    goal_data = data["policy_goal"]
    return {
        "title": "Audit readiness",
        "worksheet": data["worksheet"],
        "period": data["period"] or "",
        "method": {
            "sampling": data["method"]["sampling"],
            "estimators": ESTIMATORS,
            "seed": "" if data["seed"] is None else str(data["seed"]),
        },
        "lines_in_universe": f"{data['lines_in_universe']:,}",
        "lines_sampled": f"{data['lines_sampled']:,}",
        "errors": f"{data['errors']:,}",
        "rate": {
            "estimate": fmt_rate(rate["estimate"]),
            "interval": f"{fmt_rate(rate['low'])} to {fmt_rate(rate['high'])}",
            "exact_interval": exact,
        },
        "loss": {"estimate": loss_estimate, "interval": loss_interval},
        "underpayment": {"estimate": under_estimate, "interval": under_interval},
        "goal": {
            "rate": fmt_rate(goal_data["rate"], 1),
            "basis": GOAL_BASIS,
            "result": goal_data["result"],
            "text": GOAL_TEXT[goal_data["result"]],
        },
        "errors_by_type": [{"type": k.replace("_", " "), "count": f"{v:,}"}
                           for k, v in data["errors_by_type"].items()],
        "strata": [{
            "stratum": str(s["stratum"]),
            "certainty": s["certainty"],
            "range": f"{fmt_money(s['lower_value'])} to under {fmt_money(s['upper_value'])}",
            "lines_in_universe": f"{s['lines_in_universe']:,}",
            "lines_sampled": f"{s['lines_sampled']:,}",
            "errors": f"{s['errors']:,}",
            "compliance_rate": fmt_rate(s["compliance_rate"]),
            "mean_difference": fmt_money(s["mean_difference"]),
        } for s in data["strata"]],
        "data": data,
    }
