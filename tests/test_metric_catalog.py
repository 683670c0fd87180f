"""The catalog as files: every metric has a valid header and hand-computed cases; headers are
validated strictly; no clock and no formatted parameters in the SQL."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import test_metric_cases_data_quality
import test_metric_cases_disclosure
import test_metric_cases_disposals
import test_metric_cases_eligibility
import test_metric_cases_penalties
import test_metric_cases_v2
import test_metric_cases_volume

from customs_readiness.errors import ConfigError
from customs_readiness.metrics import (
    CATALOG_ORDER,
    SECTIONS,
    catalog_dir,
    discover,
    parse_metric_file,
    period_for,
    query_parameters,
    used_parameters,
)
from customs_readiness.metrics.engine import WORKING_SET_PARAMETERS
from customs_readiness.policy import load_policy

CASE_MODULES = (test_metric_cases_volume, test_metric_cases_eligibility,
                test_metric_cases_disclosure, test_metric_cases_penalties,
                test_metric_cases_disposals, test_metric_cases_data_quality,
                test_metric_cases_v2)
CONTROL_IDS = {
    "foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
    "foreign_ior_continuous_bond_without_permission", "unknown_ior_status_entries",
    "importers_not_in_good_standing", "certification_rate", "disclosure_complete_rate",
    "origin_mid_completeness_rate", "psc_rate", "entry_compliance_rate",
    "repeat_offender_importers",
}


def test_metric_catalog_every_file_has_a_case() -> None:
    covered = {c.metric for m in CASE_MODULES for c in m.CASES}
    files = {p.stem for p in catalog_dir().glob("*.sql")}
    missing = sorted(files - covered)
    assert not missing, f"metric files without a hand-computed case: {missing}"


def test_metric_catalog_every_case_has_an_empty_period_or_boundary_case() -> None:
    names: dict[str, set[str]] = {}
    for m in CASE_MODULES:
        for c in m.CASES:
            names.setdefault(c.metric, set()).add(c.name)
    lacking = sorted(mid for mid, ns in names.items()
                     if mid != "rejected_rows"
                     and not any("empty" in n or "boundar" in n for n in ns))
    assert not lacking


def test_metric_catalog_files_match_the_spec_ids() -> None:
    files = sorted(p.stem for p in catalog_dir().glob("*.sql"))
    assert files == sorted(CATALOG_ORDER)
    assert [d.id for d in discover()] == list(CATALOG_ORDER)


def test_metric_catalog_base_sql_is_not_a_metric() -> None:
    base = sorted(p.name for p in (catalog_dir() / "_base").glob("*.sql"))
    assert base and "10_period_entries.sql" in base
    assert all(not d.id[0].isdigit() for d in discover())


def test_metric_catalog_headers_complete_and_controls_as_spec() -> None:
    defs = discover()
    for d in defs:
        assert d.title and d.definition and d.basis, d.id
        assert d.section in SECTIONS
        assert d.status_rule  # human text
    assert {d.id for d in defs if d.is_control} == CONTROL_IDS
    # sections appear in the spec's order
    sections = [d.section for d in defs]
    assert sorted(set(sections), key=sections.index) == list(SECTIONS)
    assert defs[-1].id == "readiness_score"


# metrics.md (catalog version 2): the authority of every metric and which ones are dated.
# (foreign_ior_formal_without_ctpat_cover_licensed is this project's addition: the order's own
# reading as its own figure, so the report can show both readings whatever the policy says)
ORDER = {"foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
         "foreign_ior_formal_without_ctpat_cover_licensed", "certification_rate", "disclosure_complete_rate", "expedited_disposals"}
REPORTED = {"foreign_ior_formal_without_ctpat_cover_strict",
            "foreign_ior_continuous_bond_without_permission", "importers_not_in_good_standing",
            "penalty_floor_breaches", "penalty_floor_uplift_amount", "repeat_offender_importers",
            "repeat_offender_importers_pending", "eo_minimum_payable_open"}
STATUTE = {"origin_mid_completeness_rate", "prior_disclosures", "penalty_cases",
           "broker_penalty_cases", "liquidated_damages_claims", "penalties_assessed_amount",
           "liquidated_damages_assessed_amount", "penalty_amount_paid", "mitigation_rate",
           "open_cases_at_period_end", "max_statutory_exposure_1592", "duty_restoration_1592d",
           "disposal_cases", "detentions", "seizures", "disposed_domestic_value",
           "median_days_to_disposal", "pending_disposals_at_period_end"}
DATED = {"foreign_ior_informal_entries", "foreign_ior_formal_without_ctpat_cover",
         "foreign_ior_formal_without_ctpat_cover_strict",
         "foreign_ior_formal_without_ctpat_cover_licensed",
         "foreign_ior_continuous_bond_without_permission", "importers_not_in_good_standing",
         "certification_rate", "disclosure_complete_rate", "expedited_disposals"}


def test_metric_catalog_authority_and_dated_as_spec() -> None:
    defs = {d.id: d for d in discover()}
    for mid, d in defs.items():
        expected = ("order" if mid in ORDER else "reported" if mid in REPORTED
                    else "statute" if mid in STATUTE else "indicator")
        assert d.authority == expected, mid
        assert d.dated == (mid in DATED), mid
    # the new ids of version 2 are in the catalog, in the spec's places
    order = list(CATALOG_ORDER)
    assert order.index("foreign_ior_formal_without_ctpat_cover_strict") == order.index(
        "foreign_ior_formal_without_ctpat_cover") + 1
    assert order.index("broker_penalty_cases") == order.index("penalty_cases") + 1
    assert order.index("repeat_offender_importers_pending") == order.index(
        "repeat_offender_importers") + 1
    assert order.index("duty_restoration_1592d") == order.index("max_statutory_exposure_1592") + 1
    # deciding columns: a figure is not provided when no loaded file carried them
    assert defs["certification_rate"].requires == ("entries.certification",)
    assert defs["foreign_ior_continuous_bond_without_permission"].requires == ("entries.bond_type",)


def test_metric_catalog_status_rule_text_uses_policy_numbers() -> None:
    d = {m.id: m for m in discover()}
    assert d["certification_rate"].status_rule == (
        "green if value >= 0.99, amber if value >= 0.95, else red")
    assert d["psc_rate"].status_rule == "green if value <= 0.05, amber if value <= 0.10, else red"
    assert d["unknown_ior_status_entries"].status_rule == "green if 0, else amber"
    assert d["entries_total"].status_rule == "informational"


def test_metric_catalog_no_clock_and_only_known_parameters() -> None:
    # metric and working-set queries take the engine's parameters; the report's own
    # aggregates (queries/_report) also take $limit (rows for the cover) and $metric_ids
    # (the controls whose findings are totalled), and the working sets (queries/_base) the
    # database's own facts (WORKING_SET_PARAMETERS)
    known = set(query_parameters(period_for(2025, 1), load_policy())) | {"limit"}
    clock = re.compile(r"\b(now|current_date|current_timestamp|today|get_current_time)\b", re.IGNORECASE)
    extras = {"_base": set(WORKING_SET_PARAMETERS), "_report": {"metric_ids"}}
    for p in sorted(catalog_dir().rglob("*.sql")):
        text = p.read_text()
        assert not clock.search(text), p
        extra = extras.get(p.parent.name, set())
        assert set(used_parameters(text)) <= known | extra, p
        # dates are parameters, never literals typed into a query
        assert not re.search(r"'\d{4}-\d{2}-\d{2}'", text), p


def test_metric_catalog_exception_lists_start_with_a_key() -> None:
    keys = {"entry_number", "importer_number", "case_number", "case_id"}
    with_lists = set()
    for d in discover():
        if d.exceptions_sql:
            code = re.sub(r"--[^\n]*", "", d.exceptions_sql)
            final_select = code[code.rindex("select"):]
            first = re.match(r"select\s+(?:\w+\.)?(\w+)", final_select).group(1)
            assert first in keys, d.id
            assert "_file" in final_select and "_row" in final_select, d.id
            with_lists.add(d.id)
    # every counting control metric has a list, and so do the cheap informational ones
    assert {"foreign_ior_informal_entries", "repeat_offender_importers",
            "penalty_floor_breaches", "open_cases_at_period_end",
            "pending_disposals_at_period_end"} <= with_lists


def test_metric_catalog_used_parameters_skip_comments_and_strings() -> None:
    sql = "select '$not_a_param' as x, $a -- $b isn't one\nfrom t where y = $c"
    assert used_parameters(sql) == ["a", "c"]


HEADER = """-- id = "{id}"
-- title = "T"
-- unit = "count"
-- section = "volume"
-- definition = "D"
-- basis = "B"
-- authority = "indicator"
-- status = "informational"
"""


def write_metric(folder: Path, stem: str, header: str, body: str = "select 1 as value") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{stem}.sql"
    p.write_text(header + "\n" + body + "\n")
    return p


@pytest.mark.parametrize("mutate, message", [
    (lambda h: h + '-- colour = "red"\n', "unknown header key 'colour'"),
    (lambda h: h.replace('-- basis = "B"\n', ""), "missing header key 'basis'"),
    (lambda h: h.replace('id = "my_metric"', 'id = "other"'), "differs from the file name"),
    (lambda h: h.replace('"count"', '"furlongs"'), "header key 'unit'"),
    (lambda h: h.replace('"volume"', '"misc"'), "header key 'section'"),
    (lambda h: h.replace('title = "T"', 'title = T'), "invalid TOML"),
    (lambda h: h.replace('"informational"', '{ better = "up", green = 0 }'), "status.better"),
    (lambda h: h.replace('"informational"', '{ better = "lower" }'), "status.green"),
    (lambda h: h.replace('"informational"', '{ better = "lower", green = 0, eval = "x" }'),
     "unknown key 'status.eval'"),
    (lambda h: h.replace('title = "T"', 'title = ""'), "header key 'title'"),
    (lambda h: h.replace('"indicator"', '"rumour"'), "header key 'authority'"),
    (lambda h: h + "-- dated = 1\n", "header key 'dated'"),
    (lambda h: h + '-- requires = "entries.certification"\n', "header key 'requires'"),
    (lambda h: h + '-- requires = ["certification"]\n', "header key 'requires'"),
])
def test_metric_catalog_header_errors_name_the_file(tmp_path: Path, mutate, message) -> None:
    p = write_metric(tmp_path, "my_metric", mutate(HEADER.format(id="my_metric")))
    with pytest.raises(ConfigError) as err:
        parse_metric_file(p, "user")
    assert str(p) in str(err.value)
    assert message in str(err.value)


def test_metric_catalog_authority_required_in_the_catalog_only(tmp_path: Path) -> None:
    header = HEADER.format(id="mine").replace('-- authority = "indicator"\n', "")
    p = write_metric(tmp_path, "mine", header)
    with pytest.raises(ConfigError, match="missing header key 'authority'"):
        parse_metric_file(p)  # a catalog file must say where its force comes from
    d = parse_metric_file(p, "user")  # a user's file written before version 2 still loads
    assert (d.authority, d.dated, d.requires) == ("indicator", False, ())


def test_metric_catalog_missing_header_and_empty_sql(tmp_path: Path) -> None:
    p = write_metric(tmp_path, "bare", "", "select 1 as value")
    with pytest.raises(ConfigError, match="missing metadata header"):
        parse_metric_file(p)
    p = write_metric(tmp_path, "empty", HEADER.format(id="empty"), "")
    with pytest.raises(ConfigError, match="no SQL"):
        parse_metric_file(p)
    p = write_metric(tmp_path, "noexc", HEADER.format(id="noexc"), "select 1 as value\n-- exceptions\n")
    with pytest.raises(ConfigError, match="exceptions"):
        parse_metric_file(p)


def test_metric_catalog_period_boundaries() -> None:
    cy = period_for(2025, 1)
    assert (cy.start, cy.end, cy.label) == (date(2025, 1, 1), date(2026, 1, 1), "CY2025")
    fy = period_for(2026, 10)
    assert (fy.start, fy.end, fy.label) == (date(2025, 10, 1), date(2026, 10, 1), "FY2026")
    with pytest.raises(ConfigError):
        period_for(2025, 13)


def test_metric_catalog_every_metric_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text()
    missing = [mid for mid in CATALOG_ORDER if f"`{mid}`" not in doc]
    assert not missing
