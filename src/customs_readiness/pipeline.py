"""The pipeline: load -> compute -> render. What `readiness run` does, step by step.

Each step hands the next a plain value: ``load`` a ``LoadResult`` (the data is in the
database), ``compute`` a ``metrics.PeriodFigures`` (figures, exception relations, volume),
``render`` a ``ReportOutcome`` (the PDF written). Commands call these functions; no command
calls another command. Read commands open the database read-only: only ``load``, ``metrics``
and ``run`` write to it, and they say so.

The speed tricks the report step uses (chart worker process, WeasyPrint import in the
background, garbage collector paused, fast exit) come from ``speed``, the one seam for them.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import speed
from .db import connect
from .errors import ReadinessError, shown
from .policy import Policy, load_policy

if TYPE_CHECKING:
    import duckdb

    from .ingest import LoadResult
    from .metrics import MetricRun, PeriodFigures

Progress = Callable[[str], None]


def _quiet(_what: str) -> None:
    pass


# ------------------------------------------------------------------------------------ load


def load(data_dir: Path, db: Path | str, *, strict: bool = False, mapping: Path | None = None,
         commit: bool = True, progress: Callable[[str, str], None] | None = None) -> LoadResult:
    """Load a data folder into ``db`` (one transaction). With ``commit=False`` every check
    runs and nothing is kept. A failed first load leaves no database file behind."""
    from .ingest import load_folder

    existed = str(db) == ":memory:" or Path(db).exists()
    con = None
    ok = False
    try:
        con = connect(db)
        result = load_folder(con, data_dir, strict=strict, mapping=mapping, progress=progress,
                             commit=commit)
        ok = True
    finally:
        if con is not None:
            con.close()
        if not ok and not existed:
            # (Interrupted, a full disk or a refused file: a first load leaves nothing.)
            for leftover in (Path(db), Path(f"{db}.wal"), Path(f"{db}.tmp")):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
    return result


# ------------------------------------------------------------------------------------ outputs


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (or folder), existing or not."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(os.path.abspath(a)).resolve() == Path(os.path.abspath(b)).resolve()


def check_outputs(outputs: Sequence[tuple[str, Path | None]],
                  protected: Sequence[tuple[str, Path]]) -> None:
    """Refuse, before anything is written, an output that would replace the database, an
    input file or another output of the same command, or that names a folder.

    ``outputs`` and ``protected``: (label such as ``--out``, path) pairs.
    Raises ReadinessError naming both.
    """
    seen: list[tuple[str, Path]] = []
    for label, out in outputs:
        if out is None:
            continue
        out = Path(out)
        if out.is_dir():
            raise ReadinessError(f"{shown(out)}: {label} names a folder, not a file")
        if out.exists() and not out.is_file():
            # (/dev/full, a pipe: replacing it would replace the device itself)
            raise ReadinessError(f"{shown(out)}: {label} names a device or pipe, not a file")
        for what, path in [*protected, *seen]:
            if same_file(out, path):
                raise ReadinessError(f"{shown(out)}: {label} would overwrite {what} "
                                     f"{shown(path)}; choose another file")
        seen.append((label, out))


def database_files(db: Path | str) -> list[tuple[str, Path]]:
    """The database and its write-ahead log, as outputs must not replace them."""
    if str(db) == ":memory:":
        return []
    return [("the database", Path(db)), ("the database's log", Path(f"{db}.wal"))]


def loaded_inputs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Path]]:
    """The input files of every load recorded in the database (the manifest)."""
    rows = con.execute(
        """select l.source_dir, f.file_name from load_files f join loads l using (load_id)
           where f.file_name is not null""").fetchall()
    return [("the input file", Path(folder) / name) for folder, name in rows]


def folder_inputs(data_dir: Path) -> list[tuple[str, Path]]:
    """Every file of a data folder (before it is loaded)."""
    try:
        return [("the input file", p) for p in Path(data_dir).iterdir() if p.is_file()]
    except OSError:
        return []


# ------------------------------------------------------------------------------------ compute


def open_database(db: Path | str, *, write: bool) -> duckdb.DuckDBPyConnection:
    """An existing readiness database, read-only unless ``write``."""
    return connect(db, must_exist=True, read_only=not write)


def compute(con: duckdb.DuckDBPyConnection, year: int, policy: Policy,
            fiscal_start_month: int | None = None, metrics_dirs: Sequence[Path] = (),
            *, store: bool) -> PeriodFigures:
    """The period's figures. ``store``: computed now and stored in the database (what
    ``metrics`` and ``run`` do); otherwise a fresh stored run is reused, or the figures are
    computed in temp tables without writing anything."""
    from .metrics import compute_or_load, period_for

    fsm = policy.fiscal_year_start_month if fiscal_start_month is None else fiscal_start_month
    period = period_for(year, fsm)
    return compute_or_load(con, period, policy, metrics_dirs, store=store, reuse=not store)


# ------------------------------------------------------------------------------------ render


@dataclass
class ReportOutcome:
    out: Path
    pages: int
    attachments: int
    score_text: str
    seconds: float


def _prepare_renderer(templates: Path | None):
    from .report import _weasyprint, compiled_templates

    _weasyprint()
    return compiled_templates(templates)


def report(db: Path | str, year: int, *, out: Path | None = None, policy_path: Path | None = None,
           html_out: Path | None = None, fiscal_start_month: int | None = None,
           metrics_dirs: Sequence[Path] = (), templates: Path | None = None,
           store: bool = False, progress: Progress = _quiet) -> ReportOutcome:
    """Compute (or read back) the period's figures in ``db`` and write the PDF (and the HTML
    when asked). With ``store`` the figures are stored (``run``); otherwise the database is
    opened read-only."""
    from . import report as rpt
    from .metrics import prior_run

    started = time.perf_counter()
    out = Path(out) if out is not None else Path(f"readiness-{year}.pdf")
    inputs = [("the policy file", Path(policy_path))] if policy_path is not None else []
    check_outputs([("--out", out), ("--html", html_out)], [*database_files(db), *inputs])
    rpt.template_dirs(templates)  # a bad template folder fails before any work
    policy = load_policy(policy_path)
    # matplotlib's import and the chart go to a second process, WeasyPrint's import and
    # the templates to a thread, while DuckDB computes here (see speed.py for the figures).
    chart = speed.WorkerProcess("customs_readiness.report.charts", "trend_svg",
                                preload=("matplotlib.figure",))
    renderer = speed.in_background(_prepare_renderer, templates)
    try:
        with speed.gc_paused():
            con = open_database(db, write=store)
            try:
                check_outputs([("--out", out), ("--html", html_out)], loaded_inputs(con))
                progress("computing metrics")
                figures = compute(con, year, policy, fiscal_start_month, metrics_dirs,
                                  store=store)
                prior, recomputed = prior_run(con, figures.run.period, policy, metrics_dirs)
                progress("collecting figures, exceptions and charts")
                rep = rpt.build_report(con, figures, prior_run=prior,
                                       prior_recomputed=recomputed, trend_chart=chart.submit)
                progress("rendering HTML")
                html = rpt.render_html(rep, templates, renderer())
                if html_out is not None:
                    rpt.write_html(html, html_out, rep, templates)
                progress("laying out and writing the PDF")
                pages = rpt.write_pdf(rep, html, out, templates)
            finally:
                con.close()
    finally:
        chart.close()
    return ReportOutcome(out, pages, len(rep.attachments), _score_text(figures.run),
                         time.perf_counter() - started)


def _score_text(run: MetricRun) -> str:
    from .report.format import fmt_number

    result = run.results.get("readiness_score")
    band = (result.status if result is not None else None) or "n/a"
    text = fmt_number(run.score, 1) if run.score is not None else "n/a"
    return f"{text} ({'n/a' if band == 'n/a' else band.capitalize()})"
