"""Charts are matplotlib SVG, small and byte-for-byte reproducible."""

from __future__ import annotations

from decimal import Decimal

from customs_readiness import charts

MONTHS = ["Jan", "Feb", "Mar"]


def test_report_charts_trend_is_deterministic_svg():
    a = charts.monthly_trend_svg(MONTHS, [2, 2, 2], [Decimal(1), Decimal("0.5"), None],
                                 [Decimal("0.5"), Decimal(1), Decimal(1)])
    b = charts.monthly_trend_svg(MONTHS, [2, 2, 2], [Decimal(1), Decimal("0.5"), None],
                                 [Decimal("0.5"), Decimal(1), Decimal(1)])
    assert a == b
    assert a.lstrip().startswith("<?xml") and "<svg" in a
    assert "<dc:date>" not in a  # no clock in the file
    assert len(a) < 150_000


def test_report_charts_trend_without_any_rate():
    svg = charts.monthly_trend_svg(MONTHS, [0, 0, 0], [None, None, None], [None, None, None])
    assert "<svg" in svg
