"""Commands that read data folders: `load` and `validate`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import pipeline, speed
from ..errors import CheckFailed, ReadinessError, row_error, shown
from . import options as o
from .app import RUN, console, log, say, setting

if TYPE_CHECKING:
    from rich.console import Console

    from ..ingest import LoadResult


@contextmanager
def file_progress() -> Iterator[Callable[[str, str], None]]:
    """A progress callback for the loader: a bar on stderr (on a terminal, unless --quiet)
    and, with --verbose, a log line per step."""
    err = console(stderr=True)
    started = time.perf_counter()

    def logged(file_name: str, what: str) -> None:
        log.info("%s: %s (%.1f s)", what, file_name, time.perf_counter() - started)

    if not err.is_terminal or err.quiet:
        # no bar to draw: rich's progress module is not even imported
        yield logged
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as bar:
        task = bar.add_task("reading files", total=None)

        def step(file_name: str, what: str) -> None:
            bar.update(task, description=f"{what}: {file_name}")
            logged(file_name, what)

        yield step


def load_with_progress(data_dir: Path, db: Path | str, strict: bool,
                       mapping: Path | str | None) -> LoadResult:
    """``pipeline.load`` with ``file_progress``. Once it returns, the load is committed: a
    signal after that says so (RUN.kept)."""
    with file_progress() as step:
        result = pipeline.load(data_dir, db, strict=strict, mapping=mapping, progress=step)
    RUN.kept = f"load {result.load_id} was committed to {shown(db)}"
    return result


def print_summary(result: LoadResult, out: Console | None = None, title: str = "Load summary",
                  reasons: bool = True) -> None:
    """Rows read / loaded / rejected per file, with the first reasons (``reasons``)."""
    from rich.table import Table

    out = out or console()
    out.print(f"{title}: {result.source_dir}", style="italic", markup=False, highlight=False,
              soft_wrap=True)
    table = Table()
    for col in ("file", "table", "read", "loaded", "rejected", "superseded"):
        table.add_column(col, justify="right" if col not in ("file", "table") else "left",
                         overflow="fold")
    for f in result.files:
        table.add_row(f.file_name, f.table, f"{f.rows_read:,}", f"{f.rows_loaded:,}",
                      f"{f.rows_rejected:,}", f"{f.rows_superseded:,}")
    out.print(table, markup=False, highlight=False)
    for f in result.files if reasons else ():
        for reason in f.first_reasons:
            out.print(f"{f.file_name} {reason}", markup=False, highlight=False, soft_wrap=True)
        if f.rows_rejected > len(f.first_reasons):
            out.print(f"{f.file_name}: {f.rows_rejected - len(f.first_reasons):,} more refused "
                      "row(s) in table rejected_rows (`readiness validate` lists them all)",
                      markup=False, highlight=False, soft_wrap=True)
    for t in result.missing_tables:
        out.print(f"{t}: not provided (no records; the report says so)", markup=False,
                  highlight=False, soft_wrap=True)
    for f in result.files:
        if f.note:
            out.print(f"{f.file_name}: {f.note}", markup=False, highlight=False, soft_wrap=True)
    for note in result.notes:
        out.print(note, markup=False, highlight=False, soft_wrap=True)
    if result.replaced_previous:
        out.print("This folder had been loaded before: its earlier rows were replaced.",
                  markup=False, highlight=False, soft_wrap=True)


def load(
    data_dir: o.DataDir,
    db: o.Db = None,
    strict: o.Strict = False,
    mapping: o.Mapping = None,
) -> None:
    """Load a data folder into the database (one transaction; refused rows are kept)."""
    db = setting("database", db)
    mapping = setting("mapping", mapping)
    result = load_with_progress(data_dir, db, strict, mapping)
    print_summary(result)
    say(f"Loaded into {db} (load {result.load_id}); "
        f"{result.rows_rejected:,} row(s) refused, kept in table rejected_rows.")
    speed.finish()


def validate(
    data_dir: o.DataDir,
    strict: o.Strict = False,
    mapping: o.Mapping = None,
    fail_on_rejects: Annotated[
        bool, typer.Option("--fail-on-rejects", help="Exit with status 1 if any row is refused.")
    ] = False,
    errors_out: Annotated[
        Path | None,
        typer.Option("--errors-out", metavar="FILE.csv", help="Write every refused row to this "
                     "CSV file (file, table, row, column, value, reason, record)."),
    ] = None,
) -> None:
    """Run every check of `load` on a data folder without writing anything to a database,
    and list every refused row."""
    mapping = setting("mapping", mapping)
    with file_progress() as step:
        found = pipeline.validate(data_dir, strict=strict, mapping=mapping, progress=step)
    result = found.result
    print_summary(result, title="Validation", reasons=False)
    listing = console(summary=False)
    for file_name, _table, row, column, value, reason, _record in found.errors:
        listing.print(f"{file_name} {row_error(row, column, value, reason)}", markup=False,
                      highlight=False, soft_wrap=True)
    if errors_out is not None:
        _write_errors(errors_out, found.errors)
        say(f"{len(found.errors):,} refused row(s) written to {errors_out}")
    say(f"Nothing written to a database. {result.rows_rejected:,} row(s) would be refused.")
    if fail_on_rejects and result.rows_rejected:
        raise CheckFailed(f"{result.rows_rejected} row(s) would be refused")


def _write_errors(path: Path, errors: list[pipeline.RowError]) -> None:
    from ..report.csvfile import to_csv

    try:
        Path(path).write_bytes(to_csv(pipeline.ROW_ERROR_COLUMNS, errors))
    except OSError as exc:
        raise ReadinessError(f"{path}: cannot write ({exc.strerror or exc})") from None

