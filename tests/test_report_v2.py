"""Catalog version 2 as the PDF shows it: effective dates and the before-the-order baseline,
authority labels with their legend, both readings of the broker route, "not provided" instead
of $0.00, the renamed CBP-shaped section, and the refusals (empty year, foreign database).

The year CY2026 holds, for one foreign importer of record (all four U.S. tests fail):
  F1 informal, 2026-06-02 (the day before the order's default effective date 2026-06-03)
  F2 informal, 2026-06-03 (on the effective date)         -> counted: 1, before the order: 1
  F3 formal,   2026-07-01, filer LIC: a licensed broker without CTPAT validation
     -> covered under the order as published (0 without cover), not under the stricter
        reading (1 without cover)
  D1 domestic, 2026-08-01, formal
Lines: F3 carries no duty amount, D1 does (25.00): duty total 25.00 with 1 of 2 lines not
provided. One 19 U.S.C. 1592 case open at the end: fraud with a prior disclosure and no loss
of revenue, dutiable value 1,000.00 -> maximum 0.10 x 1,000.00 = $100.00; no loss of
revenue given -> duties to be restored "not provided".
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from customs_readiness.cli import app

from _report_fixtures import pdf_text
from conftest import write_tables

runner = CliRunner()

US_TESTS = ["us_organized", "us_physical_presence", "us_assets_sufficient",
            "us_controlling_owner"]


def _folder(root: Path) -> Path:
    return write_tables(root, {
        "importers": (["importer_number", "importer_name", *US_TESTS, "ctpat_tier", "good_standing"], [
            ["251234-56789", "Overseas <b>Trading</b> & Co", "no", "no", "no", "no", "none", "good"],
            ["12-3456789AA", "Acme Imports LLC", "yes", "yes", "yes", "yes", "tier_2", "good"],
        ]),
        "brokers": (["filer_code", "broker_name", "license_number", "license_status",
                     "ctpat_validated"], [["LIC", "Licensed Broker", "12345", "active", "no"]]),
        "entries": (["entry_number", "entry_type", "importer_number", "entry_date", "filer_code",
                     "certification", "disclosure_complete", "bond_type"], [
            ["LIC00000011", "11", "251234-56789", "2026-06-02", "LIC", "yes", "yes", "9"],
            ["LIC00000029", "11", "251234-56789", "2026-06-03", "LIC", "yes", "yes", "9"],
            ["LIC00000037", "01", "251234-56789", "2026-07-01", "LIC", "yes", "yes", "9"],
            ["LIC00000045", "01", "12-3456789AA", "2026-08-01", "LIC", "yes", "yes", "9"],
        ]),
        "entry_lines": (["entry_number", "line_number", "hts_number", "country_of_origin",
                         "manufacturer_id", "entered_value", "duty_amount"], [
            ["LIC00000037", "1", "8471300100", "CN", "CNMAN1SHA", "1000.00", ""],
            ["LIC00000045", "1", "8471300100", "CN", "CNMAN1SHA", "500.00", "25.00"],
        ]),
        "penalties": (["case_number", "case_kind", "statute", "culpability", "importer_number",
                       "issued_on", "assessed_amount", "dutiable_value", "status",
                       "prior_disclosure"], [
            ["P-1", "penalty", "19USC1592", "fraud", "251234-56789", "2026-03-01", "500.00",
             "1000.00", "open", "yes"],
        ]),
    })


def _run(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    db = tmp_path / "db.duckdb"
    result = runner.invoke(app, ["load", str(_folder(tmp_path / "data")), "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(db), "--out", str(out),
                                 *extra])
    assert result.exit_code == 0, result.output
    return db, " ".join(" ".join(pdf_text(out)).split())


def test_report_v2_effective_date_authority_and_both_broker_readings(tmp_path):
    db, text = _run(tmp_path)
    # the figure counts from the effective date; the day before is the baseline
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format", "json"])
    m = json.loads(result.stdout)["metrics"]
    assert (m["foreign_ior_informal_entries"]["value"],
            m["foreign_ior_informal_entries"]["before_order"]) == (1, 1)
    assert m["foreign_ior_informal_entries"]["authority"] == "order"
    assert m["foreign_ior_formal_without_ctpat_cover"]["value"] == 0  # licensed broker suffices
    assert m["foreign_ior_formal_without_ctpat_cover_strict"]["value"] == 1
    assert m["foreign_ior_formal_without_ctpat_cover_licensed"]["value"] == 0
    assert "How much depends on the reading of the broker route" in text
    assert ("0 under the order as published (a licensed customs broker suffices), and 1 under the "
            "stricter reading") in text
    assert "Before the order" in text
    assert "Authority: Order the text of Executive Order 14411 as published" in text
    assert "not legal advice" in text
    assert "not yet complete" in text  # the order directs rule-making still to come
    assert "In the shape of CBP's published statistics" in text
    assert "As DHS would report it" not in text


def test_report_v2_not_provided_is_not_zero(tmp_path):
    db, text = _run(tmp_path)
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format", "json"])
    m = json.loads(result.stdout)["metrics"]
    # 1 of the 2 lines carries no duty amount: the sum of the other, and the count missing
    assert (m["duty_total"]["value"], m["duty_total"]["missing"]) == (25.00, 1)
    assert "$25.00" in text and "1 of 2 not provided" in text
    # the prior-disclosure fraud case without loss: 0.10 x 1,000.00
    assert (m["max_statutory_exposure_1592"]["value"], m["max_statutory_exposure_1592"]["missing"]) \
        == (100.00, 0)
    # no loss of revenue on the one open case: not provided, never $0.00
    assert m["duty_restoration_1592d"]["value"] is None
    assert m["duty_restoration_1592d"]["missing"] == 1
    i = text.index("Duties to be restored, open")
    row = text[i:text.index("Minimum payable under the order", i)]
    assert row.endswith("counted as missing. not provided info Statute ")  # value, status, authority
    assert "$0.00" not in row
    # the penalties file carried no closed_on: the data-quality section says so
    assert "carried no closed_on dates" in text


def test_report_v2_strict_policy_changes_the_control_not_the_readings(tmp_path):
    policy = tmp_path / "strict.toml"
    policy.write_text('broker_condition = "ctpat_validated_broker"\n', encoding="utf-8")
    db, text = _run(tmp_path, "--policy", str(policy))
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format", "json",
                                 "--policy", str(policy)])
    m = json.loads(result.stdout)["metrics"]
    assert (m["foreign_ior_formal_without_ctpat_cover"]["value"],
            m["foreign_ior_formal_without_ctpat_cover"]["status"]) == (1, "red")
    assert m["foreign_ior_formal_without_ctpat_cover_licensed"]["value"] == 0
    assert 'the stricter reported reading (broker_condition = "ctpat_validated_broker")' in text


def test_report_v2_refuses_an_empty_year_and_a_foreign_database(tmp_path):
    db, _ = _run(tmp_path)
    for command in (["report", "--out", str(tmp_path / "x.pdf")], ["metrics"]):
        result = runner.invoke(app, [*command, "--year", "2030", "--db", str(db)])
        assert result.exit_code == 2
        assert "no entries, penalty cases or disposal cases in CY2030" in result.stderr
        assert "periods with records: CY2026" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()
    other = tmp_path / "not-ours.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    before = other.read_bytes()
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(other)])
    assert result.exit_code == 2
    assert other.read_bytes() == before  # never written, never turned into a database


def test_report_v2_year_wholly_before_the_order(tmp_path):
    folder = _folder(tmp_path / "data")
    db = tmp_path / "db.duckdb"
    assert runner.invoke(app, ["load", str(folder), "--db", str(db)]).exit_code == 0
    policy = tmp_path / "late.toml"
    policy.write_text("[effective_on]\ndefault = 2027-01-01\n", encoding="utf-8")
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(db), "--out", str(out),
                                 "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(pdf_text(out)).split())
    assert "not in force" in text and "Not in force" in text
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format", "json",
                                 "--policy", str(policy)])
    m = json.loads(result.stdout)["metrics"]
    informal = m["foreign_ior_informal_entries"]
    assert (informal["value"], informal["status"], informal["before_order"],
            informal["in_force"]) == (0, "n/a", 2, False)
    assert m["certification_rate"]["value"] is None and m["certification_rate"]["status"] == "n/a"
