"""`readiness actions`: the remediation register of a year, one row per finding, as an XLSX
workbook the team fills in and `report --actions` reads back (read-only on the database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import pipeline
from ..policy import load_policy
from . import options as o
from .app import setting


def actions(
    year: o.Year,
    out: Annotated[Path, typer.Option("--out", help="XLSX file of the remediation register to write.")],
    db: o.Db = None,
    fiscal_year_start_month: o.Fiscal = None,
    policy: o.PolicyFile = None,
    metrics_dir: o.MetricsDirs = None,
) -> None:
    """Write the remediation register: one row per finding (a red or amber control on one
    importer of record's records) with its stable id, suggested action, legal basis, money
    at stake and priority, and empty owner, due-date and status columns (the database is
    only read)."""
    from ..report.facts import provided_tables
    from ..report.findings import collect_findings
    from ..report.register import write_register

    db = setting("database", db)
    policy = setting("policy", policy)
    metrics_dir = setting("metrics_dirs", metrics_dir)
    con = pipeline.open_database(db, write=False)
    try:
        figures = pipeline.compute(con, year, load_policy(policy), fiscal_year_start_month,
                                   list(metrics_dir or []), store=False)
        findings = collect_findings(con, figures, "entry_lines" in provided_tables(con)[0])
    finally:
        con.close()
    write_register(findings, out)
    high = sum(1 for r in findings.rows if r["priority"] == "high")
    typer.echo(f"wrote {out}: {len(findings.rows)} finding{'' if len(findings.rows) == 1 else 's'} "
               f"of {findings.period_label} ({high} high priority)")
