"""The values the metric engine hands on: one figure (``MetricResult``), one period's figures
(``MetricRun``) and everything a report or export needs of a period (``PeriodFigures``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..policy import Policy
from ..values import dumps_json, json_value
from ..vocabulary import SECTIONS
from .catalog import MetricDef
from .period import Period


@dataclass(frozen=True)
class MetricResult:
    """One computed figure. ``value`` is an int (counts), a Decimal (money, rates, days) or None."""

    id: str
    value: int | Decimal | None
    status: str | None
    definition: MetricDef
    numerator: int | Decimal | None = None
    denominator: int | Decimal | None = None
    status_rule: str = "informational"  # plain words with the numbers of the policy used
    # A dated metric: the figure over the records before its effective date (no status).
    before_order: int | Decimal | None = None
    effective_on: date | None = None  # a dated metric's effective date
    missing: int | None = None  # rows lacking the amount a sum needs (None: not a sum)
    rows_in_scope: int | None = None  # the rows a sum ran over (the m of "n of m")
    # A dated metric: the records of the period on or after its effective date (E* or D*);
    # 0 means the provision is not in force in this period.
    in_force_records: int | None = None

    @property
    def not_in_force(self) -> bool:
        """A dated metric with no record of the period on or after its effective date."""
        return self.in_force_records == 0
    not_provided: tuple[str, ...] = ()  # deciding columns no loaded file carried

    @property
    def has_records(self) -> bool:
        """Whether records can stand behind the figure or its before-the-order baseline: not
        for a null figure or a count of 0 (a rate of 0 has: every record failed). The one
        definition every output uses."""
        count = self.definition.unit == "count"
        return any(v is not None and not (count and v == 0)
                   for v in (self.value, self.before_order))


@dataclass
class MetricRun:
    """All figures of one period under one policy."""

    period: Period
    policy: Policy
    results: dict[str, MetricResult]
    score: Decimal | None
    metrics_dirs: tuple[str, ...] = field(default=())
    # Fingerprint of the data and metric definitions the figures were computed from; a
    # stored run is reused only while it still matches (see ``is_fresh``).
    data_version: str = ""

    def by_section(self) -> list[tuple[str, str, list[MetricResult]]]:
        """(section id, title, results) in section order, skipping empty sections."""
        out = []
        for sid, title in SECTIONS.items():
            rows = [r for r in self.results.values() if r.definition.section == sid]
            if rows:
                out.append((sid, title, rows))
        return out

    def to_json_dict(self) -> dict[str, Any]:
        """The spec's machine-readable output; values stay Decimal/int (see ``dumps_json``)."""
        metrics: dict[str, Any] = {}
        for r in self.results.values():
            d = r.definition
            entry: dict[str, Any] = {
                "value": json_value(r.value, d.unit),
                "status": r.status,
                "title": d.title,
                "unit": d.unit,
                "section": d.section,
                "authority": d.authority,
                "control": d.is_control,
                "source": d.source,
            }
            if d.dated:
                entry["effective_on"] = r.effective_on.isoformat() if r.effective_on else None
                entry["before_order"] = json_value(r.before_order, d.unit)
                entry["in_force"] = not r.not_in_force
            if r.missing is not None:
                entry["missing"] = r.missing
            if r.not_provided:
                entry["not_provided"] = list(r.not_provided)
            if r.numerator is not None or r.denominator is not None:
                entry["numerator"] = json_value(r.numerator, d.unit)
                entry["denominator"] = json_value(r.denominator, d.unit)
            entry["status_rule"] = r.status_rule
            metrics[r.id] = entry
        return {
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
                "end_is_exclusive": True,
                "fiscal_year_start_month": self.period.fiscal_start_month,
            },
            "policy": self.policy.as_dict(),
            "metrics": metrics,
        }

    def to_json(self) -> str:
        """JSON text with numbers written exactly from Decimal."""
        return dumps_json(self.to_json_dict())



@dataclass
class PeriodFigures:
    """Everything a report or an export needs of one period, computed or read back once.

    ``exceptions`` maps a metric id to a DuckDB relation listing the records behind its
    figure (only metrics with records); ``volume`` is (columns, rows) of the trade volume by
    entry-type group. ``stored`` tells whether these come from a stored run (``metrics``) or
    were computed now without writing to the database. ``money_table`` names the table of
    the period's entered value and duty per importer of record and filer code (working set
    ``period_money``, stored or temp like the lists), or is None for a run stored by an
    earlier version without it.
    """

    run: MetricRun
    exceptions: dict[str, Any]
    volume: tuple[list[str], list[tuple]]
    stored: bool
    money_table: str | None = None
