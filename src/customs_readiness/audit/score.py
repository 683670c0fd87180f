"""Project a tested sample to its universe (Cochran, stratified random sampling without
replacement; Sampling Techniques, 3rd ed., 5.3 and 5.9).

With W_h = N_h/N and f_h = n_h/N_h, from the worksheet's own Strata sheet:

- compliance rate p̂ = Σ W_h p̂_h, p̂_h = compliant_h/n_h;
  Var(p̂) = Σ W_h² (1−f_h) p̂_h(1−p̂_h)/(n_h−1); interval p̂ ± 1.96 √Var, clipped to [0, 1];
  with one stratum also the exact (Clopper-Pearson) two-sided 95 % interval (scipy);
- loss of revenue, by the difference estimator on d_i = correct_duty − duty_amount (an empty
  correct_duty means no difference, an empty duty_amount is 0): D̂ = Σ N_h d̄_h,
  Var(D̂) = Σ N_h² (1−f_h) s_h²/n_h with s_h² over n_h−1; interval D̂ ± 1.96 √Var; once net
  of over-payments and once for under-payments only (d_i⁺ = max(d_i, 0)).

Sums are exact (fractions of exact decimals); money is rounded once, half up to the cent,
when it is shown (``to_cents``); rates are shown as floats. A stratum tested in full
(f_h = 1, a certainty stratum) adds nothing to a variance.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

from .draw import METHOD
from .fmt import exact_decimal as _decimal
from .fmt import to_cents
from .worksheet import ERROR_TYPES, STRATA, Worksheet, WorksheetError, read_worksheet

Z_95 = Fraction("1.96")
DEFAULT_GOAL = Decimal("0.95")
GOAL_BASIS = ("practitioner convention: CBP publishes no fixed compliance threshold for "
              "audits or prior disclosures")
ESTIMATORS = ("Cochran's stratified estimators (sampling without replacement): compliance "
              "rate sum W_h p_h with a normal 95 % interval; loss of revenue by the "
              "difference estimator sum N_h d_h on d = correct_duty - duty_amount.")


def _sqrt(x: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(x.numerator) / Decimal(x.denominator)).sqrt()


@dataclass(frozen=True)
class Projection:
    """An estimate with its variance and normal 95 % interval (exact values)."""

    estimate: Fraction
    variance: Fraction

    @property
    def half_width(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 60
            return _decimal(Z_95) * _sqrt(self.variance)

    @property
    def low(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 60
            return _decimal(self.estimate) - self.half_width

    @property
    def high(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 60
            return _decimal(self.estimate) + self.half_width


@dataclass(frozen=True)
class StratumScore:
    stratum: int
    lower_value: Decimal
    upper_value: Decimal
    lines_in_universe: int
    lines_sampled: int
    errors: int
    compliance_rate: Fraction
    mean_difference: Fraction
    mean_underpayment: Fraction
    certainty: bool


@dataclass(frozen=True)
class AuditScore:
    """The projection of a tested worksheet."""

    worksheet: Worksheet
    strata: tuple[StratumScore, ...]
    compliance: Projection
    exact: tuple[float, float] | None  # Clopper-Pearson, one stratum only
    loss: Projection
    underpayment: Projection
    errors_by_type: dict[str, int]
    goal: Decimal

    @property
    def lines_in_universe(self) -> int:
        return sum(s.lines_in_universe for s in self.strata)

    @property
    def lines_sampled(self) -> int:
        return sum(s.lines_sampled for s in self.strata)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.strata)

    @property
    def rate_interval(self) -> tuple[float, float]:
        """The normal 95 % interval of the compliance rate, clipped to [0, 1]."""
        return (max(0.0, float(self.compliance.low)), min(1.0, float(self.compliance.high)))

    @property
    def goal_result(self) -> str:
        """met: the whole interval is at or above the goal; not_met: wholly below it;
        inconclusive: the interval straddles it."""
        low, high = self.rate_interval
        goal = float(self.goal)
        if low >= goal:
            return "met"
        if high < goal:
            return "not_met"
        return "inconclusive"


def clopper_pearson(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact two-sided binomial interval for successes/trials (scipy's beta quantiles)."""
    from scipy.stats import beta

    if trials <= 0:
        raise ValueError("trials must be positive")
    alpha = 1 - confidence
    low = 0.0 if successes == 0 else float(beta.ppf(alpha / 2, successes, trials - successes + 1))
    high = 1.0 if successes == trials else float(beta.ppf(1 - alpha / 2, successes + 1,
                                                         trials - successes))
    return low, high


def _mean_and_variance(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    n = len(values)
    mean = sum(values, Fraction(0)) / n
    if n < 2:
        return mean, Fraction(0)
    return mean, sum(((v - mean) ** 2 for v in values), Fraction(0)) / (n - 1)


def score(ws: Worksheet, goal: Decimal = DEFAULT_GOAL) -> AuditScore:
    """Project a checked worksheet. Raises WorksheetError for a stratum that is sampled but
    not in full with fewer than 2 lines (its variance cannot be estimated)."""
    total = sum(s.lines_in_universe for s in ws.strata)
    certainty = ws.certainty_stratum
    rate, rate_var = Fraction(0), Fraction(0)
    loss, loss_var = Fraction(0), Fraction(0)
    under, under_var = Fraction(0), Fraction(0)
    strata: list[StratumScore] = []
    errors_by_type = dict.fromkeys(ERROR_TYPES, 0)
    for s in ws.strata:
        lines = [line for line in ws.lines if line.stratum == s.stratum]
        n, big_n = len(lines), s.lines_in_universe
        if big_n == 0:
            continue
        if n == 0 or n > big_n or (n < 2 and n < big_n):
            raise WorksheetError(str(ws.path), STRATA, f"{n:,} of {big_n:,} lines tested: a "
                                 "stratum needs at least 2 tested lines (or all of them) and "
                                 "no more than it holds", s.row, "lines_sampled")
        errors = sum(1 for line in lines if line.result == "error")
        for line in lines:
            if line.error_type:
                errors_by_type[line.error_type] += 1
        w = Fraction(big_n, total)
        fpc = 1 - Fraction(n, big_n)
        p = Fraction(n - errors, n)
        rate += w * p
        if n > 1:
            rate_var += w * w * fpc * p * (1 - p) / (n - 1)
        diffs = [Fraction(line.correct_duty - (line.duty_amount or Decimal(0)))
                 if line.correct_duty is not None else Fraction(0) for line in lines]
        d_mean, d_var = _mean_and_variance(diffs)
        u_mean, u_var = _mean_and_variance([max(d, Fraction(0)) for d in diffs])
        loss += big_n * d_mean
        loss_var += big_n * big_n * fpc * d_var / n
        under += big_n * u_mean
        under_var += big_n * big_n * fpc * u_var / n
        strata.append(StratumScore(s.stratum, s.lower_value, s.upper_value, big_n, n, errors,
                                   p, d_mean, u_mean, s.stratum == certainty))
    exact = None
    if len(strata) == 1:
        only = strata[0]
        exact = clopper_pearson(only.lines_sampled - only.errors, only.lines_sampled)
    return AuditScore(worksheet=ws, strata=tuple(strata), compliance=Projection(rate, rate_var),
                      exact=exact, loss=Projection(loss, loss_var),
                      underpayment=Projection(under, under_var), errors_by_type=errors_by_type,
                      goal=goal)


def score_worksheet(path: Path, goal: Decimal = DEFAULT_GOAL) -> AuditScore:
    """Read, check and project a tested worksheet (see read_worksheet for the errors)."""
    return score(read_worksheet(path), goal)


# --------------------------------------------------------------------------- output


def _money_interval(p: Projection) -> dict[str, Decimal]:
    return {"estimate": to_cents(p.estimate), "low": to_cents(p.low), "high": to_cents(p.high)}


def as_dict(result: AuditScore) -> dict[str, Any]:
    """The projection as plain data: rates as floats, money as Decimals to the cent."""
    low, high = result.rate_interval
    plan = result.worksheet.plan
    return {
        "worksheet": result.worksheet.path.name,
        "period": plan.get("period"),
        "seed": plan.get("seed"),
        "method": {"sampling": plan.get("method") or METHOD, "estimators": ESTIMATORS,
                   "confidence": 0.95},
        "lines_in_universe": result.lines_in_universe,
        "lines_sampled": result.lines_sampled,
        "errors": result.errors,
        "compliance_rate": {
            "estimate": float(result.compliance.estimate),
            "low": low,
            "high": high,
            "exact_low": result.exact[0] if result.exact else None,
            "exact_high": result.exact[1] if result.exact else None,
        },
        "loss_of_revenue": _money_interval(result.loss),
        "underpayment": _money_interval(result.underpayment),
        "strata": [{
            "stratum": s.stratum,
            "lower_value": to_cents(s.lower_value),
            "upper_value": to_cents(s.upper_value),
            "certainty": s.certainty,
            "lines_in_universe": s.lines_in_universe,
            "lines_sampled": s.lines_sampled,
            "errors": s.errors,
            "compliance_rate": float(s.compliance_rate),
            "mean_difference": to_cents(s.mean_difference),
            "mean_underpayment": to_cents(s.mean_underpayment),
        } for s in result.strata],
        "errors_by_type": dict(result.errors_by_type),
        "policy_goal": {
            "rate": float(result.goal),
            "basis": GOAL_BASIS,
            "estimate_meets_goal": float(result.compliance.estimate) >= float(result.goal),
            "result": result.goal_result,
        },
    }


def dumps(data: Any) -> str:
    """JSON text with Decimals written exactly as numbers (never through float)."""
    def enc(o: Any, level: int) -> str:
        pad = "  " * (level + 1)
        if isinstance(o, Decimal):
            return format(abs(o) if o == 0 else o, "f")  # never "-0.00"
        if isinstance(o, float) and not math.isfinite(o):
            raise ValueError(f"cannot write {o} as a JSON number")
        if isinstance(o, dict):
            if not o:
                return "{}"
            inner = ",\n".join(f"{pad}{json.dumps(str(k))}: {enc(v, level + 1)}"
                               for k, v in o.items())
            return "{\n" + inner + "\n" + "  " * level + "}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            return "[\n" + ",\n".join(pad + enc(v, level + 1) for v in o) + "\n" + "  " * level + "]"
        return json.dumps(o, ensure_ascii=False)

    return enc(data, 0)
