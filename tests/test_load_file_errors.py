"""File errors: one line naming file, problem and column; the database is left exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder

from conftest import minimal_tables, table_snapshot, write_tables


@pytest.fixture
def loaded(con, tmp_path):
    """A database that already holds one good load, to prove failed loads leave it alone."""
    load_folder(con, write_tables(tmp_path / "good", minimal_tables()))
    return con


def _fails(con, folder, message):
    before = table_snapshot(con)
    with pytest.raises(DataFileError) as err:
        load_folder(con, folder)
    assert str(err.value) == message
    assert "\n" not in str(err.value)
    assert table_snapshot(con) == before
    return err.value


def test_missing_required_column(loaded, tmp_path):
    tables = minimal_tables()
    tables["entries"] = (["entry_number", "entry_type", "importer_number"], [["ABC12345671", "01", "X"]])
    err = _fails(loaded, write_tables(tmp_path / "d", tables),
                 "entries.csv, column 'entry_date': missing required column")
    assert err.column == "entry_date"


def test_garbage_bytes_in_a_table_file(loaded, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "entry_lines.csv").write_bytes(bytes(range(256)) * 40)
    _fails(loaded, folder, "entry_lines.csv: binary data where text (CSV) was expected")


def test_garbage_parquet_and_xlsx(loaded, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "entry_lines.csv").unlink()
    (folder / "entry_lines.parquet").write_bytes(b"this is not parquet at all")
    _fails(loaded, folder, "entry_lines.parquet: not a Parquet file (no PAR1 signature)")
    (folder / "entry_lines.parquet").unlink()
    (folder / "entry_lines.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    before = table_snapshot(loaded)
    with pytest.raises(DataFileError, match=r"^entry_lines\.xlsx: cannot be read as Excel"):
        load_folder(loaded, folder)
    assert table_snapshot(loaded) == before


def test_file_named_after_no_table(loaded, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "shipments.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _fails(loaded, folder, "shipments.csv: file name names no table (expected importers, brokers, entries, "
                           "entry_lines, penalties, disposals) and its headers match no known export")


def test_empty_file(loaded, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").write_bytes(b"")
    _fails(loaded, folder, "importers.csv: empty file: no header row")


def test_missing_required_table(loaded, tmp_path):
    tables = minimal_tables()
    tables.pop("importers")
    folder = write_tables(tmp_path / "d", tables)
    _fails(loaded, folder, f"{folder.resolve()}: no importers file (importers.csv, .parquet or .xlsx)")


def test_two_files_for_one_table(loaded, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.parquet").write_bytes(b"PAR1")
    _fails(loaded, folder, "importers.csv and importers.parquet: two files provide table 'importers'; keep one")


def test_error_late_in_the_load_rolls_back_earlier_tables(loaded, tmp_path):
    # importers and entries would load fine; entry_lines fails under --strict: nothing is kept.
    tables = minimal_tables()
    tables["entry_lines"][1].append(["ABC12345671", "9", "8471300100", "-1"])
    folder = write_tables(tmp_path / "d", tables)
    before = table_snapshot(loaded)
    with pytest.raises(DataFileError):
        load_folder(loaded, folder, strict=True)
    assert table_snapshot(loaded) == before


def test_cli_prints_one_line_and_exits_2_without_traceback(tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "entries.csv").write_bytes(b"\x00\x01\x02garbage")
    db = tmp_path / "x.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "customs_readiness", "load", str(folder), "--db", str(db)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "COLUMNS": "120"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: entries.csv: binary data where text (CSV) was expected"
    assert "Traceback" not in proc.stderr + proc.stdout


def test_cli_failed_first_load_leaves_no_database(tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "shipments.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    db = tmp_path / "new.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "customs_readiness", "load", str(folder), "--db", str(db)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert proc.returncode == 2
    assert not db.exists()
