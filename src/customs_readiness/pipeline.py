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

import functools
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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


def check_data_folder(data_dir: Path | str) -> Path:
    """``data_dir`` as a folder to load; a file given instead is a one-line error that says
    so (and names the folder holding it)."""
    from .errors import ReadinessError

    folder = Path(data_dir)
    if folder.is_file():
        raise ReadinessError(f"{data_dir}: is a file, not a data folder; give the folder that "
                             f"holds the data files (here {folder.parent if str(folder.parent) else '.'})")
    if not folder.is_dir():
        raise ReadinessError(f"{data_dir}: no such data folder")
    return folder


def load(data_dir: Path, db: Path | str, *, strict: bool = False, mapping: Path | str | None = None,
         commit: bool = True, progress: Callable[[str, str], None] | None = None) -> LoadResult:
    """Load a data folder into ``db`` (one transaction). With ``commit=False`` every check
    runs and nothing is kept. A failed first load leaves no database file behind."""
    from .ingest import load_folder

    check_data_folder(data_dir)
    existed = str(db) == ":memory:" or Path(db).exists()
    con = None
    ok = False
    try:
        con = connect(db)
        result = load_folder(con, data_dir, strict=strict, mapping=mapping, progress=progress,
                             commit=commit)
        ok = True
    finally:
        try:
            if con is not None:
                con.close()
        finally:  # (even when a second signal stops the close)
            if not ok and not existed:
                # (Interrupted, a full disk or a refused file: a first load leaves nothing.)
                for leftover in (Path(db), Path(f"{db}.wal"), Path(f"{db}.tmp")):
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink(missing_ok=True)
    return result


# file, table, row, column, value, reason, record (JSON of the row's cells as written)
RowError = tuple[str, str, int, str | None, str | None, str, str | None]
ROW_ERROR_COLUMNS = ("file", "table", "row", "column", "value", "reason", "record")


@dataclass
class Validation:
    """What ``validate`` found: the load's summary and every refused row, in file order."""

    result: LoadResult
    errors: list[RowError]


def validate(data_dir: Path, *, strict: bool = False, mapping: Path | str | None = None,
             progress: Callable[[str, str], None] | None = None) -> Validation:
    """Every check of ``load`` on a data folder, into a database in memory that is dropped
    afterwards (nothing is written anywhere); every refused row is returned."""
    from .ingest import load_folder

    check_data_folder(data_dir)
    con = connect(":memory:")
    try:
        result = load_folder(con, data_dir, strict=strict, mapping=mapping, progress=progress,
                             commit=True)
        errors = con.execute(
            """select file_name, table_name, row_number, column_name, raw_value, reason, record
               from rejected_rows where load_id = ?
               order by file_name, table_name, row_number""", [result.load_id]).fetchall()
    finally:
        con.close()
    return Validation(result, errors)


def check_gate(statuses: dict[str, str | None], fail_on: str | None) -> None:
    """``--fail-on``: raise CheckFailed (exit status 1) when a control's status is
    ``fail_on`` or worse (red is worse than amber). ``statuses``: control id -> status."""
    from .errors import CheckFailed

    if fail_on is None:
        return
    levels = ("red",) if fail_on == "red" else ("red", "amber")
    hit = {level: sorted(mid for mid, s in statuses.items() if s == level) for level in levels}
    count = sum(len(ids) for ids in hit.values())
    if count:
        detail = "; ".join(f"{level}: {', '.join(ids)}" for level, ids in hit.items() if ids)
        raise CheckFailed(f"--fail-on {fail_on}: {count} control{'' if count == 1 else 's'} "
                          f"at {fail_on}{' or worse' if fail_on == 'amber' else ''} ({detail})")


def control_statuses(run: MetricRun) -> dict[str, str | None]:
    """Control id -> status (red, amber, green, n/a or None) of a period's figures."""
    return {mid: r.status for mid, r in run.results.items() if r.definition.is_control}


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
    from .metrics import check_period_has_records, compute_or_load, period_for

    fsm = policy.fiscal_year_start_month if fiscal_start_month is None else fiscal_start_month
    period = period_for(year, fsm)
    check_period_has_records(con, period)  # an empty year is no clean bill
    return compute_or_load(con, period, policy, metrics_dirs, store=store, reuse=not store)


# ------------------------------------------------------------------------------------ render


@dataclass
class ReportOutcome:
    out: Path
    pages: int
    attachments: int
    score_text: str
    seconds: float
    html: Path | None = None
    statuses: dict[str, str | None] = field(default_factory=dict)  # control id -> status


def _prepare_renderer(templates: Path | None):
    from .report import _weasyprint, compiled_templates

    _weasyprint()
    return compiled_templates(templates)


def report(db: Path | str, year: int, *, out: Path | None = None, policy_path: Path | None = None,
           html_out: Path | None = None, fiscal_start_month: int | None = None,
           metrics_dirs: Sequence[Path] = (), templates: Path | None = None,
           store: bool = False, audit: Path | None = None,
           actions: Path | None = None, signoff: dict | None = None,
           progress: Progress = _quiet) -> ReportOutcome:
    """Compute (or read back) the period's figures in ``db`` and write the PDF (and the HTML
    when asked). With ``store`` the figures are stored (``run``); otherwise the database is
    opened read-only. ``audit``: a tested audit worksheet, projected into an "Audit
    readiness" section and attached. ``actions``: a filled-in remediation register (from
    ``readiness actions``), read into the Remediation section and attached. ``signoff``:
    organisation, preparer, reviewer and extract_date of the sign-off block (from options or
    readiness.toml). The date prepared is ``clock.prepared_at()``."""
    from . import report as rpt
    from .clock import prepared_at
    from .metrics import prior_run

    started = time.perf_counter()
    out = Path(out) if out is not None else Path(f"readiness-{year}.pdf")
    inputs = [("the policy file", Path(policy_path))] if policy_path is not None else []
    check_outputs([("--out", out), ("--html", html_out)], [*database_files(db), *inputs])
    rpt.template_dirs(templates)  # a bad template folder fails before any work
    prepared = prepared_at()  # a bad SOURCE_DATE_EPOCH too
    policy = load_policy(policy_path)
    audit_part = _audit_part(audit) if audit is not None else None
    actions_part = _actions_part(actions) if actions is not None else None  # fails early
    # matplotlib's import and the charts go to a second process, WeasyPrint's import and
    # the templates to a thread, while DuckDB computes here (see speed.py for the figures).
    charts = speed.WorkerProcess("customs_readiness.report.charts",
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
                history = _history(con, figures.run, prior, recomputed, policy, metrics_dirs)
                progress("collecting figures, exceptions and charts")
                rep = rpt.build_report(con, figures, prior_run=prior,
                                       prior_recomputed=recomputed,
                                       trend_chart=functools.partial(charts.submit, "trend_svg"),
                                       audit=audit_part, history=history,
                                       actions=actions_part,
                                       signoff={"date_prepared": prepared.date(),
                                                **(signoff or {})},
                                       board_charts=functools.partial(charts.submit,
                                                                      "board_charts_json"),
                                       prepared=prepared)
                progress("rendering HTML")
                html = rpt.render_html(rep, templates, renderer())
                if html_out is not None:
                    rpt.write_html(html, html_out, rep, templates)
                progress("laying out and writing the PDF")
                pages = rpt.write_pdf(rep, html, out, templates)
            finally:
                con.close()
    finally:
        charts.close()
    return ReportOutcome(out, pages, len(rep.attachments), _score_text(figures.run),
                         time.perf_counter() - started, html_out,
                         control_statuses(figures.run))


def _audit_part(worksheet: Path) -> tuple[dict, str, bytes]:
    """The scored worksheet as the report's section data, with its bytes to attach. Raises
    ReadinessError (one line naming sheet, row and column) for a worksheet that fails its
    checks."""
    from .audit.section import audit_section
    from .errors import ReadinessError

    worksheet = Path(worksheet)
    try:
        data = worksheet.read_bytes()
    except OSError as exc:
        raise ReadinessError(f"{worksheet}: cannot read audit worksheet ({exc.strerror})") from None
    return audit_section(worksheet), worksheet.name, data


# ------------------------------------------------------------------------------------ board pack


HISTORY_YEARS = 4  # periods before the report's in the several-years view (five in all)


def _history(con: duckdb.DuckDBPyConnection, run: MetricRun, prior: MetricRun | None,
             prior_recomputed: bool, policy: Policy,
             metrics_dirs: Sequence[Path]) -> list[dict]:
    """The several-years view as plain data, oldest first: the report's period and up to
    four before it that hold entries (a year with only earlier penalty cases, say, is no
    loaded year: its controls would read a clean bill), each under this policy: a fresh
    stored run, or computed now without storing, as ``prior_run`` does for the year before
    (whose figures are reused)."""
    from .metrics import compute_run, discover, is_fresh, load_stored_run, period_for
    from .report.board import history_entry

    out = [history_entry(run, current=True)]
    period = run.period
    for back in range(1, HISTORY_YEARS + 1):
        earlier = period_for(period.year - back, period.fiscal_start_month)
        has_entries = con.execute(
            "select count(*) from entries where entry_date >= $s and entry_date < $e",
            {"s": earlier.start, "e": earlier.end}).fetchone()[0]
        if back == 1 and prior is not None:  # the year-over-year comparison's own figures
            if has_entries or not prior_recomputed:
                out.append(history_entry(prior, recomputed=prior_recomputed))
            continue
        if not has_entries:
            continue
        stored = load_stored_run(con, earlier)
        if stored is not None and is_fresh(con, stored, policy, metrics_dirs):
            out.append(history_entry(stored))
            continue
        out.append(history_entry(compute_run(con, earlier, policy, discover(metrics_dirs),
                                             metrics_dirs)))
    return sorted(out, key=lambda y: y["start"])


def _actions_part(register: Path) -> dict:
    """A filled-in remediation register as the report's data. Raises ReadinessError (one
    line naming file, sheet, row and column) for one that cannot be read."""
    from .report.register import read_register

    return read_register(Path(register))


# ------------------------------------------------------------------------------------ helpers


def _score_text(run: MetricRun) -> str:
    from .report.format import fmt_number

    result = run.results.get("readiness_score")
    band = (result.status if result is not None else None) or "n/a"
    text = fmt_number(run.score, 1) if run.score is not None else "n/a"
    return f"{text} ({'n/a' if band == 'n/a' else band.capitalize()})"
