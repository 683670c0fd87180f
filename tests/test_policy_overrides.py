"""The policy file: shipped defaults, partial overrides, strict keys and types, and the effect
of each policy value on the figures.

The figures are taken in calendar 2026 from records dated after the order's default effective
date (2026-06-03), so the dated controls are in force under the shipped policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from customs_readiness.errors import ConfigError
from customs_readiness.policy import default_policy_path, load_policy

from _metric_fixtures import DOMESTIC, FOREIGN, D, case, entry, importer, run_for


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_policy_defaults_match_the_catalog() -> None:
    p = load_policy()
    v = p.values
    assert v["informal_entry_types"] == ["11", "12"]
    assert v["ctpat_validated_tiers"] == ["tier_2", "tier_3"]
    assert v["broker_condition"] == "licensed"  # the order as published
    assert v["floor_applies_to"] == ["penalty"]
    assert v["effective_on"] == {"default": date(2026, 6, 3)}  # the day the order was signed
    assert v["score_bands"] == {"green": D(90), "amber": D(70)}
    assert v["penalty_floor"] == Decimal("0.50") and isinstance(v["penalty_floor"], Decimal)
    assert (v["repeat_offender_window_years"], v["repeat_offender_min_cases"]) == (5, 2)
    assert v["fiscal_year_start_month"] == 1
    assert v["thresholds"]["certification_rate"] == {"green": D("0.99"), "amber": D("0.95")}
    assert v["thresholds"]["psc_rate"] == {"green": D("0.05"), "amber": D("0.10")}
    assert v["thresholds"]["entry_compliance_rate"]["green"] == D("0.975")
    assert set(v["weights"].values()) == {D(1)} and len(v["weights"]) == 11
    assert p.version == v["version"] and p.source == "default"
    assert default_policy_path().name == "policy_default.toml"


def test_policy_partial_override_merges(tmp_path: Path) -> None:
    p = load_policy(write(tmp_path, 'penalty_floor = 0.75\n[thresholds]\npsc_rate = { amber = 0.2 }\n'
                                    '[weights]\npsc_rate = 3\n'))
    assert p.values["penalty_floor"] == D("0.75")
    assert p.values["thresholds"]["psc_rate"] == {"green": D("0.05"), "amber": D("0.2")}
    assert p.weight("psc_rate") == 3 and p.weight("certification_rate") == 1
    assert p.values["informal_entry_types"] == ["11", "12"]  # untouched
    assert p.version == "catalog-2026.2+policy.toml"  # a changed policy is not the shipped one
    assert p.source.endswith("policy.toml")
    assert load_policy(write(tmp_path, 'version = "acme-1"\n', "v.toml")).version == "acme-1"


@pytest.mark.parametrize("text, key", [
    ("penalty_flor = 0.5\n", "penalty_flor"),
    ("[thresholds]\npsc_rate = { red = 0.2 }\n", "thresholds.psc_rate.red"),
    ("[colours]\nx = 1\n", "colours"),
    ("[score_bands]\nred = 10\n", "score_bands.red"),
])
def test_policy_unknown_key_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert str(path) in str(err.value) and f"'{key}'" in str(err.value)


@pytest.mark.parametrize("text, key", [
    ('penalty_floor = "half"\n', "penalty_floor"),
    ("penalty_floor = 1.5\n", "penalty_floor"),
    ("repeat_offender_min_cases = 2.5\n", "repeat_offender_min_cases"),
    ("repeat_offender_window_years = true\n", "repeat_offender_window_years"),
    ("fiscal_year_start_month = 13\n", "fiscal_year_start_month"),
    ('informal_entry_types = "11"\n', "informal_entry_types"),
    ('informal_entry_types = ["111"]\n', "informal_entry_types"),
    ('ctpat_validated_tiers = ["gold"]\n', "ctpat_validated_tiers"),
    ('broker_condition = "lenient"\n', "broker_condition"),
    ('broker_condition = "licenced"\n', "broker_condition"),
    ('floor_applies_to = ["fines"]\n', "floor_applies_to"),
    ('floor_applies_to = "penalty"\n', "floor_applies_to"),
    ("effective_on = 2026-06-03\n", "effective_on"),
    ('[effective_on]\ndefault = "June 2026"\n', "effective_on.default"),
    ("[effective_on]\ndefault = 2026-06-03T00:00:00\n", "effective_on.default"),
    ("[score_bands]\ngreen = 120\n", "score_bands.green"),
    ("[score_bands]\namber = 95\n", "score_bands.amber"),  # above the shipped green 90
    ("[weights]\npsc_rate = -1\n", "weights.psc_rate"),
    ('[thresholds]\npsc_rate = { green = "low" }\n', "thresholds.psc_rate.green"),
])
def test_policy_wrong_type_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert str(path) in str(err.value) and f"'{key}'" in str(err.value)


def test_policy_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_policy(write(tmp_path, "penalty_floor = \n"))
    with pytest.raises(ConfigError, match="not found"):
        load_policy(tmp_path / "nope.toml")


def test_policy_threshold_for_unknown_metric_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[weights]\nno_such_metric = 2\n")
    with pytest.raises(ConfigError, match="weights.no_such_metric"):
        run_for({"importers": [DOMESTIC], "entries": [entry("2025-01-01")]}, policy_path=path)


def test_policy_effective_on_names_a_metric_of_the_order(tmp_path: Path) -> None:
    data = {"importers": [DOMESTIC], "entries": [entry("2026-07-01")]}
    # an unknown id, and a metric that is not a provision of the order (an indicator)
    for mid in ("no_such_metric", "psc_rate"):
        path = write(tmp_path, f"[effective_on]\n{mid} = 2026-09-01\n", f"{mid}.toml")
        with pytest.raises(ConfigError, match=f"effective_on.{mid}"):
            run_for(data, year=2026, policy_path=path)


def test_policy_broker_condition_aliases_of_version_1(tmp_path: Path) -> None:
    # version 1's names still load, as the readings they stood for
    assert load_policy(write(tmp_path, 'broker_condition = "strict"\n')).values[
        "broker_condition"] == "ctpat_validated_broker"
    assert load_policy(write(tmp_path, 'broker_condition = "loose"\n', "l.toml")).values[
        "broker_condition"] == "licensed"


def test_policy_as_dict_is_part_of_the_output() -> None:
    run = run_for({"importers": [DOMESTIC], "entries": [entry("2025-01-01")]})
    out = run.to_json_dict()
    assert out["policy"]["penalty_floor"] == D("0.50")
    assert out["policy"]["version"] == "catalog-2026.2"
    assert out["policy"]["broker_condition"] == "licensed"
    assert out["policy"]["source"] == "default"


# --- each policy value changes the figures it should ------------------------------------------

INFORMAL = {"importers": [DOMESTIC, FOREIGN],
            "entries": [entry("2026-07-01", entry_type="11", importer_number="FOR"),
                        entry("2026-07-01", entry_type="01", importer_number="FOR")]}


def test_policy_informal_entry_types(tmp_path: Path) -> None:
    # default: the type-11 entry is informal (1); with ["01", "12"], only the type-01 entry is
    assert run_for(INFORMAL, year=2026).results["informal_entries"].value == 1
    path = write(tmp_path, 'informal_entry_types = ["01", "12"]\n')
    run = run_for(INFORMAL, year=2026, policy_path=path)
    assert run.results["informal_entries"].value == 1
    assert run.results["foreign_ior_informal_entries"].value == 1
    # now the type-11 entry is formal, foreign and without cover (filer AAA is no broker)
    assert run.results["foreign_ior_formal_without_ctpat_cover"].value == 1
    run = run_for(INFORMAL, year=2026,
                  policy_path=write(tmp_path, "informal_entry_types = []\n", "e.toml"))
    assert run.results["informal_entries"].value == 0


# T1 is a foreign tier-1 importer (not validated); LIC is a licensed broker with an active
# licence that is not CTPAT-validated. 901 is filed by T1 itself (filer AAA, no broker), 902
# by LIC for T1; 903 by LIC for FOR-X, which is not in the registry (unknown, not foreign).
CTPAT = {"importers": [DOMESTIC, importer("T1", foreign_ior=True, ctpat_tier="tier_1")],
         "brokers": [{"filer_code": "LIC", "license_number": "9", "license_status": "active",
                      "ctpat_validated": None}],
         "entries": [entry("2026-07-01", "AAA00000901", importer_number="T1"),
                     entry("2026-07-01", "LIC00000902", importer_number="T1"),
                     entry("2026-07-01", "LIC00000903", importer_number="FOR-X")]}


def test_policy_ctpat_tiers_and_broker_condition(tmp_path: Path) -> None:
    # default "licensed" (the order as published): 902 is covered by the licensed broker;
    # 901 is not covered -> 1 (red). The strict metric counts 901 and 902 whatever the policy.
    default = run_for(CTPAT, year=2026)
    assert default.results["foreign_ior_formal_without_ctpat_cover"].value == 1
    assert default.results["foreign_ior_formal_without_ctpat_cover"].status == "red"
    assert default.results["foreign_ior_formal_without_ctpat_cover_strict"].value == 2
    # tier_1 counted as validated: both entries covered by the importer itself
    tiers = run_for(CTPAT, year=2026, policy_path=write(tmp_path, 'ctpat_validated_tiers = ["tier_1"]\n'))
    assert tiers.results["foreign_ior_formal_without_ctpat_cover"].value == 0
    assert tiers.results["foreign_ior_formal_without_ctpat_cover_strict"].value == 0
    # "ctpat_validated_broker": the broker must be validated too, so 902 loses cover -> 2; the
    # strict metric is the same figure under either policy
    for name, text in (("s.toml", 'broker_condition = "ctpat_validated_broker"\n'),
                       ("alias.toml", 'broker_condition = "strict"\n')):
        strict = run_for(CTPAT, year=2026, policy_path=write(tmp_path, text, name))
        assert strict.results["foreign_ior_formal_without_ctpat_cover"].value == 2
        assert strict.results["foreign_ior_formal_without_ctpat_cover_strict"].value == 2
    # the broker route never counts in the trusted-trader share (no lines here: null)
    assert strict.results["trusted_trader_value_share"].value is None


def test_policy_broker_condition_changes_cover(tmp_path: Path) -> None:
    data = {**CTPAT, "importers": [DOMESTIC, importer("T1", foreign_ior=True)],
            "entries": [entry("2026-07-01", "LIC00000903", importer_number="T1")]}
    assert run_for(data, year=2026).results["foreign_ior_formal_without_ctpat_cover"].value == 0
    path = write(tmp_path, 'broker_condition = "ctpat_validated_broker"\n')
    assert run_for(data, year=2026, policy_path=path).results[
        "foreign_ior_formal_without_ctpat_cover"].value == 1


PENALTIES = {"importers": [DOMESTIC], "entries": [entry("2026-07-01")],
             "penalties": [case("C1", "2026-07-01", mitigated_amount=D("600.00"), status="open"),
                           case("C2", "2022-03-01", importer_number="R", status="paid"),
                           case("C3", "2026-03-01", importer_number="R", status="paid"),
                           case("L1", "2026-08-01", case_kind="liquidated_damages",
                                statute="bond", assessed_amount=D("400.00"),
                                mitigated_amount=D("100.00"), status="open")]}


def test_policy_penalty_floor_and_repeat_window(tmp_path: Path) -> None:
    base = run_for(PENALTIES, year=2026)
    # floor 0.50: C1 600 >= 500, no breach (L1 is liquidated damages: no floor case);
    # R has 2 decided cases in [2022-01-01, 2027-01-01): repeat offender
    assert base.results["penalty_floor_breaches"].value == 0
    assert base.results["repeat_offender_importers"].value == 1
    # C1 open, issued after the effective date: 0.50 x 1000 = 500
    assert base.results["eo_minimum_payable_open"].value == D("500.00")
    # floor 0.75: 600 < 750, breach, uplift 150.00; C1 open: 0.75 x 1000 = 750 payable
    path = write(tmp_path, "penalty_floor = 0.75\nrepeat_offender_window_years = 3\n")
    run = run_for(PENALTIES, year=2026, policy_path=path)
    assert run.results["penalty_floor_breaches"].value == 1
    assert run.results["penalty_floor_uplift_amount"].value == D("150.00")
    assert run.results["eo_minimum_payable_open"].value == D("750.00")
    # window 3 years: [2024-01-01, 2027-01-01) holds only C3 -> no repeat offender
    assert run.results["repeat_offender_importers"].value == 0
    path = write(tmp_path, "repeat_offender_min_cases = 3\n", "m.toml")
    assert run_for(PENALTIES, year=2026, policy_path=path).results[
        "repeat_offender_importers"].value == 0


def test_policy_floor_applies_to_and_its_effective_date(tmp_path: Path) -> None:
    # liquidated damages made floor cases: L1 100 < 0.50 x 400 = 200, breach, uplift 100;
    # open floor cases C1 0.5 x 1000 + L1 0.5 x 400 = 700
    path = write(tmp_path, 'floor_applies_to = ["penalty", "liquidated_damages"]\n')
    run = run_for(PENALTIES, year=2026, policy_path=path)
    assert run.results["penalty_floor_breaches"].value == 1
    assert run.results["penalty_floor_uplift_amount"].value == D("100.00")
    assert run.results["eo_minimum_payable_open"].value == D("700.00")
    # the floor's own effective date after C1's issue: C1 is no floor case any more
    path = write(tmp_path, "penalty_floor = 0.75\n[effective_on]\npenalty_floor_breaches = 2026-07-02\n"
                           "penalty_floor_uplift_amount = 2026-07-02\n"
                           "eo_minimum_payable_open = 2026-07-02\n", "d.toml")
    run = run_for(PENALTIES, year=2026, policy_path=path)
    assert run.results["penalty_floor_breaches"].value == 0
    assert run.results["penalty_floor_uplift_amount"].value == D("0")
    assert run.results["eo_minimum_payable_open"].value == D("0")


def test_policy_effective_on_default_and_per_metric(tmp_path: Path) -> None:
    # one foreign informal entry on 2026-03-01 and one on 2026-07-01
    data = {"importers": [DOMESTIC, FOREIGN],
            "entries": [entry("2026-03-01", entry_type="11", importer_number="FOR"),
                        entry("2026-07-01", entry_type="11", importer_number="FOR")]}
    r = run_for(data, year=2026).results["foreign_ior_informal_entries"]
    assert (r.value, r.before_order, r.effective_on) == (1, 1, date(2026, 6, 3))
    # the default moved to 2026-01-01: both entries count, nothing before the order
    path = write(tmp_path, "[effective_on]\ndefault = 2026-01-01\n")
    r = run_for(data, year=2026, policy_path=path).results["foreign_ior_informal_entries"]
    assert (r.value, r.before_order, r.effective_on) == (2, 0, date(2026, 1, 1))
    # a date for this metric only: 2026-08-01, after both entries: E* is empty, so the control is
    # not in force in 2026 (n/a, value 0) and both entries are its baseline; the other dated
    # metrics keep the default
    path = write(tmp_path, "[effective_on]\nforeign_ior_informal_entries = 2026-08-01\n", "m.toml")
    run = run_for(data, year=2026, policy_path=path)
    r = run.results["foreign_ior_informal_entries"]
    assert (r.value, r.before_order, r.status) == (0, 2, "n/a")
    assert run.results["foreign_ior_formal_without_ctpat_cover"].status == "green"
    assert run.results["certification_rate"].effective_on == date(2026, 6, 3)


def test_policy_thresholds_weights_and_score_bands(tmp_path: Path) -> None:
    # certification 1 of 2 = 0.5: red by default, green with green = 0.5
    data = {"importers": [DOMESTIC], "entries": [entry("2026-07-01"),
                                                   entry("2026-07-02", certification="no")]}
    assert run_for(data, year=2026).results["certification_rate"].status == "red"
    path = write(tmp_path, "[thresholds]\ncertification_rate = { green = 0.5, amber = 0.4 }\n")
    run = run_for(data, year=2026, policy_path=path)
    assert run.results["certification_rate"].status == "green"
    assert run.results["certification_rate"].status_rule == (
        "green if value >= 0.5, amber if value >= 0.4, else red")
    # default: 9 green + 1 red (certification) over 10 applicable = 90.0, band green (>= 90);
    # weight 6 on certification: 9 / 15 = 60.0, band red (< 70)
    run = run_for(data, year=2026)
    assert (run.score, run.results["readiness_score"].status) == (D("90.0"), "green")
    path = write(tmp_path, "[weights]\ncertification_rate = 6\n", "w.toml")
    run = run_for(data, year=2026, policy_path=path)
    assert (run.score, run.results["readiness_score"].status) == (D("60.0"), "red")
    # bands 95 / 90: the same 90.0 is amber
    path = write(tmp_path, "[score_bands]\ngreen = 95\namber = 90\n", "b.toml")
    run = run_for(data, year=2026, policy_path=path)
    assert (run.score, run.results["readiness_score"].status) == (D("90.0"), "amber")
