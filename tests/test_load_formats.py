"""The same data as CSV, Parquet and XLSX gives identical tables."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.schema import TABLES

from conftest import write_tables


def _tables() -> dict:
    return {
        "importers": (["importer_number", "importer_name", "us_organized", "ctpat_tier", "ctpat_validated_on"],
                      [["12-3456789AB", "Acme & Sons <b>", "yes", "tier_2", "2025-01-15"],
                       ["260101-12345", "Overseas Ltd", "no", "", ""]]),
        "entries": (["entry_number", "entry_type", "importer_number", "entry_date", "port_code", "psc_filed"],
                    [["ABC12345671", "01", "12-3456789AB", "2026-01-15", "2704", "true"],
                     ["ABC12345682", "11", "260101-12345", "2026-12-31", "0401", "false"]]),
        "entry_lines": (["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value", "duty_amount"],
                        [["ABC12345671", "1", "1", "8471300100", "1234.56", "12.30"],
                         ["ABC12345671", "1", "2", "9903880300", "0", "370.37"],
                         ["ABC12345682", "1", "1", "0101210010", "0.10", ""]]),
    }


def _stored(db: Path) -> dict:
    con = connect(db)
    out = {}
    for name in TABLES:
        cols = ", ".join(TABLES[name].column_names + ["_row"])
        out[name] = con.execute(f"select {cols} from {name} order by all").fetchall()
    out["rejected"] = con.execute("select count(*) from rejected_rows").fetchone()[0]
    con.close()
    return out


@pytest.fixture
def csv_folder(tmp_path) -> Path:
    return write_tables(tmp_path / "csv", _tables())


def _load(folder: Path, db: Path) -> dict:
    con = connect(db)
    load_folder(con, folder)
    con.close()
    return _stored(db)


def test_parquet_of_text_columns_equals_csv(tmp_path, csv_folder):
    pq = tmp_path / "pq"
    pq.mkdir()
    for f in csv_folder.glob("*.csv"):
        pl.read_csv(f, infer_schema_length=0).write_parquet(pq / f"{f.stem}.parquet")
    assert _load(pq, tmp_path / "pq.duckdb") == _load(csv_folder, tmp_path / "csv.duckdb")


def test_parquet_with_native_types_equals_csv(tmp_path, csv_folder):
    # A writer that stores dates as dates, flags as booleans and money as floats.
    pq = tmp_path / "pqt"
    shutil.copytree(csv_folder, pq)
    (pq / "entries.csv").unlink()
    (pq / "entry_lines.csv").unlink()
    pl.DataFrame({
        "entry_number": ["ABC12345671", "ABC12345682"], "entry_type": ["01", "11"],
        "importer_number": ["12-3456789AB", "260101-12345"],
        "entry_date": [dt.date(2026, 1, 15), dt.date(2026, 12, 31)], "port_code": ["2704", "0401"],
        "psc_filed": [True, False],
    }).write_parquet(pq / "entries.parquet")
    pl.DataFrame({
        "entry_number": ["ABC12345671", "ABC12345671", "ABC12345682"], "line_number": [1, 1, 1],
        "tariff_ordinal": [1, 2, 1], "hts_number": ["8471300100", "9903880300", "0101210010"],
        "entered_value": [1234.56, 0.0, 0.1], "duty_amount": [12.3, 370.37, None],
    }).write_parquet(pq / "entry_lines.parquet")
    assert _load(pq, tmp_path / "pqt.duckdb") == _load(csv_folder, tmp_path / "csv.duckdb")


def test_xlsx_equals_csv(tmp_path, csv_folder):
    xl = tmp_path / "xl"
    xl.mkdir()
    for f in csv_folder.glob("*.csv"):
        pl.read_csv(f, infer_schema_length=0).write_excel(xl / f"{f.stem}.xlsx")
    assert _load(xl, tmp_path / "xl.duckdb") == _load(csv_folder, tmp_path / "csv.duckdb")


def test_xlsx_with_typed_cells_and_a_title_row(tmp_path, csv_folder):
    # Real workbooks: a title row, dates as date cells, numbers as numbers, HTS as a number.
    import openpyxl

    xl = tmp_path / "xlt"
    shutil.copytree(csv_folder, xl)
    (xl / "entry_lines.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Entry lines export - confidential"])
    ws.append([])
    ws.append(["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value", "duty_amount"])
    ws.append(["ABC12345671", 1, 1, 8471300100, 1234.56, 12.3])
    ws.append(["ABC12345671", 1, 2, "9903880300", 0, "370.37"])  # numbers stored as text too
    ws.append(["ABC12345682", 1.0, 1, "0101210010", 0.1, None])
    wb.save(xl / "entry_lines.xlsx")
    got = _load(xl, tmp_path / "xlt.duckdb")
    want = _load(csv_folder, tmp_path / "csv.duckdb")
    # Same values; rows are numbered as the sheet shows them (title rows push the header to row 3).
    strip = lambda rows: [r[:-1] for r in rows]  # noqa: E731
    assert strip(got["entry_lines"]) == strip(want["entry_lines"])
    assert [r[-1] for r in got["entry_lines"]] == [4, 5, 6]
    assert got["rejected"] == 0


def test_manifest_digest_and_size_are_the_files_own(tmp_path, csv_folder):
    # The scan that counts a CSV file's records no longer hashes it: every file's SHA-256
    # comes from a second, digest-only read. The manifest must still hold each file's own
    # digest and size, whatever its format (a BOM-prefixed CSV, Parquet, XLSX).
    import hashlib

    mixed = tmp_path / "mixed"
    shutil.copytree(csv_folder, mixed)
    entries = mixed / "entries.csv"
    entries.write_bytes(b"\xef\xbb\xbf" + entries.read_bytes())
    lines = mixed / "entry_lines.csv"
    pl.read_csv(lines, infer_schema_length=0).write_parquet(mixed / "entry_lines.parquet")
    lines.unlink()
    importers = mixed / "importers.csv"
    pl.read_csv(importers, infer_schema_length=0).write_excel(mixed / "importers.xlsx")
    importers.unlink()
    con = connect(tmp_path / "m.duckdb")
    load_folder(con, mixed)
    stored = {name: (sha, size) for name, sha, size in con.execute(
        "select file_name, sha256, bytes from load_files where file_name is not null").fetchall()}
    con.close()
    assert stored == {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size)
                      for p in mixed.iterdir()}
    assert set(stored) == {"entries.csv", "entry_lines.parquet", "importers.xlsx"}


def test_every_file_is_scanned_before_any_is_hashed(tmp_path, csv_folder, monkeypatch):
    # The direct read of a file waits for its scan (records, encoding); the digest is only
    # needed when the file's load ends. So the one background thread scans every file
    # first, without hashing, and hashes them afterwards.
    from customs_readiness.ingest import loader

    calls = []
    real_scan, real_digest = loader.scan_file, loader.file_digest

    def scan(path, *args):
        calls.append(("scan", path.name))
        return real_scan(path, *args)

    def hashed(path):
        calls.append(("digest", path.name))
        return real_digest(path)

    monkeypatch.setattr(loader, "scan_file", scan)
    monkeypatch.setattr(loader, "file_digest", hashed)
    con = connect(tmp_path / "o.duckdb")
    load_folder(con, csv_folder)
    con.close()
    order = ["importers.csv", "entries.csv", "entry_lines.csv"]
    assert calls == ([("scan", name) for name in order] + [("digest", name) for name in order])
