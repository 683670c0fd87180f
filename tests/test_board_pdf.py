"""The board pack in the PDF: its sections in the outline and the contents, the board
summary, scope, method, glossary, notice and sign-off (from the options), the several-years
view of every loaded year, and the pictures (deterministic SVG, figures attached)."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.report import charts

from _board_fixtures import loaded
from _report_fixtures import outline_titles, pdf_text

runner = CliRunner()

BOARD_SECTIONS = ["Board summary", "Scope and limitations", "Findings and money at stake",
                  "Importers of record", "Customs brokers and filers", "Remediation",
                  "Several years", "Method", "Glossary", "Notice and sign-off"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    db = loaded(tmp, "Overseas <b>Trading</b> & Co")
    out = tmp / "board.pdf"
    result = runner.invoke(app, [
        "report", "--year", "2026", "--db", str(db), "--out", str(out),
        "--organisation", "Acme <Group> & Sons", "--preparer", "Pat Preparer",
        "--reviewer", "Rita Reviewer", "--extract-date", "2027-01-31"])
    assert result.exit_code == 0, result.output
    return out


def test_board_pdf_outline_and_contents_have_the_new_sections(pdf):
    top = [title for depth, title in outline_titles(pdf) if depth == 0]
    for title in BOARD_SECTIONS:
        assert title in top, title
    # in reading order: the board summary first, the sign-off before the appendix
    assert top.index("Board summary") == top.index("Contents") + 1
    assert top.index("Scope and limitations") < top.index("Executive summary") < \
        top.index("Findings and money at stake") < top.index("Several years") < \
        top.index("Importer-of-record eligibility")
    assert top.index("Data quality") < top.index("Method") < top.index("Glossary") < \
        top.index("Notice and sign-off") < top.index("Appendix")
    contents = " ".join(pdf_text(pdf)[1].split())
    for title in BOARD_SECTIONS:
        assert title in contents, title


def test_board_pdf_board_summary_is_one_page_with_findings_and_decisions(pdf):
    pages = [" ".join(p.split()) for p in pdf_text(pdf)]
    board = pages[2]
    assert board.startswith("Board summary READINESS SCORE, CY2026")  # one page
    assert "Scope and limitations" not in board
    # each entry once: E1, E2, E3, E5, E7, E8 (tests/test_board_money.py)
    assert "$21,400.00 entered value" in board
    assert "on 6 entries (each counted once)" in board
    assert "The findings that matter most" in board and "Decisions asked of the board" in board
    assert "Decide, for the 2 importers of record named in the eligibility findings" in board
    assert "($10,000.00 entered value on the 3 entries concerned)" in board
    assert "not legal advice" in board
    assert pages[3].startswith("Scope and limitations What this report covers")


def test_board_pdf_scope_signoff_and_notice_from_the_options(pdf):
    text = " ".join(" ".join(pdf_text(pdf)).split())
    scope = text[text.index("What this report covers"):text.index("Executive summary Readiness")]
    assert "Data extract date: 31 January 2027" in scope
    assert "Importers of record: 5, every one listed" in scope
    assert "filer codes: 5" in scope
    assert "What the tool cannot see" in scope
    assert "Readings that depend on rules not yet written" in scope
    signoff = text[text.index("Notice and sign-off Not legal advice"):]
    assert "It is not legal advice" in signoff
    assert "Organisation Acme <Group> & Sons" in signoff
    assert "Data extract date 31 January 2027" in signoff
    assert "Prepared by Pat Preparer" in signoff
    assert "Reviewed by Rita Reviewer" in signoff
    method = text[text.index("Method Statuses and the readiness score"):]
    assert "green from 90, amber from 70, red below" in method
    assert "Glossary Importer of record (IOR)" in text


def test_board_pdf_several_years_counts_only_years_with_entries(pdf):
    from pypdf import PdfReader

    text = " ".join(" ".join(pdf_text(pdf)).split())
    # 2024 and 2025 hold only Overseas's decided cases, no entry: no loaded year (their
    # controls would read a clean bill); the next-year test has two (test_board_register)
    years = text[text.index("Several years The readiness score"):]
    assert years.startswith("Several years The readiness score and each control for the one "
                            "loaded year")
    assert "CY2024" not in years[:2000] and "CY2025" not in years[:2000]
    attached = PdfReader(str(pdf)).attachments
    rows = list(csv.reader(io.StringIO(attached["years.csv"][0].decode())))
    assert rows[0] == ["figure", "CY2026", "CY2026 status", "CY2026 before the order"]
    informal = next(r for r in rows if r[0] == "Informal entries with a foreign importer of record")
    assert informal[1:] == ["1", "red", "1"]  # 1 in force (red), 1 before the order
    money = list(csv.DictReader(io.StringIO(attached["findings_by_control.csv"][0].decode())))
    assert {r["metric_id"]: r["entered_value"] for r in money}["certification_rate"] == "10000.00"
    for name in ("findings.csv", "importer_scorecard.csv", "broker_scorecard.csv"):
        assert name in attached


def _font_names(path) -> set[str]:
    """The base font names of every font a PDF's pages and their form XObjects (the charts
    are drawn into those) use, without the subset tag."""
    from pypdf import PdfReader

    names: set[str] = set()
    seen: set[int] = set()

    def walk(resources):
        if resources is None or id(resources) in seen:
            return
        seen.add(id(resources))
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in PdfReader(str(path)).pages:
        walk(page.get("/Resources"))
    return names


def test_board_pdf_chart_labels_are_text_in_the_report_font(pdf):
    pages = [" ".join(p.split()) for p in pdf_text(pdf)]
    trend = [p for p in pages if p.startswith("Month by month") or " Month by month " in p]
    assert trend and "Entries per month" in trend[0] and "Rate (%)" in trend[0]
    money = [p for p in pages if "Findings and money at stake" in p and "Entered value Duty" in p]
    assert money, "the money-by-control chart's legend is text"
    fonts = _font_names(pdf)
    assert "Report-Sans" in fonts
    assert fonts <= {"Report-Sans", "Report-Sans-Bold", "Report-Sans-Italic", "Report-Mono",
                     "Report-Mono-Bold"}, fonts  # no system font drawn into a chart


def test_board_charts_are_deterministic_vector_and_offline():
    years = {"labels": ["CY2025", "CY2026"], "panels": [
        {"title": "Readiness score", "kind": "score", "values": ["50.0", "36.4"],
         "statuses": ["red", "red"], "before": [None, None]},
        {"title": "Certification", "kind": "rate", "values": [None, "0.97"],
         "statuses": ["", "amber"], "before": ["0.89", "0.90"]},
        {"title": "Informal, foreign IOR", "kind": "count", "values": [None, "13"],
         "statuses": ["", "red"], "before": ["18", "5"]}]}
    money = {"labels": ["Entry accuracy", "Certification"], "values": ["2838327.38", "10000.00"],
             "duties": ["342596.96", None]}
    first = charts.board_charts_json(years=years, money=money)
    assert first == charts.board_charts_json(years=years, money=money)
    import json

    svgs = json.loads(first)
    for svg in svgs.values():
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "<image" not in svg  # vector only
    assert json.loads(charts.board_charts_json(years=None, money=None)) == \
        {"years": "", "money": ""}
