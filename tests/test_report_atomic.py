"""The PDF is written atomically and the same inputs give the same document."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from customs_readiness import report

from _report_fixtures import loaded_db, metric_figures, pdf_text, weasyprint_log


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("atomic")
    con = loaded_db(tmp)
    rep = report.build_report(con, metric_figures(con))
    yield rep, report.render_html(rep)
    con.close()


def test_report_atomic_failed_render_leaves_old_file_and_no_part(tiny_report, tmp_path,
                                                                   monkeypatch):
    weasyprint = report._weasyprint()
    rep, html = tiny_report
    out = tmp_path / "readiness-2026.pdf"
    out.write_bytes(b"previous report")

    def broken(self, target=None, **kwargs):
        target.write(b"%PDF-1.7 partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(weasyprint.Document, "write_pdf", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_pdf(rep, html, out)
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["readiness-2026.pdf"]


def test_report_atomic_same_inputs_same_document(tiny_report, tmp_path):
    rep, html = tiny_report
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    with weasyprint_log() as log:
        report.write_pdf(rep, html, first)
        report.write_pdf(rep, html, second)
    assert log.messages == []
    assert pdf_text(first) == pdf_text(second)
    assert first.read_bytes() == second.read_bytes()


def test_report_atomic_pdf_dates_come_from_source_date_epoch(tiny_report, tmp_path):
    rep, html = tiny_report
    out = tmp_path / "r.pdf"
    report.write_pdf(rep, html, out)
    meta = PdfReader(str(out)).metadata
    # the date prepared: SOURCE_DATE_EPOCH (conftest: 2027-03-01T00:00:00Z), never the clock
    assert meta["/CreationDate"].startswith("D:20270301000000")
    assert meta["/ModDate"].startswith("D:20270301000000")
