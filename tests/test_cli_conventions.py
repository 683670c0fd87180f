"""Command-line conventions: --version, -h, shell completion, --quiet and --verbose, results on
stdout and progress and logs on stderr, no wrapping or cutting off a terminal, listed
choices, one-line usage errors and the exit codes in --help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.version import __version__

from _report_fixtures import write_folder

runner = CliRunner()
CLI = [sys.executable, "-c", "import sys; from customs_readiness.cli import main; "
                             "sys.argv[0] = 'readiness'; main()"]


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         offline: bool = False) -> subprocess.CompletedProcess:
    """The console script in a child process (its output is a pipe, not a terminal);
    ``offline``: in a network namespace with no interface up, where that is permitted."""
    cmd = [*CLI, *args]
    if offline and shutil.which("unshare") and subprocess.run(
            ["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        cmd = ["unshare", "-rn", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, **(env or {})})


def test_cli_conventions_version_and_short_help():
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"readiness (customs-readiness) {__version__}\n")
    for args in (["-h"], ["metrics", "-h"], ["sample", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: readiness"), args


def test_cli_conventions_exit_codes_in_every_help():
    group = typer.main.get_command(app)
    for args in ([], *([name] for name in group.commands)):
        text = runner.invoke(app, [*args, "--help"]).stdout
        assert "Exit status:" in text, args
        for code in ("0 ", "1 ", "2 ", "3 ", "130 "):
            assert f"\n    {code}" in text or f"\n  {code}" in text, (args, code)


def test_cli_conventions_sample_format_lists_its_choices():
    assert "--format <csv|parquet>" in runner.invoke(app, ["sample", "-h"]).stdout


@pytest.mark.parametrize(("args", "line"), [
    (["sample", "--out", "x", "--format", "xlsx"],
     "error: Invalid value for '--format': 'xlsx' is not one of 'csv', 'parquet'; "
     "see `readiness sample -h`"),
    (["metrics"], "error: Missing option '--year'; see `readiness metrics -h`"),
    (["metrics", "--year", "2026", "--fail-on", "blue"],
     "error: Invalid value for '--fail-on': 'blue' is not one of 'red', 'amber'; "
     "see `readiness metrics -h`"),
    (["nope"], "error: No such command 'nope'; see `readiness -h`"),
    (["-q", "-v", "config"], "error: --quiet and --verbose exclude each other"),
    (["config", "--quiet"], "error: --quiet is an option for every command: give it before "
                            "the command (readiness --quiet config ...); see `readiness config -h`"),
])
def test_cli_conventions_usage_errors_are_one_line(args, line):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [line]


def test_cli_conventions_shell_completion_works_offline():
    # (Typer otherwise takes the shell from the process tree, and fails where no bash, zsh
    # or fish runs this test: its own tests' switch makes --show-completion take the name)
    script = _cli("--show-completion", "bash", offline=True,
                  env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0, script.stderr
    assert "_READINESS_COMPLETE=complete_bash" in script.stdout
    done = _cli(env={"_READINESS_COMPLETE": "complete_bash", "COMP_WORDS": "readiness me",
                     "COMP_CWORD": "1"}, offline=True)
    assert (done.returncode, done.stdout.split()) == (0, ["metrics"])
    done = _cli(env={"_READINESS_COMPLETE": "complete_bash",
                     "COMP_WORDS": "readiness sample --format ", "COMP_CWORD": "3"},
                offline=True)
    assert done.stdout.split() == ["csv", "parquet"]


def test_cli_conventions_quiet_and_verbose(tmp_path):
    data = write_folder(tmp_path / "data")
    db = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["--quiet", "load", str(data), "--db", str(db)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = runner.invoke(app, ["-v", "load", str(data), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Load summary" in result.stdout and "readiness:" not in result.stdout
    log = result.stderr.splitlines()
    assert f"readiness: database = {db} (command line)" in log
    assert any(line.startswith("readiness: loading entries: entries.csv (") for line in log)
    # --quiet keeps what the command exists to print
    result = runner.invoke(app, ["-q", "metrics", "--year", "2026", "--db", str(db),
                                 "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["period"]["label"] == "CY2026"
    assert result.stderr == ""


def test_cli_conventions_results_on_stdout_progress_on_stderr(tmp_path):
    data = write_folder(tmp_path / "data")
    db, out = tmp_path / "r.duckdb", tmp_path / "r.pdf"
    load = _cli("load", str(data), "--db", str(db))
    run = _cli("run", str(data), "--year", "2026", "--db", str(tmp_path / "run.duckdb"),
               "--out", str(out))
    for proc in (load, run):
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""  # no progress bar off a terminal, no log without -v
        assert "Load summary" in proc.stdout and "entries.csv" in proc.stdout
    assert f"wrote {out}: " in run.stdout
    verbose = _cli("-v", "report", "--year", "2026", "--db", str(db), "--out", str(out))
    assert verbose.returncode == 0, verbose.stderr
    assert f"wrote {out}: " in verbose.stdout
    assert "readiness: computing metrics (" in verbose.stderr
    assert "readiness: laying out and writing the PDF (" in verbose.stderr


def test_cli_conventions_no_wrapping_or_cutting_off_a_terminal(tmp_path):
    deep = tmp_path.joinpath(*(["a-rather-long-folder-name-for-a-year-of-records"] * 3))
    data = write_folder(deep / "data")
    db = tmp_path / "r.duckdb"
    proc = _cli("load", str(data), "--db", str(db), env={"COLUMNS": "60"})
    assert proc.returncode == 0, proc.stderr
    assert f"Load summary: {data}" in proc.stdout.splitlines()[0]
    assert all(line == line.rstrip() for line in proc.stdout.splitlines())
    proc = _cli("metrics", "--year", "2026", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    title = "Formal entries, foreign importer of record, no CTPAT cover (the order as published)"
    assert any(title in line for line in proc.stdout.splitlines())  # one line, whole
    assert "…" not in proc.stdout
