"""Names every layer prints the same way: section titles, status labels, entry-type groups.

One definition each, imported by the metric catalog, the terminal table, the exception
workbook and the report (which must not import the metric engine, so they live here).
"""

from __future__ import annotations

# Section ids of the catalog and their titles.
SECTIONS: dict[str, str] = {
    "volume": "Volume and importer profile",
    "eligibility": "Importer-of-record eligibility",
    "disclosure": "Disclosure, certification and entry accuracy",
    "penalties": "Penalties and liquidated damages",
    "disposals": "Detentions, seizures and disposals",
    "data_quality": "Data quality and overall",
}
# Metrics of a section not listed above (user metrics) are printed under this title.
EXTRA_SECTION_TITLE = "Additional metrics"

STATUS_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "n/a": "n/a"}
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, "n/a": 3}

# The entry-type groups of CBP's trade statistics (working set period_volume).
ENTRY_TYPE_GROUPS = {
    1: "Formal consumption (01-08)",
    2: "Informal (11, 12)",
    3: "Warehouse, TIB and FTZ admission (21-26)",
    4: "Warehouse withdrawal (31-38)",
    5: "Government (51, 52)",
    6: "Other entry types",
}

# Where a figure's force comes from (metric header key `authority`), as printed beside it.
AUTHORITY_LABELS = {
    "order": "Order",
    "reported": "Reported",
    "statute": "Statute",
    "indicator": "Indicator",
}
AUTHORITY_LEGEND = {
    "order": "the text of Executive Order 14411 as published",
    "reported": "a reading reported by secondary sources, pending CBP's rules",
    "statute": "existing statute and regulation",
    "indicator": "this tool's own measure",
}
