"""Commands that render the PDF readiness report: `report` (read-only on the database) and
`run` (load, compute and store the figures, render)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from .. import pipeline, speed
from . import options as o
from .data import load_with_progress, print_summary


@contextmanager
def _progress_bar(console: Console) -> Iterator[pipeline.Progress]:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=4)
        yield lambda description: bar.update(task, advance=1, description=description)


def _print_outcome(outcome: pipeline.ReportOutcome) -> None:
    Console().print(
        f"wrote {outcome.out}: {outcome.pages} pages, readiness score {outcome.score_text}, "
        f"{outcome.attachments} attached CSV file{'' if outcome.attachments == 1 else 's'}, "
        f"{outcome.seconds:.1f} s",
        highlight=False, markup=False,
    )


def report(
    year: o.Year,
    db: o.Db = o.DEFAULT_DB_PATH,
    out: o.Out = None,
    policy: o.PolicyFile = None,
    html: o.Html = None,
    fiscal_year_start_month: o.Fiscal = None,
    metrics_dir: o.MetricsDirs = None,
    templates: o.Templates = None,
) -> None:
    """Render the PDF readiness report of a year from a loaded database (read-only: figures
    stored by `metrics` are reused while they match the data, else computed in memory)."""
    with _progress_bar(Console(stderr=True)) as step:
        outcome = pipeline.report(db, year, out=out, policy_path=policy, html_out=html,
                                  fiscal_start_month=fiscal_year_start_month,
                                  metrics_dirs=list(metrics_dir or []), templates=templates,
                                  store=False, progress=step)
    _print_outcome(outcome)
    speed.finish()


def run(
    data_dir: o.DataDir,
    year: o.Year,
    out: o.Out = None,
    db: o.Db = o.DEFAULT_DB_PATH,
    policy: o.PolicyFile = None,
    html: o.Html = None,
    fiscal_year_start_month: o.Fiscal = None,
    metrics_dir: o.MetricsDirs = None,
    templates: o.Templates = None,
    mapping: o.Mapping = None,
    strict: o.Strict = False,
) -> None:
    """Load a data folder, compute and store the metrics, and render the PDF report."""
    console = Console(stderr=True)
    # The outputs are checked before the load, so a refused output leaves the database as it was.
    pipeline.check_outputs(
        [("--out", out or Path(f"readiness-{year}.pdf")), ("--html", html)],
        [*pipeline.database_files(db), *pipeline.folder_inputs(data_dir)])
    result = load_with_progress(data_dir, db, strict, mapping)
    print_summary(result, console)
    with _progress_bar(console) as step:
        outcome = pipeline.report(db, year, out=out, policy_path=policy, html_out=html,
                                  fiscal_start_month=fiscal_year_start_month,
                                  metrics_dirs=list(metrics_dir or []), templates=templates,
                                  store=True, progress=step)
    _print_outcome(outcome)
    speed.finish()
