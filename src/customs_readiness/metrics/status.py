"""Statuses and the readiness score: decided here, in Python, from each metric header's status
rule and the policy's thresholds, weights and score bands (SQL computes facts only).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

from ..errors import ConfigError
from ..policy import Policy
from ..values import round_places
from .catalog import MetricDef
from .model import MetricResult

STATUS_POINTS = {"green": Decimal(1), "amber": Decimal("0.5"), "red": Decimal(0)}


def _resolve(ref: str | Decimal, policy: Policy, where: str) -> Decimal:
    if isinstance(ref, Decimal):
        return ref
    try:
        v = policy.lookup(ref)
    except KeyError:
        raise ConfigError(
            f"{where}: status rule refers to policy key '{ref}', which the policy "
            f"({policy.source}) does not define"
        ) from None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise ConfigError(f"{where}: status rule refers to policy key '{ref}', not a number")
    return Decimal(v)


def evaluate_status(d: MetricDef, value: int | Decimal | None, policy: Policy) -> str | None:
    """Status of a figure: 'n/a' (no value), 'green', 'amber', 'red', or None.

    Informational metrics carry no status, except that a rate over a zero denominator or a
    median over no rows is null with status 'n/a' whatever the metric (the catalog's rule).
    """
    rule = d.rule
    if value is None and (rule is not None or d.unit in ("rate", "days")):
        return "n/a"
    if rule is None:
        return None
    where = str(d.path) if d.path else d.id
    v = Decimal(value)
    green = _resolve(rule.green, policy, where)
    amber = _resolve(rule.amber, policy, where) if rule.amber is not None else None
    if rule.better == "higher":
        if v >= green:
            return "green"
        if amber is not None and v >= amber:
            return "amber"
    else:
        if v <= green:
            return "green"
        if amber is not None and v <= amber:
            return "amber"
    return rule.otherwise


def readiness_score(results: Iterable[MetricResult], policy: Policy) -> Decimal | None:
    """100 x sum(weight x points) / sum(weights) over control metrics whose status is not n/a;
    green 1, amber 0.5, red 0; rounded half-up to one decimal; None if no control applies."""
    num = Decimal(0)
    den = Decimal(0)
    for r in results:
        if not r.definition.is_control or r.status not in STATUS_POINTS:
            continue
        w = policy.weight(r.id)
        num += w * STATUS_POINTS[r.status]
        den += w
    if den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return round_places(Decimal(100) * num / den, 1)


def check_policy_against(defs: list[MetricDef], policy: Policy) -> None:
    dated = {d.id for d in defs if d.dated or d.authority in ("order", "reported")}
    for metric_id in policy.values["effective_on"]:
        if metric_id != "default" and metric_id not in dated:
            raise ConfigError(f"{policy.source}: unknown key 'effective_on.{metric_id}' "
                              "(not a metric of the order in this run)")
    controls = {d.id for d in defs if d.is_control}
    for table in ("thresholds", "weights"):
        for metric_id in policy.values[table]:
            if metric_id not in controls:
                raise ConfigError(
                    f"{policy.source}: unknown key '{table}.{metric_id}' "
                    "(not a control metric of this run)"
                )



def score_band(score: Decimal | None, policy: Policy) -> str:
    """The readiness score's band: green at or above ``score_bands.green``, amber at or
    above ``score_bands.amber``, else red; n/a when no control applies."""
    if score is None:
        return "n/a"
    bands = policy.values["score_bands"]
    if score >= bands["green"]:
        return "green"
    if score >= bands["amber"]:
        return "amber"
    return "red"
