"""The policy file: shipped defaults, partial overrides, strict keys and types, and the effect
of each policy value on the figures."""

from __future__ import annotations

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
    assert v["broker_condition"] == "strict"
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
    assert p.version == "catalog-2026.1+policy.toml"  # a changed policy is not the shipped one
    assert p.source.endswith("policy.toml")
    assert load_policy(write(tmp_path, 'version = "acme-1"\n', "v.toml")).version == "acme-1"


@pytest.mark.parametrize("text, key", [
    ("penalty_flor = 0.5\n", "penalty_flor"),
    ("[thresholds]\npsc_rate = { red = 0.2 }\n", "thresholds.psc_rate.red"),
    ("[colours]\nx = 1\n", "colours"),
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


def test_policy_as_dict_is_part_of_the_output() -> None:
    run = run_for({"importers": [DOMESTIC], "entries": [entry("2025-01-01")]})
    out = run.to_json_dict()
    assert out["policy"]["penalty_floor"] == D("0.50")
    assert out["policy"]["version"] == "catalog-2026.1"
    assert out["policy"]["source"] == "default"


# --- each policy value changes the figures it should ------------------------------------------

INFORMAL = {"importers": [DOMESTIC, FOREIGN],
            "entries": [entry("2025-02-01", entry_type="11", importer_number="FOR"),
                        entry("2025-02-01", entry_type="01", importer_number="FOR")]}


def test_policy_informal_entry_types(tmp_path: Path) -> None:
    # default: the type-11 entry is informal (1); with ["01"], only the type-01 entry is
    assert run_for(INFORMAL).results["informal_entries"].value == 1
    path = write(tmp_path, 'informal_entry_types = ["01", "12"]\n')
    run = run_for(INFORMAL, policy_path=path)
    assert run.results["informal_entries"].value == 1
    assert run.results["foreign_ior_informal_entries"].value == 1
    # now the type-11 entry is formal, foreign and without cover
    assert run.results["foreign_ior_formal_without_ctpat_cover"].value == 1
    run = run_for(INFORMAL, policy_path=write(tmp_path, "informal_entry_types = []\n", "e.toml"))
    assert run.results["informal_entries"].value == 0


CTPAT = {"importers": [DOMESTIC, importer("T1", foreign_ior=True, ctpat_tier="tier_1")],
         "brokers": [{"filer_code": "LIC", "license_number": "9", "license_status": "active",
                      "ctpat_validated": None}],
         "entries": [entry("2025-02-01", "AAA00000901", importer_number="T1"),
                     entry("2025-02-01", "LIC00000902", importer_number="FOR-X")]}


def test_policy_ctpat_tiers_and_broker_condition(tmp_path: Path) -> None:
    # strict default: tier_1 importer not covered; broker not CTPAT-validated -> 1 (only T1 is
    # foreign: FOR-X is not in the registry, so unknown)
    strict = run_for(CTPAT)
    assert strict.results["foreign_ior_formal_without_ctpat_cover"].value == 1
    tiers = run_for(CTPAT, policy_path=write(tmp_path, 'ctpat_validated_tiers = ["tier_1"]\n'))
    assert tiers.results["foreign_ior_formal_without_ctpat_cover"].value == 0
    # loose: any active licensed broker covers; entry 902's filer LIC now gives cover
    loose = run_for(CTPAT, policy_path=write(tmp_path, 'broker_condition = "loose"\n', "l.toml"))
    assert loose.results["trusted_trader_value_share"].value is None  # no lines: null
    assert strict.results["foreign_ior_formal_without_ctpat_cover"].status == "red"


def test_policy_loose_broker_changes_cover(tmp_path: Path) -> None:
    data = {**CTPAT, "importers": [DOMESTIC, importer("T1", foreign_ior=True)],
            "entries": [entry("2025-02-01", "LIC00000903", importer_number="T1")]}
    assert run_for(data).results["foreign_ior_formal_without_ctpat_cover"].value == 1
    path = write(tmp_path, 'broker_condition = "loose"\n')
    assert run_for(data, policy_path=path).results[
        "foreign_ior_formal_without_ctpat_cover"].value == 0


PENALTIES = {"importers": [DOMESTIC], "entries": [entry("2025-01-01")],
             "penalties": [case("C1", "2025-03-01", mitigated_amount=D("600.00"), status="open"),
                           case("C2", "2022-03-01", importer_number="R", status="paid"),
                           case("C3", "2025-03-01", importer_number="R", status="paid")]}


def test_policy_penalty_floor_and_repeat_window(tmp_path: Path) -> None:
    base = run_for(PENALTIES)
    # floor 0.50: 600 >= 500, no breach; R has 2 cases in [2021, 2026): repeat offender
    assert base.results["penalty_floor_breaches"].value == 0
    assert base.results["repeat_offender_importers"].value == 1
    # floor 0.75: 600 < 750, breach, uplift 150.00; C1 open: 0.75 x 1000 = 750 payable
    path = write(tmp_path, "penalty_floor = 0.75\nrepeat_offender_window_years = 3\n")
    run = run_for(PENALTIES, policy_path=path)
    assert run.results["penalty_floor_breaches"].value == 1
    assert run.results["penalty_floor_uplift_amount"].value == D("150.00")
    assert run.results["eo_minimum_payable_open"].value == D("750.00")
    # window 3 years: [2023-01-01, 2026-01-01) holds only C3 -> no repeat offender
    assert run.results["repeat_offender_importers"].value == 0
    path = write(tmp_path, "repeat_offender_min_cases = 3\n", "m.toml")
    assert run_for(PENALTIES, policy_path=path).results["repeat_offender_importers"].value == 0


def test_policy_thresholds_and_weights(tmp_path: Path) -> None:
    # certification 1 of 2 = 0.5: red by default, green with green = 0.5
    data = {"importers": [DOMESTIC], "entries": [entry("2025-01-01"),
                                                   entry("2025-01-02", certification="no")]}
    assert run_for(data).results["certification_rate"].status == "red"
    path = write(tmp_path, "[thresholds]\ncertification_rate = { green = 0.5, amber = 0.4 }\n")
    run = run_for(data, policy_path=path)
    assert run.results["certification_rate"].status == "green"
    assert run.results["certification_rate"].status_rule == (
        "green if value >= 0.5, amber if value >= 0.4, else red")
    # default: 9 green + 1 red (certification) over 10 applicable = 90.0;
    # weight 6 on certification: 9 / 15 = 60.0
    assert run_for(data).score == D("90.0")
    path = write(tmp_path, "[weights]\ncertification_rate = 6\n", "w.toml")
    assert run_for(data, policy_path=path).score == D("60.0")
