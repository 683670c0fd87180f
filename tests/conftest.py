"""Shared fixtures: tiny data folders written as CSV, and a database per test."""

from __future__ import annotations

import contextlib
import csv
import os
import socket
from pathlib import Path

import duckdb
import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import direct, sources

# The date a report is prepared comes from SOURCE_DATE_EPOCH (clock.py): fixed here, for this
# process and every command a test starts, so documents do not depend on the day the tests
# run. 1803859200 = 2027-03-01T00:00:00Z, after the sample years end.
TEST_SOURCE_DATE_EPOCH = "1803859200"
os.environ["SOURCE_DATE_EPOCH"] = TEST_SOURCE_DATE_EPOCH

IMPORTER_HEADER = ["importer_number", "importer_name"]
ENTRY_HEADER = ["entry_number", "entry_type", "importer_number", "entry_date"]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """Write a CSV file with the given header and rows (None = empty cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def write_tables(folder: Path, tables: dict[str, tuple[list[str], list[list[object]]]]) -> Path:
    """Write one CSV per table: {"entries": (header, rows), ...}."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        write_csv(folder / f"{name}.csv", header, rows)
    return folder


def minimal_tables() -> dict[str, tuple[list[str], list[list[object]]]]:
    """Two importers, two entries, three lines: the smallest valid folder."""
    return {
        "importers": (IMPORTER_HEADER, [["12-3456789AB", "Acme Inc"], ["260101-12345", "Overseas Ltd"]]),
        "entries": (
            ENTRY_HEADER,
            [["ABC-1234567-1", "01", "12-3456789AB", "2026-01-15"],
             ["ABC12345682", "11", "260101-12345", "03/01/2026"]],
        ),
        "entry_lines": (
            ["entry_number", "line_number", "hts_number", "entered_value"],
            [["ABC12345671", "1", "8471.30.0100", "100.00"],
             ["ABC12345671", "2", "8473300100", "$1,000.50"],
             ["ABC12345682", "1", "8473300100", "5"]],
        ),
    }


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = connect(tmp_path / "test.duckdb")
    yield c
    c.close()


def table_snapshot(c: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every stored row of every table, sorted: to prove a failed load changed nothing."""
    names = [r[0] for r in c.execute("select table_name from duckdb_tables() where not temporary").fetchall()]
    return {n: sorted(map(repr, c.execute(f'select * from "{n}"').fetchall())) for n in sorted(names)}


@contextlib.contextmanager
def local_listener():
    """A TCP socket on 127.0.0.1 that would see any fetch of a URL from the data."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def connections(sock: socket.socket) -> int:
    """How many connections reached ``sock`` (each accepted and closed)."""
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


@pytest.fixture
def listener():
    """A local socket a fetch of a URL from the data would reach (see ``connections``)."""
    with local_listener() as sock:
        yield sock


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the loader staged as text (the rows the fast path left)."""
    names: list[str] = []
    real = sources.stage

    def spy(con, path, *args, **kwargs):
        names.append(path.name)
        return real(con, path, *args, **kwargs)

    monkeypatch.setattr(sources, "stage", spy)
    return names


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """How the direct read took each file it read: typed (every line proved canonical at
    once), line (line by line), parser (the CSV parser's cells) or parquet."""
    names: dict[str, str] = {}
    real = direct.insert

    def spy(con, src, *args):
        done = real(con, src, *args)
        if done is not None:
            names[src.file_name] = done.read
        return done

    monkeypatch.setattr(direct, "insert", spy)
    return names
