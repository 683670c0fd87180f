"""The audit figures' one rounding rule and their print formats.

Money is rounded once, half up to the cent (the catalog's rule for output, as in the
metrics' JSON), from the exact value; rates are fractions printed as percentages.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

CENT = Decimal("0.01")


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
    return exact_decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(value: Fraction | Decimal | int) -> str:
    """Dollars to the cent: Decimal('-1234.5') -> '-$1,234.50'."""
    q = to_cents(value)
    return f"{'-' if q < 0 else ''}${abs(q):,.2f}"


def fmt_rate(value: float | None, places: int = 2) -> str:
    """A fraction as a percentage: 0.97123 -> '97.12%'; None -> '–'."""
    if value is None:
        return "–"
    return f"{value * 100:,.{places}f}%"
