"""The report's HTML for the tiny data folder: a fixed small set of hand-checked results."""

from __future__ import annotations

import re

import pytest

from customs_readiness import report
from customs_readiness.errors import ConfigError

from _report_fixtures import loaded_db, metric_figures, metric_run


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiny")
    con = loaded_db(tmp)
    figures = metric_figures(con)
    rep = report.build_report(con, figures)
    yield con, figures, rep, report.render_html(rep)
    con.close()


def _row(html: str, label: str) -> str:
    """The <tr> holding ``label`` (first match), tags stripped, whitespace collapsed."""
    m = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(label) + r".*?</tr>", html, re.S)
    assert m, label
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(0)).split())


def test_report_html_summary_lists_red_controls_with_provision(tiny):
    _, _, rep, html = tiny
    flagged = {r["id"]: r for r in rep.context["flagged"]}
    # E3 is an informal entry (type 11) of the foreign importer: 1 record, red.
    assert flagged["foreign_ior_informal_entries"]["status"] == "red"
    assert flagged["foreign_ior_informal_entries"]["value_text"] == "1"
    assert "EO 14411" in flagged["foreign_ior_informal_entries"]["basis"]
    summary = html[html.index('id="summary"'):html.index('id="eligibility"')]
    assert "Informal entries with a foreign importer of record" in summary


def test_report_html_key_figures_match_hand_arithmetic(tiny):
    _, _, rep, html = tiny
    m = rep.context["metrics"]
    # entries in 2026: E1..E6 = 6 (the 2025-12-31 and 2027-01-01 entries are outside)
    assert m["entries_total"]["value_text"] == "6"
    # L' = 1000.00 + 2000.50 + 500.00 + 1500.00 + 700.00 + 300.00 (Ch. 99 ordinal and the
    # rejected line left out) = 6000.50
    assert m["entered_value_total"]["value_text"] == "$6,000.50"
    # certification yes: E1, E2, E4 = 3 of 5 (E5 not_required left out; E6 unknown counts) = 60%
    assert m["certification_rate"]["value_text"] == "60.00%"
    assert "$6,000.50" in html


def test_report_html_monthly_trend_rows(tiny):
    _, _, rep, _ = tiny
    rows = {r["month"]: r for r in rep.context["trend"]["rows"]}
    assert len(rows) == 12
    # January: E1 yes/yes, E2 yes/no -> certification 2/2, disclosure 1/2
    assert (rows["January 2026"]["entries"], rows["January 2026"]["certification_rate"],
            rows["January 2026"]["disclosure_rate"]) == ("2", "100.00%", "50.00%")
    # March: E5 not_required (left out), E6 unknown certification / disclosure yes -> 0/1, 1/1
    assert (rows["March 2026"]["certification_rate"], rows["March 2026"]["disclosure_rate"]) \
        == ("0.00%", "100.00%")
    # April: no entries, so no rate at all (not 0%)
    assert rows["April 2026"]["certification_rate"] == "–"


def test_report_html_dhs_shape_by_entry_type(tiny):
    _, _, rep, html = tiny
    groups = {r["group"]: r for r in rep.context["dhs"]["entries"]}
    # formal consumption: E1, E2, E4, E5, E6 = 5 entries; informal: E3
    assert groups["Formal consumption (01-08)"]["entries"] == "5"
    assert groups["Informal (11, 12)"]["entries"] == "1"
    # duty counts every ordinal, the Chapter 99 one too: 25 + 250 + 330.08 + 82.50 = 687.58
    assert rep.context["dhs"]["entries_total"]["duty"] == "$687.58"
    assert "In the shape of CBP's published statistics" in html


def test_report_html_data_quality_lists_rejected_row_and_missing_table(tiny):
    _, _, rep, html = tiny
    dq = rep.context["data_quality"]
    assert dq["rejected_total"] == 1
    assert dq["first_rejected"][0]["raw_value"] == "not-a-number"
    assert dq["missing"] == ["brokers"]
    quality = html[html.index('id="data-quality"'):html.index('id="appendix"')]
    assert "9 entered_value not-a-number not an amount" in _row(quality, "not-a-number")


def test_report_html_says_not_provided_rather_than_zero(tmp_path):
    con = loaded_db(tmp_path, with_penalties=False)
    rep = report.build_report(con, metric_figures(con))
    html = report.render_html(rep)
    assert rep.context["metrics"]["penalty_cases"]["value_text"] == "not provided"
    assert rep.context["dhs"]["penalties"] is None
    assert "No <span class=\"mono\">penalties</span> file was provided" in html
    assert "penalties" in rep.context["data_quality"]["missing"]


def test_report_html_user_template_is_searched_first(tiny, tmp_path):
    _, _, rep, _ = tiny
    (tmp_path / "_section_benchmarks.html").write_text(
        '<section class="chapter" id="benchmarks"><h1>Benchmarks</h1>OUR OWN {{ period.label }}'
        "</section>", encoding="utf-8")
    html = report.render_html(rep, tmp_path)
    assert "OUR OWN CY2026" in html
    assert "Imports compliant with U.S. trade laws" not in html


def test_report_html_unknown_field_fails_loudly(tiny, tmp_path):
    _, _, rep, _ = tiny
    (tmp_path / "_section_benchmarks.html").write_text("{{ no_such_field }}", encoding="utf-8")
    with pytest.raises(ConfigError, match="no_such_field"):
        report.render_html(rep, tmp_path)


def test_report_html_change_against_prior_year(tiny):
    con, figures, _, _ = tiny
    prior = metric_run(con, 2025)  # the tiny folder holds one 2025 entry (31 December)
    rep = report.build_report(con, figures, prior_run=prior, prior_recomputed=True)
    rows = {r["title"]: r for r in rep.context["prior"]["rows"]}
    entries = next(r for r in rows.values() if r.get("id") == "entries_total")
    # 6 entries in 2026 against 1 in 2025: +5
    assert (entries["value_text"], entries["prior_text"], entries["change_text"]) == ("6", "1",
                                                                                       "+5")
    html = report.render_html(rep)
    assert "Compared with CY2025 as computed from this database under the same policy" in html


def test_report_html_empty_period_is_called_out(tiny):
    con, _, _, _ = tiny
    rep = report.build_report(con, metric_figures(con, 2030))
    assert rep.context["no_entries"] is True
    html = report.render_html(rep)
    assert "No entries fall in CY2030" in html
    assert "No importer of record has entries in this period" in html


def test_report_html_exception_lists_are_sized_before_layout(tiny, tmp_path):
    # Every printed exception list of the tiny report carries the widths report/columns.py
    # worked out (one per column, summing to the table), so WeasyPrint lays it out with the
    # fixed algorithm; under a style sheet of the user's none does.
    _, _, rep, html = tiny
    printed = re.findall(r'<div class="exception-list">\s*<h3>.*?</h3>\s*'
                         r'<table class="exceptions( sized)?">(.*?)</table>', html, re.S)
    assert len(printed) >= 2
    for sized, body in printed:
        assert sized
        widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', body)]
        assert len(widths) == len(re.findall(r"<th\b", body))
        assert sum(widths) == pytest.approx(100, abs=0.01)
    (tmp_path / "report.css").write_text("@page { size: a5; }", encoding="utf-8")
    assert "exceptions sized" not in report.render_html(rep, tmp_path)
