"""User metrics: a folder of the user's own SQL files joins the run and every output.

DATA lies in calendar 2025, before the order's default effective date; where the catalog's
dated controls matter (the score) the run uses tests/policies/order_in_force_2025.toml."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from customs_readiness.errors import ConfigError
from customs_readiness.metrics import exception_records, run_metrics
from customs_readiness.policy import load_policy

from _metric_fixtures import DOMESTIC, ORDER_IN_FORCE_2025, D, entry, line, make_db, run_for

USER_METRIC = '''-- id = "high_value_entries"
-- title = "Entries over $1,000 entered value"
-- unit = "count"
-- section = "volume"
-- definition = "Entries in E whose lines (L') add up to more than 1,000 dollars."
-- basis = "Company policy: high-value entries get a second review."
-- status = { better = "lower", green = 0, amber = 1 }

with entry_values as (
    select entry_number, sum(entered_value) as entered_value
    from period_value_lines
    group by entry_number
)

select count(*) filter (where entered_value > 1000) as value
from entry_values

-- exceptions
with entry_values as (
    select entry_number, sum(entered_value) as entered_value
    from period_value_lines
    group by entry_number
)

select entry_number, entered_value
from entry_values
where entered_value > 1000
order by entry_number
'''

DATA = {
    "importers": [DOMESTIC],
    "entries": [entry("2025-01-01", "AAA00000951"), entry("2025-06-01", "AAA00000952"),
                entry("2026-01-01", "AAA00000953")],
    # 951: 600 + 600 = 1200 > 1000; 952: 1000 (not over); 953: outside the period
    "entry_lines": [line("AAA00000951", 1, entered_value=D("600.00")),
                    line("AAA00000951", 2, entered_value=D("600.00")),
                    line("AAA00000952", 1, entered_value=D("1000.00")),
                    line("AAA00000953", 1, entered_value=D("5000.00"))],
}


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    d = tmp_path / "my_metrics"
    d.mkdir()
    (d / "high_value_entries.sql").write_text(USER_METRIC)
    return d


def test_metric_user_dir_joins_the_run(user_dir: Path) -> None:
    run = run_for(DATA, metrics_dirs=(user_dir,), policy_path=ORDER_IN_FORCE_2025)
    r = run.results["high_value_entries"]
    # one entry (951) over 1,000: 1 -> amber (green if <= 0, amber if <= 1)
    assert (r.value, r.status) == (1, "amber")
    assert r.definition.source == "user" and r.definition.is_control
    out = run.to_json_dict()["metrics"]["high_value_entries"]
    assert out["value"] == 1 and out["status"] == "amber" and out["source"] == "user"
    # a user file without an authority is the user's own indicator; not dated
    assert out["authority"] == "indicator" and "before_order" not in out
    # it counts in the score: the 11 catalog controls are green (origin/MID 3/3 with lines),
    # plus this amber: (11 + 0.5) / 12 = 95.833.. -> 95.8
    assert run.score == D("95.8")


def test_metric_user_dir_exceptions(user_dir: Path) -> None:
    con = make_db(DATA)
    run = run_metrics(con, 2025, load_policy(), metrics_dirs=(user_dir,), store=False)
    cols, rows = exception_records(con, run, "high_value_entries")
    assert cols == ["entry_number", "entered_value"]
    assert rows == [("AAA00000951", Decimal("1200.00"))]


def test_metric_user_dir_same_id_as_catalog_is_an_error(tmp_path: Path) -> None:
    d = tmp_path / "clash"
    d.mkdir()
    (d / "psc_rate.sql").write_text(USER_METRIC.replace("high_value_entries", "psc_rate"))
    with pytest.raises(ConfigError, match="psc_rate.sql: metric id 'psc_rate' is already used"):
        run_for(DATA, metrics_dirs=(d,))


def test_metric_user_dir_errors_name_the_file(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    bad = d / "broken.sql"
    bad.write_text(USER_METRIC.replace("high_value_entries", "broken")
                   .replace("from entry_values\n\n-- exceptions", "from no_such_table\n\n-- exceptions"))
    with pytest.raises(ConfigError) as err:
        run_for(DATA, metrics_dirs=(d,))
    assert str(bad) in str(err.value) and "query failed" in str(err.value)
    bad.write_text(USER_METRIC.replace("high_value_entries", "broken")
                   .replace("as value", "as value, 2 as other"))
    with pytest.raises(ConfigError, match="one column 'value'"):
        run_for(DATA, metrics_dirs=(d,))
    bad.write_text(USER_METRIC.replace("high_value_entries", "broken")
                   .replace("> 1000) as value", "> $limit) as value"))
    with pytest.raises(ConfigError, match=r"unknown query parameter '\$limit'"):
        run_for(DATA, metrics_dirs=(d,))
    with pytest.raises(ConfigError, match="metrics folder not found"):
        run_for(DATA, metrics_dirs=(tmp_path / "absent",))


def test_metric_user_dir_threshold_from_policy(tmp_path: Path, user_dir: Path) -> None:
    (user_dir / "high_value_entries.sql").write_text(USER_METRIC.replace(
        "green = 0, amber = 1", 'green = "thresholds.high_value_entries.green"'))
    policy = tmp_path / "p.toml"
    policy.write_text("[thresholds]\nhigh_value_entries = { green = 1 }\n[weights]\nhigh_value_entries = 2\n")
    run = run_for(DATA, metrics_dirs=(user_dir,), policy_path=policy)
    assert run.results["high_value_entries"].status == "green"
    # without the policy key the rule cannot be evaluated: an error naming the metric file
    with pytest.raises(ConfigError, match="thresholds.high_value_entries.green"):
        run_for(DATA, metrics_dirs=(user_dir,))


def test_metric_user_dir_rate_metric(tmp_path: Path) -> None:
    d = tmp_path / "rates"
    d.mkdir()
    (d / "chapter99_share.sql").write_text('''-- id = "chapter99_share"
-- title = "Share of lines with a Chapter 99 ordinal"
-- unit = "rate"
-- section = "volume"
-- definition = "Ordinals of L that are Chapter 99 ordinals / all ordinals of L."
-- basis = "Tariff actions under Chapter 99."
-- status = "informational"

select count(*) filter (where is_chapter_99) as numerator, count(*) as denominator
from period_lines
''')
    data = {**DATA, "entry_lines": DATA["entry_lines"] + [
        line("AAA00000951", 1, 2, hts_number="9903880301")]}
    # 4 ordinals of 2025 entries, 1 of them Chapter 99: 1/4
    r = run_for(data, metrics_dirs=(d,)).results["chapter99_share"]
    assert (r.value, r.status, r.numerator, r.denominator) == (D("0.25"), None, 1, 4)


USER_DATED = USER_METRIC.replace('high_value_entries', 'high_value_dated').replace(
    '-- status = {', '-- authority = "order"\n-- dated = true\n-- requires = ["entries.certification"]\n'
    '-- status = {').replace(
    "    from period_value_lines\n    group by entry_number\n)\n\nselect count(*) filter (where entered_value > 1000) as value",
    "    from period_value_lines\n    where entry_date >= $scope_start and entry_date < $scope_end\n"
    "    group by entry_number\n)\n\nselect count(*) filter (where entered_value > 1000) as value")


def test_metric_user_dir_dated_metric_has_a_baseline(tmp_path: Path) -> None:
    d = tmp_path / "dated"
    d.mkdir()
    (d / "high_value_dated.sql").write_text(USER_DATED)
    data = {"importers": [DOMESTIC],
            "entries": [entry("2026-02-01", "AAA00000971"), entry("2026-04-01", "AAA00000972"),
                        entry("2026-07-01", "AAA00000973")],
            "entry_lines": [line(n, entered_value=D("1500.00"))
                            for n in ("AAA00000971", "AAA00000972", "AAA00000973")]}
    # default effective date 2026-06-03: 973 counts (1, amber), 971 and 972 are the baseline
    r = run_for(data, year=2026, metrics_dirs=(d,)).results["high_value_dated"]
    assert (r.value, r.status, r.before_order, r.definition.authority) == (1, "amber", 2, "order")
    # its own date in the policy: from 2026-03-01, 972 and 973 count (2, red), 971 before
    policy = tmp_path / "p.toml"
    policy.write_text("[effective_on]\nhigh_value_dated = 2026-03-01\n")
    r = run_for(data, year=2026, metrics_dirs=(d,), policy_path=policy).results["high_value_dated"]
    assert (r.value, r.status, r.before_order) == (2, "red", 1)
    assert r.effective_on.isoformat() == "2026-03-01"
