"""The metric catalog: discovery of metric files and strict validation of their headers.

Each metric is one SQL file whose stem is its id. The file opens with a comment block of
TOML metadata (``-- key = value`` lines, ended by the first line that is not a comment, e.g. a
blank line) and holds the value query; after a marker line ``-- exceptions`` it may hold the
query listing the records behind the figure. The shipped catalog is ``queries/*.sql``; users
add folders of their own (``--metrics-dir``) with the same header format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..policy import Policy, load_policy
from ..sql import queries_dir
from ..vocabulary import SECTIONS

# Catalog ids in the order of docs/metrics.md (the spec); output follows this order.
CATALOG_ORDER: tuple[str, ...] = (
    "entries_total",
    "formal_entries",
    "informal_entries",
    "entry_lines_total",
    "entered_value_total",
    "duty_total",
    "foreign_ior_entries",
    "foreign_ior_value_share",
    "trusted_trader_value_share",
    "foreign_ior_informal_entries",
    "foreign_ior_formal_without_ctpat_cover",
    "foreign_ior_formal_without_ctpat_cover_strict",
    "foreign_ior_formal_without_ctpat_cover_licensed",
    "foreign_ior_continuous_bond_without_permission",
    "unknown_ior_status_entries",
    "importers_not_in_good_standing",
    "certification_rate",
    "disclosure_complete_rate",
    "origin_mid_completeness_rate",
    "psc_rate",
    "prior_disclosures",
    "entry_compliance_rate",
    "penalty_cases",
    "broker_penalty_cases",
    "liquidated_damages_claims",
    "penalties_assessed_amount",
    "liquidated_damages_assessed_amount",
    "penalty_amount_paid",
    "mitigation_rate",
    "penalty_floor_breaches",
    "penalty_floor_uplift_amount",
    "repeat_offender_importers",
    "repeat_offender_importers_pending",
    "open_cases_at_period_end",
    "max_statutory_exposure_1592",
    "duty_restoration_1592d",
    "eo_minimum_payable_open",
    "disposal_cases",
    "detentions",
    "seizures",
    "disposed_domestic_value",
    "expedited_disposals",
    "median_days_to_disposal",
    "pending_disposals_at_period_end",
    "rejected_rows",
    "readiness_score",
)

SCORE_ID = "readiness_score"
UNITS = ("count", "usd", "rate", "days", "score")
HEADER_KEYS = ("id", "title", "unit", "section", "definition", "basis", "authority", "status")
# Optional header keys: `dated = true` (computed over the records on or after the policy's
# effective date, with a before-the-order baseline) and `requires = ["table.column", ...]`
# (the figure is "not provided" when no loaded file of the table carried the column).
OPTIONAL_KEYS = ("dated", "requires")
# Where a figure's force comes from: the order as published, a reading reported by secondary
# sources (pending CBP rules), existing statute and regulation, or this tool's own measure.
AUTHORITIES = ("order", "reported", "statute", "indicator")
STATUS_KEYS = ("better", "green", "amber", "otherwise")

_EXCEPTIONS_MARKER = re.compile(r"^\s*--\s*exceptions\s*$", re.IGNORECASE | re.MULTILINE)
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRES = re.compile(r"^[a-z_]+\.[a-z_]+$")


@dataclass(frozen=True)
class StatusRule:
    """A control metric's status rule: thresholds are policy key paths or literal numbers."""

    better: str  # "higher" or "lower"
    green: str | Decimal
    amber: str | Decimal | None = None
    otherwise: str = "red"  # status when neither green nor amber holds

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"better": self.better, "green": self.green}
        if self.amber is not None:
            out["amber"] = self.amber
        out["otherwise"] = self.otherwise
        return out

    def describe(self, policy: Policy | None = None) -> str:
        """Plain-words rule, with the policy's numbers when a policy is given."""

        def show(ref: str | Decimal) -> str:
            if isinstance(ref, Decimal) or policy is None:
                return str(ref)
            try:
                return str(policy.lookup(ref))
            except KeyError:
                return ref

        g = show(self.green)
        if self.better == "lower" and self.amber is None and g == "0":
            return f"green if 0, else {self.otherwise}"
        op = ">=" if self.better == "higher" else "<="
        text = f"green if value {op} {g}"
        if self.amber is not None:
            text += f", amber if value {op} {show(self.amber)}"
        return text + f", else {self.otherwise}"


@dataclass(frozen=True)
class MetricDef:
    """One metric file: its header, value SQL and optional exceptions SQL."""

    id: str
    title: str
    unit: str
    section: str
    definition: str
    basis: str
    rule: StatusRule | None  # None = informational
    sql: str
    exceptions_sql: str | None
    path: Path | None
    source: str  # "catalog" or "user"
    authority: str = "indicator"
    dated: bool = False
    requires: tuple[str, ...] = ()

    @property
    def is_control(self) -> bool:
        return self.rule is not None

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]

    @property
    def status_rule(self) -> str:
        """The status rule in plain words, with the shipped policy's numbers."""
        if self.rule is None:
            return "informational"
        return self.rule.describe(_default_policy())

    def describe_status(self, policy: Policy) -> str:
        """The status rule in plain words with the numbers of ``policy``."""
        return "informational" if self.rule is None else self.rule.describe(policy)


@cache
def _default_policy() -> Policy:
    return load_policy(None)


def _parse_status(name: str, raw: Any) -> StatusRule | None:
    if raw == "informational":
        return None
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{name}: header key 'status' must be \"informational\" or a table such as "
            '{ better = "higher", green = "thresholds.<id>.green", amber = ... }'
        )
    for key in raw:
        if key not in STATUS_KEYS:
            raise ConfigError(f"{name}: unknown key 'status.{key}' in header")
    if raw.get("better") not in ("higher", "lower"):
        raise ConfigError(f"{name}: header key 'status.better' must be \"higher\" or \"lower\"")
    if "green" not in raw:
        raise ConfigError(f"{name}: missing header key 'status.green'")
    refs = {}
    for key in ("green", "amber"):
        if key not in raw:
            continue
        v = raw[key]
        if isinstance(v, bool) or not isinstance(v, (str, int, Decimal)):
            raise ConfigError(
                f"{name}: header key 'status.{key}' must be a policy key path or a number"
            )
        refs[key] = v if isinstance(v, str) else Decimal(v)
    otherwise = raw.get("otherwise", "red")
    if otherwise not in ("red", "amber"):
        raise ConfigError(f"{name}: header key 'status.otherwise' must be \"red\" or \"amber\"")
    return StatusRule(raw["better"], refs["green"], refs.get("amber"), otherwise)


def parse_metric_file(path: Path, source: str = "catalog") -> MetricDef:
    """Read and validate one metric file. Raises ConfigError naming the file."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read metric file ({exc})") from None
    lines = text.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines) and lines[i].startswith("--"):
        line = lines[i][2:]
        header.append(line.removeprefix(" "))
        i += 1
    if not header:
        raise ConfigError(f"{name}: missing metadata header (a leading block of '-- key = value')")
    try:
        meta = tomllib.loads("\n".join(header), parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML in metadata header ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{name}: invalid TOML in metadata header (nested too deeply)") from None
    for key in meta:
        if key not in HEADER_KEYS and key not in OPTIONAL_KEYS:
            raise ConfigError(f"{name}: unknown header key '{key}'")
    if source == "user":  # users' metric files written before authorities existed still load
        meta.setdefault("authority", "indicator")
    for key in HEADER_KEYS:
        if key not in meta:
            raise ConfigError(f"{name}: missing header key '{key}'")
    for key in HEADER_KEYS:
        if key != "status" and (not isinstance(meta[key], str) or not meta[key].strip()):
            raise ConfigError(f"{name}: header key '{key}' must be a non-empty string")
    if meta["id"] != path.stem:
        raise ConfigError(f"{name}: header id '{meta['id']}' differs from the file name")
    if not _ID_PATTERN.match(meta["id"]):
        raise ConfigError(f"{name}: id '{meta['id']}' must be snake_case (a-z, 0-9, _)")
    if meta["unit"] not in UNITS:
        raise ConfigError(f"{name}: header key 'unit' must be one of {', '.join(UNITS)}")
    if meta["section"] not in SECTIONS:
        raise ConfigError(f"{name}: header key 'section' must be one of {', '.join(SECTIONS)}")
    if meta["authority"] not in AUTHORITIES:
        raise ConfigError(f"{name}: header key 'authority' must be one of {', '.join(AUTHORITIES)}")
    dated = meta.get("dated", False)
    if not isinstance(dated, bool):
        raise ConfigError(f"{name}: header key 'dated' must be true or false")
    requires = meta.get("requires", [])
    if not isinstance(requires, list) or not all(
            isinstance(r, str) and _REQUIRES.match(r) for r in requires):
        raise ConfigError(f"{name}: header key 'requires' must be a list of \"table.column\"")
    rule = _parse_status(name, meta["status"])

    body = "\n".join(lines[i:])
    parts = _EXCEPTIONS_MARKER.split(body, maxsplit=1)
    sql = parts[0].strip()
    exceptions_sql = parts[1].strip() if len(parts) > 1 else None
    if not sql:
        raise ConfigError(f"{name}: no SQL after the metadata header")
    if exceptions_sql == "":
        raise ConfigError(f"{name}: no SQL after the '-- exceptions' marker")
    return MetricDef(
        id=meta["id"],
        title=meta["title"].strip(),
        unit=meta["unit"],
        section=meta["section"],
        definition=" ".join(meta["definition"].split()),
        basis=" ".join(meta["basis"].split()),
        rule=rule,
        sql=sql,
        exceptions_sql=exceptions_sql,
        path=path,
        source=source,
        authority=meta["authority"],
        dated=dated,
        requires=tuple(requires),
    )


def catalog_dir() -> Path:
    """The shipped ``queries/`` folder."""
    return queries_dir()


def base_files() -> list[Path]:
    """Shared SQL building the period working sets, in file-name order (not metrics)."""
    return sorted(queries_dir("_base").glob("*.sql"))


def discover(metrics_dirs: Sequence[Path | str] = ()) -> list[MetricDef]:
    """Catalog metrics (spec order) followed by the user's metrics from ``metrics_dirs``.

    Raises ConfigError for an invalid header, a missing folder, or a user metric whose id is
    already taken (by the catalog or by another user file).
    """
    rank = {mid: n for n, mid in enumerate(CATALOG_ORDER)}
    catalog = [parse_metric_file(p, "catalog") for p in sorted(catalog_dir().glob("*.sql"))]
    catalog.sort(key=lambda d: (rank.get(d.id, len(rank)), d.id))
    seen = {d.id: d for d in catalog}
    users: list[MetricDef] = []
    for folder in metrics_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise ConfigError(f"{folder}: metrics folder not found")
        for p in sorted(folder.glob("*.sql")):
            d = parse_metric_file(p, "user")
            if d.id in seen:
                other = seen[d.id]
                what = "a catalog metric" if other.source == "catalog" else str(other.path)
                raise ConfigError(f"{p}: metric id '{d.id}' is already used by {what}")
            seen[d.id] = d
            users.append(d)
    section_rank = {s: n for n, s in enumerate(SECTIONS)}
    users.sort(key=lambda d: (section_rank[d.section], d.id))
    return catalog + users


