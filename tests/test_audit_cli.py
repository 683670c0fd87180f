"""`audit-sample` and `audit-score` end to end on the bundled sample year: load, draw, fill,
score; the projection recomputed independently from the worksheet's own sheets."""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from customs_readiness.audit import draw, score
from customs_readiness.cli import app
from customs_readiness.cli import audit as cmd_audit

from _audit_fixtures import fill

runner = CliRunner()
SAMPLE_2026 = Path(__file__).resolve().parents[1] / "sample_data" / "2026"
TYPES = ("classification", "value", "origin", "special_program", "quantity", "other")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audit-cli") / "r.duckdb"
    result = runner.invoke(app, ["load", str(SAMPLE_2026), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _sample(db: Path, out: Path, *extra: str):
    return runner.invoke(app, ["audit-sample", "--db", str(db), "--year", "2026", "--out",
                               str(out), *extra])


def test_audit_cli_commands_listed_with_help():
    result = runner.invoke(app, ["--help"])
    assert "audit-sample" in result.output and "audit-score" in result.output
    for command in ("audit-sample", "audit-score"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
    assert "--certainty-value" in runner.invoke(app, ["audit-sample", "--help"]).output


def test_audit_cli_defaults_match_the_audit_package():
    assert Decimal(str(cmd_audit.DEFAULT_EXPECTED_RATE)) == draw.DEFAULT_EXPECTED_RATE
    assert Decimal(str(cmd_audit.DEFAULT_MARGIN)) == draw.DEFAULT_MARGIN
    assert cmd_audit.DEFAULT_STRATA == draw.DEFAULT_STRATA
    assert Decimal(str(cmd_audit.DEFAULT_GOAL)) == score.DEFAULT_GOAL


def test_audit_cli_sample_is_byte_identical_for_a_seed(db, tmp_path):
    first = _sample(db, tmp_path / "a", "--seed", "7")
    assert first.exit_code == 0, first.output
    second = _sample(db, tmp_path / "b", "--seed", "7")
    assert second.exit_code == 0, second.output
    a = (tmp_path / "a" / "audit-worksheet.xlsx").read_bytes()
    assert a == (tmp_path / "b" / "audit-worksheet.xlsx").read_bytes()
    # 3,963 lines of 2026 carry their own value: n = 202.7511/(1 + 201.7511/3963) -> 193
    assert "Audit sample of CY2026: 193 of 3,963 lines, seed 7" in first.output
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "a" / "sampling-plan.pdf").pages)
    text = " ".join(text.split())
    for needle in ("Sampling plan: entry lines of CY2026", "19 CFR 163.11(c)", "162.74(j)",
                   "Seed: 7", "202.75", "Proportional to the lines in each stratum",
                   "practitioner convention"):
        assert needle in text, needle
    other = _sample(db, tmp_path / "c", "--seed", "8")
    assert other.exit_code == 0
    assert (tmp_path / "c" / "audit-worksheet.xlsx").read_bytes() != a


def _independent_projection(path: Path) -> dict:
    """Recompute the projection from the worksheet's own Strata (N_h, n_h) and Sample sheets
    with plain floats and Decimal sums, as an outside checker would."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    strata = {r[0]: (r[3], r[4]) for r in wb["Strata"].iter_rows(min_row=2, values_only=True)
              if r[0] is not None}
    lines: dict[int, list] = {h: [] for h in strata}
    for r in wb["Sample"].iter_rows(min_row=2, values_only=True):
        if r[0] is None:
            continue
        d = Decimal(0) if r[12] is None else Decimal(str(r[12])) - Decimal(str(r[9] or 0))
        lines[r[1]].append((r[10], d))
    wb.close()
    total = sum(n for n, _ in strata.values())
    rate = var_r = 0.0
    loss, var_l = Decimal(0), 0.0
    for h, (big_n, n) in strata.items():
        got = lines[h]
        assert len(got) == n
        p = sum(1 for res, _ in got if res == "compliant") / n
        w, f = big_n / total, n / big_n
        rate += w * p
        var_r += w * w * (1 - f) * p * (1 - p) / (n - 1)
        mean = sum(d for _, d in got) / n
        s2 = float(sum((d - mean) ** 2 for _, d in got) / (n - 1))
        loss += big_n * mean
        var_l += big_n * big_n * (1 - f) * s2 / n
    cent = Decimal("0.01")
    half = 1.96 * math.sqrt(var_l)
    return {"rate": rate, "low": max(0.0, rate - 1.96 * math.sqrt(var_r)),
            "high": min(1.0, rate + 1.96 * math.sqrt(var_r)),
            "loss": loss.quantize(cent, ROUND_HALF_UP),
            "loss_low": (loss - Decimal(half)).quantize(cent, ROUND_HALF_UP),
            "loss_high": (loss + Decimal(half)).quantize(cent, ROUND_HALF_UP)}


def test_audit_cli_end_to_end_on_the_sample_year(db, tmp_path):
    result = _sample(db, tmp_path / "s", "--seed", "2026", "--certainty-value", "300000")
    assert result.exit_code == 0, result.output
    sheet = tmp_path / "s" / "audit-worksheet.xlsx"
    # every 9th line an error of some type, every other error with a duty difference
    results = {}
    for sid in range(1, 400):
        if sid % 9 == 0:
            results[sid] = ("error", TYPES[sid % 6], None)
    filled = tmp_path / "filled.xlsx"

    def differences(wb):
        ws = wb["Sample"]
        for r in range(2, ws.max_row + 1):
            sid = ws.cell(r, 1).value
            if sid in results and sid % 2 == 0:
                duty = Decimal(str(ws.cell(r, 10).value or 0))
                ws.cell(r, 13).value = float(duty * Decimal("1.25") + Decimal("3.10"))
            elif sid in results and sid % 3 == 0:
                ws.cell(r, 13).value = float(Decimal(str(ws.cell(r, 10).value or 0)) / 2)
    fill(sheet, filled, results, edit=differences)

    scored = runner.invoke(app, ["audit-score", str(filled), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    out = json.loads(scored.stdout, parse_float=Decimal)
    expected = _independent_projection(filled)
    rate = out["compliance_rate"]
    assert float(rate["estimate"]) == pytest.approx(expected["rate"], abs=1e-9)
    assert float(rate["low"]) == pytest.approx(expected["low"], abs=1e-9)
    assert float(rate["high"]) == pytest.approx(expected["high"], abs=1e-9)
    assert rate["exact_low"] is None
    loss = out["loss_of_revenue"]
    assert (loss["estimate"], loss["low"], loss["high"]) == \
        (expected["loss"], expected["loss_low"], expected["loss_high"])
    assert out["underpayment"]["estimate"] >= loss["estimate"]
    assert set(out["errors_by_type"]) == set(TYPES)
    assert sum(out["errors_by_type"].values()) == out["errors"] > 0
    assert out["strata"][-1]["certainty"] is True
    assert out["strata"][-1]["lines_in_universe"] == out["strata"][-1]["lines_sampled"]
    assert out["lines_in_universe"] == 3963
    assert out["policy_goal"]["rate"] == Decimal("0.95")

    table = runner.invoke(app, ["audit-score", str(filled)])
    assert table.exit_code == 0, table.output
    assert "Compliance rate" in table.output and "Loss of revenue" in table.output


def test_audit_cli_one_stratum_reports_the_exact_interval(db, tmp_path):
    result = _sample(db, tmp_path / "s", "--strata", "1", "--size", "100")
    assert result.exit_code == 0, result.output
    filled = fill(tmp_path / "s" / "audit-worksheet.xlsx", tmp_path / "f.xlsx",
                  {1: ("error", "value", None), 2: ("error", "origin", None),
                   3: ("error", "other", None)})
    out = json.loads(runner.invoke(app, ["audit-score", str(filled), "--format", "json"]).stdout)
    assert out["compliance_rate"]["exact_low"] == pytest.approx(0.91482394702572, abs=1e-12)
    assert out["compliance_rate"]["exact_high"] == pytest.approx(0.9937700284616936, abs=1e-12)


@pytest.mark.parametrize("args, message", [
    (["--year", "2030"], "no entry lines with their own entered value in CY2030"),
    (["--year", "2026", "--certainty-value", "lots"], "--certainty-value must be a number"),
    (["--year", "2026", "--size", "5000"], "--size 5,000 is more than the 3,963 lines"),
    (["--year", "2026", "--expected-rate", "1"], "--expected-rate must be between 0 and 1"),
])
def test_audit_cli_sample_errors_are_one_line(db, tmp_path, args, message):
    result = runner.invoke(app, ["audit-sample", "--db", str(db), "--out", str(tmp_path / "o"),
                                 *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert message in result.stderr
    assert not (tmp_path / "o" / "audit-worksheet.xlsx").exists()


def test_audit_cli_sample_without_database(tmp_path):
    result = runner.invoke(app, ["audit-sample", "--db", str(tmp_path / "nope.duckdb"),
                                 "--year", "2026", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no such database" in result.stderr
    assert not (tmp_path / "nope.duckdb").exists()


def test_audit_cli_sample_database_without_tables(tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    result = runner.invoke(app, ["audit-sample", "--db", str(other), "--year", "2026", "--out",
                                 str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {other}: not a database of this tool (no loaded "
                                     "tables); run `readiness load` first")


def test_audit_cli_sample_out_is_a_file(db, tmp_path):
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = _sample(db, tmp_path / "taken")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'taken' / 'audit-worksheet.xlsx'}: "
                                    "cannot write")
