"""The CSV writer for Python rows (``to_csv``) writes the cells Arrow writes for the same
column types (``arrow_to_csv``), and the report never imports pandas to write them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from decimal import Decimal

import pyarrow as pa

from customs_readiness.report.csvfile import arrow_to_csv, to_csv

COLUMNS = ["text", "count", "money", "flag", "day", "nothing"]
ROWS = [
    ['say "hi"', 0, Decimal("1.5"), True, dt.date(2026, 6, 3), None],
    ["=1+2", -9223372036854775808, Decimal("-0.00"), False, None, None],
    [None, 9223372036854775807, Decimal("12.25"), None, dt.date(2026, 12, 31), None],
    ["", None, None, True, dt.date(2025, 1, 1), None],
    ["two\nlines, é", 7, Decimal("1E+2"), False, None, None],
]
# counted by hand: text quoted (quotes doubled, formula neutralised, empty text is "",
# no value is nothing), money to the column's largest scale (2) with no negative zero
EXPECTED = (
    '"text","count","money","flag","day","nothing"\r\n'
    '"say ""hi""",0,1.50,true,2026-06-03,\r\n'
    '"\'=1+2",-9223372036854775808,0.00,false,,\r\n'
    ',9223372036854775807,12.25,,2026-12-31,\r\n'
    '"",,,true,2025-01-01,\r\n'
    '"two\nlines, é",7,100.00,false,,\r\n'
).encode()


def test_csv_python_rows_give_the_hand_counted_cells():
    assert to_csv(COLUMNS, ROWS) == EXPECTED


def test_csv_python_rows_give_the_cells_arrow_writes_for_the_same_types():
    types = [pa.string(), pa.int64(), pa.decimal128(5, 2), pa.bool_(), pa.date32(), pa.null()]
    table = pa.table([pa.array([row[i] for row in ROWS], t) for i, t in enumerate(types)],
                     names=COLUMNS)
    assert arrow_to_csv(table) == to_csv(COLUMNS, ROWS)


def test_csv_no_rows_is_the_header_alone():
    assert to_csv(["a", 'b"c'], []) == b'"a","b""c"\r\n'


def test_csv_mixed_columns_are_decimals_or_quoted_text():
    rows = [[1, 1, 1.5, 2 ** 64, Decimal("1" * 40), dt.datetime(2026, 6, 3, 9, 30)],
            [Decimal("2.5"), "-x", None, 1, Decimal("1"), None]]
    lines = to_csv(list("abcdef"), rows).decode().split("\r\n")
    # integers among decimals are decimals; any other mix, a float, an integer beyond
    # 64 bits, more digits than a decimal column holds and a time stamp are quoted text
    assert lines[1] == '1.0,"1","1.5","18446744073709551616","' + "1" * 40 + '","2026-06-03T09:30:00"'
    assert lines[2] == '2.5,"\'-x",,"1","1",'


def test_report_and_lists_import_no_pandas(tmp_path):
    """pyarrow imports pandas (0.3 s) when it turns Python values into Arrow data and pandas
    is installed, as it is wherever the bench's pandas peer runs: `run` (with its report)
    and `exceptions` never do."""
    assert importlib.util.find_spec("pandas") is not None  # in the test extra
    folder, db, pdf = tmp_path / "data", tmp_path / "r.duckdb", tmp_path / "r.pdf"
    code = (
        "import sys\n"
        "from customs_readiness.cli.app import app\n"
        f"app(['sample', '--out', {str(folder)!r}, '--entries', '300'], standalone_mode=False)\n"
        f"app(['run', {str(folder)!r}, '--year', '2026', '--db', {str(db)!r}, '--out', "
        f"{str(pdf)!r}], standalone_mode=False)\n"
        f"app(['exceptions', '--year', '2026', '--db', {str(db)!r}, '--out', "
        f"{str(tmp_path / 'lists')!r}], standalone_mode=False)\n"
        "print('pandas' in sys.modules, 'pyarrow' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False True"  # Arrow itself is used
    assert pdf.stat().st_size > 0
    assert (tmp_path / "lists" / "exceptions.xlsx").stat().st_size > 0
