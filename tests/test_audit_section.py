"""The report's "Audit readiness" section: ``audit_section`` gives printed figures, and the
``_section_audit.html`` partial renders them (autoescaped, StrictUndefined) and lays out with
the report's stylesheet without a WeasyPrint warning."""

from __future__ import annotations

import io
from decimal import Decimal

import jinja2
import pytest
from pypdf import PdfReader

from customs_readiness.audit.section import audit_section
from customs_readiness.audit.worksheet import WorksheetError, write_worksheet
from customs_readiness.report.pdf import _weasyprint, make_url_fetcher
from customs_readiness.resources import bundled_dir

from _audit_fixtures import fill, hand_sample


def _url_fetcher(root):
    return make_url_fetcher([root])[0]


D = Decimal


@pytest.fixture
def scored(tmp_path):
    # The hand-worked case of test_audit_score: rate 134/155 = 86.45 % [70.46 %, 100 %],
    # loss 200.00 [-233.86, 633.86], under-payments 300.00 [-71.88, 671.88].
    lines = ([(1, D("500.00"), D("50.00")), (1, D("400.00"), D("30.00"))]
             + [(1, D("100.00"), D("5.00"))] * 8
             + [(2, D("1500.00"), D("75.00"))] * 5
             + [(3, D("2500.00"), None)] + [(3, D("2600.00"), D("130.00"))] * 4)
    sample = hand_sample([(100, 10, False), (50, 5, False), (5, 5, True)], lines)
    sheet = write_worksheet(sample, tmp_path / "drawn", "catalog-test")
    return fill(sheet, tmp_path / "<tested> & scored.xlsx",
                {1: ("error", "value", 70), 2: ("error", "classification", 20),
                 16: ("error", "origin", 100)})


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(bundled_dir("report_templates"))),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def test_audit_section_figures_are_formatted_for_print(scored):
    s = audit_section(scored)
    assert s["title"] == "Audit readiness"
    assert s["rate"] == {"estimate": "86.45%", "interval": "70.46% to 100.00%",
                         "exact_interval": None}
    assert s["loss"] == {"estimate": "$200.00", "interval": "-$233.86 to $633.86"}
    assert s["underpayment"] == {"estimate": "$300.00", "interval": "-$71.88 to $671.88"}
    assert s["goal"]["rate"] == "95.0%" and s["goal"]["result"] == "inconclusive"
    assert "practitioner convention" in s["goal"]["basis"]
    assert {e["type"]: e["count"] for e in s["errors_by_type"]} == {
        "classification": "1", "value": "1", "origin": "1", "special program": "0",
        "quantity": "0", "other": "0"}
    assert [(r["stratum"], r["range"], r["lines_in_universe"], r["lines_sampled"], r["errors"],
             r["compliance_rate"], r["mean_difference"], r["certainty"]) for r in s["strata"]] == [
        ("1", "$0.00 to under $1,000.00", "100", "10", "2", "80.00%", "$1.00", False),
        ("2", "$1,000.00 to under $2,000.00", "50", "5", "0", "100.00%", "$0.00", False),
        ("3", "$2,000.00 to under $3,000.00", "5", "5", "1", "80.00%", "$20.00", True)]
    assert s["lines_in_universe"] == "155" and s["lines_sampled"] == "20" and s["errors"] == "3"
    assert "Stratified random sampling" in s["method"]["sampling"]
    assert s["data"]["loss_of_revenue"]["estimate"] == D("200.00")


def test_audit_section_partial_renders_escaped(scored):
    html = _env().get_template("_section_audit.html").render(audit=audit_section(scored))
    assert '<section class="chapter" id="audit">' in html
    assert "<h1>Audit readiness</h1>" in html
    for text in ("86.45%", "70.46% to 100.00%", "$200.00", "-$233.86 to $633.86", "$300.00",
                 "Special program", "$2,000.00 to under $3,000.00", "certainty",
                 "19 CFR 163.11(c) and 162.74(j)", "practitioner convention"):
        assert text in html, text
    # the worksheet's name is data: escaped, never markup
    assert "&lt;tested&gt; &amp; scored.xlsx" in html
    assert "<tested>" not in html


def test_audit_section_partial_needs_every_field(scored):
    section = audit_section(scored)
    del section["loss"]
    with pytest.raises(jinja2.UndefinedError):
        _env().get_template("_section_audit.html").render(audit=section)


def test_audit_section_lays_out_with_the_report_stylesheet(scored):
    root = bundled_dir("report_templates")
    body = _env().get_template("_section_audit.html").render(audit=audit_section(scored))
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            '<link rel="stylesheet" href="report.css"></head><body>' + body + "</body></html>")
    pdf = _weasyprint().HTML(string=html, base_url=root.resolve().as_uri() + "/",
                             url_fetcher=_url_fetcher(root)).write_pdf()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Audit readiness" in text and "Errors by type" in text and "$633.86" in text


def test_audit_section_refuses_an_untested_worksheet(tmp_path):
    sample = hand_sample([(10, 3, False)], [(1, D("1.00"), D("0.10"))] * 3)
    sheet = write_worksheet(sample, tmp_path, "catalog-test")
    with pytest.raises(WorksheetError, match="row 2, column 'result': line not tested"):
        audit_section(sheet)
