"""The printed exception lists' column widths, worked out before the layout
(report/columns.py), against what WeasyPrint's automatic table layout gives the same table
under the bundled style sheet, and the cases where WeasyPrint is left to size the table."""

from __future__ import annotations

import html as htmlmod

import pytest

from customs_readiness.report import columns, html, pdf

PX = 0.75  # WeasyPrint lays out in CSS pixels: 1pt = 4/3 px

# Rows shaped like the report's lists: identifiers and dates never broken ("whole"), a
# name and a list of case numbers that may break anywhere.
HEADER = ["importer number", "importer name", "decided cases", "decided case numbers",
          "first issued on"]
WHOLE = [True, False, True, False, True]
SHORT_ROWS = [
    ["12-3456789AA", "Acme Imports LLC", "3", "PEN-2026-0001", "2026-06-04"],
    ["251234-56789", "Overseas Trading Ltd", "12", "PEN-2026-0002, PEN-2026-0003", "2026-07-01"],
]
LONG_ROWS = [
    ["12-3456789AA", "Hokkaido Precision Machinery Trading Company K.K.", "41",
     ", ".join(f"PEN-2026-{n:04d}" for n in range(1, 9)) + " … (in full in the attached CSV)",
     "2026-06-04"],
    *SHORT_ROWS,
]


def _table_html(rows, widths=None) -> str:
    def cells(tag, values, whole=None):
        return "".join(
            f'<{tag}{"" if whole is None else " class=" + ("whole" if w else "wrap")}>'
            f"{htmlmod.escape(v)}</{tag}>"
            for v, w in zip(values, whole or [None] * len(values), strict=True))

    cols = ""
    if widths:
        cols = "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in widths) + "</colgroup>"
    body = "".join(f"<tr>{cells('td', r, WHOLE)}</tr>" for r in rows)
    return (f'<table class="exceptions{" sized" if widths else ""}">{cols}'
            f"<thead><tr>{cells('th', HEADER)}</tr></thead><tbody>{body}</tbody></table>")


def _laid_out(table: str):
    """WeasyPrint's table box for ``table`` on a report page."""
    weasyprint = pdf._weasyprint()
    fetcher, base = pdf.make_url_fetcher(html.template_dirs(None))
    doc = weasyprint.HTML(
        string=f'<html><head><link rel="stylesheet" href="report.css"></head><body>'
               f'<section><div class="exception-list">{table}</div></section></body></html>',
        base_url=base, url_fetcher=fetcher).render()

    def tables(box):
        if type(box).__name__ == "TableBox":
            yield box
        for child in getattr(box, "children", ()):
            yield from tables(child)

    (found,) = list(tables(doc.pages[0]._page_box))
    return found


def _laid_out_columns(table: str) -> list[float]:
    """The column widths (points) WeasyPrint gives ``table`` on a report page."""
    return [w * PX for w in _laid_out(table).column_widths]


def _overflowing_text(table_box) -> list[str]:
    """Text of ``table_box`` drawn past the right edge of its cell's content."""
    def boxes(box, kind):
        if type(box).__name__ == kind:
            yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child, kind)

    out = []
    for cell in boxes(table_box, "TableCellBox"):
        right = cell.content_box_x() + cell.width
        out += [t.text for t in boxes(cell, "TextBox") if t.position_x + t.width > right + 0.01]
    return out


@pytest.mark.parametrize("rows", [SHORT_ROWS, LONG_ROWS], ids=["widest-fit", "interpolated"])
def test_columns_match_weasyprints_automatic_layout(rows):
    widths = columns.auto_widths(HEADER, rows, WHOLE)
    assert widths is not None
    ours = [float(w) / 100 * columns.TABLE_WIDTH_PT for w in widths]
    auto = _laid_out_columns(_table_html(rows))
    # the same table width: the page's text width less nothing
    assert sum(auto) == pytest.approx(columns.TABLE_WIDTH_PT, abs=0.01)
    # kerning, which the advance widths leave out, moves a column by up to about a point
    assert ours == pytest.approx(auto, abs=1.5)
    # laid out with the fixed algorithm, the table gets exactly those widths, and no text
    # (an unbroken identifier, date or amount above all) runs past its cell
    sized = _laid_out(_table_html(rows, widths))
    assert [w * PX for w in sized.column_widths] == pytest.approx(ours, abs=0.01)
    assert _overflowing_text(sized) == []


def test_columns_of_a_list_that_fits_are_shared_by_widest_line():
    # DejaVu Sans advances (units of 2048): "0" 1303 regular; bold "x" 1321, "0" 1425.
    zero, bold_x = 1303 * 7.2 / 2048, 1321 * 7.6 / 2048
    assert columns.text_width("0000", columns.DATA) == pytest.approx(4 * zero)
    assert columns.text_width("x", columns.HEADER) == pytest.approx(bold_x)
    widths = columns.auto_widths(["x", "x"], [["00", "0000"]], [True, True])
    first, second = 2 * zero + 8, 4 * zero + 8  # the widest line plus 4pt padding each side
    assert [float(w) for w in widths] == pytest.approx(
        [100 * first / (first + second), 100 * second / (first + second)], abs=1e-4)
    assert sum(float(w) for w in widths) == pytest.approx(100, abs=1e-3)


def test_columns_collapse_white_space_as_css_does():
    assert (columns.auto_widths(["a"], [["  12   34\n"]], [True])
            == columns.auto_widths(["a"], [["12 34"]], [True]))


@pytest.mark.parametrize(("header", "rows", "whole"), [
    # a character the bundled font lacks: another font would draw it, of unknown width
    (["importer name"], [["東京貿易株式会社"]], [False]),
    (["名前"], [["Acme"]], [False]),
    # seven unbroken columns wider than the page even at their narrowest
    ([f"column{n}" for n in range(7)], [["9" * 18] * 7], [True] * 7),
    # a header word alone wider than the page
    (["x" * 120], [["1"]], [True]),
], ids=["cell-outside-font", "header-outside-font", "too-wide-whole", "too-wide-header"])
def test_columns_left_to_weasyprint_where_the_measure_cannot_hold(header, rows, whole):
    assert columns.auto_widths(header, rows, whole) is None


def test_columns_are_left_to_weasyprint_under_a_users_style_sheet(tmp_path):
    assert html.compiled_templates(None).globals["sized_columns"] is True
    (tmp_path / "_extra.html").write_text("")
    assert html.compiled_templates(tmp_path).globals["sized_columns"] is True
    (tmp_path / "report.css").write_text("@page { size: a5; }")
    assert html.compiled_templates(tmp_path).globals["sized_columns"] is False
