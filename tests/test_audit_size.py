"""The size rule and the allocation of `audit-sample`, on textbook numbers."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from customs_readiness.audit.draw import allocate, sample_size
from customs_readiness.errors import ReadinessError


def test_audit_size_rule_large_universe_is_n0_rounded_up():
    # n0 = 1.96² × 0.95 × 0.05 / 0.03² = 3.8416 × 0.0475 / 0.0009 = 0.182476 / 0.0009
    #    = 202.7511...; with N = 10^9 the correction changes nothing visible: 203.
    rule = sample_size(Decimal("0.95"), Decimal("0.03"), 10**9)
    assert rule.n0 == Fraction(182476, 900)
    assert f"{float(rule.n0):.2f}" == "202.75"
    assert rule.size == 203
    assert "202.75" in rule.describe()


def test_audit_size_rule_finite_universe_correction():
    # n = 202.7511 / (1 + 201.7511 / 3967) = 202.7511 / 1.050857 = 192.94 -> 193
    assert sample_size(Decimal("0.95"), Decimal("0.03"), 3967).size == 193
    # The textbook case: p = 0.5, e = 0.05 -> n0 = 384.16 (385 for an infinite universe);
    # N = 1000: 384.16 / (1 + 383.16/1000) = 277.74 -> 278.
    assert sample_size(Decimal("0.5"), Decimal("0.05"), 10**12).size == 385
    assert sample_size(Decimal("0.5"), Decimal("0.05"), 1000).size == 278


def test_audit_size_rule_exact_at_an_integer():
    # p = 0.5, e = 0.098: n0 = 3.8416 × 0.25 / 0.009604 = 100 exactly; N = 100 gives
    # n = 100 / (1 + 99/100) = 50.25 -> 51; a float round-off must not push 100 to 101.
    rule = sample_size(Decimal("0.5"), Decimal("0.098"), 10**30)
    assert rule.n0 == 100
    assert rule.size == 100
    assert sample_size(Decimal("0.5"), Decimal("0.098"), 100).size == 51


def test_audit_size_rule_never_more_than_the_universe():
    assert sample_size(Decimal("0.5"), Decimal("0.01"), 7).size == 7
    assert sample_size(Decimal("0.5"), Decimal("0.01"), 1).size == 1
    assert sample_size(Decimal("0.95"), Decimal("0.03"), 0).size == 0


@pytest.mark.parametrize("rate, margin", [("1", "0.03"), ("0", "0.03"), ("0.95", "0"),
                                          ("0.95", "1.5"), ("-0.1", "0.03")])
def test_audit_size_rule_refuses_rates_outside_0_1(rate, margin):
    with pytest.raises(ReadinessError, match="must be between 0 and 1"):
        sample_size(Decimal(rate), Decimal(margin), 100)


def test_audit_allocation_proportional_largest_remainder():
    # quotas 193 × N_h / 3967: 153.54, 26.13, 10.41, 2.92 -> floors 153, 26, 10, 2 (191);
    # the 2 lines left go to the largest remainders .92 (stratum 4) and .54 (stratum 1).
    assert allocate([3156, 537, 214, 60], 193) == [154, 26, 10, 3]


def test_audit_allocation_at_least_two_per_stratum():
    # quotas 49.02, 0.49, 0.49: the small strata get 2 each, the 46 left go to the first.
    assert allocate([1000, 10, 10], 50) == [46, 2, 2]
    # the minimum raises the total when the size is too small for it
    assert allocate([100, 100, 100], 3) == [2, 2, 2]


def test_audit_allocation_never_more_than_the_stratum():
    assert allocate([100, 1], 10) == [9, 1]  # a one-line stratum: all of it
    assert allocate([2, 2, 100], 104) == [2, 2, 100]
    # quotas 40 × 3/53 = 2.26 and 40 × 50/53 = 37.74: remainders .26 and .74
    assert allocate([3, 50], 40) == [2, 38]
    # one-line strata take their one line (quota 6/7 < 1); the 3 left go to the fourth
    assert allocate([1, 1, 1, 4], 6) == [1, 1, 1, 3]


def test_audit_allocation_ties_go_to_the_lower_stratum():
    # 10/3 each: floors 3, 3, 3 and one line left for equal remainders
    assert allocate([10, 10, 10], 10) == [4, 3, 3]


def test_audit_allocation_properties_on_random_strata():
    rnd = random.Random(13)
    for _ in range(300):
        pops = [rnd.choice([1, 2, 3, rnd.randint(1, 50), rnd.randint(1, 5000)])
                for _ in range(rnd.randint(1, 8))]
        size = rnd.randint(1, sum(pops))
        sizes = allocate(pops, size)
        minimums = [min(2, n) for n in pops]
        assert sum(sizes) == max(size, sum(minimums)), (pops, size, sizes)
        for n_h, big_n, low in zip(sizes, pops, minimums, strict=True):
            assert low <= n_h <= big_n, (pops, size, sizes)
        if all(Fraction(size * n, sum(pops)) >= 2 for n in pops):  # nothing fixed
            for n_h, big_n in zip(sizes, pops, strict=True):
                assert abs(n_h - Fraction(size * big_n, sum(pops))) < 1
            assert sum(sizes) == size
