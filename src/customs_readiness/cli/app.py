"""The Typer app, the one error boundary and the explicit list of commands.

Domain errors become one line on stderr and an exit code here and nowhere else: 0 success,
1 a check the user asked to fail did fail, 2 a usage, configuration or data error (a full
disk, a folder that cannot be written and memory running out included), 3 an unexpected
error (a bug), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Whatever stops a
command, its ``finally`` blocks run: a failed first load removes its database, atomic
writers remove their ``.part`` files.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import typer

from ..errors import ReadinessError, shown

app = typer.Typer(
    name="readiness",
    help="Customs readiness under EO 14411: load a year of customs records, compute the "
    "enforcement metrics, and render the readiness report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# The signal that stopped the command, once one did (set by the watcher thread, see
# _watch_signals; DuckDB may report the interrupt as an error of its own).
_stopped_by: list[int] = []


def one_line(message: str) -> str:
    """A message as one printable line: control characters from names in the data or a
    configuration file (a key holding a line break) are shown escaped (``\\n``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], shown(message))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"error: {one_line(message)}", err=True)
    return typer.Exit(code)


def _interrupt_exit() -> typer.Exit:
    if signal.SIGTERM in _stopped_by:
        return fail("terminated; nothing partial was kept", 143)
    return fail("interrupted; nothing partial was kept", 130)


def _is_interrupt(exc: BaseException) -> bool:
    """DuckDB turns Ctrl-C during a query into an error of its own."""
    import duckdb

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (KeyboardInterrupt, duckdb.InterruptException)):
            return True
        if isinstance(seen, RuntimeError) and str(seen).strip() == "Query interrupted":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _resource_message(exc: BaseException) -> str | None:
    """One line for a failure of the machine rather than of the data or the tool."""
    import duckdb

    if isinstance(exc, OSError):
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"{where}disk full ({exc.strerror}); free some space and run the command again"
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return "out of memory; close other programs or use a machine with more memory"
    if isinstance(exc, duckdb.IOException | duckdb.FatalException):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else "input/output error"
        if any(w in text for w in ("No space left on device", "Disk quota", "File too large")):
            return f"disk full ({text}); free some space and run the command again"
        if isinstance(exc, duckdb.FatalException):
            return f"the database stopped after an input/output error ({text})"
        return text
    return None


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors raised by a command into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BaseException as exc:
            if _stopped_by or _is_interrupt(exc):
                raise _interrupt_exit() from None
            if isinstance(exc, ReadinessError):
                raise fail(str(exc), exc.exit_code) from None
            message = _resource_message(exc)
            if message is not None:
                raise fail(message, 2) from None
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise fail(f"unexpected {type(exc).__name__}: {first}", 3) from None

    return wrapper


def command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``func`` as a command of ``app`` behind the error boundary."""
    return app.command()(handles_errors(func))


def _watch_signals() -> None:
    """Make SIGTERM stop the command the way Ctrl-C does, promptly and with cleanup.

    Python runs a signal handler only between bytecodes, which a long DuckDB statement
    does not reach; DuckDB itself stops a statement on SIGINT. So the C-level handler
    writes each signal's number to a pipe (``signal.set_wakeup_fd``), and a watcher
    thread, on SIGTERM, records it and sends this process SIGINT: DuckDB stops, Python
    raises KeyboardInterrupt, every ``finally`` runs, and the boundary reports it.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)  # recorded by the watcher
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def watch() -> None:
        while True:
            try:
                data = os.read(read_fd, 16)
            except OSError:
                return
            for signum in data:
                if signum in (signal.SIGINT, signal.SIGTERM) and signum not in _stopped_by:
                    _stopped_by.append(signum)
                    if signum == signal.SIGTERM:
                        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, name="signals", daemon=True).start()


def main() -> None:
    """Console-script entry point: the commands may end the process without teardown once
    their output is written (speed.finish)."""
    from .. import speed

    speed.enable_fast_exit()
    _watch_signals()
    try:
        app()
    except ReadinessError as exc:  # raised outside a command (should not happen)
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
