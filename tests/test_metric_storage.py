"""Stored results: figures per period with the policy used; re-running replaces them."""

from __future__ import annotations

from pathlib import Path

from customs_readiness.metrics import load_stored_run, period_for, run_metrics
from customs_readiness.policy import load_policy

from _metric_fixtures import DOMESTIC, D, case, entry, line, make_db

# Calendar 2026 under the shipped policy (effective date 2026-06-03): 965 before the order,
# 962 and 963 after it; 961 is in 2025.
DATA = {
    "importers": [DOMESTIC],
    "entries": [entry("2025-05-01", "AAA00000961"), entry("2026-07-01", "AAA00000962"),
                entry("2026-07-02", "AAA00000963", certification="no"),
                entry("2026-05-01", "AAA00000965", certification="no")],
    "entry_lines": [line("AAA00000961", entered_value=D("10.00")),
                    line("AAA00000962", entered_value=D("20.10"), duty_amount=None)],
    "penalties": [case("C1", "2026-07-01", status="open", assessed_amount=D("777.77"))],
}


def test_metric_storage_round_trip(tmp_path: Path) -> None:
    con = make_db(DATA, tmp_path / "db.duckdb")
    run = run_metrics(con, 2026, load_policy())
    stored = load_stored_run(con, period_for(2026, 1))
    assert stored is not None
    assert stored.period == run.period
    assert stored.score == run.score
    assert stored.policy.values == run.policy.values
    assert list(stored.results) == list(run.results)
    for mid, r in run.results.items():
        s = stored.results[mid]
        assert (s.value, s.status, s.numerator, s.denominator) == (
            r.value, r.status, r.numerator, r.denominator), mid
        assert type(s.value) is type(r.value), mid
        # version 2's fields come back as computed
        assert (s.before_order, s.effective_on, s.missing, s.not_provided) == (
            r.before_order, r.effective_on, r.missing, r.not_provided), mid
        assert type(s.before_order) is type(r.before_order), mid
        assert (s.definition.authority, s.definition.dated) == (
            r.definition.authority, r.definition.dated), mid
        assert s.definition.title == r.definition.title
        assert s.status_rule == r.status_rule
    # exact, unrounded: 0.50 x 777.77 = 388.885 is stored as such
    assert stored.results["eo_minimum_payable_open"].value == D("388.885")
    # after the order: 962 yes, 963 no = 0.5; before it: 965 no = 0
    cert = stored.results["certification_rate"]
    assert (cert.value, cert.before_order, cert.status) == (D("0.5"), D("0"), "red")
    assert cert.effective_on.isoformat() == "2026-06-03"
    assert stored.results["duty_total"].missing == 1  # 962's line carries no duty
    assert stored.results["readiness_score"].status == run.results["readiness_score"].status
    assert stored.to_json() == run.to_json()
    con.close()


def test_metric_storage_rerun_replaces_and_periods_coexist(tmp_path: Path) -> None:
    con = make_db(DATA, tmp_path / "db.duckdb")
    run_metrics(con, 2026, load_policy())
    run_metrics(con, 2025, load_policy())
    p = tmp_path / "p.toml"
    p.write_text("penalty_floor = 1\n")
    run_metrics(con, 2026, load_policy(p))  # same period again, other policy
    runs = con.execute("select period_label, policy_version from metric_runs order by 1").fetchall()
    assert runs == [("CY2025", "catalog-2026.2"), ("CY2026", "catalog-2026.2+p.toml")]
    per_period = con.execute("select period_start, count(*) from metric_results "
                             "group by 1 order by 1").fetchall()
    assert [n for _, n in per_period] == [46, 46]  # replaced, not appended
    stored = load_stored_run(con, period_for(2026, 1))
    # floor 1: the open case is payable in full
    assert stored.results["eo_minimum_payable_open"].value == D("777.77")
    assert stored.policy.values["penalty_floor"] == D("1")
    assert load_stored_run(con, period_for(2023, 1)) is None
    assert load_stored_run(con, period_for(2026, 10)) is None  # FY2026 was never computed
    con.close()


def test_metric_storage_none_without_tables() -> None:
    con = make_db({})
    assert load_stored_run(con, period_for(2025, 1)) is None


def test_metric_storage_rerun_sees_new_data(tmp_path: Path) -> None:
    # the same connection, the same period: a second run must not reuse stale working sets
    con = make_db(DATA, tmp_path / "db.duckdb")
    assert run_metrics(con, 2026, load_policy()).results["entries_total"].value == 3
    con.execute("insert into entries (entry_number, entry_type, importer_number, entry_date) "
                "values ('AAA00000964', '01', 'DOM', date '2026-07-01')")
    assert run_metrics(con, 2026, load_policy()).results["entries_total"].value == 4
    con.close()
