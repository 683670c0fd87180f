"""The Typer app, the one error boundary and the explicit list of commands.

Domain errors become one line on stderr and an exit code here and nowhere else: 0 success,
1 a check the user asked to fail did fail, 2 a usage, configuration or data error, 3 an
unexpected error (a bug), 130 interrupted.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer

from ..errors import ReadinessError

app = typer.Typer(
    name="readiness",
    help="Customs readiness under EO 14411: load a year of customs records, compute the "
    "enforcement metrics, and render the readiness report.",
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


def command(func: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """Register ``func`` as a command of ``app`` (named ``name``, default the function's
    name) behind the error boundary."""
    return app.command(name)(handles_errors(func))


def main() -> None:
    """Console-script entry point: the commands may end the process without teardown once
    their output is written (speed.finish)."""
    from .. import speed

    speed.enable_fast_exit()
    try:
        app()
    except ReadinessError as exc:  # raised outside a command (should not happen)
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
