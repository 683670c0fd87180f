"""The one CSV writer of the tool, for exception lists (``readiness exceptions``) and the
files attached to the PDF alike.

UTF-8, a header row, CRLF line ends (RFC 4180), text quoted, exact decimals, ISO dates,
true/false, empty for no value. A
text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is neutralised with a leading apostrophe, the same way in
every file (the XLSX workbook writes text cells as text, never as formulas).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .format import cell_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """A text cell as it may safely go into a spreadsheet: formula-like text gets a '."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes of a table given as columns and Python rows: turned into an Arrow table
    (a column of mixed types as text) and written by ``arrow_to_csv``."""
    import pyarrow as pa

    rows = list(rows)
    arrays = []
    for i, _name in enumerate(columns):
        values = [row[i] for row in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowException, TypeError, ValueError):
            arrays.append(pa.array([None if v is None else cell_text(v) for v in values],
                                   pa.string()))
    return arrow_to_csv(pa.table(arrays, names=[str(c) for c in columns]))


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
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    out = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(columns, names=table.column_names), out,
                    pacsv.WriteOptions(include_header=True, eol="\r\n"))
    return out.getvalue().to_pybytes()
