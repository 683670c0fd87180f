"""The report's own aggregates, read from the loaded database (read-only): which tables the
loads provided, the monthly trend, the tables in the shape of CBP's published statistics, the
data-quality tables and the input manifest. The SQL lives in ``queries/_report/``."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..schema import TABLES
from ..speed import Deferred
from ..sql import fetch, report_query
from ..vocabulary import ENTRY_TYPE_GROUPS
from . import charts
from .csvfile import arrow_to_csv
from .format import cell_text, figure_text, fmt_count, fmt_money, fmt_rate
from .model import Attachment


def dicts(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name."""
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def provided_tables(con) -> tuple[set[str], bool]:
    """Tables the loads provided (a file was loaded for them), and whether any load exists.

    Without any load bookkeeping (a database filled by other means) a table counts as
    provided when it has rows.
    """
    # The loader records a table it found no file for as a load_files row without a file.
    bookkept = con.execute("select count(*) from load_files").fetchone()[0] > 0
    if bookkept:
        files = con.execute(
            "select distinct table_name from load_files where file_name is not null").fetchall()
        return {r[0] for r in files}, True
    provided = set()
    for name in TABLES:
        if con.execute(f"select count(*) from {name}").fetchone()[0]:  # name from schema
            provided.add(name)
    return provided, False




def _month_label(month_start: dt.date, many_years: bool) -> str:
    return f"{month_start:%b}" + (f" {month_start:%y}" if many_years else "")


def trend(con, params: dict[str, Any],
           draw: Callable[..., Any] | None = None) -> dict[str, Any]:
    columns, rows = report_query(con, "monthly_trend", params)
    months = dicts(columns, rows)
    many_years = len({m["month_start"].year for m in months}) > 1
    labels, entries, cert, disc, table = [], [], [], [], []
    for m in months:
        label = _month_label(m["month_start"], many_years)
        c_rate = _ratio(m["certified"], m["certification_due"])
        d_rate = _ratio(m["disclosed"], m["disclosure_due"])
        labels.append(label)
        entries.append(m["entries"])
        cert.append(c_rate)
        disc.append(d_rate)
        table.append({"month": f"{m['month_start']:%B %Y}", "entries": fmt_count(m["entries"]),
                      "certification_rate": fmt_rate(c_rate),
                      "disclosure_rate": fmt_rate(d_rate)})
    # Plain JSON-safe arguments, so that the chart can be drawn in a worker process.
    drawn = (draw or charts.trend_svg)(
        months=labels, entries=[int(v) for v in entries],
        certification_rate=[None if v is None else str(v) for v in cert],
        disclosure_rate=[None if v is None else str(v) for v in disc])

    def svg_bytes() -> bytes:
        svg = drawn() if callable(drawn) else drawn
        # The DOCTYPE names a W3C URL; drop it so nothing in the document even names one.
        return re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, count=1).encode("utf-8")

    # A chart still being drawn elsewhere is waited for only when the layout needs it.
    svg = Deferred(svg_bytes) if callable(drawn) else svg_bytes()
    return {"rows": table, "svg": svg, "total": sum(entries)}


def cbp_shaped_tables(con, volume: tuple[list[str], list[tuple]], params: dict[str, Any],
                      provided: set[str]) -> dict[str, Any]:
    cols, rows = volume
    entries = []
    totals: dict[str, Any] = {"entries": 0, "lines": 0, "entered_value": Decimal(0),
                              "duty": None, "fees": Decimal(0), "duty_missing": 0}
    for r in dicts(cols, rows):
        for k in ("entries", "lines", "entered_value", "fees", "duty_missing"):
            totals[k] += r.get(k) or 0
        if r["duty"] is not None:  # a sum of the groups that carry duty amounts
            totals["duty"] = (totals["duty"] or Decimal(0)) + r["duty"]
        duty_rows = r["lines"] if r["lines"] else None
        entries.append({"group": ENTRY_TYPE_GROUPS[r["type_group"]],
                        "entries": fmt_count(r["entries"]), "lines": fmt_count(r["lines"]),
                        "entered_value": fmt_money(r["entered_value"]),
                        "duty": figure_text(r["duty"], "usd", r.get("duty_missing"), duty_rows),
                        "fees": fmt_money(r["fees"])})
    if totals["duty"] is None and not totals["lines"]:
        totals["duty"] = Decimal(0)  # no lines at all: a sum over nothing is 0
    entries_total = {"entries": fmt_count(totals["entries"]), "lines": fmt_count(totals["lines"]),
                     "entered_value": fmt_money(totals["entered_value"]),
                     "duty": figure_text(totals["duty"], "usd", totals["duty_missing"],
                                         totals["lines"]),
                     "fees": fmt_money(totals["fees"])}

    penalties = None
    if "penalties" in provided:
        cols, rows = report_query(con, "dhs_penalties_by_statute", params)
        penalties = [{"kind": r["case_kind"].replace("_", " "), "statute": r["statute"],
                      "cases": fmt_count(r["cases"]),
                      "assessed": figure_text(r["assessed"], "usd", r["assessed_missing"],
                                              r["cases"]),
                      "mitigated": fmt_money(r["mitigated"]), "paid": fmt_money(r["paid"])}
                     for r in dicts(cols, rows)]
    disposals = None
    if "disposals" in provided:
        cols, rows = report_query(con, "dhs_disposals_by_program", params)
        disposals = [{"program": r["program"].replace("_", " "),
                      "action": r["action"].replace("_", " "), "cases": fmt_count(r["cases"]),
                      "domestic_value": figure_text(r["domestic_value"], "usd",
                                                    r["domestic_value_missing"], r["cases"]),
                      "msrp_value": figure_text(r["msrp_value"], "usd", r["msrp_value_missing"],
                                                r["cases"])} for r in dicts(cols, rows)]
    return {"entries": entries, "entries_total": entries_total,
            "lines_provided": "entry_lines" in provided,
            "penalties": penalties, "disposals": disposals}




def data_quality(con, params: dict[str, Any], provided: set[str], bookkept: bool,
                  reject_limit: int) -> tuple[dict[str, Any], Attachment | None]:
    files = dicts(*fetch(con, """
        select f.load_id, f.file_name, f.table_name, f.format, f.rows_read, f.rows_loaded,
               f.rows_rejected, f.rows_superseded, f.note
        from load_files as f
        order by f.load_id, f.table_name, f.file_name"""))
    for f in files:
        f["file_text"] = f["file_name"] or "not provided"
        for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded"):
            f[k + "_text"] = fmt_count(f[k]) if f[k] is not None else "–"
    rejected_total = con.execute("select count(*) from rejected_rows").fetchone()[0]
    rejected_cols, rejected = fetch(con, """
        select load_id, file_name, row_number, column_name, raw_value, reason
        from rejected_rows
        order by load_id, file_name, row_number, column_name
        limit $limit""", {"limit": reject_limit})
    first_rejected = [{"file": r[1], "row": fmt_count(r[2]), "column": r[3] or "",
                       "raw_value": cell_text(r[4]), "reason": r[5] or ""} for r in rejected]
    attachment = None
    if rejected_total:
        table = con.sql("""
            select load_id, file_name, table_name, row_number, column_name, raw_value, reason,
                   record
            from rejected_rows
            order by load_id, file_name, row_number, column_name""").to_arrow_table()
        attachment = Attachment("rejected_rows.csv",
                                f"All {rejected_total} rejected input rows with the reason",
                                Deferred(functools.partial(arrow_to_csv, table)))
    cols, rows = report_query(con, "unknown_statuses", params)
    unknown = dict(zip(cols, rows[0], strict=True))
    unknown_rows = [
        ("Entries with certification unknown (empty in the data)",
         unknown["certification_unknown"]),
        ("Entries with disclosure completeness unknown", unknown["disclosure_unknown"]),
        ("Entries without a liquidation status", unknown["liquidation_status_missing"]),
        ("Entries whose importer is not in the importer registry",
         unknown["importer_not_in_registry"]),
        ("Importers with entries whose good standing is unknown",
         unknown["importers_good_standing_unknown"]),
    ]
    tables = []
    for name, table in TABLES.items():
        count = con.execute(f"select count(*) from {name}").fetchone()[0]  # name from schema
        tables.append({"name": name, "required": table.required,
                       "provided": name in provided,
                       "rows_text": fmt_count(count) if name in provided else "not provided"})
    # Without closed_on, a case's status as exported stands for its state at the period's end.
    penalty_files = con.execute(
        "select carried_columns from load_files where table_name = 'penalties' "
        "and file_name is not null").fetchall()
    no_closed_on = bool(penalty_files) and all(
        c is not None and "closed_on" not in c.split(",") for (c,) in penalty_files)
    return ({
        "files": files, "bookkept": bookkept, "penalties_without_closed_on": no_closed_on, "rejected_total": rejected_total,
        "rejected_total_text": fmt_count(rejected_total), "first_rejected": first_rejected,
        "unknown": [{"label": label, "count": fmt_count(n)} for label, n in unknown_rows],
        "tables": tables,
        "missing": [t["name"] for t in tables if not t["provided"]],
    }, attachment)


def manifest(con, limit: int) -> dict[str, Any]:
    total = con.execute(
        "select count(*) from load_files where file_name is not null").fetchone()[0]
    cols, rows = fetch(con, """
        select f.load_id, l.source_dir, f.file_name, f.table_name, f.format, f.bytes,
               f.rows_read, f.sha256
        from load_files as f
        left join loads as l using (load_id)
        where f.file_name is not null
        order by f.load_id, f.table_name, f.file_name
        limit $limit""", {"limit": limit})
    files = [{"load_id": r[0], "source_dir": r[1] or "", "file": r[2], "table": r[3],
              "format": r[4] or "", "bytes": fmt_count(r[5]), "rows": fmt_count(r[6]),
              "sha256": r[7] or ""} for r in rows]
    loads = sorted({(f["load_id"], f["source_dir"]) for f in files})
    return {"files": files, "total": total, "more": max(0, total - len(files)),
            "loads": [{"load_id": i, "source_dir": s} for i, s in loads]}


