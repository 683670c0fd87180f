"""The `readiness` command line.

This module owns the Typer app and the single place where domain errors become a
one-line message and an exit code (0 success, 1 a check failed, 2 usage/config/data
error). Commands live in the ``cmd_*`` modules, one module per group of commands,
and register themselves on ``app`` when imported at the bottom of this file.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from .errors import ReadinessError

app = typer.Typer(
    name="readiness",
    help="Customs readiness under EO 14411: load a year of customs records, compute the "
    "DHS-style enforcement metrics, and render the readiness report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors raised by a command into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ReadinessError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise fail(f"unexpected {type(exc).__name__}: {first}", 3) from None

    return wrapper


# Each module adds its commands to `app` with @app.command() and @handles_errors.
_COMMAND_MODULES = ("cmd_data", "cmd_metrics", "cmd_sample", "cmd_report", "cmd_audit")
for _name in _COMMAND_MODULES:
    importlib.import_module(f"{__package__}.{_name}")


# Set by the console script only (not by in-process test runners): commands that end with a
# large document may leave at once instead of waiting for the interpreter's teardown.
FAST_EXIT = False


def finish_fast() -> None:
    """End the process now if allowed: everything is written, flushed and closed."""
    if FAST_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def main() -> None:
    """Console-script entry point."""
    global FAST_EXIT
    FAST_EXIT = True
    try:
        app()
    except ReadinessError as exc:  # raised outside a command (should not happen)
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
