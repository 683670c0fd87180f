"""Every entry-level control of the catalog finds something in even a small sample.

The counts are computed here straight from the contract's definitions (not through the
metric SQL), on the loaded database, so the sample keeps feeding every report section.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.sample import generate

# IOR status per entry as the contract defines it: explicit foreign_ior, else any us_* test
# false -> foreign, all true -> domestic, otherwise (or not in the registry) unknown.
_STATUS = """
create temp view entry_status as
select e.*, i.ctpat_tier, i.ctpat_validated_on, i.continuous_bond_permitted, i.good_standing,
  case
    when i.importer_number is null then 'unknown'
    when i.foreign_ior is not null then case when i.foreign_ior then 'foreign' else 'domestic' end
    when false in (i.us_organized, i.us_physical_presence, i.us_assets_sufficient,
                   i.us_controlling_owner) then 'foreign'
    when i.us_organized and i.us_physical_presence and i.us_assets_sufficient
         and i.us_controlling_owner then 'domestic'
    else 'unknown'
  end as ior_status,
  -- CTPAT cover under the order as published (catalog version 2's default reading): the
  -- importer's own validation, or a licensed broker whose licence is active.
  (i.ctpat_tier in ('tier_2', 'tier_3')
     and coalesce(i.ctpat_validated_on <= e.entry_date, true))
  or coalesce(b.license_number is not null and b.license_status = 'active', false) as ctpat_cover
from entries e
left join importers i using (importer_number)
left join brokers b on b.filer_code = e.filer_code
"""


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    base = tmp_path_factory.mktemp("violations")
    generate(base / "data", year=2026, entries=60, seed=3)
    con = connect(base / "db.duckdb")
    load_folder(con, base / "data")
    con.execute(_STATUS)
    return con


def _count(con: duckdb.DuckDBPyConnection, where: str) -> int:
    return con.execute(f"select count(*) from entry_status where {where}").fetchone()[0]


def test_sample_has_foreign_ior_informal_entries(con: duckdb.DuckDBPyConnection) -> None:
    assert _count(con, "ior_status = 'foreign' and entry_type in ('11', '12')") >= 1


def test_sample_has_foreign_ior_formal_without_cover(con: duckdb.DuckDBPyConnection) -> None:
    assert _count(con, "ior_status = 'foreign' and entry_type not in ('11', '12') "
                       "and not ctpat_cover") >= 1


def test_sample_has_foreign_ior_bond_without_permission(con: duckdb.DuckDBPyConnection) -> None:
    assert _count(con, "ior_status = 'foreign' and bond_type = '8' "
                       "and continuous_bond_permitted is not true") >= 1


def test_sample_has_unknown_ior_entries_both_kinds(con: duckdb.DuckDBPyConnection) -> None:
    assert _count(con, "ior_status = 'unknown' and good_standing is not null") >= 1  # in registry
    assert _count(con, "importer_number not in (select importer_number from importers)") >= 1


def test_sample_has_importers_not_in_good_standing(con: duckdb.DuckDBPyConnection) -> None:
    n = con.execute("select count(distinct importer_number) from entry_status "
                    "where good_standing in ('not_good', 'suspended_debarred')").fetchone()[0]
    assert n == 2  # Cedar Point Toys (not_good) and Meridian Kitchenware (suspended_debarred)


def test_sample_has_lines_missing_origin_or_mid(con: duckdb.DuckDBPyConnection) -> None:
    no_origin, no_mid = con.execute(
        "select count(*) filter (where country_of_origin is null), "
        "count(*) filter (where manufacturer_id is null) from entry_lines "
        "where hts_number not like '99%'").fetchone()
    assert no_origin >= 1 and no_mid >= 1


def test_sample_has_repeat_offender(con: duckdb.DuckDBPyConnection) -> None:
    # At least 2 decided importer penalty cases (not cancelled, not pending, not a broker's
    # 19 U.S.C. 1641 case) in [2022-01-01, 2027-01-01) for one importer.
    n = con.execute("""
        select count(*) from (
          select importer_number from penalties
          where case_kind = 'penalty' and issued_on >= date '2022-01-01'
            and issued_on < date '2027-01-01' and importer_number is not null
            and statute <> '19USC1641'
            and status in ('mitigated', 'paid', 'referred', 'closed')
          group by importer_number having count(*) >= 2)""").fetchone()[0]
    assert n >= 1


def test_sample_has_psc_cert_gaps_and_prior_disclosure(tmp_path: Path) -> None:
    # Rates need a few thousand entries to show: PSCs, "no"/unknown certifications, PDs.
    generate(tmp_path / "d", entries=3000, seed=3)
    con = connect(tmp_path / "db.duckdb")
    load_folder(con, tmp_path / "d")
    row = con.execute("""select count(*) filter (where psc_filed),
        count(*) filter (where prior_disclosure),
        count(*) filter (where certification = 'no'),
        count(*) filter (where certification = 'unknown'),
        count(*) filter (where certification = 'not_required'),
        count(*) filter (where disclosure_complete = 'no') from entries""").fetchone()
    assert all(v >= 1 for v in row), row
