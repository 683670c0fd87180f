"""A small year for the board pack, small enough to check every figure by hand.

CY2026 (the order's default effective date 2026-06-03). Importers of record:
  12-3456789AA  Acme Imports LLC          domestic (all four U.S. tests pass), CTPAT tier 2
  251234-56789  HOSTILE name (markup)     foreign (all four tests fail), no CTPAT, no bond
                                          permission; two decided cases in 2024 and 2025:
                                          a repeat offender
  260101-12345  Badstanding GmbH          foreign (no U.S. physical presence), not in good
                                          standing
  33-0000000BB  Unknown Status Corp       unknown (two tests not stated)
  99-9999999ZZ  (not in the registry)     unknown
Filer codes: LIC (licensed, no CTPAT), CTP (licensed, CTPAT-validated), REV (license
revoked), SLF (no filer code on the entry: the entry number's first three characters; not in
the broker registry), PEN (no entry; a 19 U.S.C. 1641 case only).

Entries (value excludes Chapter 99 ordinals; duty counts every ordinal):
  E1 LIC00000011 Overseas 11 2026-07-01 LIC bond 9            1,000.00 (+500.00 Ch.99)  75.00
  E2 REV00000029 Overseas 01 2026-07-02 REV bond 8 disc. no   5,000.00   100.00 (1 of 2 lines
                                                                         without duty)
  E3 LIC00000037 Acme     01 2026-08-01 LIC cert. no, PSC     10,000.00  400.00
  E4 CTP00000045 Acme     01 2026-09-01 CTP                   20,000.00  800.00
  E5 CTP00000052 Badst.   01 2026-10-01 CTP                    4,000.00  200.00
  E6 CTP00000060 Badst.   01 2026-03-01 CTP (before the order) 7,000.00  300.00
  E7 SLF00000078 Unknown  01 2026-11-01 (no filer code)          600.00   30.00
  E8 LIC00000086 ZZ       01 2026-11-02 LIC                      800.00   40.00
  E9 LIC00000094 Overseas 11 2026-05-01 LIC (before the order)   300.00   10.00
Cases: P1 (2024, paid) and P2 (2025, closed): Overseas's decided 1592 cases; P3 open 1592
case of Overseas naming E1, issued 2026-07-15, assessed 10,000.00 (a floor case, payable in
full: repeat offender); P4 an open 1641 case against broker PEN, 2,500.00.

The red and amber controls, their records from the effective date and the money behind
them (EXPECTED_MONEY) are worked out in tests/test_board_money.py.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tables

HOSTILE = ("<b>Overseas</b> & <img src=http://127.0.0.1:{port}/x> Trading "
           "<script>alert(1)</script>")
US_TESTS = ["us_organized", "us_physical_presence", "us_assets_sufficient",
            "us_controlling_owner"]
IMPORTERS = ["12-3456789AA", "251234-56789", "260101-12345", "33-0000000BB", "99-9999999ZZ"]
FILER_CODES = ["CTP", "LIC", "PEN", "REV", "SLF"]


def importers(name: str) -> tuple[list[str], list[list[object]]]:
    return (["importer_number", "importer_name", "country", *US_TESTS, "ctpat_tier",
             "ctpat_validated_on", "continuous_bond_permitted", "good_standing"], [
        ["12-3456789AA", "Acme Imports LLC", "US", "yes", "yes", "yes", "yes", "tier_2",
         "2020-01-01", "", "good"],
        ["251234-56789", name, "CN", "no", "no", "no", "no", "none", "", "no", "good"],
        ["260101-12345", "Badstanding GmbH", "DE", "yes", "no", "yes", "yes", "none", "", "",
         "not_good"],
        ["33-0000000BB", "Unknown Status Corp", "US", "yes", "", "yes", "", "none", "", "",
         "good"],
    ])


BROKERS = (["filer_code", "broker_name", "license_number", "license_status", "ctpat_validated",
            "ctpat_validated_on"], [
    ["LIC", "Licensed Broker Inc", "12345", "active", "no", ""],
    ["CTP", "CTPAT Broker LLC", "22222", "active", "yes", "2019-05-01"],
    ["REV", "Revoked Broker Co", "33333", "revoked", "no", ""],
    ["PEN", "Penalised Broker Co", "44444", "active", "no", ""],
])

ENTRY_HEADER = ["entry_number", "entry_type", "importer_number", "entry_date", "filer_code",
                "bond_type", "certification", "disclosure_complete", "psc_filed"]
ENTRIES_2026 = [
    ["LIC00000011", "11", "251234-56789", "2026-07-01", "LIC", "9", "yes", "yes", "no"],
    ["REV00000029", "01", "251234-56789", "2026-07-02", "REV", "8", "yes", "no", "no"],
    ["LIC00000037", "01", "12-3456789AA", "2026-08-01", "LIC", "8", "no", "yes", "yes"],
    ["CTP00000045", "01", "12-3456789AA", "2026-09-01", "CTP", "8", "yes", "yes", "no"],
    ["CTP00000052", "01", "260101-12345", "2026-10-01", "CTP", "9", "yes", "yes", "no"],
    ["CTP00000060", "01", "260101-12345", "2026-03-01", "CTP", "9", "yes", "yes", "no"],
    ["SLF00000078", "01", "33-0000000BB", "2026-11-01", "", "9", "yes", "yes", "no"],
    ["LIC00000086", "01", "99-9999999ZZ", "2026-11-02", "LIC", "9", "yes", "yes", "no"],
    ["LIC00000094", "11", "251234-56789", "2026-05-01", "LIC", "9", "yes", "yes", "no"],
]
LINE_HEADER = ["entry_number", "line_number", "tariff_ordinal", "hts_number",
               "country_of_origin", "manufacturer_id", "entered_value", "duty_amount"]
LINES_2026 = [
    ["LIC00000011", "1", "1", "8471300100", "CN", "CNMAN1SHA", "1000.00", "50.00"],
    ["LIC00000011", "1", "2", "9903880300", "CN", "CNMAN1SHA", "500.00", "25.00"],
    ["REV00000029", "1", "1", "8471300100", "CN", "CNMAN1SHA", "2000.00", "100.00"],
    ["REV00000029", "2", "1", "8471300100", "CN", "CNMAN1SHA", "3000.00", ""],
    ["LIC00000037", "1", "1", "8471300100", "US", "USMAN1NYC", "10000.00", "400.00"],
    ["CTP00000045", "1", "1", "8471300100", "US", "USMAN1NYC", "20000.00", "800.00"],
    ["CTP00000052", "1", "1", "8471300100", "DE", "DEMAN1BER", "4000.00", "200.00"],
    ["CTP00000060", "1", "1", "8471300100", "DE", "DEMAN1BER", "7000.00", "300.00"],
    ["SLF00000078", "1", "1", "8471300100", "US", "USMAN1NYC", "600.00", "30.00"],
    ["LIC00000086", "1", "1", "8471300100", "US", "USMAN1NYC", "800.00", "40.00"],
    ["LIC00000094", "1", "1", "8471300100", "CN", "CNMAN1SHA", "300.00", "10.00"],
]
PENALTIES = (["case_number", "case_kind", "statute", "culpability", "importer_number",
              "filer_code", "entry_number", "issued_on", "assessed_amount", "status",
              "mitigated_amount", "paid_amount", "paid_on", "closed_on"], [
    ["P1", "penalty", "19USC1592", "negligence", "251234-56789", "", "", "2024-03-01",
     "1000.00", "paid", "", "1000.00", "2024-05-01", "2024-05-01"],
    ["P2", "penalty", "19USC1592", "negligence", "251234-56789", "", "", "2025-03-01",
     "2000.00", "closed", "", "", "", "2025-06-01"],
    ["P3", "penalty", "19USC1592", "negligence", "251234-56789", "", "LIC00000011",
     "2026-07-15", "10000.00", "open", "", "", "", ""],
    ["P4", "penalty", "19USC1641", "none", "", "PEN", "", "2026-04-01", "2500.00", "open",
     "", "", "", ""],
])

# The next year: Overseas files informally again (its informal-entry and repeat-offender
# findings stay), Acme files cleanly; every other finding of 2026 is gone.
ENTRIES_2027 = [
    ["LIC00000102", "11", "251234-56789", "2027-02-01", "LIC", "9", "yes", "yes", "no"],
    ["CTP00000110", "01", "12-3456789AA", "2027-03-01", "CTP", "8", "yes", "yes", "no"],
]
LINES_2027 = [
    ["LIC00000102", "1", "1", "8471300100", "CN", "CNMAN1SHA", "700.00", "35.00"],
    ["CTP00000110", "1", "1", "8471300100", "US", "USMAN1NYC", "9000.00", "360.00"],
]


def write_year_2026(folder: Path, name: str = "Overseas Trading Ltd") -> Path:
    return write_tables(folder, {
        "importers": importers(name), "brokers": BROKERS,
        "entries": (ENTRY_HEADER, ENTRIES_2026), "entry_lines": (LINE_HEADER, LINES_2026),
        "penalties": PENALTIES,
    })


def write_year_2027(folder: Path, name: str = "Overseas Trading Ltd") -> Path:
    return write_tables(folder, {
        "importers": importers(name), "brokers": BROKERS,
        "entries": (ENTRY_HEADER, ENTRIES_2027), "entry_lines": (LINE_HEADER, LINES_2027),
    })


def loaded(tmp_path: Path, name: str = "Overseas Trading Ltd", *, next_year: bool = False):
    """A database (file in tmp_path) with the board year loaded (and 2027 when asked)."""
    from customs_readiness import pipeline

    db = tmp_path / "board.duckdb"
    pipeline.load(write_year_2026(tmp_path / "y2026", name), db)
    if next_year:
        pipeline.load(write_year_2027(tmp_path / "y2027", name), db)
    return db


def figures(db: Path, year: int = 2026):
    """(read-only connection, figures) of ``year`` as the report computes them."""
    from customs_readiness import pipeline
    from customs_readiness.policy import load_policy

    con = pipeline.open_database(db, write=False)
    return con, pipeline.compute(con, year, load_policy(None), store=False)
