"""A generated year exercises every definition of catalog version 2.

Each scenario is counted here with DuckDB straight from the generated CSV files (every cell
read as text, the contract's rules applied in the queries), not through the loader or the
metric SQL: a year across the effective date (2026), a year wholly before it (2025), and the
bundled sample_data folders, which must show the same scenarios.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customs_readiness.sample import EFFECTIVE_ON, generate

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
EFF = EFFECTIVE_ON.isoformat()
assert EFF == "2026-06-03"  # the order's signing day, the policy's default effective date

_TYPES = {
    "importers": {"ctpat_validated_on": "date", "us_organized": "bool",
                  "us_physical_presence": "bool", "us_assets_sufficient": "bool",
                  "us_controlling_owner": "bool", "foreign_ior": "bool",
                  "continuous_bond_permitted": "bool"},
    "brokers": {"ctpat_validated": "bool", "ctpat_validated_on": "date"},
    "entries": {"entry_date": "date"},
    "penalties": {"issued_on": "date", "paid_on": "date", "closed_on": "date",
                  "assessed_amount": "money", "loss_of_revenue": "money",
                  "dutiable_value": "money", "domestic_value": "money",
                  "mitigated_amount": "money", "paid_amount": "money",
                  "prior_disclosure": "bool"},
    "disposals": {"opened_on": "date", "disposed_on": "date", "expedited": "bool"},
}
_CAST = {"date": "cast(nullif({c}, '') as date)", "money": "cast(nullif({c}, '') as decimal(18, 2))",
         "bool": "case {c} when 'true' then true when 'false' then false end"}

# IOR status and CTPAT cover per entry, as the data contract and metrics.md (v2) define them:
# cover = the importer's own validation on the entry date, or (default, the order as
# published) a broker with a licence number whose status is active (empty = active); the
# strict reading also needs the broker's CTPAT validation on the entry date.
_ENTRY_VIEW = """
create view entry_status as
select e.*, i.importer_name, i.continuous_bond_permitted, i.good_standing,
  case
    when i.importer_number is null then 'unknown'
    when i.foreign_ior is not null then case when i.foreign_ior then 'foreign' else 'domestic' end
    when false in (i.us_organized, i.us_physical_presence, i.us_assets_sufficient,
                   i.us_controlling_owner) then 'foreign'
    when i.us_organized and i.us_physical_presence and i.us_assets_sufficient
         and i.us_controlling_owner then 'domestic'
    else 'unknown'
  end as ior,
  e.entry_type not in ('11', '12') as formal,
  coalesce(i.ctpat_tier in ('tier_2', 'tier_3')
           and coalesce(i.ctpat_validated_on <= e.entry_date, true), false) as importer_validated,
  coalesce(b.license_number is not null
           and coalesce(b.license_status, 'active') = 'active', false) as licensed_broker,
  coalesce(b.ctpat_validated and coalesce(b.ctpat_validated_on <= e.entry_date, true),
           false) as broker_validated,
  e.entry_date >= date '{eff}' as after_order
from entries e
left join importers i using (importer_number)
left join brokers b on b.filer_code = coalesce(e.filer_code, left(e.entry_number, 3))
"""
_DECIDED = "('mitigated', 'paid', 'referred', 'closed')"
_PENDING = "('open', 'petitioned')"


def _connect(folder: Path, year: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in ("importers", "brokers", "entries", "penalties", "disposals"):
        path = str(folder / f"{table}.csv").replace("'", "''")
        casts = ", ".join(f"{_CAST[k].format(c=c)} as {c}" for c, k in _TYPES[table].items())
        replace = f" replace ({casts})" if casts else ""
        con.execute(f"create table {table} as select *{replace} "
                    f"from read_csv('{path}', all_varchar = true, header = true)")
    con.execute(_ENTRY_VIEW.format(eff=EFF))
    con.execute(f"create macro period_end() as date '{year + 1}-01-01'")
    # Open at the period's end d (v2): issued before d; closed_on on/after d, or no closed_on
    # and an open status.
    con.execute("""alter table penalties add column open_at_end boolean""")
    con.execute("""update penalties set open_at_end = issued_on < period_end() and (
                   closed_on >= period_end() or (closed_on is null
                   and status in ('open', 'petitioned', 'mitigated', 'referred')))""")
    # Importer penalty cases in the five-year window of the repeat-offender rule.
    con.execute(f"""create view window_cases as select * from penalties
                   where case_kind = 'penalty' and statute <> '19USC1641'
                     and importer_number is not null
                     and issued_on >= date '{year - 4}-01-01' and issued_on < period_end()""")
    return con


@pytest.fixture(scope="module", params=["generated", "bundled"])
def y2026(request, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    return _year(request.param, 2026, tmp_path_factory)


@pytest.fixture(scope="module", params=["generated", "bundled"])
def y2025(request, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    return _year(request.param, 2025, tmp_path_factory)


def _year(kind: str, year: int, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    if kind == "bundled":
        folder = SAMPLE / str(year)
    else:  # a small year of another seed: the scenarios are scripted, not luck
        folder = tmp_path_factory.mktemp(f"v2-{year}")
        generate(folder, year=year, entries=120, seed=29)
    return _connect(folder, year)


def one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


# --- effective date -----------------------------------------------------------------------

def test_2026_entries_on_both_sides_of_the_effective_date(y2026) -> None:
    before, after = y2026.execute(
        "select count(*) filter (where not after_order), count(*) filter (where after_order) "
        "from entry_status").fetchone()
    assert before >= 12 and after >= 12  # every scripted violation fits on each side
    # the boundary: a foreign-IOR informal entry the day before the date and on it
    for day in ("2026-06-02", EFF):
        assert one(y2026, f"select count(*) from entry_status where entry_date = date '{day}' "
                          "and ior = 'foreign' and not formal") >= 1, day


@pytest.mark.parametrize("violation", [
    "ior = 'foreign' and not formal",
    "ior = 'foreign' and formal and not importer_validated and not licensed_broker",
    "ior = 'foreign' and bond_type = '8' and continuous_bond_permitted is not true",
    "ior = 'unknown'",
    "good_standing in ('not_good', 'suspended_debarred')",
])
def test_2026_each_dated_violation_before_and_after_the_order(y2026, violation) -> None:
    before, after = y2026.execute(
        f"select count(*) filter (where not after_order), count(*) filter (where after_order) "
        f"from entry_status where {violation}").fetchone()
    assert before >= 1 and after >= 1, (before, after)


def test_2025_is_wholly_before_the_order(y2025) -> None:
    assert one(y2025, "select count(*) from entry_status where after_order") == 0
    for violation in ("ior = 'foreign' and not formal",
                      "ior = 'foreign' and formal and not importer_validated and not licensed_broker",
                      "good_standing in ('not_good', 'suspended_debarred')"):
        assert one(y2025, f"select count(*) from entry_status where {violation}") >= 1, violation


def test_2026_certification_weaker_before_the_order(tmp_path) -> None:
    # The pre-order profile has more "no", unknown and empty certifications and disclosures.
    generate(tmp_path, year=2026, entries=3000, seed=29)
    for folder in (tmp_path, SAMPLE / "2026"):
        con = _connect(folder, 2026)
        for col in ("certification", "disclosure_complete"):
            before, after = con.execute(f"""
                select avg(({col} = 'yes')::int) filter (where not after_order),
                       avg(({col} = 'yes')::int) filter (where after_order)
                from entry_status where {col} is distinct from 'not_required'""").fetchone()
            assert before < after, (folder, col)


# --- the broker route ----------------------------------------------------------------------

def test_foreign_formal_entries_covered_only_under_the_default_reading(y2026, y2025) -> None:
    # a licensed, active broker that is not CTPAT-validated, the importer not validated
    sql = ("select count(*) from entry_status where ior = 'foreign' and formal "
           "and not importer_validated and licensed_broker and not broker_validated{}")
    assert one(y2026, sql.format(" and after_order")) >= 1
    assert one(y2026, sql.format(" and not after_order")) >= 1
    assert one(y2025, sql.format("")) >= 1


def test_foreign_formal_entries_through_unlicensed_and_inactive_filers(y2026) -> None:
    base = ("select count(*) from entry_status e join brokers b on b.filer_code = e.filer_code "
            "where ior = 'foreign' and formal and not importer_validated and after_order and ")
    assert one(y2026, base + "b.license_number is null") >= 1  # the parent's self-filer code
    assert one(y2026, base + "b.license_status = 'suspended' and b.ctpat_validated") >= 1


# --- penalties: as of the period's end -----------------------------------------------------

def test_closed_on_is_consistent_with_status(y2026, y2025) -> None:
    for con in (y2026, y2025):
        assert one(con, "select count(*) from penalties where status in "
                        "('paid', 'cancelled', 'closed') and closed_on is null") == 0
        assert one(con, "select count(*) from penalties where status not in "
                        "('paid', 'cancelled', 'closed') and closed_on is not null") == 0
        assert one(con, "select count(*) from penalties where closed_on < issued_on "
                        "or paid_on < issued_on or paid_on > closed_on") == 0
        assert one(con, "select count(*) from penalties where status = 'paid' "
                        "and (paid_on is null or paid_amount is null)") == 0
        # nothing is known after the export (31 January of the next year)
        assert one(con, "select count(*) from penalties where closed_on >= period_end() + 31 "
                        "or paid_on >= period_end() + 31") == 0


def test_cases_closed_and_paid_after_the_period_end(y2026, y2025) -> None:
    for con in (y2026, y2025):
        # paid and closed in the next year: open and unpaid at the end (a penalty and a claim)
        kinds = con.execute("""select list(distinct case_kind order by case_kind) from penalties
                               where paid_on >= period_end() and closed_on >= period_end()
                                 and status = 'paid' and open_at_end""").fetchone()[0]
        assert kinds == ["liquidated_damages", "penalty"]
        # closed on the period's last day: not open at the end; the day after: open
        assert one(con, "select count(*) from penalties where closed_on = period_end() - 1 "
                        "and not open_at_end") >= 1
        assert one(con, "select count(*) from penalties where closed_on = period_end() "
                        "and open_at_end") >= 1


def test_cancelled_cases_and_would_be_repeat_offenders(y2026, y2025) -> None:
    for con in (y2026, y2025):
        assert one(con, "select count(*) from penalties where status = 'cancelled' "
                        "and issued_on >= period_end() - interval 1 year") >= 1
        # importers with two penalty cases in the window when cancelled and broker cases
        # count (version 1), but fewer than two decided importer cases (version 2)
        escaped = con.execute(f"""
            select list(importer_number order by importer_number) from (
              select importer_number from penalties
              where case_kind = 'penalty' and importer_number is not null
                and issued_on >= period_end() - interval 5 year and issued_on < period_end()
              group by importer_number
              having count(*) >= 2
                 and count(*) filter (where status in {_DECIDED}
                                      and statute <> '19USC1641') < 2
                 and count(*) filter (where status = 'cancelled') >= 1)""").fetchone()[0]
        assert "81-209374600" in escaped  # Northbay: one decided, one cancelled, a broker case


def test_repeat_offenders_decided_and_pending(y2026, y2025) -> None:
    for con in (y2026, y2025):
        decided = con.execute(f"""select list(importer_number) from (
            select importer_number from window_cases group by all
            having count(*) filter (where status in {_DECIDED}) >= 2)""").fetchone()[0]
        assert "38-331047200" in decided  # Cedar Point Toys
        pending = con.execute(f"""select list(importer_number) from (
            select importer_number from window_cases group by all
            having count(*) filter (where status in {_DECIDED}) < 2
               and count(*) filter (where status in {_DECIDED} or status in {_PENDING}) >= 2)
            """).fetchone()[0]
        assert "47-391826500" in pending  # Blue Harbor: one decided, one petitioned


def test_broker_cases(y2026, y2025) -> None:
    for con in (y2026, y2025):
        sql = ("select count(*) from penalties where statute = '19USC1641' "
               "and case_kind = 'penalty' and filer_code is not null "
               "and issued_on >= period_end() - interval 1 year")
        assert one(con, sql) >= 2
        # one names the importer whose entry the broker filed: still the broker's exposure
        assert one(con, sql + " and importer_number is not null and entry_number is not null "
                              "and left(entry_number, 3) = filer_code") >= 1


def test_liquidated_damages_below_half_are_not_floor_cases(y2026) -> None:
    assert one(y2026, "select count(*) from penalties where case_kind = 'liquidated_damages' "
                      "and mitigated_amount < 0.5 * assessed_amount "
                      "and issued_on >= date '2026-01-01'") >= 1
    # penalty (floor) cases mitigated below half: after the effective date, and before it
    # (baseline only)
    floor = ("select count(*) from penalties where case_kind = 'penalty' "
             "and statute <> '19USC1641' and mitigated_amount < 0.5 * assessed_amount "
             "and issued_on >= date '2026-01-01' and issued_on {} date '" + EFF + "'")
    assert one(y2026, floor.format(">=")) >= 1
    assert one(y2026, floor.format("<")) >= 1


def test_1592_prior_disclosure_and_partial_amounts(y2026, y2025) -> None:
    for con in (y2026, y2025):
        open_1592 = ("select count(*) from penalties where statute = '19USC1592' "
                     "and importer_number is not null and open_at_end and ")
        # prior-disclosure fraud without loss of revenue: 0.10 x dutiable value
        assert one(con, open_1592 + "culpability = 'fraud' and prior_disclosure "
                                    "and loss_of_revenue = 0 and dutiable_value is not null") >= 1
        # prior-disclosure negligence or gross negligence: interest only
        assert one(con, open_1592 + "culpability in ('negligence', 'gross_negligence') "
                                    "and prior_disclosure") >= 1
        # amounts a limb needs are missing: partial sums
        assert one(con, open_1592 + "culpability = 'fraud' and not prior_disclosure "
                                    "and domestic_value is null") >= 1
        assert one(con, open_1592 + "culpability in ('negligence', 'gross_negligence') "
                                    "and coalesce(loss_of_revenue, 0) = 0 "
                                    "and dutiable_value is null") >= 1
        assert one(con, open_1592 + "loss_of_revenue is null") >= 1
        # and complete ones beside them
        assert one(con, open_1592 + "domestic_value is not null and dutiable_value is not null "
                                    "and loss_of_revenue > 0 and not prior_disclosure") >= 1


# --- disposals -----------------------------------------------------------------------------

def test_disposals_in_the_next_year_and_expedited_before_the_order(y2026, y2025) -> None:
    for con in (y2026, y2025):
        assert one(con, "select count(*) from disposals where disposed_on >= period_end()") >= 1
        # marked expedited but opened before the effective date: a data-quality finding
        assert one(con, f"select count(*) from disposals where expedited "
                        f"and opened_on < date '{EFF}'") >= 1
    assert one(y2026, f"select count(*) from disposals where expedited and opened_on >= "
                      f"date '{EFF}' and disposed_on < period_end()") >= 1
    assert one(y2026, "select count(*) from disposals where expedited "
                      "and disposed_on >= period_end()") >= 1
    # before the order nothing else is expedited: the one flagged case
    assert one(y2025, "select count(*) from disposals where expedited") == 1


# --- text from the data --------------------------------------------------------------------

def test_importer_names_with_markup_characters(y2026) -> None:
    names = y2026.execute("select list(importer_name) from importers "
                          "where importer_name similar to '.*[&<>].*'").fetchone()[0]
    assert names and any("&" in n for n in names)
    # an entry of such an importer in the year, so the name reaches the report
    assert one(y2026, "select count(*) from entry_status where importer_name like '%&%'") >= 1
