"""Hostile text in the data prints literally, and rendering never opens a connection."""

from __future__ import annotations

from customs_readiness import report

from _report_fixtures import (
    HOSTILE_NAME,
    loaded_db,
    metric_figures,
    pdf_text,
    weasyprint_log,
)
from conftest import connections


def test_report_hostile_names_print_literally_without_fetching(tmp_path, listener):
    port = listener.getsockname()[1]
    name = HOSTILE_NAME.format(port=port) + f" <link rel=stylesheet href=http://127.0.0.1:{port}/s.css>"
    con = loaded_db(tmp_path, importer_name=name)
    rep = report.build_report(con, metric_figures(con))
    html = report.render_html(rep)
    # escaped in the HTML: no element can come from the data
    assert f"&lt;img src=http://127.0.0.1:{port}/x&gt;" in html
    assert "<script>alert" not in html
    assert f'href=http://127.0.0.1:{port}' not in html.replace("&lt;link rel=stylesheet href=", "")
    out = tmp_path / "hostile.pdf"
    with weasyprint_log() as log:
        report.write_pdf(rep, html, out)
    assert log.messages == []
    assert connections(listener) == 0
    cover = " ".join(pdf_text(out)[0].split())
    assert f"<img src=http://127.0.0.1:{port}/x>" in cover
    assert "<script>alert(1)</script>" in cover


def test_report_hostile_text_in_csv_attachment_is_not_a_formula():
    data = report.to_csv(["name", "amount"], [["=HYPERLINK(\"http://x\")", -5]])
    lines = data.decode().splitlines()
    assert lines[1].startswith('"\'=HYPERLINK')
    assert lines[1].endswith(",-5")  # numbers are left alone


def test_report_hostile_text_in_arrow_csv_is_not_a_formula():
    import pyarrow as pa

    table = pa.table({"name": ["=cmd|' /C calc'!A0", "Acme", None, "@SUM(A1)"],
                      "value": [1, -2, 3, None]})
    lines = report.arrow_to_csv(table).decode().splitlines()
    assert lines[0] == '"name","value"'
    assert lines[1].startswith('"\'=cmd')
    assert lines[2] == '"Acme",-2'
    assert lines[3] == ",3"
    assert lines[4] == '"\'@SUM(A1)",'


def test_report_hostile_control_and_bidi_characters_are_shown_not_obeyed(tmp_path):
    con = loaded_db(tmp_path, importer_name="Evil\x01Co \u202eLTD\u202c")
    html = report.render_html(report.build_report(con, metric_figures(con)))
    assert "Evil\ufffdCo \ufffdLTD\ufffd" in html
    assert "\x01" not in html and "\u202e" not in html
