"""What of the data reaches the page: the first rows of each exception list (the whole
list attached as CSV) and every text from the data cut to a table cell's length.

Only these excerpts and the report's aggregates reach the HTML, so the layout's time does
not grow with the number of records, and one very long cell costs no more than a short one.
"""

from __future__ import annotations

import functools
from typing import Any

from ..speed import Deferred
from .columns import auto_widths
from .csvfile import arrow_to_csv
from .format import cell_text, clip_text, fmt_count
from .model import Attachment

EXCEPTION_ROWS = 10  # rows of each exception list printed in the PDF (the CSV has all)
EXCEPTION_COLUMNS = 7  # columns of an exception list printed in the PDF (the CSV has all)
CELL_CHARS = 120  # a longer cell (a list of case numbers, say) is cut in the PDF, whole in the CSV


def exception_excerpts(figures: Any, limit: int = EXCEPTION_ROWS, con: Any = None
                       ) -> tuple[dict[str, list[dict[str, Any]]], list[Attachment]]:
    """First rows of every exception list with records, by section; full lists as CSV.

    With ``con`` (the connection the figures were read on) and a stored run, a whole list
    is read for its CSV only when the attachment is made, through a cursor of its own (a
    connection of its own to the same database, so the PDF step's background thread can
    read it while the pages are laid out); here only its count and first rows are read.
    Lists of a run kept in temp tables (visible to ``con`` alone) are read whole here."""
    run = figures.run
    by_section: dict[str, list[dict[str, Any]]] = {}
    attachments = []
    cursor = con.cursor() if con is not None and getattr(figures, "stored", False) else None
    for metric_id in run.results:
        result = run.results[metric_id]
        d = result.definition
        if not getattr(d, "exceptions_sql", None):
            continue
        relation = figures.exceptions.get(metric_id)
        if not result.has_records or relation is None:
            continue
        columns = list(relation.columns)
        # The CSV is written by Arrow (while the pages are laid out); only the first rows
        # reach Python, through Arrow either way (the same values as before).
        if cursor is None:
            records = relation.to_arrow_table()
            total = records.num_rows
            head = records.slice(0, limit)
            before_total = (sum(1 for v in records.column("predates_order").to_pylist() if v)
                            if "predates_order" in columns else 0)
            data = Deferred(functools.partial(arrow_to_csv, records))
        else:
            total, before_total = relation.aggregate(
                "count(*), count(*) filter (where predates_order)" if "predates_order" in
                columns else "count(*), 0").fetchall()[0]
            head = relation.limit(limit).to_arrow_table()
            data = Deferred(functools.partial(_whole_list_csv, cursor, relation.sql_query()))
        rows = [tuple(r.values()) for r in head.to_pylist()]
        if not total:
            continue
        name = f"{metric_id}.csv"
        attachments.append(Attachment(name, f"{getattr(d, 'title', metric_id)}: all "
                                      f"{total} records", data))
        # A dated control's list holds the records before the order too, marked: that
        # mark is printed second, right after the record's key.
        order = list(range(len(columns)))
        if "predates_order" in columns:
            k = columns.index("predates_order")
            order = [0, k, *[i for i in order[1:] if i != k]]
        shown = order[:EXCEPTION_COLUMNS]
        status = str(getattr(result, "status", None) or "")
        # Rows are printed for the controls that need attention; every other list is
        # named with its count and attached, so the PDF stays short.
        printed = limit if status in ("red", "amber") else 0

        def cell(column: str, v: Any) -> str:
            if column == "predates_order":
                return "before the order" if v else "in force"
            return clip(cell_text(v))

        printed_rows = [[cell(columns[i], row[i]) for i in shown] for row in rows[:printed]]
        header = [columns[i].strip("_").replace("_", " ") for i in shown]
        whole = whole_columns(printed_rows, len(shown))
        by_section.setdefault(getattr(d, "section", ""), []).append({
            "metric_id": metric_id,
            "title": getattr(d, "title", metric_id),
            "status": status,
            "columns": header,
            "hidden_columns": max(0, len(columns) - len(shown)),
            "rows": printed_rows,
            "whole": whole,
            # the columns' widths, so the page is laid out without measuring every cell
            # again (None: WeasyPrint sizes the table by its content, as the CSS says)
            "widths": auto_widths(header, printed_rows, whole) if printed_rows else None,
            "total": total,
            "total_text": fmt_count(total),
            "before_total": before_total,
            "before_total_text": fmt_count(before_total),
            "attachment": name,
        })
    return by_section, attachments


def _whole_list_csv(cursor: Any, sql: str) -> bytes:
    """CSV bytes of a whole stored exception list, read through ``cursor``."""
    return arrow_to_csv(cursor.sql(sql).to_arrow_table())


WHOLE_CELL_CHARS = 18  # a cell this short (an identifier, a date, an amount) is never broken
WHOLE_ROW_CHARS = 85  # at most this many characters of a row's unbroken cells: they fit the page


def whole_columns(rows: list[list[str]], ncols: int) -> list[bool]:
    """Which columns of a printed exception list are never broken over two lines (their
    cells are at most WHOLE_CELL_CHARS long: case numbers, dates, amounts). Together such
    columns hold at most WHOLE_ROW_CHARS characters, so the table always fits the page; past
    that the widest of them may break, as any longer cell may."""
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(ncols)]
    whole = [w <= WHOLE_CELL_CHARS for w in widths]
    while sum(w for w, keep in zip(widths, whole, strict=True) if keep) > WHOLE_ROW_CHARS:
        widest = max((i for i in range(ncols) if whole[i]), key=lambda i: (widths[i], -i))
        whole[widest] = False
    return whole


def clip(text: str, limit: int = CELL_CHARS,
          note: str = " … (in full in the attached CSV)") -> str:
    """A cell short enough for a table row; the attachment keeps the whole value."""
    return clip_text(text, limit, note)


def clip_fields(rows: list[dict[str, Any]], keys: tuple[str, ...], note: str = " …") -> None:
    """Clip the text of ``keys`` in each row (in place). Text from the data (a name, a
    refused cell, a file name) reaches the layout only this long, so the time WeasyPrint
    takes stays linear in the data however long one cell is (an unbreakable 100 kB name
    costs it minutes)."""
    for row in rows:
        for k in keys:
            if isinstance(row.get(k), str):
                row[k] = clip(row[k], CELL_CHARS, note)
