"""Commands that compute the metric catalog: `metrics` (computes and stores the figures) and
`exceptions` (writes the records behind them; read-only on the database)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import pipeline, speed
from ..errors import ReadinessError, shown
from ..policy import load_policy
from ..values import dumps_json, json_value
from . import options as o
from .app import console as output_console
from .app import say, setting

if TYPE_CHECKING:
    from ..metrics import MetricRun


class OutputFormat(str, Enum):  # noqa: UP042 - typer needs a str Enum for choices
    table = "table"
    json = "json"
    csv = "csv"


STATUS_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "n/a": "dim"}


def _print_table(run: MetricRun) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..report.format import fmt_plain

    console = output_console(summary=False)
    p = run.period
    console.print(
        Text(f"Readiness metrics, {p.label}: {p.start.isoformat()} to {p.end.isoformat()} (end exclusive)",
             style="bold")
    )
    for _sid, title, rows in run.by_section():
        table = Table(title=title, title_justify="left", title_style="bold", expand=False)
        table.add_column("metric")
        table.add_column("value", justify="right")
        table.add_column("before order", justify="right")
        table.add_column("status")
        table.add_column("authority")
        table.add_column("rule")
        for r in rows:
            d = r.definition
            status = Text(r.status or "-", style=STATUS_STYLE.get(r.status or "", ""))
            name = Text(d.title)
            if d.source == "user":
                name.append(" (user)", style="dim")
            value = "not provided" if r.not_provided else fmt_plain(r.value, d.unit)
            if r.missing:
                value += f" ({r.missing} not provided)"
            before = fmt_plain(r.before_order, d.unit) if d.dated else ""
            if r.not_in_force:
                value = "not in force"
            table.add_row(name, Text(value), Text(before, style="dim"), status,
                          Text(d.authority), Text(r.status_rule, style="dim"))
        console.print(table)
    score = "-" if run.score is None else fmt_plain(run.score, "score")
    console.print(Text(f"Readiness score: {score} / 100", style="bold"))
    dated = sorted({r.effective_on for r in run.results.values() if r.effective_on})
    if dated:
        console.print(Text("Dated controls count records on or after their effective date ("
                           + ", ".join(d.isoformat() for d in dated) + "); the earlier ones are "
                           "the before-order baseline, never in the status or the score.",
                           style="dim"))
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
    from ..report.csvfile import neutralise

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["period_label", "period_start", "period_end", "section", "id", "title", "unit",
                "value", "status", "numerator", "denominator", "status_rule", "source",
                "policy_version", "policy", "authority", "effective_on", "before_order",
                "missing", "not_provided"])
    policy_json = dumps_json(run.policy.values, indent=0).replace("\n", "")
    p = run.period

    def cell(v: object, unit: str) -> str:
        v = json_value(v, unit)
        return "" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))

    for r in run.results.values():
        d = r.definition
        # Text (a user metric's title, say) is neutralised as in every CSV the tool writes.
        w.writerow([p.label, p.start.isoformat(), p.end.isoformat(), neutralise(d.section),
                    neutralise(d.id), neutralise(d.title), neutralise(d.unit),
                    cell(r.value, d.unit), r.status or "", cell(r.numerator, d.unit),
                    cell(r.denominator, d.unit), neutralise(r.status_rule), d.source,
                    neutralise(run.policy.version), neutralise(policy_json), d.authority,
                    r.effective_on.isoformat() if r.effective_on else "",
                    cell(r.before_order, d.unit) if d.dated else "",
                    "" if r.missing is None else str(r.missing), " ".join(r.not_provided)])
    return buf.getvalue()


def metrics(
    year: o.Year,
    db: o.Db = None,
    fiscal_year_start_month: o.Fiscal = None,
    policy: o.PolicyFile = None,
    metrics_dir: o.MetricsDirs = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table (terminal), json or csv (stdout).")
    ] = OutputFormat.table,
    fail_on: o.FailOn = None,
) -> None:
    """Compute every catalog metric (and your own) for a period, store them in the database
    (for `report` and `exceptions` to reuse), and print them."""
    db = setting("database", db)
    policy = setting("policy", policy)
    metrics_dir = setting("metrics_dirs", metrics_dir)
    con = pipeline.open_database(db, write=True)
    try:
        run = pipeline.compute(con, year, load_policy(policy), fiscal_year_start_month,
                               list(metrics_dir or []), store=True).run
    finally:
        con.close()
    if output_format is OutputFormat.json:
        typer.echo(run.to_json())
    elif output_format is OutputFormat.csv:
        typer.echo(metrics_csv(run), nl=False)
    else:
        _print_table(run)
    pipeline.check_gate(pipeline.control_statuses(run), fail_on and fail_on.value)
    speed.finish()


def _check_exceptions_folder(con, out: Path, db: Path) -> None:
    """``--out`` is a folder, and not a loaded data folder (the next load would read the
    lists written into it as data)."""
    if out.exists() and not out.is_dir():
        raise ReadinessError(f"{shown(out)}: --out must be a folder (it names a file)")
    for folder in {p.parent for _what, p in pipeline.loaded_inputs(con)}:
        if pipeline.same_file(out, folder):
            raise ReadinessError(f"{shown(out)}: --out is a loaded data folder; the next load "
                                 "would read the lists as data: choose another folder")


def exceptions(
    year: o.Year,
    out: Annotated[Path, typer.Option("--out", help="Folder for <metric_id>.csv files and exceptions.xlsx.")],
    db: o.Db = None,
    fiscal_year_start_month: o.Fiscal = None,
    policy: o.PolicyFile = None,
    metrics_dir: o.MetricsDirs = None,
) -> None:
    """Write the records behind each control figure: one CSV per metric and one XLSX workbook
    (the database is only read)."""
    from ..report.lists import WORKBOOK_NAME, write_exceptions

    db = setting("database", db)
    policy = setting("policy", policy)
    metrics_dir = setting("metrics_dirs", metrics_dir)
    con = pipeline.open_database(db, write=False)
    try:
        _check_exceptions_folder(con, out, db)
        figures = pipeline.compute(con, year, load_policy(policy), fiscal_year_start_month,
                                   list(metrics_dir or []), store=False)
        files = [out / f"{mid}.csv" for mid in figures.run.results if mid in figures.exceptions]
        pipeline.check_outputs([("--out", f) for f in [*files, out / WORKBOOK_NAME]],
                               [*pipeline.database_files(db), *pipeline.loaded_inputs(con)])
        written = write_exceptions(figures, out)
    finally:
        con.close()
    for path in written:
        say(str(path))
