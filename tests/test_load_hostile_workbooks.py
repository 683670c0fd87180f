"""XLSX sheets are found wherever the table starts, and a hostile workbook (a zip bomb, a
cell address claiming a huge sheet) is refused with one line before any reader opens it.
Parquet timestamps read the same in every time zone."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customs_readiness.errors import DataFileError
from customs_readiness.ingest import load_folder, workbook

from conftest import minimal_tables, table_snapshot, write_tables


def _importers_xlsx(path: Path, top: int, left: int, title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.cell(1, 1, title)
    header, rows = minimal_tables()["importers"]
    for i, row in enumerate([header, *rows]):
        for j, v in enumerate(row):
            ws.cell(top + i, left + j, v)
    wb.save(path)
    return path


@pytest.mark.parametrize(("top", "left", "title"), [(4, 1, None), (3, 2, "Importer register"),
                                                    (6, 3, None), (1, 2, None)])
def test_header_found_wherever_the_table_starts(con, tmp_path, top, left, title):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    _importers_xlsx(folder / "importers.xlsx", top, left, title)
    load_folder(con, folder)
    # Row numbers are the sheet's: the header at row `top`, the records below it.
    assert con.execute("select importer_number, _row from importers order by _row").fetchall() == [
        ("12-3456789AB", top + 1), ("260101-12345", top + 2)]
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0


def _rewrite(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            zout.writestr(m, edit(m.filename, zin.read(m.filename)))
    return dst


def _refused(con, folder: Path, pattern: str) -> None:
    before = table_snapshot(con)
    with pytest.raises(DataFileError, match=pattern):
        load_folder(con, folder)
    assert table_snapshot(con) == before


def test_a_cell_far_away_claims_a_huge_sheet(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    path = _importers_xlsx(folder / "importers.xlsx", 1, 1)
    wb = openpyxl.load_workbook(path)
    wb.active["XFD1048576"] = "far away"
    wb.save(path)
    _refused(con, folder, r"^importers\.xlsx: xl/worksheets/sheet1\.xml claims a sheet of "
                          r"1,048,576 rows by 16,384 columns, more than this tool reads")
    # The same without the <dimension> element: the cell address alone gives it away.
    _rewrite(path, tmp_path / "x.xlsx", lambda n, b: re.sub(rb"<dimension[^>]*/>", b"", b))
    os.replace(tmp_path / "x.xlsx", path)
    _refused(con, folder, r"^importers\.xlsx: .* claims a sheet of 1,048,576 rows")


def test_a_dimension_claiming_a_huge_sheet(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    small = _importers_xlsx(tmp_path / "small.xlsx", 1, 1)
    _rewrite(small, folder / "importers.xlsx",
             lambda n, b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:ZZZ999999"', b))
    _refused(con, folder, r"claims a sheet of 999,999 rows by 18,278 columns")


def test_zip_bomb_is_refused_before_reading(con, tmp_path, monkeypatch):
    # A part inflating past the limit (lowered here so the test stays small).
    monkeypatch.setattr(workbook, "MAX_PART_BYTES", 200_000)
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    small = _importers_xlsx(tmp_path / "small.xlsx", 1, 1)
    padding = b"<!--" + b" " * 300_000 + b"-->"
    _rewrite(small, folder / "importers.xlsx",
             lambda n, b: b.replace(b"<sheetData>", padding + b"<sheetData>") if "sheet1" in n else b)
    assert (folder / "importers.xlsx").stat().st_size < 20_000
    _refused(con, folder, r"^importers\.xlsx: xl/worksheets/sheet1\.xml inflates to 30\d,\d{3} bytes")


def test_a_part_lying_about_its_size_is_refused(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    path = _rewrite(_importers_xlsx(tmp_path / "small.xlsx", 1, 1), folder / "importers.xlsx",
                    lambda n, b: b)
    data = bytearray(path.read_bytes())
    # Corrupt the sheet part's compressed bytes: its CRC no longer matches.
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 10
    data[start:start + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    _refused(con, folder, r"^importers\.xlsx: cannot be read as Excel")


def test_a_part_without_a_name_is_refused(con, tmp_path):
    # A damaged central directory can leave a part with an empty name, on which zipfile's
    # own is_dir() raises IndexError (found by test_fuzz_workbooks): one line, nothing loaded.
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    path = _rewrite(_importers_xlsx(tmp_path / "small.xlsx", 1, 1), folder / "importers.xlsx",
                    lambda n, b: b)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(zipfile.ZipInfo(""), b"x")
    _refused(con, folder, r"^importers\.xlsx: cannot be read as Excel: damaged or not a "
                          r"workbook \(a part without a name\)$")


def test_shared_string_count_claim(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    src = tmp_path / "s.xlsx"
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    header, rows = minimal_tables()["importers"]
    for i, row in enumerate([header, *rows]):
        for j, v in enumerate(row):
            ws.write_string(i, j, v)
    wb.close()
    _rewrite(src, folder / "importers.xlsx",
             lambda n, b: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', b))
    _refused(con, folder, r"claims 4,000,000,000 shared strings")


def test_parquet_timestamps_with_a_time_zone_read_the_same_everywhere(tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "entries.csv").unlink()
    instants = [dt.datetime(2026, 1, 15, tzinfo=dt.UTC), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)]
    stamps = pa.array(instants, pa.timestamp("us", tz="America/New_York"))
    pq.write_table(pa.table({
        "entry_number": ["ABC12345671", "ABC12345682"], "entry_type": ["01", "11"],
        "importer_number": ["12-3456789AB", "260101-12345"], "entry_date": stamps,
    }), folder / "entries.parquet")
    script = ("import sys; from customs_readiness.db import connect; "
              "from customs_readiness.ingest import load_folder; c = connect(':memory:'); "
              "load_folder(c, sys.argv[1]); "
              "print(c.execute('select entry_date from entries order by 1').fetchall())")
    seen = set()
    for tz in ("UTC", "America/Los_Angeles", "Asia/Tokyo"):
        out = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True,
                             text=True, env={**os.environ, "TZ": tz}, check=True).stdout
        seen.add(out)
    assert seen == {"[(datetime.date(2026, 1, 15),), (datetime.date(2026, 3, 1),)]\n"}


def test_an_old_xls_or_encrypted_workbook_is_named(con, tmp_path):
    folder = write_tables(tmp_path / "d", minimal_tables())
    (folder / "importers.csv").unlink()
    (folder / "importers.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    _refused(con, folder, r"^importers\.xlsx: an old \.xls or a password-protected workbook: "
                          r"save it as \.xlsx without a password, or as CSV$")
