"""The metric engine: from loaded data and a policy to one period's figures.

    catalog   discovery of metric files and strict validation of their headers
    period    calendar and fiscal periods
    engine    working sets and execution (temp tables only; never writes the database)
    status    statuses, readiness score and its band, from the policy
    store     stored runs, exception lists and volume tables, and their freshness
    model     the values handed on: MetricResult, MetricRun, PeriodFigures

``compute_or_load`` is the one entry point of the pipeline: it returns a ``PeriodFigures``
(figures, exception relations, volume rows) that the report and the exports read without
calling back into this package.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ..policy import Policy
from ..speed import checkpoint_on_commit
from ..sql import used_parameters
from ..values import dumps_json, json_value
from .catalog import (
    CATALOG_ORDER,
    SCORE_ID,
    SECTIONS,
    MetricDef,
    StatusRule,
    base_files,
    catalog_dir,
    discover,
    parse_metric_file,
)
from .engine import (
    check_period_has_records,
    compute_run,
    exception_records,
    prepare_period,
    query_parameters,
    write_lists,
)
from .model import MetricResult, MetricRun, PeriodFigures
from .period import Period, period_for
from .status import evaluate_status, readiness_score, score_band
from .store import data_version, is_fresh, lists_of, load_stored_run, money_of, store_run, volume_of

__all__ = [
    "CATALOG_ORDER", "SCORE_ID", "check_period_has_records", "SECTIONS", "MetricDef", "MetricResult", "MetricRun",
    "Period", "PeriodFigures", "StatusRule", "base_files", "catalog_dir", "compute_or_load",
    "data_version", "discover", "dumps_json", "evaluate_status", "exception_records",
    "is_fresh", "json_value", "load_stored_run", "parse_metric_file", "period_for",
    "prepare_period", "prior_run", "query_parameters", "readiness_score", "run_metrics",
    "score_band", "used_parameters",
]


def compute_or_load(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    policy: Policy,
    metrics_dirs: Sequence[Path | str] = (),
    *,
    store: bool = False,
    reuse: bool = True,
) -> PeriodFigures:
    """The figures of ``period`` under ``policy``, with their exception lists and volume.

    With ``reuse``, a run stored earlier is read back while it still matches the loaded
    data, policy, metric folders and queries. Otherwise the figures are computed now; with
    ``store`` they, their exception lists and the volume table are stored in the database
    (one transaction, replacing an earlier run of the period), else kept in temp tables of
    this connection, so the database file is not written.
    """
    if reuse:
        stored = load_stored_run(con, period)
        if stored is not None and is_fresh(con, stored, policy, metrics_dirs):
            return PeriodFigures(stored, lists_of(con, stored, temp=False),
                                 volume_of(con, stored, temp=False), stored=True,
                                 money_table=money_of(con, stored, temp=False))
    run = compute_run(con, period, policy, discover(metrics_dirs), metrics_dirs)
    if store:
        con.execute("begin transaction")
        try:
            store_run(con, run)
            write_lists(con, run, temp=False)
            # (the lists written straight into the database file, as the load's rows are,
            # not first into the write-ahead log that closing the database then copies
            # over: 1M lines, `metrics` 0.675 -> 0.655 s)
            with checkpoint_on_commit(con):
                con.execute("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # (refused after a fatal I/O error)
                con.execute("rollback")
            raise
    else:
        write_lists(con, run, temp=True)
    temp = not store
    return PeriodFigures(run, lists_of(con, run, temp), volume_of(con, run, temp), stored=store,
                         money_table=money_of(con, run, temp))


def prior_run(con: duckdb.DuckDBPyConnection, period: Period, policy: Policy,
              metrics_dirs: Sequence[Path | str] = ()) -> tuple[MetricRun | None, bool]:
    """The figures of the period before ``period`` for the year-over-year comparison, and
    whether they reflect the data now loaded under this same policy: a fresh stored run, or
    computed now (not stored) when that period has entries; else the stored run as it was
    (``False``), or None."""
    before = period_for(period.year - 1, period.fiscal_start_month)
    stored = load_stored_run(con, before)
    if stored is not None and is_fresh(con, stored, policy, metrics_dirs):
        return stored, True
    has_entries = con.execute(
        "select count(*) from entries where entry_date >= $s and entry_date < $e",
        {"s": before.start, "e": before.end},
    ).fetchone()[0]
    if has_entries:
        return compute_run(con, before, policy, discover(metrics_dirs), metrics_dirs), True
    return stored, False


def run_metrics(
    con: duckdb.DuckDBPyConnection,
    year: int,
    policy: Policy,
    fiscal_start_month: int | None = None,
    metrics_dirs: Sequence[Path | str] = (),
    store: bool = True,
) -> MetricRun:
    """Compute every catalog and user metric for ``year`` now (storing them when ``store``)
    and return the figures. The fiscal-year start month defaults to the policy's."""
    fsm = policy.fiscal_year_start_month if fiscal_start_month is None else fiscal_start_month
    period = period_for(year, fsm)
    return compute_or_load(con, period, policy, metrics_dirs, store=store, reuse=False).run
