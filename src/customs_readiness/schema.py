"""The input data contract as data: tables, columns, kinds, enumerations and keys.

This module is the single source of truth for what the loader accepts and what the
stored tables look like. Everything else (loader, metrics, sample generator, docs)
reads it from here rather than repeating column lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds. Each kind has one parse rule in normalize.py.
TEXT = "text"  # trimmed, kept as given (names)
IDENT = "ident"  # trimmed and upper-cased
ENTRY_NUMBER = "entry_number"  # upper-cased, dashes and spaces dropped, 11 alphanumerics
FILER_CODE = "filer_code"  # 3 alphanumerics, upper-cased
HTS = "hts"  # dots and spaces dropped, 10 digits
COUNTRY = "country"  # ISO 3166 alpha-2
PORT = "port"  # 4 digits
ENTRY_TYPE = "entry_type"  # 2 digits, a single digit is left-padded
BOND_TYPE = "bond_type"  # 0, 8 or 9
DATE = "date"  # ISO YYYY-MM-DD or US MM/DD/YYYY
AMOUNT = "amount"  # exact DECIMAL(18,2); "$1,234.56" accepted; negative is an error
BOOL = "bool"  # true/false, yes/no, y/n, 1/0; empty = unknown (NULL)
INT = "int"  # whole number >= 0
ENUM = "enum"  # one of a fixed set, case-insensitive

SQL_TYPES = {
    TEXT: "VARCHAR",
    IDENT: "VARCHAR",
    ENTRY_NUMBER: "VARCHAR",
    FILER_CODE: "VARCHAR",
    HTS: "VARCHAR",
    COUNTRY: "VARCHAR",
    PORT: "VARCHAR",
    ENTRY_TYPE: "VARCHAR",
    BOND_TYPE: "VARCHAR",
    DATE: "DATE",
    AMOUNT: "DECIMAL(18,2)",
    BOOL: "BOOLEAN",
    INT: "INTEGER",
    ENUM: "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    aliases: dict[str, str] = field(default_factory=dict)  # extra spellings -> value (ENUM)
    empty_as: str | None = None  # value stored when the cell is empty (ENUM)
    description: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


CERTIFICATION_VALUES = ("yes", "no", "not_required", "unknown")
CTPAT_TIERS = ("none", "tier_1", "tier_2", "tier_3", "suspended")
GOOD_STANDING = ("good", "not_good", "suspended_debarred", "unknown")
LICENSE_STATUS = ("active", "suspended", "revoked")
LIQUIDATION_STATUS = ("unliquidated", "liquidated", "extended", "suspended", "deemed")
# ACE spellings of liquidation status, after lower-casing and folding spaces/dashes to "_".
LIQUIDATION_ALIASES = {
    "pending_liquidation": "unliquidated",
    "pending": "unliquidated",
    "open": "unliquidated",
    "not_liquidated": "unliquidated",
    "liquidation_extended": "extended",
    "extension": "extended",
    "liquidation_suspended": "suspended",
    "suspension": "suspended",
    "deemed_liquidated": "deemed",
    "deemed_liquidation": "deemed",
    "final": "liquidated",
    "liquidated_final": "liquidated",
}
CASE_KINDS = ("penalty", "liquidated_damages")
STATUTES = ("19USC1592", "19USC1595a", "19USC1641", "19USC1526f", "bond", "other")
CULPABILITY = ("negligence", "gross_negligence", "fraud", "none")
CASE_STATUS = ("open", "petitioned", "mitigated", "paid", "cancelled", "referred", "closed")
DISPOSAL_ACTIONS = ("detention", "seizure", "general_order", "abandonment")
PROGRAMS = ("ipr", "uflpa", "forced_labor", "import_safety", "pga", "adcvd_evasion", "other")
DISPOSITIONS = (
    "pending",
    "released",
    "destroyed",
    "sold",
    "exported",
    "forfeited",
    "abandoned",
    "third_party_disposal",
)

IMPORTERS = Table(
    "importers",
    key=("importer_number",),
    required=True,
    description="The importer-of-record registry, one row per importer number.",
    columns=(
        Column("importer_number", IDENT, required=True),
        Column("importer_name", TEXT, required=True),
        Column("country", COUNTRY),
        Column("us_organized", BOOL),
        Column("us_physical_presence", BOOL),
        Column("us_assets_sufficient", BOOL),
        Column("us_controlling_owner", BOOL),
        Column("foreign_ior", BOOL),
        Column("ctpat_tier", ENUM, values=CTPAT_TIERS,
               aliases={"tier1": "tier_1", "tier2": "tier_2", "tier3": "tier_3",
                        "certified": "tier_1", "validated": "tier_2"}),
        Column("ctpat_validated_on", DATE),
        Column("continuous_bond_permitted", BOOL),
        Column("good_standing", ENUM, values=GOOD_STANDING, empty_as="unknown"),
    ),
)

BROKERS = Table(
    "brokers",
    key=("filer_code",),
    description="Customs brokers and self-filers, one row per filer code.",
    columns=(
        Column("filer_code", FILER_CODE, required=True),
        Column("broker_name", TEXT),
        Column("license_number", IDENT),
        # Defaults to "active" when a license number is given (see loader).
        Column("license_status", ENUM, values=LICENSE_STATUS),
        Column("ctpat_validated", BOOL),
        Column("ctpat_validated_on", DATE),
    ),
)

ENTRIES = Table(
    "entries",
    key=("entry_number",),
    required=True,
    description="Entry summary headers, one row per entry.",
    columns=(
        Column("entry_number", ENTRY_NUMBER, required=True),
        Column("entry_type", ENTRY_TYPE, required=True),
        Column("importer_number", IDENT, required=True),
        Column("entry_date", DATE, required=True),
        # Defaults to the first 3 characters of entry_number (see loader).
        Column("filer_code", FILER_CODE),
        Column("port_code", PORT),
        Column("entry_summary_date", DATE),
        Column("bond_type", BOND_TYPE),
        Column("certification", ENUM, values=CERTIFICATION_VALUES, empty_as="unknown",
               aliases={"y": "yes", "n": "no", "true": "yes", "false": "no", "n/a": "not_required",
                        "na": "not_required"}),
        Column("disclosure_complete", ENUM, values=CERTIFICATION_VALUES, empty_as="unknown",
               aliases={"y": "yes", "n": "no", "true": "yes", "false": "no", "n/a": "not_required",
                        "na": "not_required"}),
        Column("psc_filed", BOOL),
        Column("prior_disclosure", BOOL),
        Column("liquidation_status", ENUM, values=LIQUIDATION_STATUS, aliases=LIQUIDATION_ALIASES),
        Column("liquidation_date", DATE),
    ),
)

ENTRY_LINES = Table(
    "entry_lines",
    key=("entry_number", "line_number", "tariff_ordinal"),
    description="Entry summary lines, one row per line and tariff ordinal.",
    columns=(
        Column("entry_number", ENTRY_NUMBER, required=True),
        Column("line_number", INT, required=True),
        Column("tariff_ordinal", INT),  # defaults to 1
        Column("hts_number", HTS, required=True),
        Column("country_of_origin", COUNTRY),
        Column("manufacturer_id", IDENT),
        Column("entered_value", AMOUNT, required=True),
        Column("duty_amount", AMOUNT),
        Column("mpf_amount", AMOUNT),
        Column("hmf_amount", AMOUNT),
        Column("spi", IDENT),
        Column("adcvd_case", IDENT),
    ),
)

PENALTIES = Table(
    "penalties",
    key=("case_number",),
    description="Fines, penalties and forfeitures cases: penalties and liquidated damages.",
    columns=(
        Column("case_number", IDENT, required=True),
        Column("case_kind", ENUM, required=True, values=CASE_KINDS,
               aliases={"ld": "liquidated_damages", "liquidated_damage": "liquidated_damages"}),
        Column("statute", ENUM, values=STATUTES,
               aliases={s.lower(): s for s in STATUTES}
               | {"1592": "19USC1592", "1595a": "19USC1595a", "1641": "19USC1641",
                  "1526f": "19USC1526f", "19_usc_1592": "19USC1592", "19_usc_1595a": "19USC1595a",
                  "19_usc_1641": "19USC1641", "19_usc_1526f": "19USC1526f"}),
        Column("culpability", ENUM, values=CULPABILITY),
        Column("importer_number", IDENT),
        Column("filer_code", FILER_CODE),
        Column("entry_number", ENTRY_NUMBER),
        Column("issued_on", DATE, required=True),
        Column("assessed_amount", AMOUNT, required=True),
        Column("loss_of_revenue", AMOUNT),
        Column("dutiable_value", AMOUNT),
        Column("domestic_value", AMOUNT),
        Column("status", ENUM, required=True, values=CASE_STATUS),
        Column("mitigated_amount", AMOUNT),
        Column("paid_amount", AMOUNT),
        Column("paid_on", DATE),
        # Optional: the day the case was closed, paid in full or cancelled. Without it the
        # exported status is the best knowledge of the case at any date (docs/data-contract.md).
        Column("closed_on", DATE),
        Column("prior_disclosure", BOOL),
    ),
)

DISPOSALS = Table(
    "disposals",
    key=("case_id",),
    description="Detained, seized, general-order and abandoned shipments.",
    columns=(
        Column("case_id", IDENT, required=True),
        Column("action", ENUM, required=True, values=DISPOSAL_ACTIONS,
               aliases={"go": "general_order"}),
        Column("program", ENUM, values=PROGRAMS),
        Column("entry_number", ENTRY_NUMBER),
        Column("importer_number", IDENT),
        Column("opened_on", DATE, required=True),
        Column("disposition", ENUM, values=DISPOSITIONS),
        Column("disposed_on", DATE),
        Column("expedited", BOOL),
        Column("domestic_value", AMOUNT),
        Column("msrp_value", AMOUNT),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (IMPORTERS, BROKERS, ENTRIES, ENTRY_LINES, PENALTIES, DISPOSALS)
}

# Bookkeeping columns every stored table carries, for traceability back to the input.
TRACE_COLUMNS = (
    ("_load_id", "INTEGER"),  # which `readiness load` brought the row (loads.load_id)
    ("_file", "VARCHAR"),  # file name inside the data folder
    ("_row", "BIGINT"),  # row number in that file as a spreadsheet shows it (header = row 1)
)


def create_table_sql(table: Table) -> str:
    """DDL of a stored table: contract columns with explicit types, then trace columns."""
    cols = [f"{c.name} {c.sql_type}" for c in table.columns]
    cols += [f"{n} {t}" for n, t in TRACE_COLUMNS]
    return f"create table if not exists {table.name} (\n  " + ",\n  ".join(cols) + "\n)"
