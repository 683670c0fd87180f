"""Property-based fuzzing of XLSX and Parquet input (Hypothesis): generated sheets (tables
anywhere on the sheet, cells of every type) and Parquet files (columns of every type, time
zones) load every record as written or refuse it with a reason; damaged workbooks are
refused with one line, never a crash of the reader."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder

from _fuzz import FUZZ, load_checked, stored_text
from conftest import minimal_tables, write_tables

# openpyxl refuses the control characters XML 1.0 cannot hold.
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TEXT = st.one_of(
    st.sampled_from(["=1+2", "@SUM(A1)", '"', "a,b", "line\nbreak", " padded ", "é “x” – …",
                     "日本語", "🚢", "", " ", "x" * 500]),
    st.text(max_size=20).map(lambda t: _XML_BAD.sub("", t)),
)
VALUES = st.one_of(TEXT, st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                   st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)), st.none())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "template.duckdb"
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(path)
        load_folder(con, write_tables(Path(tmp) / "earlier", minimal_tables()))
        con.close()
    return path


def _text(cell, value) -> None:
    """Put ``value`` in ``cell``; text stays text (openpyxl would make "=1+2" a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _expected_text(value) -> str | None:
    return stored_text(value) if isinstance(value, str) else value


def _expected_sheet_text(value: str) -> str | None:
    """A text cell as a sheet holds it: XML reads CR and CRLF as LF, and the reader takes
    a cell of only blanks, tabs and line breaks for an empty one."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return None if not text.strip(" \t\n") else _expected_text(text)


@FUZZ
@given(top=st.integers(0, 6), left=st.integers(0, 3), title=st.booleans(),
       names=st.lists(TEXT, max_size=10), extra=st.lists(VALUES, max_size=10))
def test_sheet_anywhere_loads_every_record(template, top, left, title, names, extra):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = write_tables(tmp / "d", minimal_tables())
        (folder / "importers.csv").unlink()
        wb = openpyxl.Workbook()
        ws = wb.active
        if title:
            ws.cell(1, 1, "Importer register, exported")
        row0 = top + (2 if title else 1)
        for j, h in enumerate(["importer_number", "importer_name", "notes"]):
            ws.cell(row0, left + 1 + j, h)
        for i, name in enumerate(names):
            ws.cell(row0 + 1 + i, left + 1, f"12-34{i:05d}AB")
            if name != "":
                _text(ws.cell(row0 + 1 + i, left + 2), name)
            if i < len(extra) and extra[i] is not None:
                _text(ws.cell(row0 + 1 + i, left + 3), extra[i])
        wb.save(folder / "importers.xlsx")
        db = tmp / "db.duckdb"
        shutil.copy(template, db)
        result, con = load_checked(folder, db)
        assert result is not None
        try:
            stored = con.execute("select importer_number, importer_name, _row from importers "
                                 "where _load_id = ? order by _row", [result.load_id]).fetchall()
            assert stored == [(f"12-34{i:05d}AB", _expected_sheet_text(n), row0 + 1 + i)
                              for i, n in enumerate(names) if _expected_sheet_text(n) is not None]
        finally:
            con.close()


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
       truncate=st.one_of(st.none(), st.integers(10, 4000)))
def test_damaged_workbook_is_refused_in_one_line(template, cuts, truncate):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = write_tables(tmp / "d", minimal_tables())
        (folder / "importers.csv").unlink()
        wb = openpyxl.Workbook()
        header, rows = minimal_tables()["importers"]
        for r in [header, *rows]:
            wb.active.append(r)
        wb.save(folder / "importers.xlsx")
        data = bytearray((folder / "importers.xlsx").read_bytes())
        for at, byte in cuts:
            data[at % len(data)] = byte
        if truncate is not None:
            del data[truncate:]
        (folder / "importers.xlsx").write_bytes(bytes(data))
        db = tmp / "db.duckdb"
        shutil.copy(template, db)
        _result, con = load_checked(folder, db)
        if con is not None:
            con.close()


PARQUET_NAMES = st.one_of(
    st.lists(TEXT, max_size=8).map(lambda v: pa.array(v, pa.string())),
    st.lists(TEXT, max_size=8).map(lambda v: pa.array(v, pa.large_string())),
    st.lists(TEXT, max_size=8).map(lambda v: pa.array(v, pa.string()).dictionary_encode()),
    st.lists(st.one_of(st.none(), st.floats()), max_size=8).map(lambda v: pa.array(v, pa.float64())),
    st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), max_size=8).map(lambda v: pa.array(v, pa.int64())),
    st.lists(st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=4,
                                              min_value=-10**10, max_value=10**10)),
             max_size=8).map(lambda v: pa.array(v, pa.decimal128(18, 4))),
    st.lists(st.one_of(st.none(), st.datetimes(timezones=st.just(dt.UTC))), max_size=8).map(
        lambda v: pa.array(v, pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us", tz="Asia/Tokyo"))),
    st.lists(st.one_of(st.none(), st.booleans()), max_size=8).map(lambda v: pa.array(v, pa.bool_())),
    st.lists(st.binary(max_size=10), max_size=8).map(lambda v: pa.array(v, pa.binary())),
    st.integers(0, 8).map(lambda n: pa.nulls(n)),
)


@FUZZ
@given(names=PARQUET_NAMES)
def test_parquet_columns_of_any_type_load_or_are_refused(template, names):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = write_tables(tmp / "d", minimal_tables())
        (folder / "importers.csv").unlink()
        numbers = pa.array([f"12-34{i:05d}AB" for i in range(len(names))], pa.string())
        pq.write_table(pa.table({"importer_number": numbers, "importer_name": names}),
                       folder / "importers.parquet")
        db = tmp / "db.duckdb"
        shutil.copy(template, db)
        result, con = load_checked(folder, db)
        assert result is not None
        try:
            stats = {f.file_name: f for f in result.files}["importers.parquet"]
            assert stats.rows_read == len(names)  # every row has its importer number
            if pa.types.is_string(names.type) or pa.types.is_large_string(names.type):
                stored = dict(con.execute("select importer_number, importer_name from importers "
                                          "where _load_id = ?", [result.load_id]).fetchall())
                for i, name in enumerate(names.to_pylist()):
                    if _expected_text(name) is not None:
                        assert stored[f"12-34{i:05d}AB"] == _expected_text(name)
            if isinstance(names.type, pa.Decimal128Type):
                stored = dict(con.execute("select importer_number, importer_name from importers "
                                          "where _load_id = ?", [result.load_id]).fetchall())
                for i, value in enumerate(names.to_pylist()):
                    if value is not None:
                        assert Decimal(stored[f"12-34{i:05d}AB"]) == value  # exact, no float
        finally:
            con.close()
