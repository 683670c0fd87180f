"""Exact fractions of the audit projections as decimals, rounded and printed by the tool's
one rule (``values.round_money``, half up to the cent) and one formatter (``report.format``).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from ..report.format import fmt_money as format_money
from ..report.format import fmt_rate as format_rate
from ..values import round_money


def exact_decimal(x: Fraction | Decimal | int) -> Decimal:
    """A Fraction as a Decimal to 60 significant digits (exact when it terminates)."""
    if isinstance(x, Decimal):
        return x
    x = Fraction(x)
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(x.numerator) / Decimal(x.denominator)


def to_cents(x: Fraction | Decimal | int) -> Decimal:
    """Money for output: half up to the cent, from the exact value."""
    return round_money(exact_decimal(x))


def fmt_money(value: Fraction | Decimal | int) -> str:
    """Dollars to the cent: Decimal('-1234.5') -> '-$1,234.50'."""
    return format_money(to_cents(value))


def fmt_rate(value: float | None, places: int = 2) -> str:
    """A fraction as a percentage: 0.97123 -> '97.12%'; None -> '–'."""
    return format_rate(value, places)
