"""The sampling design: strata by entered value, the size rule, the allocation and the draw.

Design (docs/audit.md explains it for readers of the plan):

- **Strata.** Lines at or above an optional certainty value form a certainty stratum: every
  one of them is tested (n_h = N_h). The other lines are cut into ``strata`` ranges of entered
  value holding about equal shares of their total value, so the few large lines that carry
  most of the duty get a stratum of their own instead of being drowned among small ones.
  A range with fewer than 2 lines is merged into its neighbour. Ranges are ``[lower, upper)``;
  the first starts at 0.00, the top one ends one cent above the largest value (or at the
  certainty value).
- **Size.** Without a size given: n0 = 1.96² p(1−p)/e² for the expected compliance rate p
  and margin e at 95 % confidence, corrected for the finite universe, n = n0/(1 + (n0−1)/N),
  rounded up; N is the number of lines outside the certainty stratum. Computed in exact
  fractions, so 202.75 never becomes 202.7500000001.
- **Allocation: proportional to the number of lines, n_h ∝ N_h** (largest remainder), at
  least 2 per stratum (all of a stratum with fewer), never more than N_h. The size rule is a
  rule for the compliance rate, and Neyman's allocation for a rate, n_h ∝ N_h √(p_h(1−p_h)),
  is proportional allocation when every stratum is planned with the same expected rate, which
  is all a plan can honestly assume before testing. Proportional allocation never needs more
  lines than a simple random sample for the same margin, so the stated margin holds for the
  rate; the money projection gets its precision from the value strata and the certainty
  stratum rather than from skewing the allocation toward large lines.
- **Draw.** See universe.py: the lines with the smallest SHA-256 keys of the seed and the
  line's identity, per stratum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from customs_readiness.errors import ReadinessError

from . import universe

if TYPE_CHECKING:
    import duckdb

    from customs_readiness.metrics import Period

Z_95 = Fraction("1.96")  # two-sided 95 % normal quantile, as written in the size rule
DEFAULT_EXPECTED_RATE = Decimal("0.95")
DEFAULT_MARGIN = Decimal("0.03")
DEFAULT_STRATA = 4
MIN_PER_STRATUM = 2
CENT = Decimal("0.01")

METHOD = ("Stratified random sampling without replacement (Cochran, Sampling Techniques, "
          "3rd ed., ch. 5): strata by entered value, a simple random sample drawn in each.")
ALLOCATION = ("Proportional to the lines in each stratum (n_h proportional to N_h, largest "
              "remainder), at least 2 lines per stratum that is not a certainty stratum "
              "(all of a smaller one) and never more than N_h; the certainty stratum is "
              "tested in full (n_h = N_h).")
RANDOM_NUMBERS = ("Each line's random key is the SHA-256 of 'seed|entry_number|line_number|"
                  "tariff_ordinal'; in each stratum the n_h lines with the smallest keys are "
                  "drawn (ties, which do not occur in practice, by entry, line and ordinal).")


@dataclass(frozen=True)
class SizeRule:
    """How the number of lines drawn outside the certainty stratum was set."""

    population: int  # N: lines outside the certainty stratum
    size: int  # n, before the at-least-2-per-stratum rule
    expected_rate: Decimal | None = None
    margin: Decimal | None = None
    n0: Fraction | None = None  # None when the size was given
    corrected: Fraction | None = None  # n0 / (1 + (n0 - 1)/N), before rounding up

    @property
    def given(self) -> bool:
        return self.n0 is None

    def describe(self) -> str:
        if self.given:
            return (f"Size given: {self.size:,} lines drawn from the {self.population:,} lines "
                    "outside the certainty stratum.")
        p, e = self.expected_rate, self.margin
        return (f"n0 = 1.96² × {p} × {Decimal(1) - p} / {e}² = {_dec(self.n0)}; "
                f"n = n0 / (1 + (n0 − 1) / N) with N = {self.population:,} lines outside the "
                f"certainty stratum = {_dec(self.corrected)}, rounded up: {self.size:,} "
                "(95 % confidence).")


def _dec(x: Fraction | None, places: int = 2) -> str:
    if x is None:
        return "-"
    return f"{float(x):,.{places}f}"


def sample_size(expected_rate: Decimal, margin: Decimal, population: int) -> SizeRule:
    """Lines to draw for a compliance rate near ``expected_rate`` within ±``margin`` at 95 %
    confidence from ``population`` lines: n0 = 1.96² p(1−p)/e², n = n0/(1 + (n0−1)/N),
    rounded up (exact fractions). Raises ReadinessError for p or e outside (0, 1)."""
    if not 0 < expected_rate < 1:
        raise ReadinessError(f"--expected-rate must be between 0 and 1 (exclusive), got {expected_rate}")
    if not 0 < margin < 1:
        raise ReadinessError(f"--margin must be between 0 and 1 (exclusive), got {margin}")
    p, e = Fraction(expected_rate), Fraction(margin)
    n0 = Z_95 * Z_95 * p * (1 - p) / (e * e)
    if population <= 0:
        return SizeRule(0, 0, expected_rate, margin, n0, Fraction(0))
    corrected = n0 / (1 + (n0 - 1) / population)
    return SizeRule(population, min(math.ceil(corrected), population), expected_rate, margin,
                    n0, corrected)


def allocate(populations: list[int], size: int, minimum: int = MIN_PER_STRATUM) -> list[int]:
    """Proportional allocation of ``size`` lines over strata of ``populations`` lines:
    n_h ∝ N_h by largest remainder (ties to the lower stratum), each n_h at least
    min(minimum, N_h) and at most N_h. The total is ``size``, or more when the minimums
    need more."""
    fixed: dict[int, int] = {}
    while True:  # fix strata whose share falls outside [minimum, N_h], then share again
        free = [h for h in range(len(populations)) if h not in fixed]
        left = size - sum(fixed.values())
        pool = sum(populations[h] for h in free)
        changed = False
        for h in free:
            quota = Fraction(left * populations[h], pool) if pool else Fraction(0)
            floor_h = min(minimum, populations[h])
            if quota < floor_h:
                fixed[h], changed = floor_h, True
            elif quota > populations[h]:
                fixed[h], changed = populations[h], True
        if not changed:
            break
    sizes = [fixed.get(h, 0) for h in range(len(populations))]
    if free:
        quotas = {h: Fraction(left * populations[h], pool) for h in free}
        for h in free:
            sizes[h] = math.floor(quotas[h])
        rest = left - sum(sizes[h] for h in free)
        by_remainder = sorted(free, key=lambda h: (-(quotas[h] - sizes[h]), h))
        for h in by_remainder[:rest]:
            sizes[h] += 1
    return sizes


@dataclass(frozen=True)
class Stratum:
    """One stratum: entered values in [lower_value, upper_value)."""

    stratum: int
    lower_value: Decimal
    upper_value: Decimal
    lines_in_universe: int
    value_in_universe: Decimal
    lines_sampled: int = 0
    certainty: bool = False


@dataclass(frozen=True)
class AuditSample:
    """A drawn sample: the plan's facts, the strata and the sampled rows."""

    period: Period
    seed: int
    strata_requested: int
    certainty_value: Decimal | None
    size_rule: SizeRule
    strata: tuple[Stratum, ...]
    # (sample_id, stratum, *universe.LINE_COLUMNS), ordered by sample_id
    rows: tuple[tuple, ...]
    universe_lines: int
    universe_value: Decimal

    @property
    def lines_sampled(self) -> int:
        return len(self.rows)


def _merge_small(strata: list[Stratum]) -> list[Stratum]:
    """Merge every range with fewer than MIN_PER_STRATUM lines into its neighbour (the one
    below; the first one into the one above) until none is left or one range remains."""
    strata = list(strata)
    while len(strata) > 1:
        small = next((i for i, s in enumerate(strata) if s.lines_in_universe < MIN_PER_STRATUM),
                     None)
        if small is None:
            break
        lo, hi = (small - 1, small) if small > 0 else (0, 1)
        a, b = strata[lo], strata[hi]
        strata[lo:hi + 1] = [Stratum(0, a.lower_value, b.upper_value,
                                     a.lines_in_universe + b.lines_in_universe,
                                     a.value_in_universe + b.value_in_universe)]
    return [s for s in strata if s.lines_in_universe > 0]


def draw_sample(con: duckdb.DuckDBPyConnection, period: Period, *, seed: int,
                size: int | None = None, expected_rate: Decimal = DEFAULT_EXPECTED_RATE,
                margin: Decimal = DEFAULT_MARGIN, certainty_value: Decimal | None = None,
                strata: int = DEFAULT_STRATA) -> AuditSample:
    """Stratify the period's universe, size and allocate the sample, and draw it.

    Raises ReadinessError for an empty universe, a size larger than the lines outside the
    certainty stratum, or options out of range.
    """
    if strata < 1:
        raise ReadinessError(f"--strata must be at least 1, got {strata}")
    if certainty_value is not None:
        if certainty_value <= 0:
            raise ReadinessError(f"--certainty-value must be more than 0, got {certainty_value}")
        # to the cent, upward: the lines at or above 1000.005 are those at or above 1000.01
        certainty_value = certainty_value.quantize(CENT, rounding=ROUND_CEILING)
    if size is not None and size < 1:
        raise ReadinessError(f"--size must be at least 1, got {size}")
    totals = universe.totals(con, period)
    if totals.lines == 0:
        raise ReadinessError(
            f"no entry lines with their own entered value in {period.label} "
            f"({period.start.isoformat()} to {period.end.isoformat()}, end exclusive): "
            "nothing to sample (run `readiness load` first?)")
    top = totals.max_value + CENT
    cuts = universe.equal_value_cuts(con, period, strata, certainty_value)
    all_cuts = cuts + ([certainty_value] if certainty_value is not None else [])
    counts = universe.stratum_counts(con, period, all_cuts)
    bounds = [Decimal("0.00"), *all_cuts, top]
    ranges = [Stratum(0, bounds[i], bounds[i + 1], *counts.get(i + 1, (0, Decimal(0))))
              for i in range(len(cuts) + 1)]
    sampled = _merge_small(ranges)
    census: list[Stratum] = []
    if certainty_value is not None:
        n_c, v_c = counts.get(len(all_cuts) + 1, (0, Decimal(0)))
        if n_c:
            census = [Stratum(0, certainty_value, top, n_c, v_c, n_c, True)]

    population = sum(s.lines_in_universe for s in sampled)
    if size is None:
        rule = sample_size(expected_rate, margin, population)
    else:
        if size > population:
            raise ReadinessError(
                f"--size {size:,} is more than the {population:,} lines outside the certainty "
                "stratum")
        rule = SizeRule(population, size)
    sizes = allocate([s.lines_in_universe for s in sampled], rule.size)
    final = [Stratum(i, s.lower_value, s.upper_value, s.lines_in_universe,
                     s.value_in_universe, n, s.certainty)
             for i, (s, n) in enumerate(zip([*sampled, *census],
                                            [*sizes, *(c.lines_in_universe for c in census)],
                                            strict=True), start=1)]
    final_cuts = [s.lower_value for s in final[1:]]
    drawn = universe.draw_rows(con, period, final_cuts, [s.lines_sampled for s in final], seed)
    rows = tuple((i, *row) for i, row in enumerate(drawn, start=1))
    for s in final:  # the draw and the plan must agree line for line
        got = sum(1 for r in rows if r[1] == s.stratum)
        if got != s.lines_sampled:
            raise AssertionError(f"stratum {s.stratum}: drew {got}, planned {s.lines_sampled}")
    return AuditSample(period=period, seed=seed, strata_requested=strata,
                       certainty_value=certainty_value, size_rule=rule, strata=tuple(final),
                       rows=rows, universe_lines=totals.lines, universe_value=totals.value)
