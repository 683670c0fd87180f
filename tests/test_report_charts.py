"""Charts are matplotlib SVG, small and byte-for-byte reproducible."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs_readiness import speed
from customs_readiness.report import charts

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


def test_report_charts_text_is_text_in_the_report_font():
    # Labels are <text> in the report's own font (report.css's Report Sans, the bundled
    # DejaVu Sans), not glyph paths: WeasyPrint paints glyph paths one <use> at a time.
    svg = charts.monthly_trend_svg(MONTHS, [2, 2, 2], [Decimal(1), Decimal("0.5"), None],
                                   [Decimal("0.5"), Decimal(1), Decimal(1)])
    assert "DejaVuSans-" not in svg and "<text" in svg  # no glyph outlines
    assert ">Entries per month<" in svg and ">Feb<" in svg
    assert charts.SVG_FAMILY in svg and charts.MPL_FAMILY not in svg


def test_report_charts_labels_are_escaped_text():
    svg = charts.money_by_control_svg(["Bond <b>&</b> co"], [Decimal("1000")], [None])
    assert "Bond &lt;b&gt;&amp;&lt;/b&gt; co" in svg and "<b>" not in svg


def test_report_charts_trend_without_any_rate():
    svg = charts.monthly_trend_svg(MONTHS, [0, 0, 0], [None, None, None], [None, None, None])
    assert "<svg" in svg


def _kwargs(months, entries, cert, disc):
    def text(values):
        return [None if v is None else str(v) for v in values]

    return {"months": months, "entries": entries, "certification_rate": text(cert),
            "disclosure_rate": text(disc)}


def _worker():
    return speed.WorkerProcess("customs_readiness.report.charts", preload=("matplotlib.figure",))


def test_report_charts_worker_process_draws_the_same_svg():
    args = (MONTHS, [3, 0, 7], [Decimal("0.912345678901234567"), None, Decimal(1)],
            [Decimal("0.5"), Decimal("0.25"), None])
    worker = _worker()
    try:
        result = worker.submit("trend_svg", **_kwargs(*args))
        assert result() == charts.monthly_trend_svg(*args)
        assert result.ran_in == "worker"  # drawn by the second process, not the fallback
    finally:
        worker.close()


def test_report_charts_worker_falls_back_to_this_process_when_the_worker_died():
    args = (MONTHS, [1, 2, 3], [None, None, None], [None, Decimal("0.75"), None])
    worker = _worker()
    worker._proc.kill()  # the process is gone before the figures are sent
    worker._proc.wait()
    result = worker.submit("trend_svg", **_kwargs(*args))
    assert result() == charts.monthly_trend_svg(*args)  # drawn here instead
    assert result.ran_in == "fallback"


def test_report_charts_worker_submit_returns_at_once_and_waits_on_result():
    args = (MONTHS, [4, 5, 6], [Decimal("0.5"), None, Decimal("0.75")], [None, None, None])
    worker = _worker()
    try:
        result = worker.submit("trend_svg", **_kwargs(*args))  # the figures are sent; the SVG is read on demand
        assert result() == charts.monthly_trend_svg(*args)
        assert result.ran_in == "worker"
    finally:
        worker.close()


MONEY = {"labels": ["Certification rate", "Informal entries"],
         "values": ["1250.50", "99.99"], "duties": [None, "12.00"]}


def test_report_charts_worker_draws_every_chart_of_the_report_in_one_process():
    # the trend chart and the board charts, asked for in the other order: each result is
    # the one of its own call, drawn by the one worker
    args = (MONTHS, [3, 0, 7], [Decimal("0.5"), None, Decimal(1)], [None, None, None])
    worker = _worker()
    try:
        trend = worker.submit("trend_svg", **_kwargs(*args))
        board = worker.submit("board_charts_json", money=MONEY)
        assert board() == charts.board_charts_json(money=MONEY)
        assert trend() == charts.monthly_trend_svg(*args)
        assert (trend.ran_in, board.ran_in) == ("worker", "worker")
        assert worker._proc.poll() is None  # one process served both, and is still there
    finally:
        worker.close()


def test_report_charts_worker_runs_a_failing_call_here_and_goes_on():
    # A call the worker cannot make runs again in this process, which raises its error;
    # the worker still serves the next call.
    worker = _worker()
    try:
        bad = worker.submit("board_charts_json", money={"labels": ["x"], "values": ["not a number"],
                                                        "duties": [None]})
        good = worker.submit("board_charts_json", money=MONEY)
        with pytest.raises(ArithmeticError):  # decimal.InvalidOperation, raised here
            bad()
        assert bad.ran_in == "fallback"
        assert good() == charts.board_charts_json(money=MONEY)
        assert good.ran_in == "worker"
    finally:
        worker.close()


def test_report_charts_worker_dying_between_calls_leaves_the_rest_to_this_process():
    args = (MONTHS, [1, 1, 1], [None, None, None], [None, None, None])
    worker = _worker()
    first = worker.submit("trend_svg", **_kwargs(*args))
    assert first() == charts.monthly_trend_svg(*args)
    assert first.ran_in == "worker"
    worker._proc.kill()  # gone after the first result
    worker._proc.wait()
    second = worker.submit("board_charts_json", money=MONEY)
    assert second() == charts.board_charts_json(money=MONEY)
    assert second.ran_in == "fallback"
    worker.close()


def test_report_charts_worker_closed_before_the_result_was_asked_for_draws_it_here():
    args = (MONTHS, [2, 0, 2], [None, None, None], [None, None, None])
    worker = _worker()
    result = worker.submit("trend_svg", **_kwargs(*args))
    worker.close()  # (an error elsewhere in the report ends the worker early)
    assert result() == charts.monthly_trend_svg(*args)
