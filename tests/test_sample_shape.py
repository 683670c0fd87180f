"""Generated files follow the data contract: tables, columns, formats, sizes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from customs_readiness.sample import SampleError, generate
from customs_readiness.schema import TABLES


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, year=2026, entries=3000, seed=11)
    return out


def _read(folder: Path, table: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{table}.csv", infer_schema=False)  # every cell as text


def test_sample_every_contract_table_and_column(folder: Path) -> None:
    for name, table in TABLES.items():
        header = pl.read_csv(folder / f"{name}.csv", n_rows=0).columns
        assert header == table.column_names, name


def test_sample_about_three_lines_per_entry(folder: Path) -> None:
    entries = _read(folder, "entries").height
    lines = _read(folder, "entry_lines").height
    assert entries == 3000
    assert 2.8 <= lines / entries <= 3.2


def test_sample_parquet_has_the_same_columns(tmp_path: Path) -> None:
    generate(tmp_path, entries=50, fmt="parquet")
    for name, table in TABLES.items():
        assert pl.read_parquet_schema(tmp_path / f"{name}.parquet").names() == table.column_names


def test_sample_identifier_and_value_formats(folder: Path) -> None:
    e = _read(folder, "entries")
    assert e["entry_number"].str.contains(r"^[A-Z0-9]{11}$").all()
    assert e["entry_number"].n_unique() == e.height
    assert (e["entry_number"].str.slice(0, 3) == e["filer_code"]).all()
    assert e["port_code"].str.contains(r"^\d{4}$").all()
    assert e["entry_date"].str.contains(r"^2026-\d\d-\d\d$").all()
    # Importer numbers: IRS NN-NNNNNNNXX, CBP-assigned YYDDPP-NNNNN, or SSN NNN-NN-NNNN.
    assert e["importer_number"].str.contains(
        r"^(\d{2}-\d{7}[0-9A-Z]{2}|\d{6}-\d{5}|\d{3}-\d{2}-\d{4})$").all()
    lines = _read(folder, "entry_lines")
    assert lines["hts_number"].str.contains(r"^\d{10}$").all()
    assert lines.select(pl.struct("entry_number", "line_number", "tariff_ordinal")
                        .is_unique().all()).item()
    for col in ("entered_value", "duty_amount", "mpf_amount", "hmf_amount"):
        assert lines[col].str.contains(r"^\d+\.\d\d$").all(), col
    # Chapter 99 ordinals: HTS 99..., ordinal 2 or more, no entered value of their own.
    ch99 = lines.filter(pl.col("hts_number").str.starts_with("99"))
    assert ch99.height > 0
    assert (ch99["tariff_ordinal"].cast(pl.Int32) >= 2).all()
    assert (ch99["entered_value"] == "0.00").all()
    assert (ch99["duty_amount"] != "0.00").any()


def test_sample_case_dates_in_year_and_earlier_years(folder: Path) -> None:
    p = _read(folder, "penalties")
    years = p["issued_on"].str.slice(0, 4).cast(pl.Int32)
    assert (years <= 2026).all()
    assert (years == 2026).sum() >= 20
    assert (years < 2026).sum() >= 8  # earlier cases: repeat-offender window, open backlog
    d = _read(folder, "disposals")
    assert d["opened_on"].str.starts_with("2026-").all()


def test_sample_every_case_kind_and_status(folder: Path) -> None:
    p = _read(folder, "penalties")
    assert set(p["case_kind"]) == {"penalty", "liquidated_damages"}
    assert set(p["status"]) == {"open", "petitioned", "mitigated", "paid", "cancelled",
                                "referred", "closed"}
    assert set(p["statute"]) == {"19USC1592", "19USC1595a", "19USC1641", "19USC1526f",
                                 "bond", "other"}
    c1592 = p.filter(pl.col("statute") == "19USC1592")
    assert set(c1592["culpability"]) == {"negligence", "gross_negligence", "fraud"}
    below_floor = p.filter(pl.col("mitigated_amount").cast(pl.Decimal(18, 2))
                           < pl.col("assessed_amount").cast(pl.Decimal(18, 2)) / 2)
    assert below_floor.height >= 1
    d = _read(folder, "disposals")
    assert set(d["action"]) == {"detention", "seizure", "general_order", "abandonment"}
    assert {"pending", "released", "destroyed", "sold", "exported", "forfeited", "abandoned",
            "third_party_disposal"} <= set(d["disposition"])
    assert set(d["expedited"]) == {"true", "false"}


@pytest.mark.parametrize("kwargs", [{"fmt": "xlsx"}, {"entries": 0}, {"year": 1800},
                                    {"seed": -1}])
def test_sample_refuses_bad_arguments(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(SampleError):
        generate(tmp_path, **kwargs)
