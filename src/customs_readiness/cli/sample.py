"""Command `sample`: write a deterministic synthetic year of customs records."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import console as output_console

# Defaults repeated here (and checked equal to sample.py's by a test) so that importing the
# CLI does not import numpy and polars: every other command starts faster.
DEFAULT_ENTRIES = 2_000
DEFAULT_SEED = 14411
DEFAULT_YEAR = 2026


class SampleFormat(str, Enum):  # noqa: UP042 - typer needs a str Enum for choices
    csv = "csv"
    parquet = "parquet"


FORMATS = tuple(f.value for f in SampleFormat)


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
    fmt: Annotated[SampleFormat, typer.Option("--format", help="File format of the six files.")]
    = SampleFormat.csv,
) -> None:
    """Write a synthetic year of an importer group's records (all six contract files)."""
    from rich.table import Table

    from ..sample import generate

    started = time.perf_counter()
    result = generate(out, year=year, entries=entries, seed=seed, fmt=SampleFormat(fmt).value)
    elapsed = time.perf_counter() - started
    console = output_console()
    console.print(f"Sample data for {year}, {entries:,} entries, seed {seed}: {out}",
                  markup=False, highlight=False, soft_wrap=True)
    table = Table()
    table.add_column("file")
    table.add_column("rows", justify="right")
    for path, (_name, rows) in zip(result.files, result.rows.items(), strict=True):
        table.add_row(path.name, f"{rows:,}")
    console.print(table, markup=False, highlight=False)
    console.print(f"written in {elapsed:.1f} s", markup=False, highlight=False)
