"""The audit universe in DuckDB: its value distribution, its strata and the seeded draw.

The universe is ``universe.sql``: the period's entry lines that carry their own entered
value. Every query here runs it as a CTE with the period bound as parameters, so nothing is
copied; only the stratum counts and the sampled rows come back to Python, whatever the size
of the year.

Strata are value ranges ``[lower, upper)`` given by their cut points: a line's stratum is
1 + the number of cut points at or below its entered value. The seeded draw gives each line
the random key SHA-256("seed|entry_number|line_number|tariff_ordinal") and takes, in each
stratum, the lines with the smallest keys: a simple random sample without replacement that
anyone can re-derive with any SHA-256 tool, independent of row order and library versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from customs_readiness.errors import ConfigError, ReadinessError
from customs_readiness.sql import execute, queries_dir, read_sql

if TYPE_CHECKING:
    import duckdb

    from customs_readiness.metrics import Period

# Columns of a sampled row, in the order of the worksheet's Sample sheet (after sample_id
# and stratum).
LINE_COLUMNS = ("entry_number", "line_number", "tariff_ordinal", "hts_number",
                "country_of_origin", "manufacturer_id", "entered_value", "duty_amount")


UNIVERSE_FILE = "_audit/universe.sql"


@cache
def universe_sql() -> str:
    """The universe query (``queries/_audit/universe.sql``), without its comment lines."""
    text = read_sql(queries_dir("_audit") / "universe.sql")
    return "\n".join(line for line in text.splitlines() if not line.startswith("--"))


def _params(period: Period, **extra: Any) -> dict[str, Any]:
    return {"period_start": period.start, "period_end": period.end, **extra}


def _stratum_expr(cuts: int) -> str:
    # 1 + the number of cut points at or below the value; only placeholders are generated,
    # the values are bound.
    terms = " + ".join(f"(entered_value >= $cut_{i})::integer" for i in range(cuts))
    return f"1 + {terms}" if terms else "1"


def _cut_params(cuts: list[Decimal]) -> dict[str, Decimal]:
    return {f"cut_{i}": c for i, c in enumerate(cuts)}


@dataclass(frozen=True)
class UniverseTotals:
    lines: int
    value: Decimal
    max_value: Decimal | None  # None when the universe is empty


def totals(con: duckdb.DuckDBPyConnection, period: Period) -> UniverseTotals:
    """Lines, entered value and largest entered value of the universe. Raises
    ReadinessError when the database has no entries or entry_lines table."""
    import duckdb

    try:
        lines, value, top = execute(
            con, f"with universe as ({universe_sql()}) "
            "select count(*), coalesce(sum(entered_value), 0), max(entered_value) from universe",
            _params(period), UNIVERSE_FILE).fetchone()
    except (duckdb.CatalogException, ConfigError):
        raise ReadinessError("the database has no entries and entry_lines tables (run "
                             "`readiness load` first)") from None
    return UniverseTotals(int(lines), Decimal(value), top)


def equal_value_cuts(con: duckdb.DuckDBPyConnection, period: Period, strata: int,
                     below: Decimal | None) -> list[Decimal]:
    """Cut points that split the lines valued below ``below`` (all lines when None) into
    ``strata`` ranges holding about equal shares of their entered value: cut k is the
    smallest value at which the cumulative value (lines in value order) reaches k/strata of
    the total. Duplicates are dropped, so fewer ranges come back when values bunch up."""
    if strata < 2:
        return []
    rows = execute(
        con, f"""
        with universe as ({universe_sql()}),
        by_value as (
            select entered_value as v, sum(entered_value) as s
            from universe
            where $below is null or entered_value < $below
            group by entered_value
        ),
        cumulative as (
            select v, sum(s) over (order by v) as running, sum(s) over () as total
            from by_value
        )
        select k, min(v) as cut
        from cumulative, range(1, $strata) as t(k)
        where running * $strata >= k * total
        group by k
        order by k
        """, _params(period, below=below, strata=strata), UNIVERSE_FILE).fetchall()
    cuts: list[Decimal] = []
    for _k, cut in rows:
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    return cuts


def stratum_counts(con: duckdb.DuckDBPyConnection, period: Period,
                   cuts: list[Decimal]) -> dict[int, tuple[int, Decimal]]:
    """Lines and entered value of each non-empty stratum given by ``cuts``."""
    rows = execute(
        con, f"""
        with universe as ({universe_sql()})
        select {_stratum_expr(len(cuts))} as stratum, count(*), sum(entered_value)
        from universe
        group by stratum
        order by stratum
        """, _params(period, **_cut_params(cuts)), UNIVERSE_FILE).fetchall()
    return {int(s): (int(n), Decimal(v)) for s, n, v in rows}


def draw_rows(con: duckdb.DuckDBPyConnection, period: Period, cuts: list[Decimal],
              sizes: list[int], seed: int) -> list[tuple]:
    """The sampled lines: in stratum h (1-based, by ``cuts``) the ``sizes[h-1]`` lines with
    the smallest random keys. Rows are (stratum, *LINE_COLUMNS), ordered by stratum, entry
    number, line number and tariff ordinal."""
    columns = ", ".join(LINE_COLUMNS)
    return execute(
        con, f"""
        with universe as ({universe_sql()}),
        stratified as (
            select *, {_stratum_expr(len(cuts))} as stratum
            from universe
        ),
        keyed as (
            select
                *,
                row_number() over (
                    partition by stratum
                    order by sha256(concat_ws('|', $seed, entry_number, line_number,
                                              tariff_ordinal)),
                             entry_number, line_number, tariff_ordinal
                ) as draw
            from stratified
        )
        select stratum, {columns}
        from keyed
        where draw <= list_extract($sizes, stratum)
        order by stratum, entry_number, line_number, tariff_ordinal
        """, _params(period, seed=str(seed), sizes=sizes, **_cut_params(cuts)),
        UNIVERSE_FILE).fetchall()


def random_key(seed: int, entry_number: str, line_number: int, tariff_ordinal: int) -> str:
    """The random key the draw sorts a line by (hex SHA-256), as documented in the plan."""
    import hashlib

    text = f"{seed}|{entry_number}|{line_number}|{tariff_ordinal}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
