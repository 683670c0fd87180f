"""Shared helpers of the audit tests: a generated universe in a real DuckDB file, a sample
built by hand (to write worksheets with known strata), and filling a worksheet as a tester
would (openpyxl, saved as a new file).

The generated universe (``universe_db``), calendar year 2026:

- 400 entries dated 2026-01-01 onwards (one per day, cycling), 3 lines each, the third line
  with a Chapter 99 ordinal (tariff_ordinal 2, HTS 9903...) that is not in the universe;
- entered values 0.00 to about 500,000 spread by a fixed rule, so strata are unequal in lines;
- two entries dated 2025-12-31 and 2027-01-01 whose lines are outside the period.

So the universe holds 400 × 3 = 1,200 lines (line 3 ordinal 1 is in, its ordinal 2 is not).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from customs_readiness.audit.draw import AuditSample, SizeRule, Stratum
from customs_readiness.db import connect
from customs_readiness.metrics import period_for

UNIVERSE_LINES = 1200


def entered_value(i: int) -> Decimal:
    """A skewed spread of values: most lines small, a few large (and some exactly 0)."""
    base = (i * 7919) % 1000  # 0..999, well mixed
    if base < 5:
        return Decimal("0.00")
    cents = (base ** 3) // 20 + (i % 97)  # cubic: long right tail, up to ~500,000.00
    return Decimal(cents) / 100


def universe_db(path: Path) -> Path:
    """Write the generated universe into a new DuckDB file at ``path``; return it."""
    con = connect(path)
    entries, lines = [], []
    start = dt.date(2026, 1, 1)
    for e in range(400):
        number = f"AUD{e:08d}"
        entries.append((number, "01", "IMP-1", start + dt.timedelta(days=e % 365)))
        for line in (1, 2, 3):
            i = e * 3 + line
            value = entered_value(i)
            duty = (value * Decimal("0.05")).quantize(Decimal("0.01"))
            lines.append((number, line, 1, f"84713{i % 100000:05d}", "CN", f"MID{i}",
                          value, duty))
        lines.append((number, 3, 2, "9903880300", "CN", None, Decimal("0.00"), Decimal("0.00")))
    for number, day in (("AUDX0000001", dt.date(2025, 12, 31)), ("AUDX0000002", dt.date(2027, 1, 1))):
        entries.append((number, "01", "IMP-1", day))
        lines.append((number, 1, 1, "8471300100", "CN", None, Decimal("99999.00"), Decimal("1.00")))
    con.executemany("insert into entries (entry_number, entry_type, importer_number, entry_date) "
                    "values (?, ?, ?, ?)", entries)
    con.executemany("insert into entry_lines (entry_number, line_number, tariff_ordinal, "
                    "hts_number, country_of_origin, manufacturer_id, entered_value, duty_amount) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?)", lines)
    con.close()
    return path


def open_db(path: Path) -> duckdb.DuckDBPyConnection:
    return connect(path, read_only=True, must_exist=True)


def hand_sample(strata: list[tuple[int, int, bool]],
                lines: list[tuple[int, Decimal, Decimal | None]]) -> AuditSample:
    """A sample with the given strata (N_h, n_h, certainty) and sampled lines (stratum,
    entered_value, duty_amount), numbered in order; values of a stratum h lie in
    [1000·(h−1), 1000·h)."""
    period = period_for(2026)
    rows = []
    for i, (h, value, duty) in enumerate(lines, start=1):
        rows.append((i, h, f"HND{i:08d}", 1, 1, "8471300100", "CN", f"MID{i}", value, duty))
    ss = tuple(Stratum(h, Decimal(1000 * (h - 1)), Decimal(1000 * h), big_n,
                       Decimal(1000 * h) * big_n / 2, n, certainty)
               for h, (big_n, n, certainty) in enumerate(strata, start=1))
    population = sum(s.lines_in_universe for s in ss if not s.certainty)
    size = sum(s.lines_sampled for s in ss if not s.certainty)
    return AuditSample(period=period, seed=1, strata_requested=len(strata),
                       certainty_value=next((s.lower_value for s in ss if s.certainty), None),
                       size_rule=SizeRule(population, size), strata=ss, rows=tuple(rows),
                       universe_lines=sum(s.lines_in_universe for s in ss),
                       universe_value=sum((s.value_in_universe for s in ss), Decimal(0)))


RESULT_COLUMNS = {"result": 11, "error_type": 12, "correct_duty": 13, "notes": 14}


def fill(path: Path, out: Path, results: dict[int, tuple[Any, ...]] | None = None,
         default: tuple[Any, ...] = ("compliant",), edit=None) -> Path:
    """Fill the Sample sheet of ``path`` as a tester would and save it as ``out``.

    ``results`` maps sample_id to (result, error_type, correct_duty); other rows get
    ``default``. ``edit(workbook)`` may change anything else before saving.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Sample"]
    results = results or {}
    for r in range(2, ws.max_row + 1):
        sid = ws.cell(r, 1).value
        if sid is None:
            continue
        values = results.get(sid, default)
        for name, v in zip(("result", "error_type", "correct_duty"), values, strict=False):
            ws.cell(r, RESULT_COLUMNS[name]).value = v
    if edit is not None:
        edit(wb)
    wb.save(out)
    return out
