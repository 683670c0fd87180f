"""Commands that render the PDF readiness report: `report` and `run` (load + report)."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import cli
from .cli import app, handles_errors
from .db import DEFAULT_DB, connect

YearOption = Annotated[int, typer.Option("--year", help="Reporting year (calendar or fiscal).")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="PDF file to write (default: readiness-<YEAR>.pdf here)."),
]
DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
PolicyOption = Annotated[
    Path | None, typer.Option("--policy", help="Policy TOML file overriding the defaults.")
]
HtmlOption = Annotated[
    Path | None,
    typer.Option("--html", help="Also write the report's HTML (for review in a browser)."),
]
FiscalOption = Annotated[
    int | None,
    typer.Option("--fiscal-year-start-month", min=1, max=12,
                 help="Month fiscal year Y starts in year Y-1 (CBP uses 10); default from policy."),
]
MetricsDirOption = Annotated[
    list[Path] | None,
    typer.Option("--metrics-dir", help="Folder of extra metric SQL files (repeatable)."),
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates",
                 help="Folder of report templates searched before the built-in ones."),
]


@dataclass
class ReportOutcome:
    out: Path
    pages: int
    attachments: int
    score_text: str
    seconds: float


def make_report(
    db: Path | str,
    year: int,
    out: Path | None,
    policy_path: Path | None,
    html_out: Path | None,
    fiscal_start_month: int | None,
    metrics_dirs: list[Path],
    templates: Path | None,
    console: Console,
    quiet: bool = False,
) -> ReportOutcome:
    """Compute the year's metrics in ``db`` and write the PDF (and optionally the HTML)."""
    from .charts import TrendChartWorker

    started = time.perf_counter()
    # matplotlib is imported (about 0.4 s) and the chart drawn in a worker process on
    # the other core, while this one collects the figures and imports WeasyPrint.
    chart = TrendChartWorker()
    # Importing WeasyPrint and collecting figures allocate many objects and few cycles:
    # the cyclic GC only slows them down (the PDF writer keeps it off for the layout too).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _make_report(db, year, out, policy_path, html_out, fiscal_start_month,
                            metrics_dirs, templates, console, quiet, chart, started)
    finally:
        chart.close()
        # The console script leaves right after printing the outcome (cli.finish_fast): the
        # first collection over every object of the render would only delay that by ~0.1 s.
        if gc_was_enabled and not cli.FAST_EXIT:
            gc.enable()


def _make_report(db, year, out, policy_path, html_out, fiscal_start_month, metrics_dirs,
                 templates, console, quiet, chart, started) -> ReportOutcome:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from . import report as rpt
    from .metrics import is_fresh, load_stored_run, period_for, run_metrics
    from .policy import load_policy

    # Import WeasyPrint (about half a second) while DuckDB computes the figures: the
    # queries release the GIL, so the two overlap.
    prepared: dict = {}
    preload = threading.Thread(target=_preload_renderers, args=(templates, prepared),
                               daemon=True)
    preload.start()
    out = Path(out) if out is not None else Path(f"readiness-{year}.pdf")
    # Fail on a bad template folder before any work is done.
    rpt.template_dirs(templates)
    policy = load_policy(policy_path)
    con = connect(db, must_exist=True)
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
            console=console, transient=True, disable=quiet or not console.is_terminal,
        ) as bar:
            task = bar.add_task("computing metrics", total=5)

            def step(description: str) -> None:
                bar.update(task, advance=1, description=description)

            fsm = policy.fiscal_year_start_month if fiscal_start_month is None \
                else fiscal_start_month
            prior, recomputed = _prior_run(con, year, policy, fsm, metrics_dirs,
                                           load_stored_run, period_for, run_metrics)
            # Figures stored by `readiness metrics` are used as they are while they still
            # match the data, policy and queries; otherwise they are computed (and stored).
            run = load_stored_run(con, period_for(year, fsm))
            if run is None or not is_fresh(con, run, policy, metrics_dirs):
                run = run_metrics(con, year, policy, fiscal_start_month=fsm,
                                  metrics_dirs=metrics_dirs, store=True)
            step("collecting figures, exceptions and charts")
            report = rpt.build_report(con, run, prior_run=prior, prior_recomputed=recomputed,
                                      trend_chart=chart.submit)
            preload.join()
            step("rendering HTML")
            html = rpt.render_html(report, templates, prepared.get("templates"))
            if html_out is not None:
                rpt.write_html(html, html_out, report, templates)
            step("laying out and writing the PDF")
            pages = rpt.write_pdf(report, html, out, templates)
            step("done")
    finally:
        con.close()
    score = report.context["score"]
    return ReportOutcome(out, pages, len(report.attachments),
                         f"{score['text']} ({score['status_label']})",
                         time.perf_counter() - started)


def _preload_renderers(templates: Path | None, prepared: dict) -> None:
    from . import report as rpt

    rpt._weasyprint()
    # Any error here (a bad template folder, say) is reported by render_html itself.
    with contextlib.suppress(Exception):
        prepared["templates"] = rpt.compiled_templates(templates)


def _prior_run(con, year, policy, fsm, metrics_dirs, load_stored_run, period_for, run_metrics):
    """The prior year's figures for the comparison, and whether they were recomputed: under
    the same policy when that year's entries are in the database, else the stored run (if
    any)."""
    from .metrics import is_fresh

    prior_period = period_for(year - 1, fsm)
    stored = load_stored_run(con, prior_period)
    if stored is not None and is_fresh(con, stored, policy, metrics_dirs):
        return stored, True  # computed from the data now loaded, under this same policy
    has_entries = con.execute(
        "select count(*) from entries where entry_date >= $s and entry_date < $e",
        {"s": prior_period.start, "e": prior_period.end},
    ).fetchone()[0]
    if has_entries:
        return run_metrics(con, year - 1, policy, fiscal_start_month=fsm,
                           metrics_dirs=metrics_dirs, store=False), True
    return load_stored_run(con, prior_period), False


def _print_outcome(console: Console, outcome: ReportOutcome) -> None:
    console.print(
        f"wrote {outcome.out}: {outcome.pages} pages, readiness score {outcome.score_text}, "
        f"{outcome.attachments} attached CSV file{'' if outcome.attachments == 1 else 's'}, "
        f"{outcome.seconds:.1f} s",
        highlight=False, markup=False,
    )


@app.command()
@handles_errors
def report(
    year: YearOption,
    db: DbOption = Path(DEFAULT_DB),
    out: OutOption = None,
    policy: PolicyOption = None,
    html: HtmlOption = None,
    fiscal_year_start_month: FiscalOption = None,
    metrics_dir: MetricsDirOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Render the PDF readiness report of a year from a loaded database."""
    console = Console(stderr=True)
    outcome = make_report(db, year, out, policy, html, fiscal_year_start_month,
                          list(metrics_dir or []), templates, console)
    _print_outcome(Console(), outcome)
    cli.finish_fast()  # a large PDF's objects need no orderly teardown


@app.command()
@handles_errors
def run(
    data_dir: Annotated[
        Path,
        typer.Argument(help="Folder with one file per table (importers, entries, ...)."),
    ],
    year: YearOption,
    out: OutOption = None,
    db: DbOption = Path(DEFAULT_DB),
    policy: PolicyOption = None,
    html: HtmlOption = None,
    fiscal_year_start_month: FiscalOption = None,
    metrics_dir: MetricsDirOption = None,
    templates: TemplatesOption = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML mapping file (or shipped mapping name) for an export layout."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat any refused row as a file error: load nothing.")
    ] = False,
) -> None:
    """Load a data folder, compute the metrics and render the PDF report in one step."""
    from .cmd_data import print_summary, run_load

    console = Console(stderr=True)
    result = run_load(data_dir, db, strict=strict, mapping=mapping)
    print_summary(result, console)
    outcome = make_report(db, year, out, policy, html, fiscal_year_start_month,
                          list(metrics_dir or []), templates, console)
    _print_outcome(Console(), outcome)
    cli.finish_fast()  # a large PDF's objects need no orderly teardown
