"""CBP's published figures the report shows as context, read from ``benchmarks_cbp.toml``
(decimal strings, each with its source and what it measures)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..values import to_decimal as _dec
from .format import fmt_value


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    value: Decimal
    unit: str
    fiscal_year: str
    source: str
    url: str
    metric: str | None = None
    goal: Decimal | None = None
    note: str = ""
    comparison: str = "context"  # "like_for_like" (above/below is said) or "context"
    measures: str = ""


BENCHMARKS_FILE = Path(__file__).with_name("benchmarks_cbp.toml")
_BENCHMARK_KEYS = {"id", "title", "value", "unit", "fiscal_year", "source", "url", "metric",
                   "goal", "note", "comparison", "measures"}


def load_benchmarks(path: Path = BENCHMARKS_FILE) -> list[Benchmark]:
    """Published CBP figures from the benchmarks file (decimal strings, with sources).

    Raises ConfigError naming the file and key on an invalid entry.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    out = []
    for i, item in enumerate(raw.get("benchmark", []), start=1):
        unknown = set(item) - _BENCHMARK_KEYS
        if unknown:
            raise ConfigError(f"{path}: benchmark {i}: unknown key {sorted(unknown)[0]!r}")
        for key in ("id", "title", "value", "unit", "fiscal_year", "source", "url"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise ConfigError(f"{path}: benchmark {i}: {key!r} must be a non-empty string")
        if item.get("comparison", "context") not in ("context", "like_for_like"):
            raise ConfigError(f"{path}: benchmark {i}: 'comparison' must be \"context\" or "
                              "\"like_for_like\"")
        try:
            value = Decimal(item["value"])
            goal = Decimal(item["goal"]) if item.get("goal") else None
        except ArithmeticError:
            raise ConfigError(f"{path}: benchmark {i}: value/goal must be decimal strings") from None
        out.append(Benchmark(id=item["id"], title=item["title"], value=value, unit=item["unit"],
                             fiscal_year=item["fiscal_year"], source=item["source"],
                             url=item["url"], metric=item.get("metric"), goal=goal,
                             note=item.get("note", ""),
                             comparison=item.get("comparison", "context"),
                             measures=item.get("measures", "")))
    return out


def benchmark_metric(b: Benchmark, rows_by_id: dict[str, dict[str, Any]]
                      ) -> dict[str, Any] | None:
    """The importer's figure a benchmark compares with: a metric, or "a/b" of two metrics
    (divided exactly, shown in the benchmark's unit)."""
    if not b.metric:
        return None
    if "/" not in b.metric:
        return rows_by_id.get(b.metric)
    num_id, den_id = (part.strip() for part in b.metric.split("/", 1))
    num, den = rows_by_id.get(num_id), rows_by_id.get(den_id)
    if num is None or den is None:
        return None
    missing = num["not_provided"] or den["not_provided"]
    n, d = _dec(num["value"]), _dec(den["value"])
    value = None if missing or n is None or not d else n / d
    return {"title": f"{num['title']} / {den['title']}", "value": value,
            "not_provided": missing,
            "value_text": "not provided" if missing else fmt_value(value, b.unit)}


def benchmark_rows(rows_by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each published figure beside the importer's (compared only like for like)."""
    out = []
    for b in load_benchmarks():
        mine = benchmark_metric(b, rows_by_id)
        comparison = ""
        if (b.comparison == "like_for_like" and mine and not mine["not_provided"]
                and mine["value"] is not None):
            v = _dec(mine["value"])
            comparison = "above" if v > b.value else ("below" if v < b.value else "equal to")
        out.append({
            "title": b.title, "cbp_text": fmt_value(b.value, b.unit),
            "goal_text": fmt_value(b.goal, b.unit) if b.goal is not None else "",
            "fiscal_year": b.fiscal_year, "source": b.source, "url": b.url, "note": b.note,
            "metric_title": mine["title"] if mine else "",
            "like_for_like": b.comparison == "like_for_like",
            "measures": b.measures,
            "mine_text": mine["value_text"] if mine else "not comparable",
            "comparison": comparison,
        })
    return out
