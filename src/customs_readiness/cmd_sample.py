"""Command `sample`: write a deterministic synthetic year of customs records."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .cli import app, handles_errors
from .sample import DEFAULT_ENTRIES, DEFAULT_SEED, DEFAULT_YEAR, FORMATS, generate


@app.command()
@handles_errors
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the six data files into "
                                      "(created if missing; existing files are overwritten).")],
    year: Annotated[int, typer.Option("--year", help="Calendar year the entries, penalty "
                                      "notices and disposal cases fall in.")] = DEFAULT_YEAR,
    entries: Annotated[int, typer.Option("--entries", help="Number of entries; about 3 entry-line "
                                         "rows each (330,000 entries is about 1M lines).")]
    = DEFAULT_ENTRIES,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed, year and "
                                      "entries give byte-identical files.")] = DEFAULT_SEED,
    fmt: Annotated[str, typer.Option("--format", help=f"File format: {' or '.join(FORMATS)}.")]
    = "csv",
) -> None:
    """Write a synthetic year of an importer group's records (all six contract files)."""
    started = time.perf_counter()
    result = generate(out, year=year, entries=entries, seed=seed, fmt=fmt)
    elapsed = time.perf_counter() - started
    console = Console()
    console.print(f"Sample data for {year}, {entries:,} entries, seed {seed}: {out}",
                  markup=False, highlight=False, soft_wrap=True)
    table = Table()
    table.add_column("file")
    table.add_column("rows", justify="right")
    for path, (_name, rows) in zip(result.files, result.rows.items(), strict=True):
        table.add_row(path.name, f"{rows:,}")
    console.print(table, markup=False, highlight=False)
    console.print(f"written in {elapsed:.1f} s", markup=False, highlight=False)
