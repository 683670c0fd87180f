"""The sampling-plan PDF: plain-language content, the draw's facts, and a URL fetcher that
serves only bundled template files."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pypdf import PdfReader

from customs_readiness.audit.plan import render_plan_html, write_plan_pdf
from customs_readiness.audit.worksheet import plan_items
from customs_readiness.report.pdf import make_url_fetcher
from customs_readiness.resources import bundled_dir

from _audit_fixtures import hand_sample


def _url_fetcher(root):
    return make_url_fetcher([root])[0]


D = Decimal


@pytest.fixture
def sample():
    lines = [(1, D("10.00"), D("1.00"))] * 4 + [(2, D("1500.00"), D("9.00"))] * 3
    return hand_sample([(40, 4, False), (3, 3, True)], lines)


def test_audit_plan_pdf_explains_the_draw(sample, tmp_path):
    path = write_plan_pdf(sample, tmp_path, "catalog-test")
    assert path.name == "sampling-plan.pdf"
    reader = PdfReader(path)
    assert reader.metadata.title == "Sampling plan – CY2026"
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    items = dict(plan_items(sample, "catalog-test"))
    for needle in ("Why a sample", "19 CFR 163.11(c)", "162.74(j)", "Cochran",
                   "(certainty)", "$1,000.00 to under $2,000.00", "Seed: 1",
                   "customs-readiness", "catalog-test", items["sample_checksum"][:20],
                   "practitioner convention"):
        assert needle in text, needle
    assert len(reader.pages) <= 3


def test_audit_plan_html_links_only_bundled_files(sample):
    html = render_plan_html(sample, "catalog-test")
    assert 'href="audit_plan.css"' in html
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.css", "https://example.com/f.ttf",
                                 "data:text/css,body{}", "file:///etc/passwd"])
def test_audit_plan_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError, match="refused to fetch"):
        _url_fetcher(bundled_dir("report_templates")).fetch(url)


def test_audit_plan_fetcher_serves_the_fonts():
    root = bundled_dir("report_templates").resolve()
    response = _url_fetcher(root).fetch((root / "fonts" / "DejaVuSans.ttf").as_uri())
    assert response is not None
