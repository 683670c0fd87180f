"""Figures as text: the one formatter of money, rates, counts, days and dates.

Every output that shows a figure to a person (the PDF, the HTML, the terminal table) formats
it here, and every rounding goes through ``values.round_places``: half up, so $438.885
prints as $438.89 in the PDF, the terminal, JSON, CSV and XLSX alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..values import round_money, round_places, to_decimal

DASH = "–"


def fmt_count(value: Any) -> str:
    """1234 -> '1,234'; None -> '–'."""
    d = to_decimal(value)
    if d is None:
        return DASH
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,}"


def fmt_money(value: Any) -> str:
    """Exact dollars to the cent, half up: Decimal('1234.5') -> '$1,234.50'."""
    d = to_decimal(value)
    if d is None:
        return DASH
    q = round_money(d)
    sign = "-" if q < 0 else ""
    return f"{sign}${abs(q):,.2f}"


def fmt_rate(value: Any, places: int = 2) -> str:
    """A fraction as a percentage: Decimal('0.98721') -> '98.72%'."""
    d = to_decimal(value)
    if d is None:
        return DASH
    return f"{round_places(d * 100, places):,.{places}f}%"


def fmt_number(value: Any, places: int = 1) -> str:
    d = to_decimal(value)
    if d is None:
        return DASH
    return f"{round_places(d, places):,.{places}f}"


def unit_kind(unit: str | None) -> str:
    """Map a metric unit onto a display kind: count, money, rate, days, score or number."""
    u = (unit or "").strip().lower()
    if u in {"usd", "$", "dollars", "money", "amount", "usd_amount"}:
        return "money"
    if u in {"rate", "ratio", "share", "fraction", "percent_fraction", "proportion"}:
        return "rate"
    if u in {"days", "day"}:
        return "days"
    if u in {"score", "points"}:
        return "score"
    if u in {"count", "entries", "lines", "cases", "importers", "rows", "number", "integer"}:
        return "count"
    return "number"


def fmt_value(value: Any, unit: str | None) -> str:
    """Format a metric value for print according to its unit."""
    kind = unit_kind(unit)
    if value is None:
        return DASH
    if kind == "money":
        return fmt_money(value)
    if kind == "rate":
        return fmt_rate(value)
    if kind == "days":
        return f"{fmt_number(value, 1)} days"
    if kind == "score":
        return f"{fmt_number(value, 1)} / 100"
    if kind == "count":
        return fmt_count(value)
    d = to_decimal(value)
    return f"{d:,}" if d is not None else DASH


def fmt_plain(value: Any, unit: str | None) -> str:
    """A figure for the terminal table: like ``fmt_value`` but days and scores without their
    unit words ('-' for no value)."""
    if value is None:
        return "-"
    kind = unit_kind(unit)
    if kind == "days":
        return fmt_number(value, 1)
    if kind == "score":
        return fmt_number(value, 1)
    return fmt_value(value, unit)


def figure_text(value: Any, unit: str, missing: int | None = None,
                rows: int | None = None) -> str:
    """A figure for print: "not provided" for a sum none of whose rows carried the amount
    (never $0.00), and "n of m not provided" beside a sum that lacks some amounts."""
    if value is None and missing:
        return "not provided"
    text = fmt_value(value, unit)
    if missing:
        text += f" ({fmt_count(missing)} of {fmt_count(rows)} not provided)" if rows else f" ({fmt_count(missing)} not provided)"
    return text


def fmt_change(current: Any, prior: Any, unit: str | None) -> str:
    """Change from the prior year: percentage points for rates, signed amounts otherwise."""
    c, p = to_decimal(current), to_decimal(prior)
    if c is None or p is None:
        return DASH
    diff = c - p
    kind = unit_kind(unit)
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    if kind == "rate":
        return f"{sign}{round_places(abs(diff) * 100, 2):,.2f} pts"
    if kind == "money":
        return f"{sign}{fmt_money(abs(diff))}"
    if kind in {"score", "days"}:
        return f"{sign}{fmt_number(abs(diff), 1)}"
    return f"{sign}{fmt_count(abs(diff))}"


def fmt_date(value: dt.date | None) -> str:
    """'1 January 2026' (a board-friendly, unambiguous date)."""
    if value is None:
        return DASH
    return f"{value.day} {value:%B %Y}"


def cell_text(value: Any) -> str:
    """One database value as plain text for a table cell or CSV field (exact decimals,
    ISO dates, true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


CLIP_CHARS = 120  # a longer text from the data is cut in the PDF; the attachments keep it whole


def clip_text(value: Any, limit: int = CLIP_CHARS, note: str = " …") -> Any:
    """Text from the data short enough for a table cell (non-text values pass through)."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return value[:limit].rstrip() + note
