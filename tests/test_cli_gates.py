"""Gates for pipelines: `metrics`, `report` and `run` take --fail-on red|amber and exit 1,
after writing their output, when a control is at that status or worse."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.errors import CheckFailed
from customs_readiness.pipeline import check_gate

from _report_fixtures import write_folder

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The tiny folder loaded: its 2026 has red controls, its 2025 none red or amber."""
    tmp = tmp_path_factory.mktemp("gates")
    path = tmp / "r.duckdb"
    result = runner.invoke(app, ["load", str(write_folder(tmp / "data")), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_cli_gates_rule():
    statuses = {"a": "green", "b": "amber", "c": "n/a", "d": None}
    check_gate(statuses, None)
    check_gate(statuses, "red")  # amber is not red
    with pytest.raises(CheckFailed, match=r"^--fail-on amber: 1 control at amber or worse "
                                          r"\(amber: b\)$"):
        check_gate(statuses, "amber")
    with pytest.raises(CheckFailed, match=r"^--fail-on amber: 3 controls at amber or worse "
                                          r"\(red: x, y; amber: b\)$"):
        check_gate({**statuses, "y": "red", "x": "red"}, "amber")
    assert CheckFailed("x").exit_code == 1


def test_cli_gates_metrics_prints_then_fails(db):
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format",
                                 "json", "--fail-on", "red"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # the whole output first
    red = sorted(mid for mid, m in data["metrics"].items() if m["control"]
                 and m["status"] == "red")
    assert red
    (line,) = result.stderr.strip().splitlines()
    assert line == (f"error: --fail-on red: {len(red)} control{'s' if len(red) > 1 else ''} "
                    f"at red (red: {', '.join(red)})")


def test_cli_gates_without_fail_on_exit_zero(db):
    result = runner.invoke(app, ["metrics", "--year", "2026", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0


def test_cli_gates_report_writes_the_pdf_then_fails(db, tmp_path):
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "--year", "2026", "--db", str(db), "--out", str(out),
                                 "--fail-on", "amber"])
    assert result.exit_code == 1
    assert out.stat().st_size > 10_000
    assert f"wrote {out}: " in result.stdout
    assert result.stderr.startswith("error: --fail-on amber: ")


def test_cli_gates_no_control_at_the_level_passes(db):
    # the tiny folder's 2025 (one entry, on 31 December): no control red or amber
    result = runner.invoke(app, ["metrics", "--year", "2025", "--db", str(db), "--format",
                                 "json", "--fail-on", "amber"])
    assert result.exit_code == 0, result.output
    assert not {m["status"] for m in json.loads(result.stdout)["metrics"].values()
                if m["control"]} & {"red", "amber"}
