"""Property-based fuzzing of configuration files (Hypothesis): any TOML value a mapping or a
policy file can hold (nested tables and lists, huge numbers, infinities, dates, empty
strings) is accepted or refused with one ConfigError naming the file; an accepted policy
then evaluates every status and the score without error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from customs_readiness import policy as policy_module
from customs_readiness import schema as s
from customs_readiness.cli.app import one_line
from customs_readiness.errors import ConfigError
from customs_readiness.ingest.mapping import LAYOUT_KEYS, SPEC_KEYS, parse_mapping
from customs_readiness.metrics import discover
from customs_readiness.metrics.model import MetricResult
from customs_readiness.metrics.status import (
    check_policy_against,
    evaluate_status,
    readiness_score,
    score_band,
)

from _fuzz import FUZZ

SCALARS = st.one_of(
    st.booleans(), st.integers(-(10**30), 10**30), st.text(max_size=12),
    st.sampled_from(["", " ", "%m/%d/%Y", "%Q", "(", "a(b)(c)", "unliquidated", "true", "N/A"]),
    st.dates(), st.datetimes(), st.times(),
)


def values(floats):
    scalars = st.one_of(SCALARS, floats)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


MAPPING_FLOATS = st.floats(allow_nan=True, allow_infinity=True)
COLUMNS = sorted({c for t in s.TABLES.values() for c in t.column_names})


def _spec():
    anything = values(MAPPING_FLOATS)
    return st.one_of(anything, st.dictionaries(st.sampled_from(sorted(SPEC_KEYS) + COLUMNS),
                                               st.one_of(anything, st.sampled_from(COLUMNS)),
                                               max_size=4))


MAPPINGS = st.dictionaries(
    st.sampled_from(["layout", *s.TABLES, "other"]),
    st.one_of(
        st.dictionaries(st.sampled_from(sorted(LAYOUT_KEYS) + ["x"]), values(MAPPING_FLOATS), max_size=5),
        st.dictionaries(st.sampled_from(COLUMNS + ["x"]), _spec(), max_size=8),
        values(MAPPING_FLOATS),
    ),
    max_size=4,
)


@FUZZ
@given(MAPPINGS)
def test_any_mapping_is_accepted_or_refused_naming_the_file(data):
    try:
        parse_mapping(data, Path("my mapping.toml"))
    except ConfigError as exc:
        assert str(exc).startswith("my mapping.toml: ")
        assert "\n" not in one_line(str(exc)) and "\r" not in one_line(str(exc))


POLICY_NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True), st.integers(-(10**30), 10**30),
    st.sampled_from([Decimal("1e999999999"), Decimal("-1e-999999999"), Decimal(0), Decimal("0.5")]))
CONTROL_IDS = sorted(d.id for d in discover([]) if d.is_control)
POLICIES = st.dictionaries(
    st.sampled_from(["version", "fiscal_year_start_month", "informal_entry_types",
                     "ctpat_validated_tiers", "broker_condition", "penalty_floor",
                     "repeat_offender_window_years", "repeat_offender_min_cases", "thresholds",
                     "weights", "score_bands", "other"]),
    st.one_of(
        POLICY_NUMBERS, values(POLICY_NUMBERS),
        st.dictionaries(st.sampled_from([*CONTROL_IDS, "green", "amber", "x"]),
                        st.one_of(POLICY_NUMBERS, st.dictionaries(
                            st.sampled_from(["green", "amber", "otherwise"]), POLICY_NUMBERS,
                            max_size=3)), max_size=4),
    ),
    max_size=5,
)


@FUZZ
@given(POLICIES, st.lists(st.one_of(st.none(), st.integers(0, 10**6),
                                    st.decimals(allow_nan=False, allow_infinity=False,
                                                min_value=-10**6, max_value=10**6)),
                          min_size=1, max_size=3))
def test_any_policy_is_accepted_or_refused_and_then_scores(raw, figures):
    real = policy_module._read_toml

    def read(path: Path):
        return raw if path.name == "p.toml" else real(path)

    with mock.patch.object(policy_module, "_read_toml", read):
        try:
            policy = policy_module.load_policy(Path("p.toml"))
        except ConfigError as exc:
            assert str(exc).startswith("p.toml: ") and "\n" not in one_line(str(exc))
            return
    defs = discover([])
    try:
        check_policy_against(defs, policy)
    except ConfigError:
        return
    results = []
    for i, d in enumerate(defs):
        value = figures[i % len(figures)]
        try:
            status = evaluate_status(d, value, policy)
        except ConfigError:
            return  # a threshold path the policy does not define: named, one line
        results.append(MetricResult(d.id, value, status, d, None, None, ""))
    score_band(readiness_score(results, policy), policy)


def test_dates_and_times_are_not_numbers():
    # TOML dates where numbers belong: refused, not compared with numbers.
    for value in (dt.date(2026, 1, 1), dt.time(1, 2)):
        raw = {"weights": {CONTROL_IDS[0]: value}}
        with mock.patch.object(policy_module, "_read_toml",
                               lambda p, raw=raw: raw if p.name == "p.toml" else
                               policy_module.tomllib.loads(p.read_text(encoding="utf-8"),
                                                           parse_float=Decimal)):
            try:
                policy_module.load_policy(Path("p.toml"))
            except ConfigError as exc:
                assert "must be a number" in str(exc)
            else:
                raise AssertionError("a date accepted as a weight")
