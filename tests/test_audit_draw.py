"""The draw of `audit-sample` on a generated universe in a real DuckDB file: the universe,
the strata bookkeeping, the size, the certainty stratum, the seeded draw and determinism."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs_readiness.audit.draw import draw_sample
from customs_readiness.audit.universe import random_key
from customs_readiness.audit.worksheet import worksheet_bytes
from customs_readiness.db import connect
from customs_readiness.errors import ReadinessError
from customs_readiness.metrics import period_for

from _audit_fixtures import UNIVERSE_LINES, open_db, universe_db

Y2026 = period_for(2026)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return universe_db(tmp_path_factory.mktemp("audit") / "u.duckdb")


@pytest.fixture
def con(db):
    c = open_db(db)
    yield c
    c.close()


def _universe(con, period=Y2026):
    """Every universe line, read here with its own query: (entry, line, ordinal, value)."""
    return con.execute(
        "select l.entry_number, l.line_number, l.tariff_ordinal, l.entered_value "
        "from entry_lines l join entries e using (entry_number) "
        "where e.entry_date >= ? and e.entry_date < ? and l.hts_number not like '99%'",
        [period.start, period.end]).fetchall()


def test_audit_draw_universe_leaves_out_chapter_99_and_other_years(con):
    sample = draw_sample(con, Y2026, seed=1)
    assert sample.universe_lines == UNIVERSE_LINES == len(_universe(con))
    assert sample.universe_value == sum(v for *_k, v in _universe(con))
    for row in sample.rows:
        assert not row[5].startswith("99"), row  # hts_number
        assert not row[2].startswith("AUDX"), row  # entries of 2025 and 2027


def test_audit_draw_strata_bookkeeping(con):
    sample = draw_sample(con, Y2026, seed=3)
    strata = sample.strata
    assert sum(s.lines_in_universe for s in strata) == sample.universe_lines
    assert sum(s.value_in_universe for s in strata) == sample.universe_value
    assert strata[0].lower_value == 0
    for a, b in zip(strata, strata[1:], strict=False):  # contiguous [lower, upper) ranges
        assert a.upper_value == b.lower_value
    # N_h recounted from the universe with the sheet's own ranges
    universe = _universe(con)
    for s in strata:
        inside = [k for k in universe if s.lower_value <= k[3] < s.upper_value]
        assert len(inside) == s.lines_in_universe
        assert sum(k[3] for k in inside) == s.value_in_universe
    # every sampled line is a universe line, in its stratum's range, drawn once
    keys = {k[:3] for k in universe}
    by_stratum = {s.stratum: s for s in strata}
    seen = set()
    for row in sample.rows:
        s = by_stratum[row[1]]
        assert row[2:5] in keys
        assert s.lower_value <= row[8] < s.upper_value
        assert row[2:5] not in seen
        seen.add(row[2:5])
    for s in strata:
        assert sum(1 for r in sample.rows if r[1] == s.stratum) == s.lines_sampled >= 2
    assert [r[0] for r in sample.rows] == list(range(1, len(sample.rows) + 1))


def test_audit_draw_size_from_the_rule(con):
    # N = 1200: n = 202.7511 / (1 + 201.7511/1200) = 173.57 -> 174
    sample = draw_sample(con, Y2026, seed=3)
    assert sample.size_rule.size == 174
    assert sample.lines_sampled == 174
    smaller = draw_sample(con, Y2026, seed=3, expected_rate=Decimal("0.9"), margin=Decimal("0.05"))
    # n0 = 3.8416 × 0.09 / 0.0025 = 138.2976; n = 138.2976 / (1 + 137.2976/1200) = 124.10 -> 125
    assert smaller.lines_sampled == 125


def test_audit_draw_is_the_smallest_sha256_keys_per_stratum(con):
    sample = draw_sample(con, Y2026, seed=2026)
    universe = _universe(con)
    for s in sample.strata:
        inside = [k for k in universe if s.lower_value <= k[3] < s.upper_value]
        inside.sort(key=lambda k: (random_key(2026, *k[:3]), k[:3]))
        expected = sorted(k[:3] for k in inside[:s.lines_sampled])
        assert [r[2:5] for r in sample.rows if r[1] == s.stratum] == expected


def test_audit_draw_same_seed_same_bytes_other_seed_other_sample(db, tmp_path):
    first = open_db(db)
    a = draw_sample(first, Y2026, seed=99)
    first.close()
    # the same data loaded into another database file, in another order
    other = connect(tmp_path / "copy.duckdb")
    other.execute(f"attach '{db}' as src (read_only)")
    other.execute("insert into entries select * from src.entries order by entry_number desc")
    other.execute("insert into entry_lines select * from src.entry_lines order by random()")
    other.execute("detach src")
    b = draw_sample(other, Y2026, seed=99)
    c = draw_sample(other, Y2026, seed=100)
    other.close()
    assert a.rows == b.rows
    assert worksheet_bytes(a, "catalog-x") == worksheet_bytes(b, "catalog-x")
    assert {r[2:5] for r in a.rows} != {r[2:5] for r in c.rows}
    assert worksheet_bytes(a, "catalog-x") != worksheet_bytes(c, "catalog-x")


def test_audit_draw_certainty_stratum_is_tested_in_full(con):
    cut = Decimal("300000")
    sample = draw_sample(con, Y2026, seed=5, certainty_value=cut)
    certainty = sample.strata[-1]
    big = [k for k in _universe(con) if k[3] >= cut]
    assert certainty.certainty and certainty.lower_value == cut
    assert certainty.lines_in_universe == certainty.lines_sampled == len(big)
    assert {r[2:5] for r in sample.rows if r[1] == certainty.stratum} == {k[:3] for k in big}
    # the size rule applies to the lines below the certainty value only
    assert sample.size_rule.population == UNIVERSE_LINES - len(big)
    assert sum(s.lines_sampled for s in sample.strata[:-1]) == sample.size_rule.size
    assert sample.lines_sampled == sample.size_rule.size + len(big)
    assert sample.strata[-2].upper_value == cut
    assert all(not s.certainty for s in sample.strata[:-1])


def test_audit_draw_certainty_value_above_every_line(con):
    sample = draw_sample(con, Y2026, seed=5, certainty_value=Decimal("10000000"))
    assert not any(s.certainty for s in sample.strata)
    assert sample.strata[-1].upper_value == Decimal("10000000.00")


def test_audit_draw_given_size(con):
    sample = draw_sample(con, Y2026, seed=5, size=50)
    assert sample.lines_sampled == 50
    assert sample.size_rule.given
    with pytest.raises(ReadinessError, match="--size 1,201 is more than the 1,200 lines"):
        draw_sample(con, Y2026, seed=5, size=1201)
    # too small for 2 per stratum: the minimum wins, and the plan says so
    tiny = draw_sample(con, Y2026, seed=5, size=3, strata=4)
    assert [s.lines_sampled for s in tiny.strata] == [2, 2, 2, 2]


def test_audit_draw_one_stratum(con):
    sample = draw_sample(con, Y2026, seed=5, strata=1)
    assert len(sample.strata) == 1
    assert sample.strata[0].lines_in_universe == UNIVERSE_LINES


def test_audit_draw_merges_a_range_with_one_line(tmp_path):
    # Nine lines of 1..9 dollars and one of 1,000,000: every equal-value cut falls on the big
    # line, which would be a stratum of one; it is merged, leaving one stratum of 10 lines.
    con = connect(tmp_path / "m.duckdb")
    con.execute("insert into entries (entry_number, entry_type, importer_number, entry_date) "
                "values ('M0000000001', '01', 'I', '2026-05-05')")
    for i in range(1, 11):
        value = 1_000_000 if i == 10 else i
        con.execute("insert into entry_lines (entry_number, line_number, tariff_ordinal, "
                    "hts_number, entered_value) values ('M0000000001', ?, 1, '8471300100', ?)",
                    [i, value])
    sample = draw_sample(con, Y2026, seed=1, strata=4)
    assert [(s.lines_in_universe, s.lines_sampled) for s in sample.strata] == [(10, 10)]
    assert sample.strata[0].upper_value == Decimal("1000000.01")
    con.close()


def test_audit_draw_fiscal_year_period(con):
    fy = period_for(2026, 10)  # 2025-10-01 to 2026-09-30: the generated 2026 dates until Sep
    sample = draw_sample(con, fy, seed=5)
    assert sample.universe_lines == len(_universe(con, fy)) < UNIVERSE_LINES


def test_audit_draw_empty_period_is_a_one_line_error(con):
    with pytest.raises(ReadinessError, match=r"no entry lines with their own entered value in CY2030"):
        draw_sample(con, period_for(2030), seed=1)


@pytest.mark.parametrize("kwargs, message", [
    ({"strata": 0}, "--strata must be at least 1"),
    ({"certainty_value": Decimal("0")}, "--certainty-value must be more than 0"),
    ({"size": 0}, "--size must be at least 1"),
    ({"margin": Decimal("0")}, "--margin must be between 0 and 1"),
])
def test_audit_draw_refuses_bad_options(con, kwargs, message):
    with pytest.raises(ReadinessError, match=message):
        draw_sample(con, Y2026, seed=1, **kwargs)
