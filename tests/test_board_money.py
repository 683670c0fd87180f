"""Money at stake on every finding, worked out by hand on the board year
(tests/_board_fixtures.py): entered value without Chapter 99 ordinals, duty over every
ordinal with the lines that lack it, the records before the order left out, penalty ranges
with their authority, each entry counted once in totals, priorities and stable ids."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs_readiness.report.findings import collect_findings, finding_id, findings_total

from _board_fixtures import figures, loaded

# control -> (records, entries, entered value, duty, lines without duty)
#   informal       E1 only (E9 is before the order): 1,000.00 (the 500.00 Ch.99 ordinal left
#                  out), duty 50.00 + 25.00 = 75.00
#   no CTPAT cover E2 (REV's license is revoked): 2,000.00 + 3,000.00; duty 100.00, 1 line
#                  without duty
#   bond           E2 again (bond 8, no permission)
#   IOR unknown    E7 (tests not stated) + E8 (not in the registry): 600 + 800; 30 + 40
#   standing       Badstanding's entries from 2026-06-03: E5 only (E6 is before): 4,000; 200
#   certification  6 of 7 in force -> red; E3: 10,000.00; 400.00
#   disclosure     6 of 7 -> red; E2: 5,000.00; 100.00 (1 line without duty)
#   PSC            1 of 9 = 11.1 % > 10 % -> red; E3
#   entry accuracy E1 (open case P3) + E3 (PSC): 11,000.00; 475.00
#   repeat         Overseas (P1 paid 2024, P2 closed 2025): penalty cases, no entries
EXPECTED_MONEY = {
    "foreign_ior_informal_entries": (1, 1, "1000.00", "75.00", 0),
    "foreign_ior_formal_without_ctpat_cover": (1, 1, "5000.00", "100.00", 1),
    "foreign_ior_continuous_bond_without_permission": (1, 1, "5000.00", "100.00", 1),
    "unknown_ior_status_entries": (2, 2, "1400.00", "70.00", 0),
    "importers_not_in_good_standing": (1, 1, "4000.00", "200.00", 0),
    "certification_rate": (1, 1, "10000.00", "400.00", 0),
    "disclosure_complete_rate": (1, 1, "5000.00", "100.00", 1),
    "psc_rate": (1, 1, "10000.00", "400.00", 0),
    "entry_compliance_rate": (2, 2, "11000.00", "475.00", 0),
    "repeat_offender_importers": (1, 0, "0", None, 0),
}


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    db = loaded(tmp_path_factory.mktemp("board"))
    con, fig = figures(db)
    found = collect_findings(con, fig)
    yield con, fig, found
    con.close()


def test_board_money_per_finding_matches_hand_computation(board):
    _con, fig, found = board
    by_id = {c["metric_id"]: c for c in found.controls}
    assert set(by_id) == set(EXPECTED_MONEY)  # origin/MID is green: no finding
    for mid, (records, entries, value, duty, missing) in EXPECTED_MONEY.items():
        c = by_id[mid]
        assert (c["records"], c["entries"]) == (records, entries), mid
        assert c["entered_value"] == Decimal(value), mid
        assert (None if c["duty"] is None else c["duty"]) == (
            None if duty is None else Decimal(duty)), mid
        assert c["duty_missing"] == missing, mid
        assert c["status"] == fig.run.results[mid].status
    assert by_id["foreign_ior_formal_without_ctpat_cover"]["duty_text"] == \
        "$100.00 (1 of 2 not provided)"
    assert by_id["repeat_offender_importers"]["value_text_money"] == "–"


def test_board_money_penalty_ranges_with_their_authority(board):
    _con, _fig, found = board
    by_id = {c["metric_id"]: c for c in found.controls}
    # 1592(c) ceilings on the entered value: 20 % (negligence) and 40 % (gross negligence)
    cert = by_id["certification_rate"]["penalties"]
    assert [(p["authority"], p["short"]) for p in cert] == \
        [("statute", "up to $2,000.00 – $4,000.00")]
    disc = by_id["disclosure_complete_rate"]["penalties"]
    assert [p["short"] for p in disc] == ["up to $1,000.00 – $2,000.00"]
    # the floor scenario: P3 (open, on E1, Overseas is a repeat offender) is payable in full
    for mid in ("foreign_ior_informal_entries", "entry_compliance_rate",
                "repeat_offender_importers"):
        assert [(p["authority"], p["short"]) for p in by_id[mid]["penalties"]] == \
            [("reported", "$10,000.00 (in full)")], mid
    # the order's eligibility conditions carry no penalty amount
    assert by_id["foreign_ior_formal_without_ctpat_cover"]["penalties"] == []
    assert by_id["psc_rate"]["penalties"] == []


def test_board_money_total_counts_each_entry_once(board):
    con, _fig, found = board
    # E1, E2, E3, E5, E7, E8: 1,000 + 5,000 + 10,000 + 4,000 + 600 + 800 = 21,400.00;
    # duty 75 + 100 + 400 + 200 + 30 + 40 = 845.00 with E2's line without duty
    total = findings_total(con, found)
    assert (total["entries"], total["entered_value"], total["duty"]) == \
        (6, Decimal("21400.00"), Decimal("845.00"))
    assert total["duty_text"] == "$845.00 (1 of 8 not provided)"
    elig = findings_total(con, found, ["foreign_ior_informal_entries",
                                       "foreign_ior_formal_without_ctpat_cover",
                                       "foreign_ior_continuous_bond_without_permission",
                                       "importers_not_in_good_standing"])
    assert (elig["entries"], elig["entered_value"]) == (3, Decimal("10000.00"))  # E1, E2, E5


def test_board_money_findings_by_importer_with_stable_ids(board):
    _con, _fig, found = board
    rows = {(r["metric_id"], r["importer_number"]): r for r in found.rows}
    assert len(rows) == len(found.rows) == 12
    assert rows[("entry_compliance_rate", "251234-56789")]["entered_value"] == Decimal("1000.00")
    assert rows[("entry_compliance_rate", "12-3456789AA")]["entered_value"] == Decimal("10000.00")
    assert rows[("unknown_ior_status_entries", "99-9999999ZZ")]["importer_name"] == ""
    # the id is the control and the importer of record: the same next year
    r = rows[("foreign_ior_informal_entries", "251234-56789")]
    assert r["finding_id"] == finding_id("foreign_ior_informal_entries", "251234-56789")
    assert r["finding_id"].startswith("F-") and len(r["finding_id"]) == 12
    assert len({r["finding_id"] for r in found.rows}) == 12
    # ranks are 1..n, priorities fall from high to low along them
    assert [r["rank"] for r in found.rows] == list(range(1, 13))
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[r["priority"]] for r in found.rows] == \
        sorted(order[r["priority"]] for r in found.rows)
    assert found.rows[0]["priority"] == "high"
