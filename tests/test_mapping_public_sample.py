"""The public broker export sample loads through the shipped mapping file."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.db import connect
from customs_readiness.resources import bundled_dir

from _es003_fixtures import counts, load, totals

SAMPLE = "public-broker-export-sample.csv"
MAPPING = bundled_dir("mappings") / "public-broker-export-sample.toml"


def _shared_data() -> Path:
    """../shared/data next to the repository (third-party data, never copied into it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / SAMPLE
        if candidate.is_file():
            return candidate
    pytest.skip(f"{SAMPLE} not found in a shared/data folder above the repository")


@pytest.fixture
def sample_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(_shared_data(), folder / SAMPLE)
    return folder


def test_mapping_public_sample_totals(sample_folder, tmp_path):
    con, result = load(sample_folder, tmp_path / "db.duckdb", mapping=MAPPING)
    # 5 entries, 11 lines; entered value 187,500 + 48,000 + 62,500 + 135,000 + 82,500 + 350,000
    # + 165,000 + 240,000 + 54,000 + 75,000 + 38,000 = 1,437,500.00; total duty 14,062.50 + 3,600
    # + 33,062.50 + 22,950 + 13,117.50 + 863,820 + 406,758 + 66,000 + 14,850 + 9,600 + 9,500
    # = 1,457,320.50
    assert totals(con) == (5, 11, Decimal("1437500.00"), Decimal("1457320.50"))
    assert counts(con) == {"entries": (5, 5, 0), "entry_lines": (11, 11, 0)}
    assert result.rows_rejected == 0


def test_mapping_public_sample_entry_fields(sample_folder, tmp_path):
    con, _ = load(sample_folder, tmp_path / "db.duckdb", mapping=MAPPING)
    assert con.execute(
        """select entry_number, entry_type, importer_number, entry_date, entry_summary_date, filer_code,
                  port_code, liquidation_status, liquidation_date, certification, psc_filed
           from entries order by entry_number limit 2"""
    ).fetchall() == [
        # entry date = Import Date; filer code = first 3 characters of the entry number
        ("42238472915", "01", "45-6789123", dt.date(2026, 2, 25), dt.date(2026, 3, 1), "422", "2704",
         "liquidated", dt.date(2026, 3, 15), "unknown", None),
        ("42238910447", "01", "38-1234567", dt.date(2026, 3, 1), dt.date(2026, 3, 5), "422", "4601",
         "unliquidated", None, "unknown", None),
    ]


def test_mapping_public_sample_line_fields(sample_folder, tmp_path):
    con, _ = load(sample_folder, tmp_path / "db.duckdb", mapping=MAPPING)
    d = Decimal
    assert con.execute(
        """select line_number, tariff_ordinal, hts_number, country_of_origin, manufacturer_id, entered_value,
                  duty_amount, mpf_amount, hmf_amount, spi, adcvd_case
           from entry_lines where entry_number in ('42239028173', '42238910447')
           order by entry_number, line_number"""
    ).fetchall() == [
        (1, 1, "6204624010", "MX", "MXMTYGLOB01", d("135000.00"), d("22950.00"), d("348.80"), d("0.00"), "MX", None),
        (2, 1, "6110202079", "MX", "MXMTYGLOB01", d("82500.00"), d("13117.50"), d("348.80"), d("0.00"), "MX", None),
        (1, 1, "7208510060", "CN", "CNBAOSDIC001", d("350000.00"), d("863820.00"), d("904.63"), d("262.50"), None,
         "A-570-979"),
        (2, 1, "7208520000", "CN", "CNBAOSDIC001", d("165000.00"), d("406758.00"), d("904.63"), d("123.75"), None,
         "A-570-979"),
    ]


def test_mapping_public_sample_without_mapping_is_a_file_error(sample_folder, tmp_path):
    # Not ACE's header names: without the mapping the file matches no profile.
    result = CliRunner().invoke(app, ["load", str(sample_folder), "--db", str(tmp_path / "db.duckdb")])
    assert result.exit_code == 2
    assert "headers match no known export" in result.output


def test_mapping_public_sample_through_the_cli(sample_folder, tmp_path):
    db = tmp_path / "db.duckdb"
    result = CliRunner().invoke(app, ["load", str(sample_folder), "--db", str(db), "--mapping", str(MAPPING)])
    assert result.exit_code == 0, result.output
    con = connect(db)
    assert con.execute("select count(*) from entries").fetchone()[0] == 5
    note = con.execute("select note from load_files where table_name = 'entries'").fetchone()[0]
    assert note.startswith("Broker entry-line export: bond_type, certification, disclosure_complete, "
                           "psc_filed, prior_disclosure not in the export (unknown)")


def test_mapping_shipped_mapping_by_name(sample_folder, tmp_path):
    con, _ = load(sample_folder, tmp_path / "db.duckdb", mapping="public-broker-export-sample")
    assert totals(con)[:2] == (5, 11)


def test_run_loads_an_export_through_a_mapping(sample_folder, tmp_path):
    """`readiness run --mapping` loads the broker layout and reports on it."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "customs_readiness", "run", str(sample_folder), "--year", "2026",
         "--db", str(tmp_path / "r.duckdb"), "--out", str(tmp_path / "r.pdf"),
         "--mapping", "public-broker-export-sample"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and (tmp_path / "r.pdf").stat().st_size > 10_000
