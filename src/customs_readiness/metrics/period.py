"""Reporting periods: a calendar year, or a fiscal year starting in any month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import ConfigError


@dataclass(frozen=True)
class Period:
    """A reporting period [start, end): end is exclusive."""

    start: date
    end: date
    label: str
    year: int
    fiscal_start_month: int


def period_for(year: int, fiscal_start_month: int = 1) -> Period:
    """Period of ``--year Y``: the calendar year, or fiscal year Y = [Y-1-M-01, Y-M-01).

    Raises ConfigError for a month outside 1..12 or a year outside 1901..9998.
    """
    if isinstance(fiscal_start_month, bool) or not 1 <= fiscal_start_month <= 12:
        raise ConfigError(f"fiscal-year start month must be 1..12, got {fiscal_start_month}")
    if not 1901 <= year <= 9998:
        raise ConfigError(f"year must be between 1901 and 9998, got {year}")
    if fiscal_start_month == 1:
        return Period(date(year, 1, 1), date(year + 1, 1, 1), f"CY{year}", year, 1)
    return Period(
        date(year - 1, fiscal_start_month, 1),
        date(year, fiscal_start_month, 1),
        f"FY{year}",
        year,
        fiscal_start_month,
    )

