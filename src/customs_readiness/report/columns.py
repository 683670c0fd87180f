"""Column widths of a printed exception list, worked out before the layout.

An exception list's columns hold what the data holds (identifiers, dates, amounts, names), so
they are sized by their content: CSS's automatic table layout. WeasyPrint does that by
measuring every cell twice more (its narrowest and its widest line; for a cell that may break
anywhere, one line-breaking call per character): 0.4-0.5 s of a 10M-line report's layout,
less where the cells are short. The same widths come from the bundled fonts' advance widths
in a few milliseconds: ``auto_widths`` runs the algorithm WeasyPrint runs (CSS Tables 3's
width distribution, for columns with no width of their own) on those measurements, and the
table is laid out with the fixed algorithm at those widths. Against WeasyPrint's own on the
tables of a 10M-line report, the columns differ by at most 0.3pt, and by about a point on the
tests' tables (kerning, which the advance widths leave out); a line may then wrap a word
earlier or later, and no unbroken cell runs past its column.

Where the measure could be wrong, there are no widths and WeasyPrint sizes the table as
before: a character the bundled font lacks (another font would draw it), columns that do not
fit the page even at their narrowest, or a style sheet of the user's (report/html.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from ..resources import bundled_dir

# What report.css gives a printed exception list: letter paper less 0.75in margins, cells
# padded 4pt each side, data in 7.2pt regular and headers in 7.6pt bold
# (tests/test_report_columns.py holds them to the style sheet by laying the same tables out
# both ways in WeasyPrint).
TABLE_WIDTH_PT = 504.0
CELL_PADDING_PT = 8.0
DATA = ("DejaVuSans.ttf", 7.2)
HEADER = ("DejaVuSans-Bold.ttf", 7.6)
SLACK_PT = 1.0  # the narrowest columns must fit with this to spare, or WeasyPrint decides

_COLLAPSIBLE = re.compile("[ \t\n\r\f]+")  # white space CSS collapses to one space


@functools.cache
def _advances(font_file: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    """The font's character map, advance widths by glyph, and units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(str(bundled_dir("report_templates") / "fonts" / font_file), lazy=True) as font:
        return dict(font.getBestCmap()), dict(font["hmtx"].metrics), font["head"].unitsPerEm


def text_width(text: str, face: tuple[str, float]) -> float | None:
    """The width in points of ``text`` on one line, or None if a character is not in the
    font (the layout would take it from another font, of unknown width)."""
    cmap, metrics, units = _advances(face[0])
    total = 0
    for ch in text:
        glyph = cmap.get(ord(ch))
        if glyph is None:
            return None
        total += metrics[glyph][0]
    return total * face[1] / units


def auto_widths(header: Sequence[str], rows: Sequence[Sequence[str]],
                whole: Sequence[bool]) -> list[str] | None:
    """Each column's share of the table width ("12.3456" per cent), as the automatic
    layout would give it, or None where WeasyPrint must size the table itself.

    A column's narrowest width is its header's longest word or, for a ``whole`` column
    (never broken), its longest cell; a broken column (``overflow-wrap: anywhere``) can
    narrow to one character. Its widest is its longest line. Where the widest widths fit,
    the spare width goes to each column in proportion to its widest; where they do not, each
    column gets its narrowest plus the same fraction of the difference.
    """
    narrowest, widest = [], []
    for i, title in enumerate(header):
        title = _COLLAPSIBLE.sub(" ", title).strip()
        line = text_width(title, HEADER)
        if line is None:
            return None
        # every word, every character of a text the font has is in the font too
        low = max(text_width(word, HEADER) or 0.0 for word in title.split(" "))
        high = line
        for row in rows:
            cell = _COLLAPSIBLE.sub(" ", row[i]).strip()
            width = text_width(cell, DATA)
            if width is None:
                return None
            high = max(high, width)
            if whole[i]:
                low = max(low, width)
            elif cell:
                low = max(low, max(text_width(ch, DATA) or 0.0 for ch in cell))
        narrowest.append(low + CELL_PADDING_PT)
        widest.append(high + CELL_PADDING_PT)
    if not header or sum(narrowest) > TABLE_WIDTH_PT - SLACK_PT:
        return None
    if sum(widest) <= TABLE_WIDTH_PT:
        widths = [w * TABLE_WIDTH_PT / sum(widest) for w in widest]
    else:
        share = (TABLE_WIDTH_PT - sum(narrowest)) / (sum(widest) - sum(narrowest))
        widths = [lo + (hi - lo) * share for lo, hi in zip(narrowest, widest, strict=True)]
    return [f"{100 * w / TABLE_WIDTH_PT:.4f}" for w in widths]
