"""The exception lists' excerpts and CSV attachments of a stored run, read through a cursor
of their own (the whole list only when its attachment is made, in the PDF step's
background thread), are those read whole on the report's connection: the same first rows,
counts, records before the order and CSV bytes, on the board year worked out by hand
(tests/_board_fixtures.py)."""

from __future__ import annotations

import csv
import io
import threading

from customs_readiness import pipeline
from customs_readiness.policy import load_policy
from customs_readiness.report.excerpts import exception_excerpts

from _board_fixtures import figures, loaded


def test_stored_lists_through_a_cursor_are_the_lists_read_whole(tmp_path):
    db = loaded(tmp_path)
    con = pipeline.open_database(db, write=True)
    try:
        pipeline.compute(con, 2026, load_policy(None), store=True)
    finally:
        con.close()
    con, fig = figures(db)  # read-only; the stored run is reused
    try:
        assert fig.stored
        lazy_sections, lazy_files = exception_excerpts(fig, 10, con)
        # the whole lists are read when an attachment is made: here on another thread,
        # as the PDF step does while the pages are laid out
        made: dict[str, bytes] = {}
        worker = threading.Thread(target=lambda: made.update(
            {a.name: a.data for a in lazy_files}))
        worker.start()
        worker.join()
        whole_sections, whole_files = exception_excerpts(fig, 10)
        whole = {a.name: a.data for a in whole_files}
    finally:
        con.close()
    assert lazy_sections == whole_sections
    assert [(a.name, a.description) for a in lazy_files] == [
        (a.name, a.description) for a in whole_files]
    assert made == whole
    # E9 is the one informal entry of Overseas before the order (2026-06-03): listed, marked,
    # and counted apart; E1 is in force
    informal = next(e for lst in lazy_sections.values() for e in lst
                    if e["metric_id"] == "foreign_ior_informal_entries")
    assert (informal["total"], informal["before_total"]) == (2, 1)
    rows = list(csv.DictReader(io.StringIO(made["foreign_ior_informal_entries.csv"].decode())))
    marks = {r["entry_number"]: r["predates_order"] for r in rows}
    assert marks == {"LIC00000011": "false", "LIC00000094": "true"}
