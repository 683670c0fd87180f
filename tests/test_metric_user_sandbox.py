"""User metrics (``--metrics-dir``) only read the loaded data: SQL that tries to write, read
or write files, attach, install or load an extension, or change a setting gets one error
naming its file, and the database is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from customs_readiness.errors import ConfigError
from customs_readiness.metrics import exception_records, run_metrics
from customs_readiness.policy import load_policy

from _metric_fixtures import DOMESTIC, D, entry, line, make_db
from conftest import minimal_tables, table_snapshot, write_tables

HEADER = '''-- id = "high_value_entries"
-- title = "Entries over $1,000 entered value"
-- unit = "count"
-- section = "volume"
-- definition = "Entries in E whose lines add up to more than 1,000 dollars."
-- basis = "Company policy."
-- status = { better = "lower", green = 0, amber = 1 }'''

READING = """with entry_values as (
    select entry_number, sum(entered_value) as entered_value
    from period_value_lines
    group by entry_number
)
select count(*) filter (where entered_value > 1000) as value
from entry_values"""

DATA = {
    "importers": [DOMESTIC],
    "entries": [entry("2025-01-01", "AAA00000951"), entry("2025-06-01", "AAA00000952")],
    "entry_lines": [line("AAA00000951", 1, entered_value=D("600.00")),
                    line("AAA00000951", 2, entered_value=D("600.00")),
                    line("AAA00000952", 1, entered_value=D("1000.00"))],
}


def _metric(folder: Path, body: str, exceptions: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    text = HEADER + "\n\n" + body + "\n"
    if exceptions is not None:
        text += "\n-- exceptions\n" + exceptions + "\n"
    (folder / "high_value_entries.sql").write_text(text, encoding="utf-8")
    return folder / "high_value_entries.sql"


SECRET = Path(__file__)  # any readable file


@pytest.mark.parametrize(("body", "found"), [
    ("delete from entries; select 1 as value", "DELETE, SELECT"),
    ("select 1 as value; drop table entries", "SELECT, DROP"),
    ("insert into entries select * from entries", "INSERT"),
    ("update importers set importer_name = 'x'", "UPDATE"),
    ("copy entries to '{tmp}/stolen.csv'", "COPY"),
    ("attach ':memory:' as other", "ATTACH"),
    ("install httpfs", "LOAD"),
    ("load httpfs", "LOAD"),
    ("set enable_external_access = true", "SET"),
    ("pragma version", "PRAGMA"),
    ("call checkpoint()", "CALL"),
])
def test_anything_but_one_select_is_refused(tmp_path, body, found):
    path = _metric(tmp_path / "m", body.replace("{tmp}", str(tmp_path)))
    con = make_db(DATA)
    before = table_snapshot(con)
    with pytest.raises(ConfigError) as err:
        run_metrics(con, 2025, load_policy(), metrics_dirs=(path.parent,), store=False)
    assert str(err.value) == (f"{path}: a user metric may only read the loaded data with one "
                              f"SELECT query (found {found})")
    assert table_snapshot(con) == before
    assert not (tmp_path / "stolen.csv").exists()


@pytest.mark.parametrize("body", [
    f"select count(*) as value from read_text('{SECRET}')",
    f"select count(*) as value from read_csv('{SECRET}')",
    f"select count(*) as value from read_blob('{SECRET}')",
    "select count(*) as value from glob('/*')",
    "select count(*) as value from read_parquet('https://example.com/x.parquet')",
    f"select count(*) as value from query_table('{SECRET}')",
])
def test_a_select_cannot_read_files_or_the_network(tmp_path, body):
    path = _metric(tmp_path / "m", body)
    con = make_db(DATA)
    with pytest.raises(ConfigError) as err:
        run_metrics(con, 2025, load_policy(), metrics_dirs=(path.parent,), store=False)
    assert str(err.value).startswith(str(path))
    assert "\n" not in str(err.value)


def test_the_exceptions_query_is_checked_too(tmp_path):
    path = _metric(tmp_path / "m", "select 1 as value",
                   "select 1 as entry_number; delete from entries")
    con = make_db(DATA)
    before = table_snapshot(con)
    with pytest.raises(ConfigError, match=r"only read the loaded data with one SELECT query "
                                          r"\(found SELECT, DELETE\)"):
        run = run_metrics(con, 2025, load_policy(), metrics_dirs=(path.parent,), store=False)
        exception_records(con, run, "high_value_entries")
    assert table_snapshot(con) == before


def test_a_comment_cannot_swallow_the_wrapper(tmp_path):
    # An exceptions query ending in a comment: the wrapper (limit 0, create table) still parses.
    path = _metric(tmp_path / "m", "select 0 as value",
                   "select entry_number from entries -- trailing comment")
    con = make_db(DATA)
    run = run_metrics(con, 2025, load_policy(), metrics_dirs=(path.parent,), store=True)
    assert run.results["high_value_entries"].value == 0


def test_a_reading_user_metric_still_works_and_catalog_metrics_are_unchanged(tmp_path):
    path = _metric(tmp_path / "m", READING)
    con = make_db(DATA)
    run = run_metrics(con, 2025, load_policy(), metrics_dirs=(path.parent,), store=True)
    assert run.results["high_value_entries"].value == 1
    assert run.results["entered_value_total"].value == D("2200.00")
    # The instance stays locked for the rest of the process.
    with pytest.raises(Exception, match="disabled|locked"):
        con.execute(f"select * from read_text('{SECRET}')")


def test_cli_user_metric_writing_is_one_line_and_exit_2(tmp_path):
    data = write_tables(tmp_path / "d", minimal_tables())
    db = tmp_path / "x.duckdb"
    env = {**os.environ, "COLUMNS": "200"}
    cli = [sys.executable, "-m", "customs_readiness"]
    subprocess.run([*cli, "load", str(data), "--db", str(db)], check=True, capture_output=True, env=env)
    path = _metric(tmp_path / "m", "delete from entries")
    size = db.stat().st_size
    proc = subprocess.run([*cli, "metrics", "--year", "2026", "--db", str(db), "--metrics-dir",
                           str(path.parent)], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {path}: a user metric may only read the loaded data with one SELECT query "
        "(found DELETE)"]
    assert db.stat().st_size == size
