"""`audit-score`'s projections on cases with known answers: the exact interval, a stratified
sample worked by hand, a certainty stratum, money rounding. Each case is a real worksheet
file, written by the tool and filled in as a tester would."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from customs_readiness.audit.score import as_dict, clopper_pearson, dumps, score_worksheet
from customs_readiness.audit.worksheet import write_worksheet

from _audit_fixtures import fill, hand_sample

D = Decimal


def _binomial_tail(k_from: int, n: int, p: float) -> float:
    """P(X >= k_from) for X ~ Binomial(n, p), summed term by term (independent of scipy)."""
    from math import comb

    return sum(comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(k_from, n + 1))


def test_audit_clopper_pearson_three_errors_in_a_hundred():
    # Error rate 3/100: the textbook exact 95 % interval is [0.0062, 0.0852]; precisely
    # 0.006229971538 and 0.085176052974 (beta quantiles B(0.025; 3, 98), B(0.975; 4, 97)).
    low, high = clopper_pearson(3, 100)
    assert low == pytest.approx(0.006229971538306, abs=1e-12)
    assert high == pytest.approx(0.085176052974280, abs=1e-12)
    assert (round(low, 4), round(high, 4)) == (0.0062, 0.0852)
    # The defining equations, checked by summing binomial terms: P(X >= 3 | low) = 0.025 and
    # P(X <= 3 | high) = 0.025.
    assert _binomial_tail(3, 100, low) == pytest.approx(0.025, abs=1e-12)
    assert 1 - _binomial_tail(4, 100, high) == pytest.approx(0.025, abs=1e-12)
    # The compliance rate 97/100 has the mirrored interval.
    c_low, c_high = clopper_pearson(97, 100)
    assert c_low == pytest.approx(1 - high, abs=1e-12)
    assert c_high == pytest.approx(1 - low, abs=1e-12)


def test_audit_clopper_pearson_no_errors():
    # x = n: the lower bound solves p^n = 0.025, so it is 0.025^(1/n); the upper bound is 1.
    low, high = clopper_pearson(60, 60)
    assert low == pytest.approx(0.025 ** (1 / 60), abs=1e-12)  # 0.94040
    assert high == 1.0
    assert clopper_pearson(0, 10)[0] == 0.0


def _scored(tmp_path, sample, results, **fill_kw):
    sheet = write_worksheet(sample, tmp_path / "drawn", "catalog-test")
    filled = fill(sheet, tmp_path / "filled.xlsx", results, **fill_kw)
    return as_dict(score_worksheet(filled))


def test_audit_score_stratified_case_worked_by_hand(tmp_path):
    # Stratum 1: N = 100, n = 10. Line 1 paid 50.00, should have paid 70.00 (d = +20, value);
    #   line 2 paid 30.00, should have paid 20.00 (d = -10, classification); 8 compliant.
    # Stratum 2: N = 50, n = 5, all compliant.
    # Stratum 3: certainty, N = n = 5. Line 16 paid nothing (empty), owes 100.00 (origin).
    # N = 155; W = 100/155, 50/155, 5/155; f = 0.1, 0.1, 1.
    #
    # Rate: p_h = 0.8, 1.0, 0.8; p = (100 × 0.8 + 50 × 1 + 5 × 0.8)/155 = 134/155 = 0.8645161290
    # Var = (100/155)² × 0.9 × 0.8 × 0.2 / 9 (stratum 2 has p(1-p) = 0, stratum 3 has f = 1)
    #     = 0.416233 × 0.016 = 0.0066597294; 1.96 √Var = 0.1599500442
    # -> [0.7045660848, 1.0245 clipped to 1].
    #
    # Loss (net): d̄_1 = (20 - 10)/10 = 1, s_1² = (19² + 11² + 8 × 1²)/9 = 490/9; d̄_3 = 100/5 = 20.
    # D = 100 × 1 + 50 × 0 + 5 × 20 = 200.00; Var = 100² × 0.9 × (490/9)/10 = 49,000
    # 1.96 √49000 = 433.864495 -> [-233.86, 633.86].
    # Under-payments: d⁺ = 20, 0, ... in stratum 1: mean 2, s² = (18² + 9 × 2²)/9 = 40;
    # D⁺ = 100 × 2 + 5 × 20 = 300.00; Var = 100² × 0.9 × 40/10 = 36,000; 1.96 √36000 = 371.883853
    # -> [-71.88, 671.88].
    lines = ([(1, D("500.00"), D("50.00")), (1, D("400.00"), D("30.00"))]
             + [(1, D("100.00"), D("5.00"))] * 8
             + [(2, D("1500.00"), D("75.00"))] * 5
             + [(3, D("2500.00"), None)] + [(3, D("2600.00"), D("130.00"))] * 4)
    sample = hand_sample([(100, 10, False), (50, 5, False), (5, 5, True)], lines)
    out = _scored(tmp_path, sample, {1: ("error", "value", 70), 2: ("error", "classification", "20.00"),
                                     16: ("error", "origin", 100)})
    rate = out["compliance_rate"]
    assert rate["estimate"] == pytest.approx(134 / 155, abs=1e-12)
    assert rate["low"] == pytest.approx(134 / 155 - 0.15995004423045223, abs=1e-12)
    assert rate["high"] == 1.0
    assert rate["exact_low"] is None and rate["exact_high"] is None  # more than one stratum
    assert out["loss_of_revenue"] == {"estimate": D("200.00"), "low": D("-233.86"),
                                      "high": D("633.86")}
    assert out["underpayment"] == {"estimate": D("300.00"), "low": D("-71.88"),
                                   "high": D("671.88")}
    assert [(s["lines_in_universe"], s["lines_sampled"], s["errors"]) for s in out["strata"]] == \
        [(100, 10, 2), (50, 5, 0), (5, 5, 1)]
    assert [s["compliance_rate"] for s in out["strata"]] == [0.8, 1.0, 0.8]
    assert [s["mean_difference"] for s in out["strata"]] == [D("1.00"), D("0.00"), D("20.00")]
    assert [s["mean_underpayment"] for s in out["strata"]] == [D("2.00"), D("0.00"), D("20.00")]
    assert [s["certainty"] for s in out["strata"]] == [False, False, True]
    assert out["errors_by_type"] == {"classification": 1, "value": 1, "origin": 1,
                                     "special_program": 0, "quantity": 0, "other": 0}
    assert (out["lines_in_universe"], out["lines_sampled"], out["errors"]) == (155, 20, 3)
    assert out["policy_goal"]["result"] == "inconclusive"  # 0.70 .. 1.0 includes 0.95
    assert '"estimate": 200.00' in dumps(out)


def test_audit_score_certainty_stratum_adds_no_sampling_error(tmp_path):
    # One sampled stratum without errors and a certainty stratum (N = n = 4) with two errors:
    # every variance term is zero (p_1(1 - p_1) = 0, s_1² = 0; f_2 = 1), so the intervals
    # close on the estimates. Rate = (20 × 1 + 4 × 0.5)/24 = 22/24; loss = 4 × (15 + 5)/4 = 20.
    lines = [(1, D("10.00"), D("1.00"))] * 5 + [(2, D("1500.00"), D("100.00"))] * 4
    sample = hand_sample([(20, 5, False), (4, 4, True)], lines)
    out = _scored(tmp_path, sample, {6: ("error", "value", D("115.00")),
                                     7: ("error", "other", "105")})
    rate = out["compliance_rate"]
    assert rate["estimate"] == pytest.approx(22 / 24, abs=1e-12)
    assert rate["low"] == pytest.approx(22 / 24, abs=1e-12)
    assert rate["high"] == pytest.approx(22 / 24, abs=1e-12)
    assert out["loss_of_revenue"] == {"estimate": D("20.00"), "low": D("20.00"), "high": D("20.00")}
    assert out["strata"][1]["certainty"] is True
    assert out["policy_goal"]["result"] == "not_met"  # 0.9167 < 0.95 with no sampling error


def test_audit_score_single_stratum_has_the_exact_interval(tmp_path):
    # N = 1000, n = 100, 3 errors: p = 0.97; Var = 0.9 × 0.97 × 0.03/99; 1.96 √Var = 0.0318791
    # -> [0.9381209, 1.0018791 clipped to 1]; exact: [0.9148239, 0.9937700].
    sample = hand_sample([(1000, 100, False)], [(1, D("100.00"), D("4.00"))] * 100)
    out = _scored(tmp_path, sample, {5: ("error", "quantity", None), 50: ("error", "other", None),
                                     99: ("error", "special_program", None)})
    rate = out["compliance_rate"]
    assert rate["estimate"] == pytest.approx(0.97, abs=1e-12)
    assert rate["low"] == pytest.approx(0.97 - 0.031879112568919135, abs=1e-12)
    assert rate["high"] == 1.0
    assert rate["exact_low"] == pytest.approx(0.91482394702572, abs=1e-12)
    assert rate["exact_high"] == pytest.approx(0.9937700284616936, abs=1e-12)
    # errors without a duty difference: no loss
    assert out["loss_of_revenue"] == {"estimate": D("0.00"), "low": D("0.00"), "high": D("0.00")}


def test_audit_score_money_rounds_half_up_from_the_exact_value(tmp_path):
    # N = 5, n = 2, d = 0.01 and 0: D = 5 × 0.005 = 0.025 exactly -> 0.03 (half even: 0.02).
    sample = hand_sample([(5, 2, False)], [(1, D("10.00"), D("1.00")), (1, D("10.00"), D("1.00"))])
    out = _scored(tmp_path, sample, {1: ("error", "value", D("1.01"))})
    assert out["loss_of_revenue"]["estimate"] == D("0.03")
    # Var = 25 × (1 - 2/5) × s²/2 with s² = (0.005² × 2)/1 = 0.00005: 0.000375;
    # 1.96 × 0.0193649 = 0.0379552 -> [-0.0129552, 0.0629552] -> [-0.01, 0.06]
    assert out["loss_of_revenue"]["low"] == D("-0.01")
    assert out["loss_of_revenue"]["high"] == D("0.06")


def test_audit_score_goal_met_when_the_whole_interval_is_above(tmp_path):
    sample = hand_sample([(10, 10, False)], [(1, D("10.00"), D("1.00"))] * 10)
    out = _scored(tmp_path, sample, {})
    assert out["compliance_rate"]["estimate"] == 1.0
    assert out["policy_goal"] == {"rate": 0.95, "basis": out["policy_goal"]["basis"],
                                  "estimate_meets_goal": True, "result": "met"}
    assert "practitioner convention" in out["policy_goal"]["basis"]
    assert "CBP publishes no fixed" in out["policy_goal"]["basis"]


def test_audit_score_matches_an_independent_float_recomputation(tmp_path):
    # A pattern over several strata, recomputed here with plain floats from the worksheet's
    # own N_h and n_h (what an outside checker would do).
    import math

    strata = [(400, 30, False), (120, 12, False), (60, 8, False), (7, 7, True)]
    lines = []
    for h, (_n_big, n, _c) in enumerate(strata, start=1):
        lines += [(h, D(1000 * h - 1), D(f"{37 * h + i}.{(13 * i) % 100:02d}")) for i in range(n)]
    sample = hand_sample(strata, lines)
    results = {}
    for sid in range(1, len(lines) + 1):
        if sid % 4 == 0:
            results[sid] = ("error", "value", D(f"{(sid * 7) % 90}.{sid % 100:02d}"))
        elif sid % 7 == 0:
            results[sid] = ("error", "origin", None)
    out = _scored(tmp_path, sample, results)

    duty = {i: float(v[2]) for i, v in enumerate(lines, start=1)}
    big_n = sum(s[0] for s in strata)
    p_hat = var_p = loss = var_l = 0.0
    for h, (nn, n, _c) in enumerate(strata, start=1):
        ids = [i for i, v in enumerate(lines, start=1) if v[0] == h]
        errs = sum(1 for i in ids if i in results)
        d = [float(results[i][2]) - duty[i] if i in results and results[i][2] is not None else 0.0
             for i in ids]
        w, f, p = nn / big_n, n / nn, (n - errs) / n
        p_hat += w * p
        var_p += w * w * (1 - f) * p * (1 - p) / (n - 1)
        mean = sum(d) / n
        s2 = sum((x - mean) ** 2 for x in d) / (n - 1)
        loss += nn * mean
        var_l += nn * nn * (1 - f) * s2 / n
    rate = out["compliance_rate"]
    assert rate["estimate"] == pytest.approx(p_hat, abs=1e-9)
    assert rate["low"] == pytest.approx(max(0, p_hat - 1.96 * math.sqrt(var_p)), abs=1e-9)
    assert rate["high"] == pytest.approx(min(1, p_hat + 1.96 * math.sqrt(var_p)), abs=1e-9)
    money = out["loss_of_revenue"]
    assert float(money["estimate"]) == pytest.approx(loss, abs=0.005)
    assert float(money["low"]) == pytest.approx(loss - 1.96 * math.sqrt(var_l), abs=0.005)
    assert float(money["high"]) == pytest.approx(loss + 1.96 * math.sqrt(var_l), abs=0.005)
    assert Fraction(str(money["estimate"])).denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)
