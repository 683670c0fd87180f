"""Dates that tell the truth: figures as of the period's end (or of the day prepared while the
period runs), the date prepared apart, from SOURCE_DATE_EPOCH when set; the sign-off block."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from customs_readiness import report
from customs_readiness.clock import prepared_at
from customs_readiness.errors import ReadinessError

from _report_fixtures import loaded_db, metric_figures


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    con = loaded_db(tmp_path_factory.mktemp("dates"))
    yield con, metric_figures(con)
    con.close()


def _cover_row(html: str, label: str) -> str:
    m = re.search(r"<tr><td>" + re.escape(label) + r"</td><td>(.*?)</td></tr>", html)
    assert m, label
    return m.group(1)


def test_report_dates_prepared_comes_from_source_date_epoch(monkeypatch):
    # conftest fixes SOURCE_DATE_EPOCH = 1803859200 for every test
    assert prepared_at() == dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert prepared_at() == dt.datetime(2026, 9, 21, 14, 13, 20, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = dt.datetime.now(dt.UTC)
    assert abs((prepared_at() - now).total_seconds()) < 5  # unset: today, not the period


@pytest.mark.parametrize("bad", ["soon", "1.5", "99999999999999999999"])
def test_report_dates_bad_source_date_epoch_is_one_line(monkeypatch, bad):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(ReadinessError, match=r"^SOURCE_DATE_EPOCH: not a whole number of "
                                             r"seconds since 1970-01-01: "):
        prepared_at()


def test_report_dates_after_the_period_figures_as_of_its_last_day(tiny):
    con, figures = tiny
    rep = report.build_report(con, figures)  # prepared 2027-03-01 (SOURCE_DATE_EPOCH)
    html = report.render_html(rep)
    assert _cover_row(html, "Figures as of") == "31 December 2026, the last day of the period"
    assert _cover_row(html, "Prepared") == "1 March 2027"
    assert rep.created == dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    assert '<meta name="dcterms.created" content="2027-03-01T00:00:00Z">' in html


def test_report_dates_during_the_period_figures_are_not_final(tiny):
    con, figures = tiny
    rep = report.build_report(con, figures,
                              prepared=dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC))
    html = report.render_html(rep)
    # never "as of 31 December 2026" on 29 November 2026
    assert _cover_row(html, "Figures as of") == ("29 November 2026 (the period runs to "
                                                 "31 December 2026: figures not final)")
    assert _cover_row(html, "Prepared") == "29 November 2026"
    assert rep.context["period"]["as_of"] == dt.date(2026, 11, 29)


def test_report_dates_pdf_creation_date_is_the_date_prepared(tiny, tmp_path):
    con, figures = tiny
    rep = report.build_report(con, figures,
                              prepared=dt.datetime(2026, 11, 29, 18, 0, 5, tzinfo=dt.UTC))
    out = tmp_path / "r.pdf"
    report.write_pdf(rep, report.render_html(rep), out)
    meta = PdfReader(str(out)).metadata
    assert meta["/CreationDate"].startswith("D:20261129180005")
    assert meta["/ModDate"].startswith("D:20261129180005")


def test_report_dates_signoff_block_only_when_named_and_escaped(tiny):
    con, figures = tiny
    plain = report.render_html(report.build_report(con, figures))
    block = plain[plain.index('id="signoff"'):]
    # the sign-off block (the board pack's last section) leaves unnamed roles blank
    assert '<td class="label">Prepared by</td><td></td>' in block
    rep = report.build_report(con, figures, signoff={
        "organisation": "Acme <b>Imports</b> & Co", "preparer": "J. Doe", "reviewer": None})
    html = report.render_html(rep)
    block = html[html.index('id="signoff"'):]
    assert '<td class="label">Prepared by</td><td>J. Doe</td>' in block
    assert '<td class="label">Reviewed by</td><td></td>' in block
    assert "Acme &lt;b&gt;Imports&lt;/b&gt; &amp; Co" in block
    assert _cover_row(html, "Prepared") == "1 March 2027 by J. Doe, Acme &lt;b&gt;Imports&lt;/b&gt; &amp; Co"


def test_report_dates_audit_plan_and_worksheet_dated_when_drawn(tmp_path):
    import io
    from decimal import Decimal as D

    import openpyxl

    from customs_readiness.audit.plan import write_plan_pdf
    from customs_readiness.audit.worksheet import worksheet_bytes

    from _audit_fixtures import hand_sample

    sample = hand_sample([(40, 4, False), (3, 3, True)],
                         [(1, D("10.00"), D("1.00"))] * 4 + [(2, D("1500.00"), D("9.00"))] * 3)
    meta = PdfReader(write_plan_pdf(sample, tmp_path, "catalog-test")).metadata
    assert meta["/CreationDate"].startswith("D:20270301")  # SOURCE_DATE_EPOCH, not 2026-12-31
    book = openpyxl.load_workbook(io.BytesIO(worksheet_bytes(sample, "catalog-test")))
    assert book.properties.created == dt.datetime(2027, 3, 1)
