"""Every command, and every argument and option of every command, explains itself in --help."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from customs_readiness.cli import app

EXPECTED = {"load", "validate", "metrics", "exceptions", "report", "run", "sample"}


def test_cli_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in EXPECTED:
        assert name in result.output


def test_cli_every_command_and_parameter_has_help_text():
    group = typer.main.get_command(app)
    assert set(group.commands) >= EXPECTED
    for name, command in group.commands.items():
        assert (command.help or "").strip(), f"command {name} has no help text"
        for param in command.params:
            assert (getattr(param, "help", None) or "").strip(), f"{name} {param.name} has no help text"
