"""Hostile configuration files (policy, mapping, a user metric's header) are one clear
ConfigError naming the file, never a crash: deep nesting, numbers out of range."""

from __future__ import annotations

import pytest

from customs_readiness.errors import ConfigError
from customs_readiness.ingest import load_mapping
from customs_readiness.metrics import parse_metric_file
from customs_readiness.policy import load_policy

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(("value", "problem"), [
    ("inf", "must be a finite number, got Decimal('Infinity')"),
    ("nan", "must be a finite number, got Decimal('NaN')"),
    ("1e999999999", "is out of range (at most 1,000,000,000,000,000 in size)"),
    ("-5", "must not be negative, got -5"),
])
def test_policy_weight_out_of_range(tmp_path, value, problem):
    p = tmp_path / "p.toml"
    p.write_text(f"[weights]\nentry_compliance_rate = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy(p)
    assert str(err.value) == f"{p}: key 'weights.entry_compliance_rate' {problem}"


def test_policy_nested_too_deeply(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text(f"a = {DEEP}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid TOML \(nested too deeply\)$"):
        load_policy(p)


def test_mapping_nested_too_deeply(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(f"[layout]\nname = {DEEP}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"m\.toml: not valid TOML: nested too deeply$"):
        load_mapping(p)


def test_mapping_first_chars_out_of_range(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[entries]\nentry_number = "A"\nentry_type = "B"\nimporter_number = "C"\n'
                 'entry_date = "D"\nfiler_code = { from = "entry_number", '
                 "first_chars = 100000000000000000000 }\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"first_chars': must be a whole number from 1 to 1000$"):
        load_mapping(p)


def test_metric_header_nested_too_deeply(tmp_path):
    p = tmp_path / "deep.sql"
    p.write_text(f"-- id = {DEEP}\nselect 1 as value\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid TOML in metadata header \(nested too deeply\)$"):
        parse_metric_file(p, "user")
