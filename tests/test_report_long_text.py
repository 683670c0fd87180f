"""One very long text cell (a 100 kB importer name, a refused 100 kB cell) is clipped for
the layout: the report renders in about the time of a normal one, and says where the whole
text is."""

from __future__ import annotations

import csv
import time

from customs_readiness import report
from customs_readiness.report.excerpts import CELL_CHARS

from _report_fixtures import loaded_db, metric_figures, pdf_text

LONG = "Brands" * 17_000  # 102 kB, no space to break at


def test_report_time_stays_linear_with_a_100_kb_name_and_cell(tmp_path):
    con = loaded_db(tmp_path, importer_name="Halvorsen " + LONG)
    # A refused 100 kB cell too: it reaches the data-quality section.
    folder = tmp_path / "data"
    with (folder / "entries.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["X" + LONG, "01", "12-3456789AB", "2026-02-01"])
    from customs_readiness.ingest import load_folder

    load_folder(con, folder)
    started = time.perf_counter()
    rep = report.build_report(con, metric_figures(con))
    html = report.render_html(rep)
    assert LONG not in html
    assert "Halvorsen " + LONG[: CELL_CHARS - 10] in html
    out = tmp_path / "long.pdf"
    report.write_pdf(rep, html, out)
    assert time.perf_counter() - started < 60  # minutes before the clip
    text = " ".join(" ".join(pdf_text(out)).split())
    assert "(in full in rejected_rows.csv)" in text
