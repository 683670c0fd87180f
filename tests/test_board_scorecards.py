"""The scorecards list every importer of record and every filer code of the period, none
left out, with the figures worked out by hand (tests/_board_fixtures.py); a name with markup
prints literally and rendering fetches nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from customs_readiness import report
from customs_readiness.report.findings import collect_findings
from customs_readiness.report.scorecards import broker_scorecard, importer_scorecard

from _board_fixtures import FILER_CODES, HOSTILE, IMPORTERS, figures, loaded
from _report_fixtures import pdf_text, weasyprint_log
from conftest import connections


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    db = loaded(tmp_path_factory.mktemp("cards"))
    con, fig = figures(db)
    found = collect_findings(con, fig)
    params = {"period_start": fig.run.period.start, "period_end": fig.run.period.end,
              "informal_types": ["11", "12"], "certification_from": fig.run.results[
                  "certification_rate"].effective_on,
              "disclosure_from": fig.run.results["disclosure_complete_rate"].effective_on}
    yield importer_scorecard(con, found, params), broker_scorecard(con, found, params)
    con.close()


def test_board_scorecard_lists_every_importer_of_record_with_its_figures(cards):
    importers, _brokers = cards
    by_number = {r["importer_number"]: r for r in importers}
    assert sorted(by_number) == sorted(IMPORTERS)
    acme = by_number["12-3456789AA"]
    assert (acme["ior_status"], acme["status_reason"]) == ("domestic", "all four U.S. tests passed")
    assert (acme["entries"], acme["formal_entries"], acme["informal_entries"]) == (2, 2, 0)
    assert (acme["entered_value"], acme["duty"]) == (Decimal("30000.00"), Decimal("1200.00"))
    assert (acme["ctpat_text"], acme["ctpat_date_text"]) == ("Tier 2", "2020-01-01")
    # E3 is behind certification, PSC and entry accuracy: 10,000.00 at stake, once
    assert (acme["entries_at_stake"], acme["value_at_stake"]) == (1, Decimal("10000.00"))
    overseas = by_number["251234-56789"]
    assert overseas["ior_status"] == "foreign"
    assert overseas["status_reason"] == ("failed: U.S.-organized, U.S. physical presence, "
                                         "U.S. assets, U.S. controlling owner")
    # E1 + E2 + E9 (before the order, still an entry of the period): 1,000 + 5,000 + 300
    assert (overseas["entries"], overseas["informal_entries"]) == (3, 2)
    assert overseas["entered_value"] == Decimal("6300.00")
    assert overseas["duty_text"] == "$185.00 (1 of 5 not provided)"  # E1 2 lines, E2 2, E9 1
    assert overseas["bond_text"] == "no"
    # red findings first; the order's own conditions give the recommended action
    assert [f["status"] for f in overseas["findings"]][:1] == ["red"]
    assert overseas["action"].startswith("File formally or designate a U.S. importer of record")
    bad = by_number["260101-12345"]
    assert (bad["status_reason"], bad["standing_text"]) == ("failed: U.S. physical presence",
                                                            "not good")
    assert bad["action"].startswith("Resolve standing before further entries")
    unknown = by_number["33-0000000BB"]
    assert unknown["status_reason"] == "not stated: U.S. physical presence, U.S. controlling owner"
    missing = by_number["99-9999999ZZ"]
    assert (missing["ior_status"], missing["name_text"]) == ("unknown",
                                                             "not in the importer registry")
    assert missing["action"].startswith("Add the importer to the importer registry")
    # ranked by money at stake
    stakes = [r["at_stake"] for r in importers]
    assert stakes == sorted(stakes, reverse=True)


def test_board_scorecard_lists_every_filer_code_with_rates_and_cases(cards):
    _importers, brokers = cards
    by_code = {r["filer_code"]: r for r in brokers}
    assert sorted(by_code) == FILER_CODES
    lic = by_code["LIC"]
    # E1, E3, E8, E9 of 9 entries: 44.4 %; E3 is LIC's one correction (1 of 4)
    assert (lic["entries"], lic["entry_share_text"], lic["psc_text"]) == (4, "44.4%", "25.0%")
    # certification from the effective date: E1, E3, E8 due, E3 is "no" -> 2 of 3
    assert lic["cert_text"] == "66.7%"
    assert lic["license_text"] == "12345 (active)"
    rev = by_code["REV"]
    assert rev["action"].startswith("Stop filing through this broker (license revoked)")
    slf = by_code["SLF"]  # no filer code on E7: the entry number's first three characters
    assert (slf["in_registry"], slf["entries"]) == (False, 1)
    assert slf["action"].startswith("Add the filer code to the broker registry")
    pen = by_code["PEN"]  # no entry, one open 19 U.S.C. 1641 case
    assert (pen["entries"], pen["broker_cases"], pen["cases_text"]) == (0, 1, "1 (1 pending)")
    assert pen["cases_assessed_text"] == "$2,500.00"
    ctp = by_code["CTP"]
    assert ctp["ctpat_text"] == "yes, 2019-05-01"
    assert ctp["entered_value"] == Decimal("31000.00")  # E4 + E5 + E6


def test_board_scorecard_status_is_the_metric_engines_on_the_sample(tmp_path):
    """The scorecard states the importer-of-record status the working set reads (the SQL
    is written twice, in queries/_base and queries/_report: this holds them together)."""
    from pathlib import Path

    from customs_readiness import pipeline
    from customs_readiness.policy import load_policy

    root = Path(__file__).resolve().parents[1] / "sample_data" / "2026"
    db = tmp_path / "s.duckdb"
    pipeline.load(root, db)
    con = pipeline.open_database(db, write=True)
    try:
        fig = pipeline.compute(con, 2026, load_policy(None), store=False)
        engine = dict(con.execute("select distinct importer_number, ior_status "
                                  "from period_entries").fetchall())
        found = collect_findings(con, fig)
        params = {"period_start": fig.run.period.start, "period_end": fig.run.period.end,
                  "informal_types": ["11", "12"],
                  "certification_from": fig.run.period.start,
                  "disclosure_from": fig.run.period.start}
        cards = {r["importer_number"]: r["ior_status"]
                 for r in importer_scorecard(con, found, params)}
        entries = con.execute("select count(*) from entries").fetchone()[0]
        listed = sum(r["entries"] for r in importer_scorecard(con, found, params))
    finally:
        con.close()
    assert cards == engine
    assert listed == entries == 2000


def _scorecards(con, fig):
    found = collect_findings(con, fig)
    params = {"period_start": fig.run.period.start, "period_end": fig.run.period.end,
              "informal_types": ["11", "12"], "certification_from": fig.run.period.start,
              "disclosure_from": fig.run.period.start}
    money = con.execute("select * from board_money_by_importer_filer order by all").fetchall()
    return importer_scorecard(con, found, params), broker_scorecard(con, found, params), money


def test_board_scorecard_money_from_the_metric_run_is_the_lines_summed_again(tmp_path):
    """Both scorecards' money comes from the metric run's money per importer and filer
    code (working set period_money, stored with the run); a run stored without it (an
    earlier version) has the report sum the lines itself. Both ways give the same figures,
    which test_board_scorecard_lists_every_importer_of_record_with_its_figures holds by hand."""
    import dataclasses

    from customs_readiness import pipeline
    from customs_readiness.policy import load_policy

    db = loaded(tmp_path)
    con = pipeline.open_database(db, write=True)
    try:
        stored = pipeline.compute(con, 2026, load_policy(None), store=True)
    finally:
        con.close()
    assert stored.money_table == "metric_money_20260101_20270101"
    con, fig = figures(db)  # read-only: the stored run is reused
    try:
        assert fig.stored and fig.money_table == stored.money_table
        from_run = _scorecards(con, fig)
        from_lines = _scorecards(con, dataclasses.replace(fig, money_table=None))
    finally:
        con.close()
    assert from_run == from_lines
    # E7 names no filer code (SLF, its entry number's first three characters); Overseas'
    # duty is 185.00 with one of its five lines (ordinals) without an amount
    money = {(imp, filer): (value, duty, missing, lines)
             for imp, filer, value, duty, missing, lines in from_run[2]}
    assert ("33-0000000BB", "SLF") in money
    overseas = [v for (imp, _f), v in money.items() if imp == "251234-56789"]
    assert sum(v[0] for v in overseas) == Decimal("6300.00")
    assert sum(v[1] for v in overseas) == Decimal("185.00")
    assert (sum(v[2] for v in overseas), sum(v[3] for v in overseas)) == (1, 5)

    # a database whose stored run predates the table: the report sums the lines itself
    con = pipeline.open_database(db, write=True)
    try:
        con.execute(f'drop table "{stored.money_table}"')
    finally:
        con.close()
    con, fig = figures(db)
    try:
        assert fig.stored and fig.money_table is None
        assert _scorecards(con, fig) == from_run
    finally:
        con.close()


def test_board_scorecards_in_the_pdf_every_number_and_a_hostile_name(tmp_path, listener):
    from pypdf import PdfReader

    port = listener.getsockname()[1]
    name = HOSTILE.format(port=port)
    db = loaded(tmp_path, name)
    con, fig = figures(db)
    rep = report.build_report(con, fig)
    html = report.render_html(rep)
    assert f"&lt;img src=http://127.0.0.1:{port}/x&gt;" in html
    assert "<script>alert" not in html and "<b>Overseas" not in html
    out = tmp_path / "board.pdf"
    with weasyprint_log() as log:
        report.write_pdf(rep, html, out)
    con.close()
    assert log.messages == []
    assert connections(listener) == 0
    pages = pdf_text(out)
    text = " ".join(" ".join(pages).split())
    start = text.index("Importers of record 5 importers of record")
    cards = text[start:text.index("Several years", start)]
    for number in IMPORTERS:
        assert number in cards, number
    for code in FILER_CODES:
        assert code in cards, code
    # printed as written, markup and all (the PDF's text breaks long words across lines)
    assert "".join(name.split()) in "".join(cards.split())
    assert "<b>Overseas</b> & <img src=http://" in cards
    # the full scorecards are attached
    files = PdfReader(str(out)).attachments
    rows = list(csv.DictReader(io.StringIO(files["importer_scorecard.csv"][0].decode())))
    assert sorted(r["importer_number"] for r in rows) == sorted(IMPORTERS)
    assert name in [r["importer_name"] for r in rows]
    rows = list(csv.DictReader(io.StringIO(files["broker_scorecard.csv"][0].decode())))
    assert sorted(r["filer_code"] for r in rows) == FILER_CODES
