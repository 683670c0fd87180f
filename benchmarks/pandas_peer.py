"""The pandas peer: the script a compliance analyst would write instead of the tool.

It reads the six contract CSV files of a data folder with pandas (codes as text, dates
parsed, money as floating point, as such scripts do) and computes eleven of the catalog's
figures for a calendar year, with the policy defaults: entries, formal and informal
entries, entry lines, entered value, duty, entries with a foreign importer of record,
informal entries with a foreign importer of record (from the order's effective date),
entries whose importer-of-record status is unknown, the certification rate (from the
effective date) and penalty cases. No row is validated, nothing is stored, no exception
list or report is written.

`benchmarks/bench.py --peer` times it beside the tool's steps and checks that its figures
agree with `readiness metrics` on the same files (``agreement``): money to the cent, the
rest exactly.

    python benchmarks/pandas_peer.py DATA_DIR YEAR OUT.json
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

# The policy defaults the figures use (customs_readiness/policy.py): informal entry types
# and the order's effective date.
INFORMAL_TYPES = ("11", "12")
EFFECTIVE_ON = dt.date(2026, 6, 3)
US_TESTS = ("us_organized", "us_physical_presence", "us_assets_sufficient",
            "us_controlling_owner")
MONEY = ("entered_value_total", "duty_total")


def figures(folder: Path, year: int) -> dict[str, object]:
    """The eleven figures of ``year`` (calendar) from the CSV files in ``folder``: counts
    as int, money as float, the certification rate as [numerator, denominator]."""
    import pandas as pd

    text = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    importers = pd.read_csv(folder / "importers.csv", **text)
    entries = pd.read_csv(folder / "entries.csv", parse_dates=["entry_date"],
                          dtype={"entry_number": str, "entry_type": str,
                                 "importer_number": str, "certification": str},
                          usecols=["entry_number", "entry_type", "importer_number",
                                   "entry_date", "certification"])
    lines = pd.read_csv(folder / "entry_lines.csv",
                        dtype={"entry_number": str, "hts_number": str},
                        usecols=["entry_number", "line_number", "hts_number",
                                 "entered_value", "duty_amount"])
    penalties = pd.read_csv(folder / "penalties.csv", parse_dates=["issued_on"],
                            dtype={"case_kind": str}, usecols=["case_kind", "issued_on"])

    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
    scope_start = max(start, pd.Timestamp(EFFECTIVE_ON))
    e = entries[(entries.entry_date >= start) & (entries.entry_date < end)].copy()

    # importer of record: the explicit flag, else any failed U.S. test is foreign, four
    # passed tests domestic, anything else (or no registry row) unknown
    def status(row) -> str:
        if row.foreign_ior in ("true", "false"):
            return "foreign" if row.foreign_ior == "true" else "domestic"
        tests = [row[t] for t in US_TESTS]
        if "false" in tests:
            return "foreign"
        return "domestic" if all(t == "true" for t in tests) else "unknown"

    importers["ior_status"] = importers.apply(status, axis=1)
    e = e.merge(importers[["importer_number", "ior_status"]], on="importer_number",
                how="left")
    e["ior_status"] = e.ior_status.fillna("unknown")
    e["informal"] = e.entry_type.isin(INFORMAL_TYPES)
    in_scope = e.entry_date >= scope_start

    period_lines = lines[lines.entry_number.isin(e.entry_number)]
    value_lines = period_lines[~period_lines.hts_number.str.startswith("99", na=False)]
    certification = e.loc[in_scope, "certification"].fillna("unknown")
    p = penalties[(penalties.issued_on >= start) & (penalties.issued_on < end)]
    return {
        "entries_total": len(e),
        "formal_entries": int((~e.informal).sum()),
        "informal_entries": int(e.informal.sum()),
        "entry_lines_total": len(period_lines.drop_duplicates(["entry_number", "line_number"])),
        "entered_value_total": float(value_lines.entered_value.sum()),
        "duty_total": float(period_lines.duty_amount.sum()),
        "foreign_ior_entries": int((e.ior_status == "foreign").sum()),
        "foreign_ior_informal_entries": int(
            (e.informal & (e.ior_status == "foreign") & in_scope).sum()),
        "unknown_ior_status_entries": int((e.ior_status == "unknown").sum()),
        "certification_rate": [int((certification == "yes").sum()),
                               int((certification != "not_required").sum())],
        "penalty_cases": int((p.case_kind == "penalty").sum()),
    }


def agreement(peer: dict[str, object], tool: dict) -> list[str]:
    """Where the peer's figures differ from the tool's (``readiness metrics --format
    json``): one line each; empty when every figure agrees. Money agrees when the peer's
    floating-point sum, rounded to the cent, is the tool's exact amount."""
    from decimal import ROUND_HALF_UP, Decimal

    metrics = tool["metrics"]
    out = []
    for mid, mine in peer.items():
        theirs = metrics.get(mid)
        if theirs is None:
            out.append(f"{mid}: not in the tool's figures")
            continue
        if mid == "certification_rate":
            tool_value = [theirs.get("numerator"), theirs.get("denominator")]
        else:
            tool_value = theirs.get("value")
        if mid in MONEY:
            cents = Decimal(repr(mine)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            same = tool_value is not None and cents == Decimal(str(tool_value))
            shown = f"{cents}"
        else:
            same, shown = mine == tool_value, json.dumps(mine)
        if not same:
            tool_shown = str(tool_value) if isinstance(tool_value, Decimal) else json.dumps(
                tool_value)
            out.append(f"{mid}: pandas {shown}, readiness {tool_shown}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    folder, year, out = Path(argv[0]), int(argv[1]), Path(argv[2])
    out.write_text(json.dumps(figures(folder, year), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
