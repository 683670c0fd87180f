"""The one CSV writer of the tool, for exception lists (``readiness exceptions``) and the
files attached to the PDF alike.

UTF-8, a header row, CRLF line ends (RFC 4180), text quoted, exact decimals, ISO dates,
true/false, empty for no value. A
text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is neutralised with a leading apostrophe, the same way in
every file (the XLSX workbook writes text cells as text, never as formulas).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from .format import cell_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """A text cell as it may safely go into a spreadsheet: formula-like text gets a '."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes of a table given as columns and Python rows, with the cells
    ``arrow_to_csv`` writes for a column of one type: text, 64-bit integers, true/false,
    dates, decimals (printed to the column's largest scale, as Arrow does: 1.5 and 2.25
    as 1.50 and 2.25). Integers among decimals are decimals (1 and 2.5 as 1.0 and 2.5);
    any other column (other mixed types, a float, a time stamp) is quoted text.

    Written here rather than through Arrow: pyarrow turning any Python value into Arrow
    data (an array, a scalar) imports pandas where pandas is installed, 0.3 s of a report
    or an exceptions run; the report and the lists never do it."""
    rows = list(rows)
    cells = [_column_cells([row[i] for row in rows]) for i in range(len(columns))]
    lines = [",".join(_quoted(str(c)) for c in columns)]
    lines.extend(",".join(col[r] for col in cells) for r in range(len(rows)))
    return ("\r\n".join(lines) + "\r\n").encode()


_INT64 = (-(2 ** 63), 2 ** 63 - 1)
_DECIMAL_DIGITS = 38  # Arrow's decimal128


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if _INT64[0] <= value <= _INT64[1] else "other"
    if isinstance(value, Decimal):
        return "decimal" if value.is_finite() else "other"
    if isinstance(value, dt.datetime):
        return "other"
    if isinstance(value, dt.date):
        return "date"
    return "str" if isinstance(value, str) else "other"


def _column_cells(values: list[Any]) -> list[str]:
    """One column's CSV fields (see ``to_csv``); no value is an empty field."""
    kinds = {_kind(v) for v in values if v is not None}
    if kinds in ({"int"}, {"bool"}, {"date"}):
        return ["" if v is None else cell_text(v) for v in values]
    if kinds and kinds <= {"int", "decimal"}:
        scale = max(max(0, -v.as_tuple().exponent) for v in values if isinstance(v, Decimal))
        unit = Decimal(1).scaleb(-scale)
        try:
            with localcontext(prec=_DECIMAL_DIGITS, traps=[InvalidOperation]):
                numbers = [None if v is None else Decimal(v).quantize(unit) for v in values]
        except InvalidOperation:  # more digits than a decimal column holds: text
            numbers = None
        if numbers is not None:
            # no negative zero in Arrow's decimals: -0.00 is 0.00
            return ["" if v is None else format(v.copy_abs() if v == 0 else v, "f")
                    for v in numbers]
    return ["" if v is None else _quoted(neutralise(cell_text(v))) for v in values]


def arrow_to_csv(table) -> bytes:
    """CSV bytes of a pyarrow Table, written by Arrow (fast at any size), with the same
    cells as ``to_csv``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, _FORMULA_PATTERN)
            # the quote as a function option, not an Arrow scalar (see to_csv on pandas)
            col = pc.if_else(risky, pc.utf8_replace_slice(col, 0, 0, "'"), col)
        columns.append(col)
    out = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(columns, names=table.column_names), out,
                    pacsv.WriteOptions(include_header=True, eol="\r\n"))
    return out.getvalue().to_pybytes()
