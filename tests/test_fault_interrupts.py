"""Fault tests, run as real processes: Ctrl-C, SIGTERM and kill -9 at random points of a
load, a full disk, SIGTERM during a report. Every failure is one line with its exit code,
nothing partial is left, and the database is as it was or holds the whole new load.

READINESS_FUZZ=long kills more often (see docs/robustness.md)."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

LONG = os.environ.get("READINESS_FUZZ", "").lower() == "long"
CLI = [sys.executable, "-m", "customs_readiness"]
ENV = {**os.environ, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    """A synthetic year big enough that a load takes about a second."""
    folder = tmp_path_factory.mktemp("fault") / "2026"
    subprocess.run([*CLI, "sample", "--out", str(folder), "--entries", "40000"], check=True,
                   capture_output=True, env=ENV)
    return folder


def _snapshot(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {n: con.execute(f'select count(*), sum(hash(t::varchar)) from "{n}" t').fetchall()
                for n in sorted(names)}
    finally:
        con.close()


def _leftovers(folder: Path, db: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(db.name) or p.suffix == ".part")


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)


def _signal_during_load(year: Path, db: Path, signum: int) -> subprocess.CompletedProcess | None:
    """Start a first load, send ``signum`` once the load is under way; None if it finished first."""
    for delay in (0.4, 0.2, 0.05):
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        proc = _start(["load", str(year), "--db", str(db)])
        while not db.exists() and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(delay)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return None


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                      (signal.SIGTERM, 143, "terminated")])
def test_interrupted_first_load_leaves_nothing(year, tmp_path, signum, code, word):
    db = tmp_path / "first.duckdb"
    done = _signal_during_load(year, db, signum)
    if done is None:
        pytest.skip("the load finished before the signal on this machine")
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines in ([f"error: {word}; nothing partial was kept"],
                     [f"error: {word} after load 1 was committed to {db}; nothing partial was kept"])
    # Nothing partial: no database, or (the signal came once the commit was done: while
    # the summary printed, say, when the message says so, or as the load closed the
    # database) one that holds the whole load.
    left = _leftovers(tmp_path, db)
    if left or "committed" in lines[0]:
        assert left == [db.name]
        assert duckdb.connect(str(db), read_only=True).execute(
            "select (select count(*) from loads), (select sum(rows_read) = sum(rows_loaded) + "
            "sum(rows_rejected) from load_files), (select count(*) from entries)").fetchone() == (
            1, True, 40_000)


def test_a_signal_after_the_load_s_commit_says_the_load_is_kept(tmp_path, monkeypatch):
    # Stopped once the load is committed (here: Ctrl-C while the summary prints), `load`
    # says the load is in the database; so does `run` stopped in its metrics or report.
    from typer.testing import CliRunner

    from customs_readiness.cli import data
    from customs_readiness.cli.app import app

    folder = tmp_path / "2026"
    subprocess.run([*CLI, "sample", "--out", str(folder), "--entries", "300"], check=True,
                   capture_output=True, env=ENV)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "print_summary", interrupted)
    db = tmp_path / "r.duckdb"
    result = CliRunner().invoke(app, ["load", str(folder), "--db", str(db)])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == [
        f"error: interrupted after load 1 was committed to {db}; nothing partial was kept"]
    assert duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from entries").fetchone()[0] == 300
    # the next command starts afresh: stopped before its load commits, nothing is kept
    monkeypatch.setattr(data.pipeline, "load", interrupted)
    result = CliRunner().invoke(app, ["load", str(folder), "--db", str(tmp_path / "n.duckdb")])
    assert (result.exit_code, result.stderr.strip()) == (
        130, "error: interrupted; nothing partial was kept")


def test_full_disk_during_a_first_load(year, tmp_path):
    # RLIMIT_FSIZE: writing past 2 MB fails (EFBIG) as a full disk would (ENOSPC).
    db = tmp_path / "full.duckdb"

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    proc = subprocess.run([*CLI, "load", str(year), "--db", str(db)], capture_output=True,
                          text=True, env=ENV, preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: disk full (")
    assert _leftovers(tmp_path, db) == []


def test_full_disk_during_a_reload_keeps_the_database(year, tmp_path):
    db = tmp_path / "kept.duckdb"
    small = tmp_path / "small"
    subprocess.run([*CLI, "sample", "--out", str(small), "--entries", "200", "--year", "2025"],
                   check=True, capture_output=True, env=ENV)
    subprocess.run([*CLI, "load", str(small), "--db", str(db)], check=True, capture_output=True, env=ENV)
    before = _snapshot(db)
    limit = db.stat().st_size + 1_000_000

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([*CLI, "load", str(year), "--db", str(db)], capture_output=True,
                          text=True, env=ENV, preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().startswith("error: disk full") and len(proc.stderr.strip().splitlines()) == 1
    assert _snapshot(db) == before


def test_kill_9_at_random_points_of_a_load(year, tmp_path):
    db = tmp_path / "kept.duckdb"
    small = tmp_path / "small"
    subprocess.run([*CLI, "sample", "--out", str(small), "--entries", "200", "--year", "2025"],
                   check=True, capture_output=True, env=ENV)
    subprocess.run([*CLI, "load", str(small), "--db", str(db)], check=True, capture_output=True, env=ENV)
    before = _snapshot(db)
    started = time.perf_counter()
    subprocess.run([*CLI, "load", str(year), "--db", str(tmp_path / "timing.duckdb")], check=True,
                   capture_output=True, env=ENV)
    duration = time.perf_counter() - started
    rng = random.Random(os.environ.get("READINESS_FUZZ_SEED", "14411"))
    kills = 12 if LONG else 3
    # anywhere in the load, then near its end: the commit is a checkpoint of the database
    # file (speed.checkpoint_on_commit), and a kill during it must leave the earlier load
    moments = ([rng.uniform(0.05, duration) for _ in range(kills)]
               + [rng.uniform(0.8 * duration, duration) for _ in range(kills)])
    for moment in moments:
        proc = _start(["load", str(year), "--db", str(db)])
        time.sleep(moment)
        proc.kill()
        proc.communicate()
        after = _snapshot(db)  # opens: the database is never left unreadable
        if after != before:
            # killed after the commit: the whole new load is there
            loads = duckdb.connect(str(db), read_only=True).execute(
                "select count(*) from loads").fetchone()[0]
            assert loads == 2
            before = after
    # and the next load works
    subprocess.run([*CLI, "load", str(year), "--db", str(db)], check=True, capture_output=True, env=ENV)
    assert duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from loads").fetchone()[0] == 2


def test_sigterm_during_a_report_leaves_no_part_file(year, tmp_path):
    db = tmp_path / "r.duckdb"
    small = tmp_path / "small"
    subprocess.run([*CLI, "sample", "--out", str(small), "--entries", "300"], check=True,
                   capture_output=True, env=ENV)
    subprocess.run([*CLI, "load", str(small), "--db", str(db)], check=True, capture_output=True, env=ENV)
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    for delay in (3.0, 2.0, 1.0):
        proc = _start(["report", "--year", "2026", "--db", str(db), "--out", str(out),
                       "--html", str(out.with_suffix(".html"))])
        # Wait for the layout to start writing (the .part file), then stop the process.
        deadline = time.monotonic() + delay + 30
        while proc.poll() is None and not list(out.parent.glob("*.part")) and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        if proc.returncode == 143:
            assert err.strip().splitlines()[-1] == "error: terminated; nothing partial was kept"
            assert not list(out.parent.glob("*.part"))
            assert not out.exists()
            return
        for p in out.parent.iterdir():
            p.unlink()
    pytest.skip("the report finished before the signal on this machine")


def test_kill_9_at_random_points_of_metrics(year, tmp_path):
    # `metrics` commits the stored run and its exception lists by a checkpoint of the
    # database file: killed anywhere, even during that checkpoint, the database opens and
    # holds one stored run of the year with every one of its lists, the old or the new.
    db = tmp_path / "m.duckdb"
    subprocess.run([*CLI, "load", str(year), "--db", str(db)], check=True, capture_output=True, env=ENV)
    metrics = ["metrics", "--year", "2026", "--db", str(db), "--format", "json"]
    subprocess.run([*CLI, *metrics], check=True, capture_output=True, env=ENV)

    def stored() -> tuple:
        con = duckdb.connect(str(db), read_only=True)
        try:
            runs = con.execute("select count(*) from metric_runs").fetchone()[0]
            lists = sorted(r[0] for r in con.execute(
                "select table_name from duckdb_tables() where table_name like 'metric_exceptions_%'"
            ).fetchall())
            rows = [con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in lists]
            return runs, lists, rows
        finally:
            con.close()

    before = stored()
    assert before[0] == 1 and len(before[1]) >= 20
    started = time.perf_counter()
    subprocess.run([*CLI, *metrics], check=True, capture_output=True, env=ENV)
    duration = time.perf_counter() - started
    rng = random.Random(os.environ.get("READINESS_FUZZ_SEED", "14411"))
    kills = 12 if LONG else 3
    for moment in ([rng.uniform(0.05, duration) for _ in range(kills)]
                   + [rng.uniform(0.7 * duration, duration) for _ in range(kills)]):
        proc = _start(metrics)
        time.sleep(moment)
        proc.kill()
        proc.communicate()
        assert stored() == before  # the same data and policy: the same run and lists
    subprocess.run([*CLI, *metrics], check=True, capture_output=True, env=ENV)
    assert stored() == before
