"""Paths are taken literally, and what a folder holds is what loads: glob characters, a
non-UTF-8 byte, symbolic links, stray files, pipes."""

from __future__ import annotations

import os
import shutil

import polars as pl
import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder

from conftest import minimal_tables, table_snapshot, write_tables


@pytest.mark.parametrize("name", ["data[1]", "d*", "what?", "data[[]x]"])
def test_glob_characters_in_the_folder_name_load_that_folder(con, tmp_path, name):
    wanted = write_tables(tmp_path / name, minimal_tables())
    decoy = minimal_tables()
    decoy["importers"][1][0][1] = "WRONG FOLDER"
    for other in ("data1", "dx", "whatX", "datax]"):
        write_tables(tmp_path / other, decoy)
    # Parquet goes through a different DuckDB reader: it must be literal too.
    with (wanted / "entries.parquet").open("wb") as fh:
        pl.read_csv((wanted / "entries.csv").read_bytes(), infer_schema_length=0).write_parquet(fh)
    (wanted / "entries.csv").unlink()
    load_folder(con, wanted)
    names = [r[0] for r in con.execute("select importer_name from importers").fetchall()]
    assert "WRONG FOLDER" not in names and len(names) == 2
    assert con.execute("select count(*) from entries").fetchone()[0] == 2


def test_non_utf8_byte_in_the_folder_name(con, tmp_path):
    folder = os.fsdecode(os.fsencode(tmp_path) + b"/bad\xffname")
    write_tables(tmp_path / "src", minimal_tables())
    shutil.copytree(tmp_path / "src", folder)
    result = load_folder(con, folder)
    assert result.source_dir.endswith("bad\\xffname")
    assert con.execute("select source_dir from loads").fetchone()[0].endswith("bad\\xffname")
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 3


def test_a_stray_text_file_is_skipped_with_a_note(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "README.txt").write_text("Where these files came from.\n", encoding="utf-8")
    (folder / "notes.md").write_text("# notes\n", encoding="utf-8")
    result = load_folder(con, folder)
    assert any(n.startswith("README.txt: skipped") for n in result.notes)
    assert "notes.md: skipped (not .csv, .parquet or .xlsx)" in result.notes


def test_a_table_as_txt_is_still_read(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "brokers.txt").write_text("filer_code\tbroker_name\nABC\tBroker\n", encoding="utf-8")
    load_folder(con, folder)
    assert con.execute("select filer_code from brokers").fetchall() == [("ABC",)]


def _refused(con, folder, message):
    before = table_snapshot(con)
    with pytest.raises(DataFileError) as err:
        load_folder(con, folder)
    assert str(err.value) == message
    assert table_snapshot(con) == before


def test_dangling_symlink_is_an_error_naming_it(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "penalties.csv").symlink_to(tmp_path / "gone.csv")
    _refused(con, folder, f"penalties.csv: symbolic link to a file that does not exist ({tmp_path / 'gone.csv'})")


def test_symlink_leading_outside_the_folder_is_an_error(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    outside = write_tables(tmp_path / "other", {"brokers": (["filer_code"], [["ABC"]])}) / "brokers.csv"
    (folder / "brokers.csv").symlink_to(outside)
    _refused(con, folder, f"brokers.csv: symbolic link leading outside the data folder (to "
                          f"{outside.resolve()}); copy the file into the folder instead")


def test_symlink_inside_the_folder_is_read(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "entries.csv").rename(folder / "entries-2026.dat")
    (folder / "entries.csv").symlink_to("entries-2026.dat")
    load_folder(con, folder)
    assert con.execute("select count(*) from entries").fetchone()[0] == 2


def test_a_pipe_named_like_a_table_is_refused(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    os.mkfifo(folder / "brokers.csv")
    _refused(con, folder, "brokers.csv: not a regular file (a pipe, socket or device)")
