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


def test_report_charts_worker_process_draws_the_same_svg():
    args = (MONTHS, [3, 0, 7], [Decimal("0.912345678901234567"), None, Decimal(1)],
            [Decimal("0.5"), Decimal("0.25"), None])
    worker = charts.TrendChartWorker()
    try:
        assert worker(*args) == charts.monthly_trend_svg(*args)
    finally:
        worker.close()


def test_report_charts_worker_falls_back_to_this_process_when_the_worker_died():
    args = (MONTHS, [1, 2, 3], [None, None, None], [None, Decimal("0.75"), None])
    worker = charts.TrendChartWorker()
    worker._proc.kill()  # the process is gone before the figures are sent
    worker._proc.wait()
    assert worker(*args) == charts.monthly_trend_svg(*args)  # drawn here instead


def test_report_charts_worker_submit_returns_at_once_and_waits_on_result():
    args = (MONTHS, [4, 5, 6], [Decimal("0.5"), None, Decimal("0.75")], [None, None, None])
    worker = charts.TrendChartWorker()
    try:
        result = worker.submit(*args)  # the figures are sent; the SVG is read on demand
        assert result() == charts.monthly_trend_svg(*args)
    finally:
        worker.close()
