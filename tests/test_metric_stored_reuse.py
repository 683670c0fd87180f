"""The report reads stored figures and exception lists while they match the data; a reload,
another policy or changed data makes it compute them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from customs_readiness import metrics
from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.metrics import (
    compute_or_load,
    is_fresh,
    load_stored_run,
    period_for,
    run_metrics,
)
from customs_readiness.policy import load_policy

from conftest import minimal_tables, write_tables


@pytest.fixture
def loaded(tmp_path: Path):
    tables = minimal_tables()
    # ABC12345682 is informal (11) with importer 260101-12345: no registry facts -> unknown IOR
    tables["importers"] = (["importer_number", "importer_name", "foreign_ior"],
                           [["12-3456789AB", "Acme", "no"], ["260101-12345", "Overseas", "yes"]])
    folder = write_tables(tmp_path / "d", tables)
    con = connect(tmp_path / "db.duckdb")
    load_folder(con, folder)
    yield con, folder
    con.close()


def test_stored_run_is_fresh_until_data_or_policy_change(loaded, tmp_path):
    con, folder = loaded
    policy = load_policy()
    run_metrics(con, 2026, policy)
    stored = load_stored_run(con, period_for(2026, 1))
    assert is_fresh(con, stored, policy)
    other = tmp_path / "p.toml"
    other.write_text("penalty_floor = 0.75\n")
    assert not is_fresh(con, stored, load_policy(other))
    # A reload with changed content changes the fingerprint.
    tables = minimal_tables()
    tables["entries"][1].append(["ABC12345693", "01", "12-3456789AB", "2026-06-01"])
    write_tables(folder, tables)
    load_folder(con, folder)
    assert not is_fresh(con, stored, policy)


def test_stored_exceptions_equal_computed_ones(loaded):
    con, _ = loaded
    run = run_metrics(con, 2026, load_policy())
    # One informal entry of a foreign IOR: ABC12345682 (entry type 11), on 2026-03-01, before
    # the order's effective date (2026-06-03): the before-the-order baseline, not the figure.
    r = run.results["foreign_ior_informal_entries"]
    assert (r.value, r.before_order) == (0, 1)
    figures = compute_or_load(con, run.period, load_policy())  # read back: fresh
    assert figures.stored
    rel = figures.exceptions["foreign_ior_informal_entries"]
    # the list holds the records behind the figure and its baseline, marked
    cols = [c for c in rel.columns]
    rows = rel.fetchall()
    assert [r[0] for r in rows] == ["ABC12345682"]
    assert rows[0][cols.index("predates_order")] is True
    # A count of 0 stores an empty list (its columns only).
    r = run.results["foreign_ior_formal_without_ctpat_cover"]
    assert (r.value, r.before_order) == (0, 0)
    assert figures.exceptions["foreign_ior_formal_without_ctpat_cover"].fetchall() == []
    # the entries file carried no bond_type: the bond control is not provided (null, n/a), and
    # its list is empty
    r = run.results["foreign_ior_continuous_bond_without_permission"]
    assert (r.value, r.status, r.not_provided) == (None, "n/a", ("entries.bond_type",))
    assert figures.exceptions["foreign_ior_continuous_bond_without_permission"].fetchall() == []


def test_report_uses_fresh_stored_run_without_recomputing(loaded, tmp_path, monkeypatch):
    from customs_readiness import pipeline
    from customs_readiness.metrics import engine

    con, _ = loaded
    run_metrics(con, 2026, load_policy())
    con.close()

    def no_recompute(*args, **kwargs):
        raise AssertionError("metrics recomputed although the stored run is fresh")

    monkeypatch.setattr(metrics, "compute_run", no_recompute)
    monkeypatch.setattr(engine, "compute_run", no_recompute)
    outcome = pipeline.report(tmp_path / "db.duckdb", 2026, out=tmp_path / "r.pdf")
    assert outcome.out.is_file() and outcome.pages > 5
