"""The Python API for notebooks and scripts: the same steps as the commands, returning values.

    import customs_readiness as cr

    cr.load("sample_data/2025", db="readiness.duckdb")
    df = cr.metrics(2026, db="readiness.duckdb")          # a Polars DataFrame, one row per metric
    data = cr.metrics_json(2026, db="readiness.duckdb")   # = `readiness metrics --format json`
    cr.report(2026, db="readiness.duckdb", out="readiness-2026.pdf")

Each function calls ``pipeline`` as the commands do, opens the database for the call only
and closes it, and raises the tool's domain errors (``errors.ReadinessError`` and its
subclasses, each with a one-line message). Nothing is read from readiness.toml: every
setting is an argument. The package imports this module on first use of one of these names
(``customs_readiness.__getattr__``), so ``import customs_readiness`` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import pipeline
from .db import DEFAULT_DB
from .policy import load_policy

if TYPE_CHECKING:
    import polars as pl

    from .ingest import LoadResult
    from .metrics import MetricRun

PathLike = str | Path

__all__ = ["load", "metrics", "metrics_json", "report", "validate"]


def load(folder: PathLike, db: PathLike = DEFAULT_DB, *, strict: bool = False,
         mapping: PathLike | None = None) -> LoadResult:
    """Load a data folder into ``db`` (one transaction), as `readiness load` does.

    Returns the LoadResult (``files`` with rows read, loaded and refused per file,
    ``rows_rejected``, ``missing_tables``). Raises DataFileError or ReadinessError.
    """
    return pipeline.load(Path(folder), db, strict=strict, mapping=mapping)


def validate(folder: PathLike, *, strict: bool = False,
             mapping: PathLike | None = None) -> pl.DataFrame:
    """Every check of `load` without a database: one row per refused row (file, table, row,
    column, value, reason, record), as `readiness validate --errors-out` writes them."""
    import polars as pl

    found = pipeline.validate(Path(folder), strict=strict, mapping=mapping)
    return pl.DataFrame(found.errors, schema={
        "file": pl.String, "table": pl.String, "row": pl.Int64, "column": pl.String,
        "value": pl.String, "reason": pl.String, "record": pl.String}, orient="row")


def _run(year: int, db: PathLike, policy: PathLike | None, metrics_dirs: Sequence[PathLike],
         fiscal_year_start_month: int | None, store: bool) -> MetricRun:
    con = pipeline.open_database(db, write=store)
    try:
        return pipeline.compute(con, year, load_policy(policy), fiscal_year_start_month,
                                [Path(d) for d in metrics_dirs], store=store).run
    finally:
        con.close()


def metrics_json(year: int, db: PathLike = DEFAULT_DB, *, policy: PathLike | None = None,
                 metrics_dirs: Sequence[PathLike] = (),
                 fiscal_year_start_month: int | None = None,
                 store: bool = True) -> dict[str, Any]:
    """The period's figures as the dict `readiness metrics --format json` prints (parsed
    with ``json.loads``): ``period``, ``policy`` and ``metrics`` by id. With ``store`` (as
    the command does) the figures are stored for `report` and `exceptions` to reuse;
    ``store=False`` opens the database read-only."""
    run = _run(year, db, policy, metrics_dirs, fiscal_year_start_month, store)
    return json.loads(run.to_json())


# Columns of ``metrics``: what each row of the DataFrame holds (docs/api.md).
METRIC_COLUMNS = ("id", "title", "section", "unit", "value", "status", "control", "authority",
                  "effective_on", "before_order", "in_force", "numerator", "denominator",
                  "missing", "not_provided", "status_rule", "source")


def metrics(year: int, db: PathLike = DEFAULT_DB, *, policy: PathLike | None = None,
            metrics_dirs: Sequence[PathLike] = (), fiscal_year_start_month: int | None = None,
            store: bool = True) -> pl.DataFrame:
    """The period's figures as a Polars DataFrame, one row per metric in catalog order.

    Columns: ``METRIC_COLUMNS``. ``value``, ``before_order``, ``numerator`` and
    ``denominator`` are floats (money rounded half up to the cent first, as in the JSON);
    ``effective_on`` is a date. The period and the policy used are in ``metrics_json``,
    which returns the same figures as a dict. ``store`` as for ``metrics_json``.
    """
    import polars as pl

    data = metrics_json(year, db, policy=policy, metrics_dirs=metrics_dirs,
                        fiscal_year_start_month=fiscal_year_start_month, store=store)
    rows = []
    for mid, m in data["metrics"].items():
        rows.append({
            "id": mid, "title": m["title"], "section": m["section"], "unit": m["unit"],
            "value": m["value"], "status": m["status"], "control": m["control"],
            "authority": m["authority"], "effective_on": m.get("effective_on"),
            "before_order": m.get("before_order"), "in_force": m.get("in_force"),
            "numerator": m.get("numerator"), "denominator": m.get("denominator"),
            "missing": m.get("missing"), "not_provided": m.get("not_provided", []),
            "status_rule": m["status_rule"], "source": m["source"],
        })
    number = pl.Float64
    schema = {"id": pl.String, "title": pl.String, "section": pl.String, "unit": pl.String,
              "value": number, "status": pl.String, "control": pl.Boolean,
              "authority": pl.String, "effective_on": pl.String, "before_order": number,
              "in_force": pl.Boolean, "numerator": number, "denominator": number,
              "missing": pl.Int64, "not_provided": pl.List(pl.String),
              "status_rule": pl.String, "source": pl.String}
    frame = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(pl.col("effective_on").str.to_date())


def report(year: int, db: PathLike = DEFAULT_DB, *, out: PathLike | None = None,
           html: PathLike | None = None, policy: PathLike | None = None,
           metrics_dirs: Sequence[PathLike] = (), templates: PathLike | None = None,
           fiscal_year_start_month: int | None = None, audit: PathLike | None = None,
           organisation: str | None = None, preparer: str | None = None,
           reviewer: str | None = None) -> pipeline.ReportOutcome:
    """Render the PDF report of a year (and the self-contained HTML with ``html``), as
    `readiness report` does: the database is only read.

    Returns the ReportOutcome (``out``, ``pages``, ``attachments``, ``score_text``,
    ``statuses`` of the controls).
    """
    return pipeline.report(
        db, year, out=Path(out) if out is not None else None,
        html_out=Path(html) if html is not None else None,
        policy_path=Path(policy) if policy is not None else None,
        fiscal_start_month=fiscal_year_start_month,
        metrics_dirs=[Path(d) for d in metrics_dirs],
        templates=Path(templates) if templates is not None else None,
        store=False, audit=Path(audit) if audit is not None else None,
        signoff={"organisation": organisation, "preparer": preparer, "reviewer": reviewer})
