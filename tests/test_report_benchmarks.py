"""Benchmarks: published CBP figures from the data file, beside the importer's own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs_readiness import report
from customs_readiness.errors import ConfigError
from customs_readiness.report import context


def test_report_benchmarks_file_has_sources_for_every_figure():
    benchmarks = report.load_benchmarks()
    assert {b.id for b in benchmarks} >= {"cbp_trade_compliance_fy2018",
                                         "cbp_trade_partnership_value_fy2018"}
    by_id = {b.id: b for b in benchmarks}
    # the two figures the metric catalog quotes (FY2018): 98.72% against a 97.5% goal; 53.3%
    assert by_id["cbp_trade_compliance_fy2018"].value == Decimal("0.9872")
    assert by_id["cbp_trade_compliance_fy2018"].goal == Decimal("0.975")
    assert by_id["cbp_trade_partnership_value_fy2018"].value == Decimal("0.533")
    for b in benchmarks:
        assert b.source and b.url.startswith("https://") and b.fiscal_year.startswith("FY")


def test_report_benchmarks_ratio_of_two_metrics():
    rows = {
        "duty_total": {"title": "Duty", "value": Decimal("687.58"), "not_provided": False},
        "entered_value_total": {"title": "Entered value", "value": Decimal("6000.50"),
                                "not_provided": False},
        "entries_total": {"title": "Entries", "value": 6, "not_provided": False},
    }
    out = {b["title"]: b for b in context._benchmarks(rows)}
    # 687.58 / 6000.50 = 0.11458711... -> 11.46%
    assert out["Duty collected as a share of import value"]["mine_text"] == "11.46%"
    # 6000.50 / 6 = 1000.0833... -> $1,000.08, below CBP's $75,428.57
    per_entry = out["Import value per entry summary"]
    assert (per_entry["mine_text"], per_entry["comparison"]) == ("$1,000.08", "below")


def test_report_benchmarks_unknown_key_is_an_error(tmp_path):
    bad = tmp_path / "b.toml"
    bad.write_text('[[benchmark]]\nid = "x"\nvalu = "1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'valu'"):
        report.load_benchmarks(bad)
