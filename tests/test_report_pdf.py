"""The sample year's report, read back with pypdf as a board member would get it."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.report.format import fmt_count, fmt_money

from _report_fixtures import outline_titles, weasyprint_log

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "2026"

SECTIONS = [
    "Cover",
    "Contents",
    "Board summary",
    "Scope and limitations",
    "Executive summary",
    "Findings and money at stake",
    "Importers of record",
    "Customs brokers and filers",
    "Remediation",
    "Several years",
    "Importer-of-record eligibility",
    "Disclosure, certification and entry accuracy",
    "Penalties and liquidated damages",
    "Detentions, seizures and disposals",
    "In the shape of CBP's published statistics",
    "Benchmarks",
    "Data quality",
    "Method",
    "Glossary",
    "Notice and sign-off",
    "Appendix",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.skip("sample_data/2026 is not in this checkout")
    tmp = tmp_path_factory.mktemp("sample")
    db, out = tmp / "r.duckdb", tmp / "readiness-2026.pdf"
    runner = CliRunner()
    started = time.perf_counter()
    with weasyprint_log() as log:
        result = runner.invoke(app, ["run", str(SAMPLE), "--year", "2026", "--db", str(db),
                                     "--out", str(out)])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    metrics = runner.invoke(app, ["metrics", "--db", str(db), "--year", "2026",
                                  "--format", "json"])
    assert metrics.exit_code == 0, metrics.output
    reader = PdfReader(str(out))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    return {"out": out, "reader": reader, "pages": pages, "log": log.messages,
            "metrics": json.loads(metrics.stdout)["metrics"], "seconds": seconds,
            "stdout": result.stdout}


def test_report_pdf_renders_without_weasyprint_warnings(sample):
    assert sample["log"] == []
    assert f"wrote {sample['out']}" in sample["stdout"].replace("\n", "")


def test_report_pdf_has_every_section_as_bookmark_in_order(sample):
    top = [title for depth, title in outline_titles(sample["out"]) if depth == 0]
    assert top == SECTIONS


def test_report_pdf_headings_printed_and_contents_has_page_numbers(sample):
    text = "\n".join(sample["pages"])
    for heading in SECTIONS[1:]:
        assert heading in text
    contents = sample["pages"][1]
    # each contents line ends in the page number its section starts on
    summary_page = next(i for i, p in enumerate(sample["pages"])
                        if p.startswith("Executive summary Readiness score"))
    assert re.search(r"Executive summary\s*\.+\s*" + str(summary_page + 1) + r"\b", contents)


def test_report_pdf_page_furniture(sample):
    pages = sample["pages"]
    n = len(pages)
    assert 8 <= n <= 80
    assert "Page 1 of" not in pages[0]  # the cover has no furniture
    for i, page in enumerate(pages[1:], start=2):
        assert f"Page {i} of {n}" in page
        assert "Customs Enforcement Readiness Report" in page


def test_report_pdf_metadata_title_from_the_period_date_prepared(sample):
    meta = sample["reader"].metadata
    assert meta.title == "Customs Enforcement Readiness Report – CY2026"
    # created when prepared: SOURCE_DATE_EPOCH (conftest: 2027-03-01), not the period's end
    assert meta["/CreationDate"].startswith("D:20270301")


def test_report_pdf_key_figures_equal_metrics_json(sample):
    m = sample["metrics"]
    text = "\n".join(sample["pages"])
    cover = sample["pages"][0]
    score = m["readiness_score"]["value"]
    assert f"{score:.1f}" in cover
    assert fmt_count(m["entries_total"]["value"]) in text
    assert fmt_money(str(m["entered_value_total"]["value"])) in text
    assert fmt_money(str(m["duty_total"]["value"])) in text
    summary = next(p for p in sample["pages"] if "Controls needing attention" in p)
    for mid, entry in m.items():
        if entry["control"] and entry["status"] == "red":
            assert entry["title"] in summary, mid


def test_report_pdf_attaches_full_exception_lists(sample):
    m = sample["metrics"]
    attachments = sample["reader"].attachments
    red_counts = [mid for mid, e in m.items()
                  if e["control"] and e["status"] == "red" and e["unit"] == "count"
                  and e["value"]]
    assert red_counts
    for mid in red_counts:
        (data,) = attachments[f"{mid}.csv"]
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        # header + one row per record; a dated control's list also holds the records
        # before the order, marked in its predates_order column (an importer with entries
        # on both sides counts once, in force)
        if "before_order" not in m[mid]:
            assert len(rows) - 1 == m[mid]["value"], mid
            continue
        k = rows[0].index("predates_order")
        assert sum(r[k] == "false" for r in rows[1:]) == m[mid]["value"], mid
        assert sum(r[k] == "true" for r in rows[1:]) <= m[mid]["before_order"], mid


def test_report_pdf_takes_seconds_not_minutes(sample):
    # load + metrics + report of the 2,000-entry sample; the budget is generous for slow CI
    assert sample["seconds"] < 60
