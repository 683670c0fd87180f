"""Options shared by several commands, declared once (one help text each)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

# Options a readiness.toml can set default to None: the value in force is the command line's,
# else the configuration file's, else the built-in default (app.setting, config.py).
Db = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB database file written by `readiness load` (default: "
                 "readiness.toml's database, else ./readiness.duckdb)."),
]
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
    typer.Option("--policy", help="TOML file overriding any subset of the policy defaults (default: "
                 "readiness.toml's policy)."),
]
MetricsDirs = Annotated[
    list[Path] | None,
    typer.Option("--metrics-dir", help="Folder of your own metric SQL files (same header format); repeatable "
                 "(default: readiness.toml's metrics_dirs)."),
]
Templates = Annotated[
    Path | None,
    typer.Option("--templates", help="Folder of report templates searched before the built-in ones (default: "
                 "readiness.toml's templates)."),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="PDF file to write (default: readiness-<YEAR>.pdf here)."),
]
Html = Annotated[
    Path | None,
    typer.Option("--html", help="Also write the report as one self-contained HTML file "
                 "(styles and chart inline; opens in any browser)."),
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
    typer.Option("--mapping", help="TOML mapping file, or a shipped mapping's name (`readiness mappings`), for a "
                 "broker or ERP export layout (default: readiness.toml's mapping)."),
]


class FailLevel(str, Enum):  # noqa: UP042 - typer needs a str Enum for choices
    red = "red"
    amber = "amber"


FailOn = Annotated[
    FailLevel | None,
    typer.Option("--fail-on", help="Exit with status 1 (after writing the output) when a "
                 "control is at this status or worse: red, or amber (amber or red)."),
]

# ---- board pack: the remediation register and the sign-off block of `report` and `run`
Actions = Annotated[
    Path | None,
    typer.Option("--actions", help="A remediation register (from `readiness actions`) with "
                 "owners, due dates and statuses filled in: shown as open, overdue and closed "
                 "actions (last year's with what became of them) and attached."),
]
Organisation = Annotated[
    str | None, typer.Option("--organisation", help="Organisation named in the sign-off block.")
]
Preparer = Annotated[
    str | None, typer.Option("--preparer", help="Who prepared the report (sign-off block).")
]
Reviewer = Annotated[
    str | None, typer.Option("--reviewer", help="Who reviewed the report (sign-off block).")
]
ExtractDate = Annotated[
    datetime | None,
    typer.Option("--extract-date", formats=["%Y-%m-%d"],
                 help="Day the data was extracted from ACE or the broker's system, YYYY-MM-DD "
                 "(sign-off block and scope)."),
]


def signoff(organisation: str | None, preparer: str | None, reviewer: str | None,
            extract_date: datetime | None) -> dict:
    """The sign-off block's values as the report takes them (date prepared: not an option
    here; the project configuration may give it)."""
    return {"organisation": organisation, "preparer": preparer, "reviewer": reviewer,
            "date_prepared": None,
            "extract_date": extract_date.date() if extract_date is not None else None}
# ---- end board pack
