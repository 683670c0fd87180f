"""Charts of the report, drawn by matplotlib as small deterministic SVG.

matplotlib is imported lazily (inside the functions) so that commands which do not
render pay nothing for it. Output is byte-for-byte reproducible for equal input:
fixed ``svg.hashsalt`` (ids of clip paths), no ``Date`` metadata, text drawn as paths
with the bundled DejaVu Sans, a fixed size and no randomness.
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
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "path.simplify": True,
}


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


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
