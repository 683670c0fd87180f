"""CBP's published figures the report shows as context, read from ``benchmarks_cbp.toml``
(decimal strings, each with its source and what it measures)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import ConfigError


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
