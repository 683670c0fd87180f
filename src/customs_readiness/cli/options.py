"""Options shared by several commands, declared once (one help text each)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..db import DEFAULT_DB

Db = Annotated[Path, typer.Option("--db", help="DuckDB database file (written by `readiness load`).")]
Year = Annotated[
    int, typer.Option("--year", help="Reporting year: calendar year, or fiscal year with --fiscal-year-start-month.")
]
Fiscal = Annotated[
    int | None,
    typer.Option("--fiscal-year-start-month", min=1, max=12,
                 help="Month fiscal year Y starts in year Y-1 (10 = CBP's Oct-Sep); default from the policy (1 = calendar year)."),
]
PolicyFile = Annotated[
    Path | None,
    typer.Option("--policy", help="TOML file overriding any subset of the policy defaults."),
]
MetricsDirs = Annotated[
    list[Path] | None,
    typer.Option("--metrics-dir", help="Folder of your own metric SQL files (same header format); repeatable."),
]
Templates = Annotated[
    Path | None,
    typer.Option("--templates", help="Folder of report templates searched before the built-in ones."),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="PDF file to write (default: readiness-<YEAR>.pdf here)."),
]
Html = Annotated[
    Path | None,
    typer.Option("--html", help="Also write the report's HTML (for review in a browser)."),
]
DataDir = Annotated[
    Path,
    typer.Argument(help="Folder with one file per table (importers, entries, ...) or an ES-003 export."),
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Treat any refused row as a file error: load nothing.")
]
Mapping = Annotated[
    Path | None,
    typer.Option("--mapping", help="TOML mapping file (or shipped mapping name) for a broker or ERP export layout."),
]

DEFAULT_DB_PATH = Path(DEFAULT_DB)
