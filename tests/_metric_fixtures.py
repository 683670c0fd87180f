"""Helpers of the metric tests: tiny databases built row by row, and a metric case registry.

Rows go straight into the contract tables (already normalised, as the loader stores them),
so each case states exactly the records it needs. Defaults keep cases short: an entry is a
formal type-01 entry of the domestic, registered importer ``DOM``; a line is a commodity line.

Every catalog metric must have at least one ``Case`` in some ``tests/test_metric_cases_*.py``
module (checked by tests/test_metric_catalog.py).

A case runs under the shipped policy unless it names a policy file: the cases written for
catalog version 1 (calendar 2025, before the order's default effective date) run under
``ORDER_IN_FORCE_2025`` (tests/policies/order_in_force_2025.toml: the order in force from
2025-01-01), so that their dated controls count their records.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from customs_readiness.db import connect
from customs_readiness.metrics import MetricRun, run_metrics
from customs_readiness.policy import load_policy
from customs_readiness.schema import TABLES

D = Decimal

POLICIES = Path(__file__).resolve().parent / "policies"
# The order in force from 2025-01-01; every other value as shipped (see the file).
ORDER_IN_FORCE_2025 = POLICIES / "order_in_force_2025.toml"

# Importers used by most cases.
DOMESTIC = {"importer_number": "DOM", "importer_name": "Domestic Co", "us_organized": True,
            "us_physical_presence": True, "us_assets_sufficient": True,
            "us_controlling_owner": True, "good_standing": "good"}
FOREIGN = {"importer_number": "FOR", "importer_name": "Foreign Ltd", "us_organized": False,
           "us_physical_presence": False, "us_assets_sufficient": False,
           "us_controlling_owner": False, "good_standing": "good", "ctpat_tier": "none"}


def importer(number: str, **kw: Any) -> dict[str, Any]:
    row = {"importer_number": number, "importer_name": f"Importer {number}", "good_standing": "good"}
    row.update(kw)
    return row


_ENTRY_SEQ = {"n": 0}


def entry(entry_date: str, number: str | None = None, **kw: Any) -> dict[str, Any]:
    """An entry row: type 01, importer DOM, filer 'AAA', certification and disclosure yes."""
    if number is None:
        _ENTRY_SEQ["n"] += 1
        number = f"AAA{_ENTRY_SEQ['n']:08d}"
    row = {"entry_number": number, "entry_type": "01", "importer_number": "DOM",
           "entry_date": entry_date, "filer_code": number[:3], "certification": "yes",
           "disclosure_complete": "yes", "psc_filed": False}
    row.update(kw)
    return row


def line(entry_number: str, line_number: int = 1, ordinal: int = 1, **kw: Any) -> dict[str, Any]:
    row = {"entry_number": entry_number, "line_number": line_number, "tariff_ordinal": ordinal,
           "hts_number": "8471300100", "country_of_origin": "CN", "manufacturer_id": "CNMAN1",
           "entered_value": D("0"), "duty_amount": D("0")}
    row.update(kw)
    return row


def case(number: str, issued_on: str, **kw: Any) -> dict[str, Any]:
    """A penalty case row: a paid 19USC1592 negligence penalty of $1,000 against DOM."""
    row = {"case_number": number, "case_kind": "penalty", "statute": "19USC1592",
           "culpability": "negligence", "importer_number": "DOM", "issued_on": issued_on,
           "assessed_amount": D("1000.00"), "status": "paid"}
    row.update(kw)
    return row


def disposal(case_id: str, opened_on: str, **kw: Any) -> dict[str, Any]:
    row = {"case_id": case_id, "action": "detention", "opened_on": opened_on}
    row.update(kw)
    return row


def make_db(tables: dict[str, list[dict[str, Any]]], path: str | Path = ":memory:"
            ) -> duckdb.DuckDBPyConnection:
    """A database with the contract tables and the given rows (trace columns set per row)."""
    con = connect(path)
    for table, rows in tables.items():
        for n, row in enumerate(rows, start=2):
            if table in TABLES:
                row = {**row, "_file": f"{table}.csv", "_row": n, "_load_id": 1}
            cols = ", ".join(row)
            marks = ", ".join(f"${k}" for k in row)
            con.execute(f"insert into {table} ({cols}) values ({marks})", row)
    return con


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def write_folder(tables: dict[str, list[dict[str, Any]]], folder: Path, fmt: str = "csv") -> Path:
    """The rows of ``tables`` as a data folder for ``readiness load``: one file per contract
    table, as CSV, or converted from it to Parquet (text columns) or XLSX. A table's columns are
    every key any of its rows has (an empty cell where a row lacks one)."""
    import csv

    import polars as pl

    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        if table not in TABLES or not rows:
            continue
        cols = [c for c in TABLES[table].column_names if any(c in r for r in rows)]
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            w.writerows([_cell(r.get(c)) for c in cols] for r in rows)
        if fmt == "csv":
            continue
        frame = pl.read_csv(path, infer_schema_length=0)
        if fmt == "parquet":
            frame.write_parquet(folder / f"{table}.parquet")
        elif fmt == "xlsx":
            frame.write_excel(folder / f"{table}.xlsx")
        else:
            raise ValueError(fmt)
        path.unlink()
    return folder


def run_for(tables: dict[str, list[dict[str, Any]]], year: int = 2025,
            fiscal_start_month: int | None = None, policy_path: Path | None = None,
            metrics_dirs: tuple[Path, ...] = ()) -> MetricRun:
    con = make_db(tables)
    try:
        return run_metrics(con, year, load_policy(policy_path), fiscal_start_month=fiscal_start_month,
                           metrics_dirs=metrics_dirs, store=False)
    finally:
        con.close()


@dataclass(frozen=True)
class Case:
    """One hand-computed expectation: ``metric`` over ``tables`` for ``year`` under ``policy``
    (a policy file; None = the shipped policy) is ``value`` with ``status``, and, where given,
    ``before_order`` (the before-the-order baseline of a dated metric) and ``missing`` (rows
    lacking the amount a sum needs). ``...`` = not checked. The arithmetic sits in a comment
    above."""

    metric: str
    name: str
    tables: dict[str, list[dict[str, Any]]]
    value: Any
    status: Any = ...
    year: int = 2025
    fiscal_start_month: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    policy: Path | None = None
    before_order: Any = ...
    missing: Any = ...

    @property
    def test_id(self) -> str:
        return f"{self.metric}-{self.name}"


def in_force_from_2025(cases: list[Case]) -> list[Case]:
    """The cases of a version-1 module, run with the order in force from 2025-01-01."""
    return [replace(c, policy=ORDER_IN_FORCE_2025) for c in cases]


# Cases sharing a dataset share one run (the tables are module constants, never mutated).
_RUNS: dict[tuple[int, int, int | None, Path | None], MetricRun] = {}


def run_of(c: Case) -> MetricRun:
    key = (id(c.tables), c.year, c.fiscal_start_month, c.policy)
    if key not in _RUNS:
        _RUNS[key] = run_for(c.tables, year=c.year, fiscal_start_month=c.fiscal_start_month,
                             policy_path=c.policy)
    return _RUNS[key]


def check_case(c: Case) -> None:
    result = run_of(c).results[c.metric]
    assert result.value == c.value, f"{c.test_id}: value {result.value!r} != {c.value!r}"
    assert type(result.value) is type(c.value), f"{c.test_id}: type {type(result.value).__name__}"
    if c.status is not ...:
        assert result.status == c.status, f"{c.test_id}: status {result.status!r} != {c.status!r}"
    if c.before_order is not ...:
        assert result.before_order == c.before_order, (
            f"{c.test_id}: before_order {result.before_order!r} != {c.before_order!r}")
        assert type(result.before_order) is type(c.before_order), f"{c.test_id}: before_order type"
    if c.missing is not ...:
        assert result.missing == c.missing, f"{c.test_id}: missing {result.missing!r} != {c.missing!r}"
