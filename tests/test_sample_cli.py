"""The `readiness sample` command."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from customs_readiness.cli import app

runner = CliRunner()


def test_sample_cli_writes_six_files(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = runner.invoke(app, ["sample", "--out", str(out), "--year", "2025", "--entries",
                                 "40", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "brokers.csv", "disposals.csv", "entries.csv", "entry_lines.csv", "importers.csv",
        "penalties.csv"]
    assert "entries.csv" in result.output and "40" in result.output
    assert (out / "entries.csv").read_text().splitlines()[1].split(",")[3].startswith("2025-")


def test_sample_cli_parquet(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "--out", str(tmp_path), "--entries", "20",
                                 "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "entry_lines.parquet").stat().st_size > 0


def test_sample_cli_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "--out", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 2
    # the choices are listed (an Enum), in one line
    assert result.output.strip().splitlines() == [
        "error: Invalid value for '--format': 'xlsx' is not one of 'csv', 'parquet'; "
        "see `readiness sample -h`"]


def test_sample_cli_has_help() -> None:
    result = runner.invoke(app, ["sample", "--help"])
    assert result.exit_code == 0
    assert "--entries" in result.output and "--seed" in result.output


def test_sample_command_defaults_match_the_generator():
    """The command repeats the generator's defaults so the CLI starts without numpy."""
    from customs_readiness import sample
    from customs_readiness.cli import sample as cmd_sample

    assert (cmd_sample.DEFAULT_ENTRIES, cmd_sample.DEFAULT_SEED, cmd_sample.DEFAULT_YEAR,
            tuple(cmd_sample.FORMATS)) == (sample.DEFAULT_ENTRIES, sample.DEFAULT_SEED,
                                           sample.DEFAULT_YEAR, tuple(sample.FORMATS))


def test_cli_import_does_not_load_numpy():
    import subprocess
    import sys

    code = "import sys, customs_readiness.cli; print('numpy' in sys.modules, 'polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
