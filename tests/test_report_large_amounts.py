"""The report of a very large importer: amounts in the billions, identifiers of every length.

The bundled 2026 sample year with every amount multiplied by 2,000 (about $45 billion of
entered value, the largest line $1.3 billion, penalty cases in the hundreds of millions), and
one importer named by a 120-character word with no break in it. The PDF is checked on
WeasyPrint's own layout (the boxes it drew), not on the PDF text:

- no text runs past the edge of its table cell (an amount into the next column);
- no word of a table cell is broken over two lines (an amount, a case number, a date);
- no text runs off the page;
- the board summary is one page.

At 10M generated lines, before the tables of amounts laid their columns out by what they
hold, 111 texts ran out of their cells and the board summary spilled onto a second page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness import pipeline
from customs_readiness.cli import app
from customs_readiness.db import connect

from _report_fixtures import pdf_text

SAMPLE_2026 = Path(__file__).resolve().parents[1] / "sample_data" / "2026"
SCALE = 2000
LONG_NAME = "Overseas" + "X" * 112  # one 120-character word
AMOUNTS = {
    "entry_lines": ["entered_value", "duty_amount", "mpf_amount", "hmf_amount"],
    "penalties": ["assessed_amount", "loss_of_revenue", "dutiable_value", "domestic_value",
                  "mitigated_amount", "paid_amount"],
    "disposals": ["domestic_value", "msrp_value"],
}


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    """(WeasyPrint document, PDF path) of the scaled sample year's report."""
    import weasyprint

    tmp = tmp_path_factory.mktemp("large")
    db = tmp / "large.duckdb"
    pipeline.load(SAMPLE_2026, db)
    con = connect(db)
    for table, columns in AMOUNTS.items():
        con.execute(f"update {table} set " + ", ".join(f"{c} = {c} * {SCALE}" for c in columns))
    first = con.execute("select min(importer_number) from importers").fetchone()[0]
    con.execute("update importers set importer_name = ? where importer_number = ?",
                [LONG_NAME, first])
    con.close()
    docs = []
    real = weasyprint.HTML.render

    def render(self, *args, **kwargs):
        docs.append(real(self, *args, **kwargs))
        return docs[-1]

    out = tmp / "large.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(weasyprint.HTML, "render", render)
        result = CliRunner().invoke(app, ["report", "--year", "2026", "--db", str(db),
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    return docs[-1], out


def _cells(document):
    """(page number, table cell box) of every table cell of every page."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TableCellBox):
                yield number, box


def _texts(box):
    from weasyprint.formatting_structure import boxes

    return [d for d in box.descendants() if isinstance(d, boxes.TextBox)]


def _lines(cell) -> list[str]:
    from weasyprint.formatting_structure import boxes

    return ["".join(t.text for t in _texts(line)).strip()
            for line in cell.descendants() if isinstance(line, boxes.LineBox)]


def test_report_large_amounts_are_in_the_billions(laid_out):
    _, out = laid_out
    text = " ".join(" ".join(pdf_text(out)).split())
    assert re.search(r"\$\d{2},\d{3},\d{3},\d{3}\.\d{2} entered value", text), \
        "the board summary's amount at stake runs to tens of billions"


def test_report_large_amounts_no_text_runs_out_of_its_cell(laid_out):
    document, _ = laid_out
    out = []
    for page, cell in _cells(document):
        left = cell.content_box_x()
        right = left + cell.width
        for t in _texts(cell):
            if t.position_x < left - 0.5 or t.position_x + t.width > right + 0.5:
                out.append((page, t.text, round(t.position_x + t.width - right, 1)))
    assert out == []


def test_report_large_amounts_no_word_is_broken_in_a_table(laid_out):
    document, _ = laid_out
    broken = []
    for page, cell in _cells(document):
        if cell.element is None:
            continue
        whole = " ".join(" ".join(cell.element.itertext()).split())
        if LONG_NAME in whole:
            continue  # the one word too long for any column: it may (must) break
        lines = _lines(cell)
        for a, b in zip(lines, lines[1:], strict=False):
            if not (a and b and a[-1].isalnum() and b[0].isalnum()):
                continue
            joined = a.split()[-1] + b.split()[0]
            if re.search(rf"(^|\s){re.escape(joined)}(\s|$)", whole):
                broken.append((page, a.split()[-1], b.split()[0]))
    assert broken == []


def test_report_large_amounts_no_text_runs_off_the_page(laid_out):
    document, _ = laid_out
    off = []
    for number, page in enumerate(document.pages, start=1):
        width = page._page_box.margin_width()
        for t in _texts(page._page_box):
            if t.position_x < 0 or t.position_x + t.width > width:
                off.append((number, t.text[:30]))
    assert off == []
    assert any(LONG_NAME[:40] in " ".join(t.text for t in _texts(p._page_box))
               or "XXXXXXXXXX" in " ".join(t.text for t in _texts(p._page_box))
               for p in document.pages), "the long name is printed (broken where it must be)"


def test_report_large_amounts_board_summary_is_one_page(laid_out):
    _, out = laid_out
    pages = [" ".join(p.split()) for p in pdf_text(out)]
    assert pages[2].startswith("Board summary")
    assert "Decisions asked of the board" in pages[2]
    assert "This is a self-assessment, not legal advice." in pages[2]
    assert pages[3].startswith("Scope and limitations")


def test_report_large_amounts_whole_columns_always_fit_the_page():
    from customs_readiness.report.excerpts import WHOLE_ROW_CHARS, whole_columns

    # case number, date, importer number, a long name, a row number
    rows = [["2026-2720-600207", "2026-07-01", "36-417285901", "N" * 40, "12"],
            ["2026-1-1", "2026-07-02", "36-41", "short", "123456"]]
    assert whole_columns(rows, 5) == [True, True, True, False, True]
    # seven columns of 18 characters would not fit: the first ones may break, until the
    # rest (4 x 18 = 72 characters) do
    wide = [["x" * 18] * 7]
    assert whole_columns(wide, 7) == [False, False, False, True, True, True, True]
    assert 4 * 18 <= WHOLE_ROW_CHARS < 5 * 18
    assert whole_columns([], 3) == [True, True, True]  # nothing printed
