"""Shared helpers of the report tests: a tiny data folder, and a metric run for it.

The folder is small enough to check figures by hand:

2026 entries (calendar year): 6, across January, February and March.
  E1 01 IMP-A Jan  certification yes,  disclosure yes
  E2 01 IMP-A Jan  certification yes,  disclosure no
  E3 11 IMP-B Feb  certification no,   disclosure yes   (informal, foreign IOR)
  E4 01 IMP-B Feb  certification yes,  disclosure yes
  E5 01 IMP-A Mar  certification not_required, disclosure not_required
  E6 01 IMP-A Mar  certification unknown (empty), disclosure yes
One 2025 entry (Dec 31) and one 2027 entry (Jan 1) sit outside the period.

The entries fall before the order's default effective date (3 June 2026), so the figures of
the report tests are computed under tests/policies/order_in_force_2025.toml (the order in
force from 1 January 2025): the dated controls count every entry above. The effective date
itself is tested in test_report_v2.py and test_metric_cases_v2.py.
"""

from __future__ import annotations

import contextlib
import csv
import logging
from pathlib import Path

HOSTILE_NAME = "<img src=http://127.0.0.1:{port}/x> & <script>alert(1)</script>"

IMPORTERS = [
    ["importer_number", "importer_name", "country", "us_organized", "us_physical_presence",
     "us_assets_sufficient", "us_controlling_owner", "ctpat_tier", "good_standing",
     "continuous_bond_permitted"],
    ["12-3456789AA", "Acme Imports LLC", "US", "yes", "yes", "yes", "yes", "tier_2", "good", ""],
    ["251234-56789", "Overseas Trading Ltd", "CN", "no", "no", "no", "no", "none", "good", "no"],
]

ENTRIES = [
    ["entry_number", "entry_type", "importer_number", "entry_date", "port_code", "bond_type",
     "certification", "disclosure_complete", "psc_filed", "prior_disclosure"],
    ["ABC-1000001-1", "01", "12-3456789AA", "2026-01-05", "2704", "8", "yes", "yes", "no", "no"],
    ["ABC-1000002-9", "01", "12-3456789AA", "01/20/2026", "2704", "8", "yes", "no", "yes", "no"],
    ["ABC-1000003-7", "11", "251234-56789", "2026-02-10", "2704", "9", "no", "yes", "no", "no"],
    ["ABC-1000004-5", "01", "251234-56789", "2026-02-11", "2704", "8", "yes", "yes", "no", "no"],
    ["ABC-1000005-2", "01", "12-3456789AA", "2026-03-01", "2704", "8", "not_required",
     "not_required", "no", "no"],
    ["ABC-1000006-0", "01", "12-3456789AA", "2026-03-31", "2704", "8", "", "yes", "no", "no"],
    ["ABC-0999999-1", "01", "12-3456789AA", "2025-12-31", "2704", "8", "yes", "yes", "no", "no"],
    ["ABC-2000001-1", "01", "12-3456789AA", "2027-01-01", "2704", "8", "yes", "yes", "no", "no"],
]

ENTRY_LINES = [
    ["entry_number", "line_number", "tariff_ordinal", "hts_number", "country_of_origin",
     "manufacturer_id", "entered_value", "duty_amount", "mpf_amount", "hmf_amount"],
    ["ABC10000011", "1", "1", "8471.30.0100", "CN", "CNMAN123SHA", "1000.00", "25.00", "3.46", ""],
    ["ABC10000011", "1", "2", "9903.88.0300", "CN", "CNMAN123SHA", "0", "250.00", "", ""],
    ["ABC10000029", "1", "1", "6109.10.0012", "VN", "", "$2,000.50", "330.08", "6.92", ""],
    ["ABC10000037", "1", "1", "6109.10.0012", "CN", "CNMAN123SHA", "500.00", "82.50", "", ""],
    ["ABC10000045", "1", "1", "8471.30.0100", "CN", "CNMAN123SHA", "1500.00", "0", "5.19", ""],
    ["ABC10000052", "1", "1", "8471.30.0100", "MX", "MXMAN1MEX", "700.00", "0", "2.42", ""],
    ["ABC10000060", "1", "1", "8471.30.0100", "MX", "MXMAN1MEX", "300.00", "0", "1.04", ""],
    ["ABC10000060", "2", "1", "8471.30.0100", "MX", "MXMAN1MEX", "not-a-number", "0", "", ""],
]

PENALTIES = [
    ["case_number", "case_kind", "statute", "culpability", "importer_number", "entry_number",
     "issued_on", "assessed_amount", "loss_of_revenue", "dutiable_value", "domestic_value",
     "status", "mitigated_amount", "paid_amount"],
    ["2026-2704-000101", "penalty", "19USC1592", "negligence", "251234-56789", "ABC10000037",
     "2026-04-15", "10000.00", "1000.00", "50000.00", "60000.00", "mitigated", "2000.00", ""],
    ["2026-2704-000102", "liquidated_damages", "bond", "none", "12-3456789AA", "", "2026-06-01",
     "500.00", "", "", "", "paid", "", "500.00"],
]

DISPOSALS = [
    ["case_id", "action", "program", "entry_number", "importer_number", "opened_on",
     "disposition", "disposed_on", "expedited", "domestic_value", "msrp_value"],
    ["S-1", "seizure", "ipr", "ABC10000045", "251234-56789", "2026-02-20", "destroyed",
     "2026-03-22", "yes", "800.00", "4000.00"],
    ["D-1", "detention", "uflpa", "ABC10000037", "251234-56789", "2026-02-15", "pending", "", "",
     "500.00", ""],
]


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def write_folder(folder: Path, importer_name: str | None = None, with_penalties: bool = True,
                 with_disposals: bool = True) -> Path:
    """Write the tiny data folder; optionally rename the first importer (hostile names)."""
    folder.mkdir(parents=True, exist_ok=True)
    importers = [list(r) for r in IMPORTERS]
    if importer_name is not None:
        importers[1][1] = importer_name
    _write(folder / "importers.csv", importers)
    _write(folder / "entries.csv", ENTRIES)
    _write(folder / "entry_lines.csv", ENTRY_LINES)
    if with_penalties:
        _write(folder / "penalties.csv", PENALTIES)
    if with_disposals:
        _write(folder / "disposals.csv", DISPOSALS)
    return folder


def loaded_db(tmp_path: Path, **kwargs):
    """A DuckDB database (file in tmp_path) holding the tiny folder, loaded by the loader."""
    from customs_readiness.db import connect
    from customs_readiness.ingest import load_folder

    folder = write_folder(tmp_path / "data", **kwargs)
    con = connect(tmp_path / "readiness.duckdb")
    load_folder(con, folder)
    return con


# ------------------------------------------------------------------ helpers


IN_FORCE_POLICY = Path(__file__).resolve().parent / "policies" / "order_in_force_2025.toml"


def metric_run(con, year: int = 2026, policy_path=IN_FORCE_POLICY):
    """The real metric engine's run of ``year`` (the order in force for the whole year)."""
    return metric_figures(con, year, policy_path).run


def metric_figures(con, year: int = 2026, policy_path=IN_FORCE_POLICY):
    """The real metric engine's figures of ``year`` (the order in force for the whole
    year), stored, as the pipeline hands them to the report."""
    from customs_readiness.metrics import compute_or_load, period_for
    from customs_readiness.policy import load_policy

    policy = load_policy(policy_path)
    return compute_or_load(con, period_for(year, policy.fiscal_year_start_month), policy,
                           store=True, reuse=False)


class WeasyPrintLog(logging.Handler):
    """Collects WeasyPrint's log records of level WARNING and above (tests fail on any)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


@contextlib.contextmanager
def weasyprint_log():
    handler = WeasyPrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def pdf_text(path) -> list[str]:
    """Text of every page of a PDF (pypdf)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def outline_titles(path) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark of a PDF, in order."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    out: list[tuple[int, str]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title))

    walk(reader.outline, 0)
    return out
