"""Charts of the report, drawn by matplotlib as small deterministic SVG.

matplotlib is imported lazily (inside the functions) so that commands which do not
render pay nothing for it. Output is byte-for-byte reproducible for equal input:
fixed ``svg.hashsalt`` (ids of clip paths), no ``Date`` metadata, a fixed size and no
randomness.

Text stays text (``svg.fonttype = "none"``), in the report's own font: matplotlib places it
with the metrics of DejaVu Sans, and the SVG names the report's ``Report Sans`` (the bundled
DejaVu Sans of report.css) first, so WeasyPrint draws it with that very font. Drawn as glyph
paths instead, every character was a ``<use>`` element that WeasyPrint paints one by one:
the three charts cost about 0.4 s of a 6 s report. The labels are also real text in the PDF
(searchable, read aloud). Outside the PDF (the ``--html`` file's images) the SVG falls back
to DejaVu Sans, then any sans-serif font.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

# Colours match report.css (status palette and neutral ink).
INK = "#1f2933"
BAR = "#9fb3c8"
CERT = "#1d6fa5"
DISC = "#c05621"
GRID = "#d9e2ec"

_RC = {
    "svg.hashsalt": "customs-readiness",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "path.simplify": True,
}


# How matplotlib names the font of every text element (rc "font.family" above), and what the
# SVG names instead: the report's font first (see the module's docstring).
MPL_FAMILY = "font-family: 'DejaVu Sans'"
SVG_FAMILY = "font-family: 'Report Sans', 'DejaVu Sans', sans-serif"


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue().replace(MPL_FAMILY, SVG_FAMILY)


def monthly_trend_svg(
    months: Sequence[str],
    entries: Sequence[int],
    certification_rate: Sequence[Decimal | None],
    disclosure_rate: Sequence[Decimal | None],
) -> str:
    """Entries per month (bars, left axis) with the certification and disclosure-complete
    rates per month (lines, right axis, percent). Months without a rate leave a gap.

    Returns the SVG document as text.
    """
    import matplotlib

    with matplotlib.rc_context(_RC):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        fig = Figure(figsize=(6.6, 2.5), dpi=72)
        ax = fig.add_subplot(1, 1, 1)
        x = list(range(len(months)))
        ax.bar(x, [int(v) for v in entries], color=BAR, width=0.7, label="Entries", zorder=2)
        ax.set_ylabel("Entries per month")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xticks(x, list(months))
        ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
        ax.set_ylim(bottom=0, top=max([1, *[int(v) for v in entries]]) * 1.15)

        rates = ax.twinx()

        def pct(values: Sequence[Decimal | None]) -> list[float]:
            # Floats are fine here: a chart position, never a reported figure.
            return [float("nan") if v is None else float(v) * 100 for v in values]

        rates.plot(x, pct(certification_rate), color=CERT, marker="o", markersize=3,
                   linewidth=1.4, label="Certification rate")
        rates.plot(x, pct(disclosure_rate), color=DISC, marker="s", markersize=3,
                   linewidth=1.4, linestyle="--", label="Disclosure complete rate")
        # Zoom the rate axis onto the data (in steps of 10 points) so month-to-month
        # changes stay visible; the tick labels say where the axis starts.
        known = [v for v in (*pct(certification_rate), *pct(disclosure_rate)) if v == v]
        low = max(0, (int(min(known)) - 5) // 10 * 10) if known else 0
        rates.set_ylim(low, 101)
        rates.set_ylabel("Rate (%)")
        rates.spines["top"].set_visible(False)

        handles = ax.get_legend_handles_labels()[0] + rates.get_legend_handles_labels()[0]
        labels = ax.get_legend_handles_labels()[1] + rates.get_legend_handles_labels()[1]
        rates.legend(handles, labels, loc="lower left", ncols=3, frameon=False,
                     bbox_to_anchor=(0, 1.0), fontsize=7)
        fig.subplots_adjust(left=0.09, right=0.91, top=0.86, bottom=0.12)
        return _svg(fig)


def trend_svg(months: list[str], entries: list[int], certification_rate: list[str | None],
              disclosure_rate: list[str | None]) -> str:
    """``monthly_trend_svg`` from plain JSON-safe arguments (rates as decimal strings), as
    the report passes them, here or to a worker process (``speed.WorkerProcess``)."""

    def rates(values: list[str | None]) -> list[Decimal | None]:
        return [None if v is None else Decimal(v) for v in values]

    return monthly_trend_svg(months, entries, rates(certification_rate), rates(disclosure_rate))


# --------------------------------------------------------------------------- board pack
# The board pack's pictures (report/board.py): the several-years trend of the score and
# each control, and the money at stake by control. Both are readable in grey print: status
# is told by the marker's shape (circle green, triangle amber, square red), the
# before-the-order baseline by a hollow marker, money by two greys and the amounts written.

GREEN = "#1e7b34"
AMBER = "#b7791f"
RED = "#c53030"
MUTED = "#52606d"
STATUS_MARKERS = {"green": ("o", GREEN), "amber": ("^", AMBER), "red": ("s", RED)}


def _compact_money(value: float) -> str:
    # An axis or bar label only; the exact amounts are in the table beside the chart.
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"${scaled:,.0f}{suffix}" if scaled == int(scaled) else f"${scaled:,.1f}{suffix}"
    return f"${value:,.0f}"


def years_trend_svg(labels: Sequence[str], panels: Sequence[dict]) -> str:
    """Small multiples, one panel per figure (the readiness score first, then each
    control), one point per year: the in-force value with its status as the marker's shape,
    and the before-the-order baseline as a hollow grey marker. Returns SVG text."""
    import math

    import matplotlib

    with matplotlib.rc_context(_RC):
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        cols = 4
        rows = max(1, math.ceil(len(panels) / cols))
        fig = Figure(figsize=(7.0, 1.32 * rows + 0.45), dpi=72)
        x = list(range(len(labels)))
        short = [label[-4:] if label[-4:].isdigit() else label for label in labels]
        for i, panel in enumerate(panels):
            ax = fig.add_subplot(rows, cols, i + 1)
            kind = panel["kind"]
            scale = 100.0 if kind == "rate" else 1.0

            def floats(values, scale=scale):
                return [float("nan") if v is None else float(v) * scale for v in values]

            values, before = floats(panel["values"]), floats(panel["before"])
            ax.plot(x, values, color=INK, linewidth=1.0, zorder=2)
            # one artist per status (few marks: WeasyPrint lays out every SVG element)
            for s in sorted({s for v, s in zip(values, panel["statuses"], strict=True)
                             if v == v}):
                marker, colour = STATUS_MARKERS.get(s, ("D", MUTED))
                pts = [(xi, v) for xi, v, st in zip(x, values, panel["statuses"], strict=True)
                       if v == v and st == s]
                ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="", marker=marker,
                        color=colour, markersize=4.2, markeredgecolor=INK,
                        markeredgewidth=0.5, zorder=3)
            if any(v == v for v in before):
                ax.plot(x, before, color=MUTED, linewidth=0.8, linestyle=":", marker="o",
                        markersize=3.6, markerfacecolor="white", markeredgecolor=MUTED, zorder=2)
            known = [v for v in (*values, *before) if v == v]
            if kind == "score":
                ax.set_ylim(0, 105)
                ax.set_yticks([0, 50, 100])
            elif kind == "rate":
                low = max(0.0, (math.floor(min(known)) - 5) // 10 * 10) if known else 0.0
                ax.set_ylim(low, 101)
                ax.yaxis.set_major_locator(MaxNLocator(nbins=2))
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
            else:
                ax.set_ylim(0, max([1.0, *known]) * 1.2)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=2))
            ax.set_xlim(-0.5, max(0.5, len(labels) - 0.5))
            # years under the lowest panel of each column only
            ax.set_xticks(x, short) if i + cols >= len(panels) else ax.set_xticks([])
            ax.tick_params(labelsize=6, length=2)
            ax.spines["right"].set_visible(False)
            ax.patch.set_visible(False)
            title = panel["title"]
            ax.set_title(title if len(title) <= 26 else title[:25] + "…", fontsize=6.8, loc="left",
                         pad=3)
        handles = [Line2D([], [], linestyle="", marker=m, color=c, markeredgecolor=INK,
                          markeredgewidth=0.5, label=s.capitalize())
                   for s, (m, c) in STATUS_MARKERS.items()]
        handles.append(Line2D([], [], linestyle=":", marker="o", color=MUTED,
                              markerfacecolor="white", label="Before the order (baseline)"))
        fig.legend(handles=handles, loc="upper left", ncols=4, frameon=False, fontsize=6.8,
                   bbox_to_anchor=(0.01, 1.0))
        top = 1 - 0.38 / (1.32 * rows + 0.45)
        fig.subplots_adjust(left=0.06, right=0.99, top=top - 0.04, bottom=0.06, hspace=0.55,
                            wspace=0.32)
        return _svg(fig)


def money_by_control_svg(labels: Sequence[str], values: Sequence[Decimal],
                         duties: Sequence[Decimal | None]) -> str:
    """Horizontal bars, one pair per red or amber control (highest priority on top): the
    entered value of the entries behind it (light) and their duty (dark), each labelled with
    its amount. Returns SVG text."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter

        n = len(labels)
        height = 0.3 * n + 0.7
        fig = Figure(figsize=(6.6, height), dpi=72)
        ax = fig.add_subplot(1, 1, 1)
        y = [n - 1 - i for i in range(n)]
        vals = [float(v) for v in values]
        duty = [0.0 if d is None else float(d) for d in duties]
        ax.barh([v + 0.19 for v in y], vals, height=0.36, color=BAR, edgecolor=INK,
                linewidth=0.4, label="Entered value", zorder=2)
        ax.barh([v - 0.19 for v in y], duty, height=0.36, color=MUTED, edgecolor=INK,
                linewidth=0.4, label="Duty", zorder=2)
        top = max([1.0, *vals, *duty])
        for yi, v, d, d_raw in zip(y, vals, duty, duties, strict=True):
            ax.text(v + top * 0.01, yi + 0.19, _compact_money(v), va="center", fontsize=6.5)
            ax.text(d + top * 0.01, yi - 0.19,
                    "not provided" if d_raw is None else _compact_money(d), va="center",
                    fontsize=6.5)
        ax.set_yticks(y, list(labels))
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _compact_money(v)))
        ax.grid(axis="x", color=GRID, linewidth=0.5, zorder=0)
        ax.spines["right"].set_visible(False)
        ax.legend(loc="lower left", ncols=2, frameon=False, bbox_to_anchor=(0, 1.0), fontsize=7)
        fig.subplots_adjust(left=0.22, right=0.97, top=1 - 0.28 / height, bottom=0.4 / height)
        return _svg(fig)


def board_charts_json(years: dict | None = None, money: dict | None = None) -> str:
    """The board pack's charts from plain JSON-safe arguments (amounts and values as decimal
    strings), as the report passes them here or to a worker process: a JSON object of SVG
    texts, ``{"years": ..., "money": ...}`` (empty text for a chart without data)."""
    import json

    out = {"years": "", "money": ""}
    if years and years.get("labels") and years.get("panels"):
        out["years"] = years_trend_svg(years["labels"], years["panels"])
    if money and money.get("labels"):
        out["money"] = money_by_control_svg(
            money["labels"], [Decimal(v) for v in money["values"]],
            [None if d is None else Decimal(d) for d in money["duties"]])
    return json.dumps(out)
