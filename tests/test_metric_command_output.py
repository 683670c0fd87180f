"""`readiness metrics` end to end on a loaded CSV folder: JSON as the spec's machine-readable
output, CSV one row per metric, the terminal table, errors as one line.

The data sit in 2024-2026 before the order's default effective date; the figure tests run with
``--policy tests/policies/order_in_force_2025.toml`` (the order in force from 2025-01-01), so the
dated controls of 2025 count their records (2024 is then wholly before the order). The shipped
policy's own output is checked where it says so."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.metrics import CATALOG_ORDER

from _metric_fixtures import ORDER_IN_FORCE_2025
from conftest import write_tables

runner = CliRunner()
IN_FORCE = ("--policy", str(ORDER_IN_FORCE_2025))

# 2025: E1 (Jan 1, formal, foreign CN importer, certification yes), E2 (Dec 31, informal,
# same importer, certification no), E3 (Jan 1 2026: next year). 2024: E0 (Dec 31 2024).
TABLES = {
    "importers": (
        ["importer_number", "importer_name", "us_organized", "us_physical_presence",
         "us_assets_sufficient", "us_controlling_owner", "good_standing"],
        [["12-3456789AB", "Acme <b>Inc</b>", "yes", "yes", "yes", "yes", "good"],
         ["260101-12345", "Overseas Ltd", "no", "no", "no", "no", "not_good"]],
    ),
    "entries": (
        ["entry_number", "entry_type", "importer_number", "entry_date", "certification",
         "psc_filed"],
        [["ABC-1234567-1", "01", "260101-12345", "2025-01-01", "yes", "no"],
         ["ABC12345682", "11", "260101-12345", "12/31/2025", "no", "no"],
         ["ABC12345693", "01", "12-3456789AB", "2026-01-01", "yes", "yes"],
         ["ABC12345604", "01", "12-3456789AB", "2024-12-31", "yes", "yes"]],
    ),
    "entry_lines": (
        ["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value",
         "duty_amount"],
        [["ABC12345671", "1", "1", "8471.30.0100", "$1,000.10", "10.00"],
         ["ABC12345671", "1", "2", "9903.88.0301", "0", "250.00"],
         ["ABC12345682", "1", "1", "8473300100", "5", "0.25"],
         ["ABC12345693", "1", "1", "8473300100", "7", "1"],
         ["ABC12345604", "1", "1", "8473300100", "9", "1"]],
    ),
    "penalties": (
        ["case_number", "case_kind", "issued_on", "assessed_amount", "status", "importer_number",
         "mitigated_amount"],
        [["PEN-1", "penalty", "2025-03-01", "777.77", "open", "260101-12345", ""],
         ["PEN-2", "penalty", "2025-03-02", "100.00", "mitigated", "12-3456789AB", "10.00"]],
    ),
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = write_tables(tmp_path / "data", TABLES)
    path = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["load", str(folder), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def metrics_json(db: Path, *args: str) -> dict:
    result = runner.invoke(app, ["metrics", "--db", str(db), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def test_metric_command_json_shape_and_figures(db: Path) -> None:
    out = metrics_json(db, "--year", "2025", *IN_FORCE)
    assert out["period"] == {"start": "2025-01-01", "end": "2026-01-01", "label": "CY2025",
                             "end_is_exclusive": True, "fiscal_year_start_month": 1}
    assert out["policy"]["penalty_floor"] == Decimal("0.50")
    assert list(out["metrics"]) == list(CATALOG_ORDER)
    m = {k: (v["value"], v["status"]) for k, v in out["metrics"].items()}
    assert m["entries_total"] == (2, None)
    # L' = 1000.10 + 5 (the 9903 ordinal has no value of its own)
    assert m["entered_value_total"] == (Decimal("1005.10"), None)
    assert m["duty_total"] == (Decimal("260.25"), None)  # 10.00 + 250.00 + 0.25
    assert m["foreign_ior_informal_entries"] == (1, "red")
    assert m["certification_rate"] == (Decimal("0.5"), "red")
    assert m["importers_not_in_good_standing"] == (1, "red")
    # open: PEN-1 0.5 x 777.77 = 388.885 and PEN-2 0.5 x 100 = 50 -> 438.885, reported to the
    # cent half up: 438.89
    assert m["eo_minimum_payable_open"] == (Decimal("438.89"), None)
    assert m["mitigation_rate"] == (Decimal("0.9"), None)  # 1 - 10/100
    assert m["median_days_to_disposal"] == (None, "n/a")  # no disposals file: null, n/a
    assert m["rejected_rows"] == (0, None)
    # version 2's fields: authority on every metric, effective date and baseline on dated ones
    # (the order in force from the period's first day: nothing before it), missing on sums
    full = out["metrics"]
    assert all(v["authority"] in ("order", "reported", "statute", "indicator")
               for v in full.values())
    assert full["foreign_ior_informal_entries"]["effective_on"] == "2025-01-01"
    assert full["foreign_ior_informal_entries"]["before_order"] == 0
    assert full["duty_total"]["missing"] == 0
    # the file carried no bond_type: not provided (null, n/a), never a green 0
    bond = full["foreign_ior_continuous_bond_without_permission"]
    assert (bond["value"], bond["status"], bond["not_provided"]) == (
        None, "n/a", ["entries.bond_type"])
    # controls: informal red, formal w/o cover (E1) red, unknown 0 green, standing red,
    # certification 1/2 red, psc 0/2 green, compliance 2/2 green (no PSC, no case names E1 or
    # E2), repeat 0 green. Not provided (no file carried the column: n/a, out of the score):
    # bond (bond_type), disclosure (disclosure_complete), origin/MID (country_of_origin,
    # manufacturer_id)
    assert m["entry_compliance_rate"] == (Decimal(1), "green")
    assert m["disclosure_complete_rate"] == (None, "n/a")
    assert m["origin_mid_completeness_rate"] == (None, "n/a")
    # green: unknown, psc, compliance, repeat = 4 of 8 applicable -> 50.0
    assert m["readiness_score"] == (Decimal("50.0"), "red")  # status: the score's band


def test_metric_command_previous_year_and_fiscal_year(db: Path) -> None:
    prev = metrics_json(db, "--year", "2024", *IN_FORCE)
    assert prev["metrics"]["entries_total"]["value"] == 1
    # 2024 is wholly before the order (in force from 2025-01-01): the dated rate is not in
    # force, and its baseline is the year's figure (1 of 1 certified)
    cert = prev["metrics"]["certification_rate"]
    assert (cert["value"], cert["status"], cert["before_order"]) == (None, "n/a", Decimal(1))
    assert prev["metrics"]["psc_rate"] == {**prev["metrics"]["psc_rate"], "value": Decimal(1),
                                           "status": "red"}
    fy = metrics_json(db, "--year", "2026", "--fiscal-year-start-month", "10", *IN_FORCE)
    assert fy["period"]["start"] == "2025-10-01" and fy["period"]["label"] == "FY2026"
    assert fy["metrics"]["entries_total"]["value"] == 2  # Dec 31 2025 and Jan 1 2026


def test_metric_command_json_numbers_are_exact(db: Path) -> None:
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2025", "--format", "json",
                                 *IN_FORCE])
    text = result.stdout
    assert '"value": 1005.10' in text and '"value": 0.5,' in text
    assert not re.search(r"\d[eE][+-]?\d", text)  # never scientific notation


def test_metric_command_csv_one_row_per_metric(db: Path) -> None:
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2025", "--format", "csv",
                                 *IN_FORCE])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == list(CATALOG_ORDER)
    by_id = {r["id"]: r for r in rows}
    assert by_id["entered_value_total"]["value"] == "1005.10"
    assert by_id["certification_rate"]["status"] == "red"
    assert by_id["mitigation_rate"]["value"] == "0.9"
    assert all(r["policy_version"] == "test-order-in-force-2025" for r in rows)
    assert '"penalty_floor": 0.50' in rows[0]["policy"]
    assert by_id["certification_rate"]["authority"] == "order"
    assert by_id["certification_rate"]["effective_on"] == "2025-01-01"
    assert by_id["certification_rate"]["before_order"] == ""  # nothing before: null
    assert by_id["foreign_ior_informal_entries"]["before_order"] == "0"
    assert by_id["foreign_ior_continuous_bond_without_permission"]["not_provided"] == (
        "entries.bond_type")
    # the shipped policy: its version, and 2025 wholly before the order's date
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2025", "--format", "csv"])
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["entries_total"]["policy_version"] == "catalog-2026.2"
    assert (rows["foreign_ior_informal_entries"]["value"],
            rows["foreign_ior_informal_entries"]["status"],
            rows["foreign_ior_informal_entries"]["before_order"],
            rows["foreign_ior_informal_entries"]["effective_on"]) == ("0", "n/a", "1", "2026-06-03")


def test_metric_command_table_grouped_by_section(db: Path) -> None:
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2025", *IN_FORCE])
    assert result.exit_code == 0, result.output
    text = result.stdout
    titles = ["Volume and importer profile", "Importer-of-record eligibility",
              "Disclosure, certification and entry accuracy", "Penalties and liquidated damages",
              "Data quality and overall"]
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "$1,005.10" in text and "Readiness score: 50.0" in text
    assert "penalty_floor = 0.50" in text


def test_metric_command_missing_db_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    result = runner.invoke(app, ["metrics", "--db", str(missing), "--year", "2025"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "nope.duckdb" in result.stderr
    assert not missing.exists()


def test_metric_command_bad_policy_is_one_line(db: Path, tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text("penalty_flor = 0.4\n")
    result = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2025", "--policy", str(p)])
    assert result.exit_code == 2
    assert "penalty_flor" in result.stderr and str(p) in result.stderr


def test_metric_command_stores_for_the_report(db: Path) -> None:
    import duckdb

    metrics_json(db, "--year", "2025")
    metrics_json(db, "--year", "2025")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from metric_runs").fetchone() == (1,)
    con.close()


def test_metric_command_help_texts() -> None:
    for cmd in ("metrics", "exceptions"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0 and "--year" in result.stdout and "--policy" in result.stdout
