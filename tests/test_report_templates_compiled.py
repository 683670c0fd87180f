"""Templates compiled ahead of time (by the report command's preload thread) render the
same HTML, and a broken template is still reported by render_html."""

from __future__ import annotations

import pytest

from customs_readiness import report
from customs_readiness.errors import ConfigError

from _report_fixtures import loaded_db, metric_figures


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiny")
    con = loaded_db(tmp)
    yield report.build_report(con, metric_figures(con))
    con.close()


def test_report_templates_compiled_ahead_render_the_same_html(tiny):
    env = report.compiled_templates()
    assert report.render_html(tiny, None, env) == report.render_html(tiny)


def test_report_templates_compiled_ahead_leave_a_broken_template_to_render_html(tiny, tmp_path):
    (tmp_path / "_cover.html").write_text("{% if %}", encoding="utf-8")  # syntax error
    env = report.compiled_templates(tmp_path)  # does not raise
    with pytest.raises(ConfigError, match="report template"):
        report.render_html(tiny, tmp_path, env)
