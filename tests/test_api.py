"""The Python API (docs/api.md): `import customs_readiness as cr` stays light; cr.load,
cr.metrics (a Polars DataFrame), cr.metrics_json (= `metrics --format json`), cr.report."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from typer.testing import CliRunner

import customs_readiness as cr
from customs_readiness.api import METRIC_COLUMNS
from customs_readiness.cli import app
from customs_readiness.errors import ReadinessError

from _report_fixtures import write_folder


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    data = write_folder(tmp / "data")
    db = tmp / "r.duckdb"
    result = cr.load(data, db=db)
    return tmp, data, db, result


def test_api_import_is_light():
    code = ("import sys, customs_readiness as cr; "
            "heavy = {'duckdb', 'polars', 'pyarrow', 'weasyprint', 'matplotlib'} & set(sys.modules); "
            "assert not heavy, heavy; print(cr.__version__, sorted(cr.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == cr.__version__
    # the command line gets no heavier either: it never imports Polars to start
    code = ("import sys, customs_readiness.cli; "
            "assert 'polars' not in sys.modules and 'customs_readiness.api' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_api_load_returns_the_summary(project):
    _, data, db, result = project
    assert db.is_file()
    assert {f.table for f in result.files} >= {"entries", "entry_lines", "importers"}
    assert result.rows_rejected == 1  # the tiny folder's one bad amount


def test_api_metrics_is_a_dataframe_one_row_per_metric(project):
    _, _, db, _ = project
    df = cr.metrics(2026, db=db)
    assert isinstance(df, pl.DataFrame)
    assert tuple(df.columns) == METRIC_COLUMNS
    assert df["id"].n_unique() == df.height > 40
    row = df.filter(pl.col("id") == "entered_value_total").row(0, named=True)
    assert (row["title"], row["unit"], row["value"]) == ("Entered value", "usd", 6000.50)
    assert df.schema["value"] == pl.Float64 and df.schema["control"] == pl.Boolean
    controls = df.filter(pl.col("control"))
    assert set(controls["status"].to_list()) <= {"red", "amber", "green", "n/a"}
    dated = df.filter(pl.col("effective_on").is_not_null())
    assert dated.height and dated.schema["effective_on"] == pl.Date


def test_api_metrics_json_is_the_commands_json(project):
    _, _, db, _ = project
    data = cr.metrics_json(2026, db=db)
    result = CliRunner().invoke(app, ["metrics", "--year", "2026", "--db", str(db),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert data == json.loads(result.stdout)
    df = cr.metrics(2026, db=db, store=False)  # read-only: the database is not written
    assert df["id"].to_list() == list(data["metrics"])


def test_api_report_writes_pdf_and_html(project):
    tmp, _, db, _ = project
    outcome = cr.report(2026, db=db, out=tmp / "r.pdf", html=tmp / "r.html",
                        preparer="J. Doe")
    assert outcome.pages > 5 and (tmp / "r.pdf").stat().st_size > 10_000
    assert outcome.statuses and set(outcome.statuses.values()) <= {"red", "amber", "green",
                                                                     "n/a", None}
    assert "J. Doe" in (tmp / "r.html").read_text(encoding="utf-8")


def test_api_validate_lists_refused_rows(project):
    _, data, _, _ = project
    errors = cr.validate(data)
    assert errors.columns == ["file", "table", "row", "column", "value", "reason", "record"]
    assert errors.height == 1 and errors["value"][0] == "not-a-number"


def test_api_subpackages_named_like_functions_stay_modules():
    import customs_readiness.metrics as metrics_pkg
    import customs_readiness.report as report_pkg

    # the import system set cr.metrics / cr.report to the subpackages: still callable
    assert cr.metrics is metrics_pkg and callable(cr.metrics)
    assert cr.report is report_pkg and callable(cr.report)
    assert report_pkg.build_report and metrics_pkg.period_for(2026).label == "CY2026"
    assert "load" in dir(cr)
    with pytest.raises(AttributeError):
        _ = cr.no_such_function


def test_api_errors_are_the_tools_one_line_errors(tmp_path):
    with pytest.raises(ReadinessError, match="no such database"):
        cr.metrics(2026, db=tmp_path / "none.duckdb")
    (tmp_path / "entries.csv").write_text("entry_number\n", encoding="utf-8")
    with pytest.raises(ReadinessError, match="is a file, not a data folder"):
        cr.load(tmp_path / "entries.csv", db=":memory:")
