"""Commands that render the PDF readiness report: `report` (read-only on the database) and
`run` (load, compute and store the figures, render)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .. import pipeline, speed
from . import options as o
from .app import console, log, project_config, say, setting
from .data import load_with_progress, print_summary


@contextmanager
def _progress_bar() -> Iterator[pipeline.Progress]:
    """The report's steps: a bar on stderr (on a terminal, unless --quiet) and, with
    --verbose, a log line per step with the time since the start."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    err = console(stderr=True)
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal or err.quiet,
    ) as bar:
        task = bar.add_task("starting", total=4)

        def step(description: str) -> None:
            bar.update(task, advance=1, description=description)
            log.info("%s (%.1f s)", description, time.perf_counter() - started)

        yield step


def _print_outcome(outcome: pipeline.ReportOutcome) -> None:
    say(f"wrote {outcome.out}: {outcome.pages} pages, readiness score {outcome.score_text}, "
        f"{outcome.attachments} attached file{'' if outcome.attachments == 1 else 's'}, "
        f"{outcome.seconds:.1f} s")
    if outcome.html is not None:
        say(f"wrote {outcome.html}")


def _report_settings(db, policy, metrics_dir, templates) -> dict:
    return {"db": setting("database", db), "policy_path": setting("policy", policy),
            "metrics_dirs": list(setting("metrics_dirs", metrics_dir) or []),
            "templates": setting("templates", templates),
            "signoff": project_config().signoff()}


def _signoff(configured: dict, organisation, preparer, reviewer, extract_date) -> dict:
    """The sign-off block: options win over readiness.toml."""
    given = o.signoff(organisation, preparer, reviewer, extract_date)
    given.pop("date_prepared")
    return {**configured, **{k: v for k, v in given.items() if v is not None}}


def report(
    year: o.Year,
    db: o.Db = None,
    out: o.Out = None,
    policy: o.PolicyFile = None,
    html: o.Html = None,
    fiscal_year_start_month: o.Fiscal = None,
    metrics_dir: o.MetricsDirs = None,
    templates: o.Templates = None,
    audit: Annotated[
        Path | None,
        typer.Option("--audit", help="A tested audit worksheet (from `audit-sample`): adds an "
                     "Audit readiness section with its projection and attaches it."),
    ] = None,
    fail_on: o.FailOn = None,
    actions: o.Actions = None,
    organisation: o.Organisation = None,
    preparer: o.Preparer = None,
    reviewer: o.Reviewer = None,
    extract_date: o.ExtractDate = None,
) -> None:
    """Render the PDF readiness report of a year from a loaded database (read-only: figures
    stored by `metrics` are reused while they match the data, else computed in memory)."""
    settings = _report_settings(db, policy, metrics_dir, templates)
    db = settings.pop("db")
    settings["signoff"] = _signoff(settings["signoff"], organisation, preparer, reviewer,
                                   extract_date)
    with _progress_bar() as step:
        outcome = pipeline.report(db, year, out=out, html_out=html,
                                  fiscal_start_month=fiscal_year_start_month,
                                  store=False, audit=audit, actions=actions,
                                  progress=step, **settings)
    _print_outcome(outcome)
    pipeline.check_gate(outcome.statuses, fail_on and fail_on.value)
    speed.finish()


def run(
    data_dir: o.DataDir,
    year: o.Year,
    out: o.Out = None,
    db: o.Db = None,
    policy: o.PolicyFile = None,
    html: o.Html = None,
    fiscal_year_start_month: o.Fiscal = None,
    metrics_dir: o.MetricsDirs = None,
    templates: o.Templates = None,
    mapping: o.Mapping = None,
    strict: o.Strict = False,
    fail_on: o.FailOn = None,
    actions: o.Actions = None,
    organisation: o.Organisation = None,
    preparer: o.Preparer = None,
    reviewer: o.Reviewer = None,
    extract_date: o.ExtractDate = None,
) -> None:
    """Load a data folder, compute and store the metrics, and render the PDF report."""
    settings = _report_settings(db, policy, metrics_dir, templates)
    db = settings.pop("db")
    settings["signoff"] = _signoff(settings["signoff"], organisation, preparer, reviewer,
                                   extract_date)
    # The outputs are checked before the load, so a refused output leaves the database as it was.
    pipeline.check_outputs(
        [("--out", out or Path(f"readiness-{year}.pdf")), ("--html", html)],
        [*pipeline.database_files(db), *pipeline.folder_inputs(data_dir)])
    result = load_with_progress(data_dir, db, strict, setting("mapping", mapping))
    print_summary(result)
    with _progress_bar() as step:
        outcome = pipeline.report(db, year, out=out, html_out=html,
                                  fiscal_start_month=fiscal_year_start_month,
                                  store=True, actions=actions, progress=step, **settings)
    _print_outcome(outcome)
    pipeline.check_gate(outcome.statuses, fail_on and fail_on.value)
    speed.finish()
