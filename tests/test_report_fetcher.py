"""The report's URL fetcher serves template files and generated charts, and nothing else."""

from __future__ import annotations

import pytest

from customs_readiness import report, speed
from customs_readiness.resources import bundled_dir


@pytest.fixture
def builtin():
    return bundled_dir("report_templates").resolve()


def test_report_fetcher_serves_bundled_template_file(builtin):
    fetcher, base = report.make_url_fetcher([builtin])
    response = fetcher(base + "report.css")
    assert response.read() == (builtin / "report.css").read_bytes()
    assert response.content_type == "text/css"


def test_report_fetcher_prefers_user_template_dir(builtin, tmp_path):
    (tmp_path / "report.css").write_text("body { color: red }", encoding="utf-8")
    fetcher, base = report.make_url_fetcher([tmp_path, builtin])
    # the document's base is the bundled folder; the user's file of the same name wins
    assert fetcher(base + "report.css").read() == b"body { color: red }"
    assert fetcher(base + "fonts/DejaVuSans.ttf").read()[:4] == b"\x00\x01\x00\x00"


def test_report_fetcher_serves_generated_resources(builtin):
    fetcher, base = report.make_url_fetcher([builtin], {"charts/trend.svg": b"<svg/>"})
    response = fetcher(base + "charts/trend.svg")
    assert response.read() == b"<svg/>"
    assert response.content_type == "image/svg+xml"


def test_report_fetcher_makes_a_deferred_resource_once_when_fetched(builtin):
    calls = []

    def make():
        calls.append(1)
        return b"<svg/>"

    fetcher, base = report.make_url_fetcher([builtin],
                                            {"charts/trend.svg": speed.Deferred(make)})
    assert calls == []  # nothing is made before the layout asks for it
    assert fetcher(base + "charts/trend.svg").read() == b"<svg/>"
    assert fetcher(base + "charts/trend.svg").read() == b"<svg/>"
    assert calls == [1]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.png",
    "https://example.com/style.css",
    "ftp://example.com/a",
    "data:text/css,body{}",
    "file:///etc/passwd",
    "file://otherhost/report.css",
])
def test_report_fetcher_refuses_anything_else(builtin, url):
    fetcher, _ = report.make_url_fetcher([builtin])
    with pytest.raises(ValueError, match="refused"):
        fetcher(url)


def test_report_fetcher_refuses_escape_from_template_dir(builtin):
    fetcher, base = report.make_url_fetcher([builtin])
    with pytest.raises(ValueError, match="refused"):
        fetcher(base + "../../../../../../etc/passwd")
    with pytest.raises(ValueError, match="refused"):
        fetcher(base + "no-such-file.css")
