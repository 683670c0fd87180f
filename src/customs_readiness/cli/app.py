"""The Typer app, its global options, the one error boundary and the explicit list of commands.

Domain errors become one line on stderr and an exit code here and nowhere else (``EXIT_CODES``): 0 success,
1 a check the user asked to fail did fail, 2 a usage, configuration or data error (a full
disk, a folder that cannot be written and memory running out included), 3 an unexpected
error (a bug), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Whatever stops a
command, its ``finally`` blocks run: a failed first load removes its database, atomic
writers remove their ``.part`` files.
Every command prints what it produced (summaries, tables, written files) on stdout and its
progress and log lines on stderr; ``--quiet`` keeps only errors and the output a command
exists to print (a metrics table, JSON or CSV; a listing), ``--verbose`` adds log lines
(where each setting came from, each step and its time) on stderr. Output that is not a
terminal is never wrapped or cut (``console``).
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ..errors import ReadinessError, shown
from ..version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import Config

EXIT_CODES = (
    "\b\nExit status:\n"
    "  0    success\n"
    "  1    a check asked to fail did fail (--fail-on, --fail-on-rejects)\n"
    "  2    usage, configuration or data error (one line on stderr)\n"
    "  3    unexpected error (a bug: please report it with the line printed)\n"
    "  130  interrupted (Ctrl-C)\n"
    "  143  terminated (SIGTERM)"
)

try:  # typer vendors click from 0.24 on; earlier ones use click itself
    from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError

GLOBAL_OPTIONS = ("--config", "-q", "--quiet", "-v", "--verbose", "--version")


class _OneLineUsageError(UsageError):
    """A usage error (unknown option, bad value, missing argument) as one line on stderr,
    like every other error: ``error: <what>; see `<command> -h```."""

    def show(self, file: Any = None) -> None:
        where = f"; see `{self.ctx.command_path} -h`" if self.ctx is not None else ""
        typer.echo(f"error: {self.format_message().rstrip('.')}{where}", err=True)


def _one_line(exc: UsageError) -> UsageError:
    if isinstance(exc, (NoArgsIsHelpError, _OneLineUsageError)):
        return exc  # `readiness` alone prints the help
    if (isinstance(exc, NoSuchOption) and exc.option_name in GLOBAL_OPTIONS
            and exc.ctx is not None and exc.ctx.parent is not None):
        name = exc.ctx.info_name
        return _OneLineUsageError(f"{exc.option_name} is an option for every command: give it "
                                  f"before the command (readiness {exc.option_name} {name} ...)",
                                  exc.ctx)
    return _OneLineUsageError(exc.format_message(), exc.ctx)


class _Group(TyperGroup):
    """The command group, with usage errors made one line (see ``_OneLineUsageError``)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _one_line(exc) from None


app = typer.Typer(
    cls=_Group,
    name="readiness",
    help="Customs readiness under EO 14411: load a year of customs records, compute the "
    "enforcement metrics, and render the readiness report. Settings repeated on every "
    "command can live in a readiness.toml (see `readiness init` and `readiness config`).",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Width of a console that is not a terminal: nothing is wrapped or cut when the output is
# piped to a file or another program (rich would otherwise assume 80 columns).
UNWRAPPED_WIDTH = 10_000
log = logging.getLogger("customs_readiness")


@dataclass
class _Run:
    """The global options of this invocation (set by ``global_options``)."""

    config_file: Path | None = None
    quiet: bool = False
    verbose: bool = False
    config: Config | None = None
    # What the command had already committed when a signal stopped it (a load, say, with
    # `run` then stopped in the metrics): the interrupt's message says so.
    kept: str | None = None


RUN = _Run()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"readiness (customs-readiness) {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE",
        help="Project configuration file (default: the first readiness.toml in this folder "
        "or a parent).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only errors and the output a command exists to print "
        "(no summaries, progress or notes).")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Log on stderr where each setting came from and each step "
        "with its time.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Options given before the command, for every command."""
    if quiet and verbose:
        raise fail("--quiet and --verbose exclude each other")
    RUN.config_file, RUN.quiet, RUN.verbose, RUN.config = config, quiet, verbose, None
    RUN.kept = None
    for handler in list(log.handlers):
        log.removeHandler(handler)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("readiness: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    else:
        log.setLevel(logging.WARNING)


def project_config() -> Config:
    """The project configuration of this invocation, read once (ConfigError if invalid)."""
    from ..config import load_config

    if RUN.config is None:
        RUN.config = load_config(RUN.config_file)
        if RUN.config.path is not None:
            log.info("configuration: %s", RUN.config.path)
        else:
            log.info("configuration: no readiness.toml in %s or its parents", Path.cwd())
    return RUN.config


def setting(key: str, given: Any = None) -> Any:
    """The value of configuration ``key`` in force: the command line's ``given`` wins over
    the configuration file, which wins over the built-in default."""
    s = project_config().setting(key, given)
    log.info("%s = %s (%s)", key, s.shown, s.source)
    return s.value


def console(stderr: bool = False, *, summary: bool = True) -> Console:
    """A rich console on stdout (or stderr). Off a terminal it never wraps or cuts lines.
    ``summary``: output that ``--quiet`` silences (every stderr console is silenced too)."""
    from rich.console import Console

    quiet = RUN.quiet and (summary or stderr)
    c = Console(stderr=stderr, highlight=False, quiet=quiet)
    if not c.is_terminal:
        c = Console(stderr=stderr, highlight=False, quiet=quiet, width=UNWRAPPED_WIDTH)
    return c


def columns(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Plain text columns (two spaces apart, no trailing blanks) for short listings that
    read the same on a terminal, in a file or in a pipe."""
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)),
                                 r[-1]]).rstrip() for r in (header, *rows))


def say(text: str) -> None:
    """A summary line on stdout (silenced by --quiet)."""
    if not RUN.quiet:
        typer.echo(text)

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
    word, code = ("terminated", 143) if signal.SIGTERM in _stopped_by else ("interrupted", 130)
    if RUN.kept is not None:  # (stopped after a commit: that much was done and is kept)
        return fail(f"{word} after {RUN.kept}; nothing partial was kept", code)
    return fail(f"{word}; nothing partial was kept", code)


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


def command(func: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """Register ``func`` as a command of ``app`` (named ``name``, default the function's
    name) behind the error boundary, with the exit codes in its help."""
    return app.command(name, epilog=EXIT_CODES)(handles_errors(func))


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
