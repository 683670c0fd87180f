"""Commands `report` and `run`: help, default output name, options and one-line errors."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from customs_readiness.cli import app

from _report_fixtures import write_folder

runner = CliRunner()


@pytest.mark.parametrize("command", ["report", "run"])
def test_report_cli_commands_have_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--year" in result.output
    first = result.output.split("Options")[0]
    assert ("PDF" in first) or ("report" in first)


def test_report_cli_run_writes_default_named_pdf_and_html(tmp_path, monkeypatch):
    data = write_folder(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(data), "--year", "2026", "--html", "r.html"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "readiness-2026.pdf").is_file()
    assert (tmp_path / "readiness.duckdb").is_file()
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Executive summary" in html
    # viewable on its own: styles and the chart inlined, nothing from the installation
    assert "file://" not in html and "<link" not in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_report_cli_report_fiscal_year(tmp_path):
    data = write_folder(tmp_path / "data")
    db, out = tmp_path / "r.duckdb", tmp_path / "fy.pdf"
    assert runner.invoke(app, ["load", str(data), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["report", "--db", str(db), "--year", "2026", "--out", str(out),
                                 "--fiscal-year-start-month", "10"])
    assert result.exit_code == 0, result.output
    meta = PdfReader(str(out)).metadata
    # FY2026 = 2025-10-01 .. 2026-09-30
    assert meta.title.endswith("FY2026")
    assert meta["/CreationDate"].startswith("D:20270301")  # prepared (SOURCE_DATE_EPOCH)


def test_report_cli_missing_template_folder_is_one_line_error(tmp_path):
    data = write_folder(tmp_path / "data")
    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["load", str(data), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["report", "--db", str(db), "--year", "2026",
                                 "--out", str(tmp_path / "x.pdf"),
                                 "--templates", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'nope'}: template folder does not exist"]
    assert not (tmp_path / "x.pdf").exists()


def test_report_cli_missing_database_is_one_line_error(tmp_path):
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"),
                                 "--year", "2026", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "no such database" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_report_cli_run_works_without_network(tmp_path):
    """The whole `run` in a network namespace with no interfaces up (as root or with user
    namespaces); skipped where namespaces are not allowed."""
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("network namespaces not permitted here")
    data = write_folder(tmp_path / "data")
    code = ("import sys; from customs_readiness.cli import main; "
            "sys.argv = ['readiness'] + sys.argv[1:]; main()")
    proc = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", code, "run", str(data), "--year", "2026",
         "--db", str(tmp_path / "r.duckdb"), "--out", str(tmp_path / "offline.pdf")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "offline.pdf").stat().st_size > 10_000
    assert "refused" not in proc.stderr and "Failed to" not in proc.stderr
