"""Commands that compute the metric catalog: `metrics` and `exceptions`."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import cli
from .cli import app, handles_errors
from .db import DEFAULT_DB, connect
from .metrics import MetricResult, MetricRun, dumps_json, json_value, run_metrics
from .policy import load_policy


class OutputFormat(str, Enum):  # noqa: UP042 - typer needs a str Enum for choices
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[
    Path, typer.Option("--db", help="DuckDB database written by `readiness load`.")
]
YearOption = Annotated[
    int, typer.Option("--year", help="Reporting year: calendar year, or fiscal year with --fiscal-year-start-month.")
]
FiscalOption = Annotated[
    int | None,
    typer.Option(
        "--fiscal-year-start-month",
        min=1,
        max=12,
        help="Month fiscal year Y starts in year Y-1 (10 = CBP's Oct-Sep); default from the policy (1 = calendar year).",
    ),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="TOML file overriding any subset of the policy defaults."),
]
MetricsDirOption = Annotated[
    list[Path] | None,
    typer.Option("--metrics-dir", help="Folder of your own metric SQL files (same header format); repeatable."),
]

STATUS_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "n/a": "dim"}


def _compute(db: Path, year: int, fiscal: int | None, policy_file: Path | None,
             metrics_dirs: list[Path] | None) -> tuple[object, MetricRun]:
    policy = load_policy(policy_file)
    con = connect(db, must_exist=True)
    run = run_metrics(con, year, policy, fiscal_start_month=fiscal,
                      metrics_dirs=tuple(metrics_dirs or ()), store=True)
    return con, run


def format_value(result: MetricResult) -> str:
    """A figure for people: money to the cent, rates as percentages, counts with separators."""
    v = result.value
    if v is None:
        return "-"
    unit = result.definition.unit
    if unit == "usd":
        return f"${Decimal(v):,.2f}"
    if unit == "rate":
        return f"{Decimal(v) * 100:,.2f}%"
    if unit == "days":
        return f"{Decimal(v):,.1f}"
    if unit == "score":
        return f"{Decimal(v):.1f}"
    return f"{v:,}"


def _print_table(run: MetricRun) -> None:
    console = Console(highlight=False)
    p = run.period
    console.print(
        Text(f"Readiness metrics, {p.label}: {p.start.isoformat()} to {p.end.isoformat()} (end exclusive)",
             style="bold")
    )
    for _sid, title, rows in run.by_section():
        table = Table(title=title, title_justify="left", title_style="bold", expand=False)
        table.add_column("metric")
        table.add_column("value", justify="right")
        table.add_column("status")
        table.add_column("rule")
        for r in rows:
            status = Text(r.status or "-", style=STATUS_STYLE.get(r.status or "", ""))
            name = Text(r.definition.title)
            if r.definition.source == "user":
                name.append(" (user)", style="dim")
            table.add_row(name, Text(format_value(r)), status, Text(r.status_rule, style="dim"))
        console.print(table)
    score = "-" if run.score is None else f"{run.score:.1f}"
    console.print(Text(f"Readiness score: {score} / 100", style="bold"))
    console.print(Text(f"Policy {run.policy.version} ({run.policy.source}): " +
                       "; ".join(f"{k} = {v}" for k, v in _policy_summary(run))))


def _policy_summary(run: MetricRun) -> list[tuple[str, str]]:
    v = run.policy.values
    return [
        ("fiscal_year_start_month", str(run.period.fiscal_start_month)),
        ("informal_entry_types", ", ".join(v["informal_entry_types"])),
        ("ctpat_validated_tiers", ", ".join(v["ctpat_validated_tiers"])),
        ("broker_condition", v["broker_condition"]),
        ("penalty_floor", str(v["penalty_floor"])),
        ("repeat_offender", (f"{v['repeat_offender_min_cases']} cases in "
                             f"{v['repeat_offender_window_years']} years")),
    ]


def metrics_csv(run: MetricRun) -> str:
    """One row per metric, with the period and the policy used on every row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["period_label", "period_start", "period_end", "section", "id", "title", "unit",
                "value", "status", "numerator", "denominator", "status_rule", "source",
                "policy_version", "policy"])
    policy_json = dumps_json(run.policy.values, indent=0).replace("\n", "")
    p = run.period

    def cell(v: object, unit: str) -> str:
        v = json_value(v, unit)
        return "" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))

    for r in run.results.values():
        d = r.definition
        w.writerow([p.label, p.start.isoformat(), p.end.isoformat(), d.section, d.id, d.title,
                    d.unit, cell(r.value, d.unit), r.status or "", cell(r.numerator, d.unit),
                    cell(r.denominator, d.unit), r.status_rule, d.source, run.policy.version,
                    policy_json])
    return buf.getvalue()


@app.command()
@handles_errors
def metrics(
    year: YearOption,
    db: DbOption = Path(DEFAULT_DB),
    fiscal_year_start_month: FiscalOption = None,
    policy: PolicyOption = None,
    metrics_dir: MetricsDirOption = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table (terminal), json or csv (stdout).")
    ] = OutputFormat.table,
) -> None:
    """Compute every catalog metric (and your own) for a period, store them, and print them."""
    con, run = _compute(db, year, fiscal_year_start_month, policy, metrics_dir)
    con.close()  # type: ignore[attr-defined]
    if output_format is OutputFormat.json:
        typer.echo(run.to_json())
    elif output_format is OutputFormat.csv:
        typer.echo(metrics_csv(run), nl=False)
    else:
        _print_table(run)
    cli.finish_fast()  # the database is closed: no teardown needed


@app.command()
@handles_errors
def exceptions(
    year: YearOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for <metric_id>.csv files and exceptions.xlsx.")],
    db: DbOption = Path(DEFAULT_DB),
    fiscal_year_start_month: FiscalOption = None,
    policy: PolicyOption = None,
    metrics_dir: MetricsDirOption = None,
) -> None:
    """Write the records behind each control figure: one CSV per metric and one XLSX workbook."""
    from .exceptions_export import write_exceptions

    con, run = _compute(db, year, fiscal_year_start_month, policy, metrics_dir)
    try:
        written = write_exceptions(con, run, out)  # type: ignore[arg-type]
    finally:
        con.close()  # type: ignore[attr-defined]
    for path in written:
        typer.echo(str(path))
