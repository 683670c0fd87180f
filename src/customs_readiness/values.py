"""The one home of the value rules every output shares: exact decimals, money rounded half
up to the cent, and JSON numbers written from ``Decimal`` without passing through float.

JSON (``metrics --format json``), CSV, XLSX, the terminal table and the PDF all round
through ``round_money`` / ``round_places`` here, so 438.885 is $438.89 everywhere.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def to_decimal(value: Any) -> Decimal | None:
    """A database or Python number as an exact Decimal (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # never expected; keep the exact repr, not binary noise
        return Decimal(repr(value))
    return Decimal(str(value))


def round_places(value: Decimal, places: int) -> Decimal:
    """Round half up to ``places`` decimal places (the tool's only rounding rule)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_money(value: Decimal) -> Decimal:
    """Dollars to the cent, half up: a half cent only arises from the floor or statutory
    multipliers (0.50 x 777.77 = 388.885 -> 388.89). Stored values stay exact."""
    return round_places(value, 2)


def json_value(value: Any, unit: str = "") -> Any:
    """A figure as output: money rounded to the cent, everything else exact."""
    if isinstance(value, Decimal) and unit == "usd":
        return round_money(value)
    return value


def _json_number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"cannot write {d} as a JSON number")
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def dumps_json(obj: Any, indent: int = 2) -> str:
    """JSON text where Decimal is written exactly as a number (never through float)."""
    pad = " " * indent

    def enc(o: Any, level: int) -> str:
        if isinstance(o, bool) or o is None or isinstance(o, str):
            return json.dumps(o, ensure_ascii=False)
        if isinstance(o, int):
            return str(o)
        if isinstance(o, Decimal):
            return _json_number(o)
        if isinstance(o, float):
            return json.dumps(o)
        if isinstance(o, date):
            return json.dumps(o.isoformat())
        if isinstance(o, dict):
            if not o:
                return "{}"
            inner = ",\n".join(
                f"{pad * (level + 1)}{json.dumps(str(k), ensure_ascii=False)}: {enc(v, level + 1)}"
                for k, v in o.items()
            )
            return "{\n" + inner + "\n" + pad * level + "}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            return "[" + ", ".join(enc(v, level + 1) for v in o) + "]"
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    return enc(obj, 0)
