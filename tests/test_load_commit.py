"""A load's commit is checkpointed into the database file, not logged first.

Numbering the rows updates them after the insert, which voids DuckDB's direct write of the
inserted data: committed the ordinary way, every loaded row went to the write-ahead log
(1.1 GB at 10M lines) and was written again when the database was next checkpointed.
The loader commits with speed.checkpoint_on_commit instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.sample import generate


def _wal(db: Path) -> int:
    wal = Path(f"{db}.wal")
    return wal.stat().st_size if wal.exists() else 0


def _threshold(con) -> str:
    return con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]


def _lines(con) -> int:
    return con.execute("select count(*) from entry_lines").fetchone()[0]


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("year") / "data"
    written = generate(folder, year=2026, entries=3000, seed=7, fmt="csv")
    return folder, written.rows


def test_a_load_leaves_no_log_and_its_rows_in_the_file(tmp_path, year):
    folder, rows = year
    db = tmp_path / "r.duckdb"
    con = connect(db)
    con.execute("set checkpoint_threshold = '7.0 MiB'")
    load_folder(con, folder)
    # the database's own threshold is back, and nothing of the load waits in the log
    assert _threshold(con) == "7.0 MiB"
    assert _wal(db) == 0
    con.close()
    # the rows and their numbers are in the database file itself
    ro = duckdb.connect(str(db), read_only=True)
    assert ro.execute("select count(*), min(_row), max(_row) from entry_lines").fetchone() == (
        rows["entry_lines"], 2, rows["entry_lines"] + 1)
    assert ro.execute("select count(*) from entries").fetchone()[0] == rows["entries"]
    ro.close()


def test_a_reload_is_checkpointed_too(tmp_path, year):
    # The second load deletes the first one's rows and brings them again.
    folder, rows = year
    db = tmp_path / "r.duckdb"
    con = connect(db)
    for _ in range(2):
        load_folder(con, folder)
        assert _wal(db) == 0
    assert _lines(con) == rows["entry_lines"]
    con.close()


def test_validate_keeps_nothing_and_restores_nothing(tmp_path, year):
    # commit=False rolls back: no checkpoint, the threshold never touched.
    folder, _rows = year
    db = tmp_path / "r.duckdb"
    con = connect(db)
    con.execute("set checkpoint_threshold = '5.0 MiB'")
    load_folder(con, folder, commit=False)
    assert _threshold(con) == "5.0 MiB"
    assert _lines(con) == 0
    con.close()


def test_a_second_connection_falls_back_to_the_log(tmp_path, year):
    # DuckDB cannot checkpoint while another connection has a transaction open: the commit
    # is then logged as before, and the load is complete all the same.
    folder, rows = year
    db = tmp_path / "r.duckdb"
    con = connect(db)
    other = con.cursor()
    other.execute("begin transaction")
    other.execute("select count(*) from entries").fetchall()
    load_folder(con, folder)
    other.execute("rollback")
    assert _lines(con) == rows["entry_lines"]
    other.close()
    con.close()
    ro = duckdb.connect(str(db), read_only=True)
    assert _lines(ro) == rows["entry_lines"]
    ro.close()


def test_stored_metrics_leave_no_log_and_their_lists_in_the_file(tmp_path, year):
    # `metrics` stores the run and its exception lists in one transaction, committed the
    # same way: the lists go straight into the database file (not first into the log that
    # closing the database would copy over), and the threshold is the database's again.
    from customs_readiness.metrics import compute_or_load, period_for
    from customs_readiness.metrics.store import stored_list_tables
    from customs_readiness.policy import load_policy

    folder, _rows = year
    db = tmp_path / "r.duckdb"
    con = connect(db)
    load_folder(con, folder)
    con.execute("set checkpoint_threshold = '6.0 MiB'")
    period = period_for(2026, 1)
    figures = compute_or_load(con, period, load_policy(None), store=True, reuse=False)
    assert _threshold(con) == "6.0 MiB"
    assert _wal(db) == 0
    lists = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0]
             for name in stored_list_tables(con, period)}
    con.close()
    assert sum(lists.values()) > 0 and set(lists) >= {
        f"metric_exceptions_20260101_20270101_{m}" for m in figures.exceptions}
    ro = duckdb.connect(str(db), read_only=True)
    assert {name: ro.execute(f'select count(*) from "{name}"').fetchone()[0] for name in lists} == lists
    assert ro.execute("select count(*) from metric_runs").fetchone()[0] == 1
    ro.close()
