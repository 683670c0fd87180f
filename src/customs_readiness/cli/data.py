"""Commands that read data folders: `load` and `validate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import pipeline, speed
from ..errors import CheckFailed
from . import options as o

if TYPE_CHECKING:
    from ..ingest import LoadResult


def load_with_progress(data_dir: Path, db: Path | str, strict: bool, mapping: Path | None,
                       commit: bool = True) -> LoadResult:
    """``pipeline.load`` with a progress bar on stderr (shown on a terminal only)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("reading files", total=None)

        def step(file_name: str, what: str) -> None:
            bar.update(task, description=f"{what}: {file_name}")

        return pipeline.load(data_dir, db, strict=strict, mapping=mapping, commit=commit,
                             progress=step)


def print_summary(result: LoadResult, console: Console | None = None, title: str = "Load summary") -> None:
    """Rows read / loaded / rejected per file, with the first reasons."""
    console = console or Console()
    table = Table(title=f"{title}: {result.source_dir}", title_justify="left")
    for col in ("file", "table", "read", "loaded", "rejected", "superseded"):
        table.add_column(col, justify="right" if col not in ("file", "table") else "left")
    for f in result.files:
        table.add_row(f.file_name, f.table, f"{f.rows_read:,}", f"{f.rows_loaded:,}",
                      f"{f.rows_rejected:,}", f"{f.rows_superseded:,}")
    console.print(table, markup=False, highlight=False)
    for f in result.files:
        for reason in f.first_reasons:
            console.print(f"{f.file_name} {reason}", markup=False, highlight=False, soft_wrap=True)
    for t in result.missing_tables:
        console.print(f"{t}: not provided (no records; the report says so)", markup=False, highlight=False)
    for f in result.files:
        if f.note:
            console.print(f"{f.file_name}: {f.note}", markup=False, highlight=False)
    for note in result.notes:
        console.print(note, markup=False, highlight=False)
    if result.replaced_previous:
        console.print("This folder had been loaded before: its earlier rows were replaced.",
                      markup=False, highlight=False)


def load(
    data_dir: o.DataDir,
    db: o.Db = o.DEFAULT_DB_PATH,
    strict: o.Strict = False,
    mapping: o.Mapping = None,
) -> None:
    """Load a data folder into the database (one transaction; refused rows are kept)."""
    result = load_with_progress(data_dir, db, strict, mapping)
    print_summary(result)
    typer.echo(f"Loaded into {db} (load {result.load_id}); "
               f"{result.rows_rejected:,} row(s) refused, kept in table rejected_rows.")
    speed.finish()


def validate(
    data_dir: o.DataDir,
    strict: o.Strict = False,
    mapping: o.Mapping = None,
    fail_on_rejects: Annotated[
        bool, typer.Option("--fail-on-rejects", help="Exit with status 1 if any row is refused.")
    ] = False,
) -> None:
    """Run every check of `load` on a data folder without writing anything."""
    result = load_with_progress(data_dir, ":memory:", strict, mapping, commit=False)
    print_summary(result, title="Validation")
    typer.echo(f"Nothing written. {result.rows_rejected:,} row(s) would be refused.")
    if fail_on_rejects and result.rows_rejected:
        raise CheckFailed(f"{result.rows_rejected} row(s) would be refused")
