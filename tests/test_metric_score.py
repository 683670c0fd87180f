"""The readiness score: weights, n/a exclusion, half-up rounding to one decimal, null."""

from __future__ import annotations

from pathlib import Path

from customs_readiness.metrics import MetricResult, discover, readiness_score
from customs_readiness.policy import load_policy

from _metric_fixtures import DOMESTIC, D, entry, run_for

DEFS = {d.id: d for d in discover()}


def results(**statuses: str) -> list[MetricResult]:
    return [MetricResult(mid, 0, s, DEFS[mid]) for mid, s in statuses.items()]


def test_metric_score_two_thirds_rounds_half_up() -> None:
    # green 1 + green 1 + red 0 = 2 of 3: 66.666.. -> 66.7
    r = results(psc_rate="green", certification_rate="green", entry_compliance_rate="red")
    assert readiness_score(r, load_policy()) == D("66.7")


def test_metric_score_amber_counts_half_and_na_is_left_out() -> None:
    # amber 0.5 + red 0 (+ n/a left out) over 2 = 25.0
    r = results(psc_rate="amber", certification_rate="red", origin_mid_completeness_rate="n/a")
    assert readiness_score(r, load_policy()) == D("25.0")


def test_metric_score_half_up_at_the_second_decimal(tmp_path: Path) -> None:
    # weights 7 (green) and 1 (amber) and 8 (red): (7 + 0.5) / 16 = 46.875 -> 46.9 (half up)
    p = tmp_path / "w.toml"
    p.write_text("[weights]\npsc_rate = 7\ncertification_rate = 1\nentry_compliance_rate = 8\n")
    r = results(psc_rate="green", certification_rate="amber", entry_compliance_rate="red")
    assert readiness_score(r, load_policy(p)) == D("46.9")


def test_metric_score_informational_metrics_do_not_count() -> None:
    r = results(psc_rate="green", entries_total=None)  # type: ignore[arg-type]
    assert readiness_score(r, load_policy()) == D("100.0")


def test_metric_score_null_when_no_control_applies(tmp_path: Path) -> None:
    assert readiness_score(results(psc_rate="n/a"), load_policy()) is None
    # every weight 0: nothing applies either
    p = tmp_path / "zero.toml"
    p.write_text("[weights]\n" + "".join(f"{m} = 0\n" for m, d in DEFS.items() if d.is_control))
    run = run_for({"importers": [DOMESTIC], "entries": [entry("2026-07-01")]}, year=2026,
                  policy_path=p)
    assert run.score is None
    assert run.results["readiness_score"].value is None
    assert run.results["readiness_score"].status == "n/a"  # no band without a score


def test_metric_score_is_in_the_results_and_json() -> None:
    run = run_for({"importers": [DOMESTIC], "entries": [entry("2026-07-01", psc_filed=True)]},
                  year=2026)
    # psc 1/1 red and entry compliance 0/1 red (the PSC); 8 other applicable controls green
    # (origin/MID n/a without lines): 100 x 8 / 10 = 80.0, band amber (>= 70, < 90)
    assert run.score == D("80.0")
    out = run.to_json_dict()["metrics"]["readiness_score"]
    assert (out["value"], out["status"]) == (D("80.0"), "amber")


def test_metric_score_leaves_out_controls_not_in_force() -> None:
    # the same entry before the order (2026-05-01): the six dated controls are not in force;
    # unknown IOR 0 and repeat offenders 0 green, psc and compliance red, origin/MID n/a:
    # 100 x 2 / 4 = 50.0, band red
    run = run_for({"importers": [DOMESTIC], "entries": [entry("2026-05-01", psc_filed=True)]},
                  year=2026)
    assert run.score == D("50.0")
    assert run.results["readiness_score"].status == "red"
    dated = [r for r in run.results.values() if r.definition.dated and r.definition.is_control]
    assert len(dated) == 6 and all(r.status == "n/a" for r in dated)
