"""The metric catalog: discovery, header validation, execution, statuses, score and storage.

Each metric is one SQL file whose stem is its id. The file opens with a comment block of
TOML metadata (``-- key = value`` lines, ended by the first line that is not a comment, e.g. a
blank line) and holds the value query; after a marker line
``-- exceptions`` it may hold the query listing the records behind the figure.

A value query returns exactly one row with either a ``value`` column, or ``numerator`` and
``denominator`` columns (a rate: value = numerator / denominator, computed here exactly in
``Decimal`` because DuckDB divides decimals in binary floating point; null when the
denominator is 0 or null). SQL computes facts only; statuses come from the header's status
rule and the policy, evaluated here. Queries read the period working sets built once per run
from ``queries/_base/*.sql`` (temp tables ``period_entries``, ``period_lines``, ...), with
parameters bound by name, never formatted into the SQL text.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from .errors import ConfigError, ReadinessError
from .policy import Policy, load_policy
from .resources import bundled_dir

SECTIONS: dict[str, str] = {
    "volume": "Volume and importer profile",
    "eligibility": "Importer-of-record eligibility",
    "disclosure": "Disclosure, certification and entry accuracy",
    "penalties": "Penalties and liquidated damages",
    "disposals": "Detentions, seizures and disposals",
    "data_quality": "Data quality and overall",
}

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
    "liquidated_damages_claims",
    "penalties_assessed_amount",
    "liquidated_damages_assessed_amount",
    "penalty_amount_paid",
    "mitigation_rate",
    "penalty_floor_breaches",
    "penalty_floor_uplift_amount",
    "repeat_offender_importers",
    "open_cases_at_period_end",
    "max_statutory_exposure_1592",
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
HEADER_KEYS = ("id", "title", "unit", "section", "definition", "basis", "status")
STATUS_KEYS = ("better", "green", "amber", "otherwise")
STATUS_POINTS = {"green": Decimal(1), "amber": Decimal("0.5"), "red": Decimal(0)}
OPEN_CASE_STATUSES = ("open", "petitioned", "mitigated", "referred")

_EXCEPTIONS_MARKER = re.compile(r"^\s*--\s*exceptions\s*$", re.IGNORECASE | re.MULTILINE)
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# One left-to-right scan: string literals and line comments are skipped, $names collected.
_SQL_TOKENS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|\$([A-Za-z_][A-Za-z0-9_]*)")


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A reporting period [start, end): end is exclusive."""

    start: date
    end: date
    label: str
    year: int
    fiscal_start_month: int


def period_for(year: int, fiscal_start_month: int = 1) -> Period:
    """Period of ``--year Y``: the calendar year, or fiscal year Y = [Y-1-M-01, Y-M-01).

    Raises ConfigError for a month outside 1..12 or a year outside 1901..9998.
    """
    if isinstance(fiscal_start_month, bool) or not 1 <= fiscal_start_month <= 12:
        raise ConfigError(f"fiscal-year start month must be 1..12, got {fiscal_start_month}")
    if not 1901 <= year <= 9998:
        raise ConfigError(f"year must be between 1901 and 9998, got {year}")
    if fiscal_start_month == 1:
        return Period(date(year, 1, 1), date(year + 1, 1, 1), f"CY{year}", year, 1)
    return Period(
        date(year - 1, fiscal_start_month, 1),
        date(year, fiscal_start_month, 1),
        f"FY{year}",
        year,
        fiscal_start_month,
    )


# --------------------------------------------------------------------------------------------
# Metric definitions


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
    for key in meta:
        if key not in HEADER_KEYS:
            raise ConfigError(f"{name}: unknown header key '{key}'")
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
    )


def catalog_dir() -> Path:
    """The shipped ``queries/`` folder."""
    return bundled_dir("queries")


def base_files() -> list[Path]:
    """Shared SQL building the period working sets, in file-name order (not metrics)."""
    return sorted((catalog_dir() / "_base").glob("*.sql"))


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


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class MetricResult:
    """One computed figure. ``value`` is an int (counts), a Decimal (money, rates, days) or None."""

    id: str
    value: int | Decimal | None
    status: str | None
    definition: MetricDef
    numerator: int | Decimal | None = None
    denominator: int | Decimal | None = None
    status_rule: str = "informational"  # plain words with the numbers of the policy used


@dataclass
class MetricRun:
    """All figures of one period under one policy."""

    period: Period
    policy: Policy
    results: dict[str, MetricResult]
    score: Decimal | None
    metrics_dirs: tuple[str, ...] = field(default=())
    # Fingerprint of the data and metric definitions the figures were computed from; a
    # stored run is reused only while it still matches (see ``is_fresh``).
    data_version: str = ""

    def by_section(self) -> list[tuple[str, str, list[MetricResult]]]:
        """(section id, title, results) in section order, skipping empty sections."""
        out = []
        for sid, title in SECTIONS.items():
            rows = [r for r in self.results.values() if r.definition.section == sid]
            if rows:
                out.append((sid, title, rows))
        return out

    def to_json_dict(self) -> dict[str, Any]:
        """The spec's machine-readable output; values stay Decimal/int (see ``dumps_json``)."""
        metrics: dict[str, Any] = {}
        for r in self.results.values():
            d = r.definition
            entry: dict[str, Any] = {
                "value": json_value(r.value, d.unit),
                "status": r.status,
                "title": d.title,
                "unit": d.unit,
                "section": d.section,
                "control": d.is_control,
                "source": d.source,
            }
            if r.numerator is not None or r.denominator is not None:
                entry["numerator"] = json_value(r.numerator, d.unit)
                entry["denominator"] = json_value(r.denominator, d.unit)
            entry["status_rule"] = r.status_rule
            metrics[r.id] = entry
        return {
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
                "end_is_exclusive": True,
                "fiscal_year_start_month": self.period.fiscal_start_month,
            },
            "policy": self.policy.as_dict(),
            "metrics": metrics,
        }

    def to_json(self) -> str:
        """JSON text with numbers written exactly from Decimal."""
        return dumps_json(self.to_json_dict())


def json_value(value: Any, unit: str = "") -> Any:
    """Value for output. Money is reported to the cent (the catalog's rule), rounded half up
    from the exact sum; a half cent can only come from floor or statutory multipliers
    (0.50 x 777.77 = 388.885). Stored and in-memory values stay exact."""
    if isinstance(value, Decimal) and unit == "usd":
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value


def _json_number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"cannot write {d} as a JSON number")
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def dumps_json(obj: Any, indent: int = 2) -> str:
    """JSON text where Decimal is written exactly as a number (never through float)."""
    pad = " " * indent

    def enc(o: Any, level: int) -> str:
        if isinstance(o, bool) or o is None or isinstance(o, str):
            return json.dumps(o, ensure_ascii=False)
        if isinstance(o, int):
            return str(o)
        if isinstance(o, Decimal):
            return _json_number(o)
        if isinstance(o, float):
            return json.dumps(o)
        if isinstance(o, date):
            return json.dumps(o.isoformat())
        if isinstance(o, dict):
            if not o:
                return "{}"
            inner = ",\n".join(
                f"{pad * (level + 1)}{json.dumps(str(k), ensure_ascii=False)}: {enc(v, level + 1)}"
                for k, v in o.items()
            )
            return "{\n" + inner + "\n" + pad * level + "}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            return "[" + ", ".join(enc(v, level + 1) for v in o) + "]"
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    return enc(obj, 0)


# --------------------------------------------------------------------------------------------
# Execution


def query_parameters(period: Period, policy: Policy) -> dict[str, Any]:
    """Every named parameter a metric or base query may use (bound, never formatted in)."""
    years = policy.values["repeat_offender_window_years"]
    end = period.end  # always the 1st of a month, so the same day exists `years` earlier
    return {
        "period_start": period.start,
        "period_end": period.end,
        "informal_types": list(policy.values["informal_entry_types"]),
        "ctpat_tiers": list(policy.values["ctpat_validated_tiers"]),
        "broker_loose": policy.values["broker_condition"] == "loose",
        "penalty_floor": policy.values["penalty_floor"],
        "repeat_window_start": date(end.year - years, end.month, end.day),
        "repeat_min_cases": policy.values["repeat_offender_min_cases"],
    }


def used_parameters(sql: str) -> list[str]:
    """Names of the $parameters a query uses (ignoring comments and string literals)."""
    return sorted({m.group(1) for m in _SQL_TOKENS.finditer(sql) if m.group(1)})


def _bind(sql: str, params: dict[str, Any], where: str) -> dict[str, Any]:
    names = used_parameters(sql)
    unknown = [n for n in names if n not in params]
    if unknown:
        raise ConfigError(
            f"{where}: unknown query parameter '${unknown[0]}' "
            f"(available: {', '.join('$' + k for k in params)})"
        )
    return {n: params[n] for n in names}


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], where: str):
    """Run one query with only the parameters it uses; SQL errors name ``where`` (the file)."""
    bound = _bind(sql, params, where)
    try:
        return con.execute(sql, bound)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"{where}: query failed: {first}") from None


def _policy_key(policy: Policy) -> str:
    return dumps_json(policy.values, indent=0)


def prepare_period(
    con: duckdb.DuckDBPyConnection, period: Period, policy: Policy, force: bool = False
) -> None:
    """Build the period working sets (temp tables) unless they are already built for this
    period and policy on this connection. ``run_metrics`` forces a rebuild, so figures always
    reflect the data as it is now; exception lists then reuse the same working sets."""
    key = _policy_key(policy)
    row = None
    if not force:
        try:
            row = con.execute(
                "select period_start, period_end, policy_key from metric_working_set"
            ).fetchone()
        except duckdb.Error:
            row = None
    if row == (period.start, period.end, key):
        return
    params = query_parameters(period, policy)
    for path in base_files():
        execute(con, path.read_text(encoding="utf-8"), params, str(path))
    con.execute(
        "create or replace temp table metric_working_set as "
        "select $start::date as period_start, $end::date as period_end, $key as policy_key",
        {"start": period.start, "end": period.end, "key": key},
    )


def _to_number(v: Any) -> int | Decimal | None:
    if v is None or isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    raise TypeError(type(v).__name__)


def _ratio(num: int | Decimal | None, den: int | Decimal | None) -> Decimal | None:
    if num is None or den is None or den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return (Decimal(num) / Decimal(den)).normalize() if num else Decimal(0)


def _compute(con, d: MetricDef, params: dict[str, Any]) -> tuple[Any, Any, Any]:
    where = str(d.path) if d.path else d.id
    cur = execute(con, d.sql, params, where)
    cols = [c[0] for c in cur.description]
    rows = cur.fetchall()
    if len(rows) != 1:
        raise ConfigError(f"{where}: the value query must return exactly one row, got {len(rows)}")
    row = dict(zip(cols, rows[0], strict=True))
    try:
        if cols == ["value"]:
            return _to_number(row["value"]), None, None
        if sorted(cols) == ["denominator", "numerator"]:
            num, den = _to_number(row["numerator"]), _to_number(row["denominator"])
            return _ratio(num, den), num, den
    except TypeError as exc:
        raise ConfigError(f"{where}: the query returned a {exc} value, not a number") from None
    raise ConfigError(
        f"{where}: the value query must return one column 'value', or 'numerator' and "
        f"'denominator'; got {', '.join(cols)}"
    )


def _resolve(ref: str | Decimal, policy: Policy, where: str) -> Decimal:
    if isinstance(ref, Decimal):
        return ref
    try:
        v = policy.lookup(ref)
    except KeyError:
        raise ConfigError(
            f"{where}: status rule refers to policy key '{ref}', which the policy "
            f"({policy.source}) does not define"
        ) from None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise ConfigError(f"{where}: status rule refers to policy key '{ref}', not a number")
    return Decimal(v)


def evaluate_status(d: MetricDef, value: int | Decimal | None, policy: Policy) -> str | None:
    """Status of a figure: 'n/a' (no value), 'green', 'amber', 'red', or None.

    Informational metrics carry no status, except that a rate over a zero denominator or a
    median over no rows is null with status 'n/a' whatever the metric (the catalog's rule).
    """
    rule = d.rule
    if value is None and (rule is not None or d.unit in ("rate", "days")):
        return "n/a"
    if rule is None:
        return None
    where = str(d.path) if d.path else d.id
    v = Decimal(value)
    green = _resolve(rule.green, policy, where)
    amber = _resolve(rule.amber, policy, where) if rule.amber is not None else None
    if rule.better == "higher":
        if v >= green:
            return "green"
        if amber is not None and v >= amber:
            return "amber"
    else:
        if v <= green:
            return "green"
        if amber is not None and v <= amber:
            return "amber"
    return rule.otherwise


def readiness_score(results: Iterable[MetricResult], policy: Policy) -> Decimal | None:
    """100 x sum(weight x points) / sum(weights) over control metrics whose status is not n/a;
    green 1, amber 0.5, red 0; rounded half-up to one decimal; None if no control applies."""
    num = Decimal(0)
    den = Decimal(0)
    for r in results:
        if not r.definition.is_control or r.status not in STATUS_POINTS:
            continue
        w = policy.weight(r.id)
        num += w * STATUS_POINTS[r.status]
        den += w
    if den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(100) * num / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _check_policy_against(defs: list[MetricDef], policy: Policy) -> None:
    controls = {d.id for d in defs if d.is_control}
    for table in ("thresholds", "weights"):
        for metric_id in policy.values[table]:
            if metric_id not in controls:
                raise ConfigError(
                    f"{policy.source}: unknown key '{table}.{metric_id}' "
                    "(not a control metric of this run)"
                )


def run_metrics(
    con: duckdb.DuckDBPyConnection,
    year: int,
    policy: Policy,
    fiscal_start_month: int | None = None,
    metrics_dirs: Sequence[Path | str] = (),
    store: bool = True,
) -> MetricRun:
    """Compute every catalog and user metric for ``year``; store the figures when ``store``.

    The fiscal-year start month defaults to the policy's. Raises ConfigError for invalid
    metric files or policy keys, and for a query that fails.
    """
    fsm = policy.fiscal_year_start_month if fiscal_start_month is None else fiscal_start_month
    period = period_for(year, fsm)
    defs = discover(metrics_dirs)
    _check_policy_against(defs, policy)
    prepare_period(con, period, policy, force=True)
    params = query_parameters(period, policy)
    results: dict[str, MetricResult] = {}
    for d in defs:
        if d.id == SCORE_ID:
            continue
        value, num, den = _compute(con, d, params)
        results[d.id] = MetricResult(
            d.id, value, evaluate_status(d, value, policy), d, num, den, d.describe_status(policy)
        )
    score = readiness_score(results.values(), policy)
    ordered: dict[str, MetricResult] = {}
    for d in defs:
        if d.id == SCORE_ID:
            ordered[d.id] = MetricResult(d.id, score, None, d, None, None, "informational")
        else:
            ordered[d.id] = results[d.id]
    run = MetricRun(period, policy, ordered, score, tuple(str(p) for p in metrics_dirs),
                    data_version(con, defs))
    if store:
        store_run(con, run)
        store_exceptions(con, run)
    return run


def data_version(con: duckdb.DuckDBPyConnection, defs: Sequence[MetricDef] | None = None) -> str:
    """Fingerprint of what figures depend on: every loaded file (load, table, SHA-256) and
    the text of every metric and working-set query. Changes when data is (re)loaded or a
    query changes; the same inputs give the same fingerprint."""
    files = con.execute(
        "select coalesce(string_agg(load_id || ':' || coalesce(table_name, '') || ':' "
        "|| coalesce(file_name, '') || ':' || coalesce(sha256, '-'), ',' "
        "order by load_id, table_name, file_name), '') from load_files"
    ).fetchone()[0]
    counts = con.execute(
        "select (select count(*) from entries), (select count(*) from entry_lines), "
        "(select count(*) from importers), (select count(*) from brokers), "
        "(select count(*) from penalties), (select count(*) from disposals), "
        "(select count(*) from rejected_rows)"
    ).fetchall()[0]
    h = hashlib.sha256(files.encode() + repr(counts).encode())
    for d in defs if defs is not None else discover():
        h.update(d.id.encode() + b"\0" + d.sql.encode() + b"\0" + (d.exceptions_sql or "").encode())
    for path in base_files():
        h.update(path.read_bytes())
    return h.hexdigest()


def is_fresh(con: duckdb.DuckDBPyConnection, run: MetricRun, policy: Policy,
             metrics_dirs: Sequence[Path | str] = ()) -> bool:
    """True when a stored ``run`` was computed from the data now loaded, with the same
    policy values, metric folders and queries: it can be used without recomputing."""
    if not run.data_version or _policy_key(run.policy) != _policy_key(policy):
        return False
    if tuple(run.metrics_dirs) != tuple(str(p) for p in metrics_dirs):
        return False
    return run.data_version == data_version(con, discover(metrics_dirs))


def exceptions_table(period: Period, metric_id: str) -> str:
    """Name of the stored exception list of ``metric_id`` for ``period``."""
    return f"metric_exceptions_{period.start:%Y%m%d}_{period.end:%Y%m%d}_{metric_id}"


def volume_table(period: Period) -> str:
    """Name of the stored trade volume by entry-type group (working set ``period_volume``)."""
    return f"metric_volume_{period.start:%Y%m%d}_{period.end:%Y%m%d}"


def has_records(result: MetricResult) -> bool:
    """Whether a metric's figure can have records behind it: not for a null figure or a
    count of 0 (a rate of 0 does: every record failed)."""
    if result.value is None:
        return False
    return not (result.definition.unit == "count" and result.value == 0)


def store_exceptions(con: duckdb.DuckDBPyConnection, run: MetricRun) -> None:
    """Store the records behind each figure of ``run`` as one table per metric, so the
    report and exception exports read them without rebuilding the period working sets."""
    prefix = f"metric_exceptions_{run.period.start:%Y%m%d}_{run.period.end:%Y%m%d}_"
    old = con.execute(
        "select table_name from duckdb_tables() where not temporary and starts_with(table_name, ?)",
        [prefix],
    ).fetchall()
    params = query_parameters(run.period, run.policy)
    con.execute("begin transaction")
    try:
        for (name,) in old:
            con.execute(f'drop table "{name}"')
        for r in run.results.values():
            d = r.definition
            if not d.exceptions_sql or not has_records(r):
                continue
            name = exceptions_table(run.period, d.id).replace('"', '""')
            sql = f'create table "{name}" as ' + d.exceptions_sql.strip().rstrip(";")
            execute(con, sql, params, f"{d.path or d.id} (exceptions)")
        # The report's "As DHS would report it" volume table, from the same working sets.
        volume = volume_table(run.period)
        con.execute(f'create or replace table "{volume}" as select * from period_volume')
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def stored_exceptions(con: duckdb.DuckDBPyConnection, run: MetricRun, metric_id: str):
    """The stored exception list of ``metric_id`` as a DuckDB relation, or None."""
    name = exceptions_table(run.period, metric_id)
    if not _stored_table_exists(con, name):
        return None
    return con.sql('select * from "' + name.replace('"', '""') + '"')


def _stored_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # fetchall: a relation may not start while a result is pending
    return bool(con.execute(
        "select count(*) from duckdb_tables() where not temporary and table_name = ?", [name]
    ).fetchall()[0][0])


def volume_rows(con: duckdb.DuckDBPyConnection, run: MetricRun) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of the period's volume by entry-type group: stored by ``store_exceptions``
    with the run, or computed from the working sets when the run was not stored."""
    name = volume_table(run.period)
    # The stored table is used only when it was stored from the same data and queries as
    # ``run`` (it does not depend on the policy).
    found = _stored_table_exists(con, name) and con.execute(
        "select count(*) from metric_runs where period_start = ? and period_end = ? "
        "and data_version = ?", [run.period.start, run.period.end, run.data_version]
    ).fetchall()[0][0]
    if found:
        cur = con.execute(f'select * from "{name}" order by type_group')
    else:
        prepare_period(con, run.period, run.policy)
        cur = con.execute("select * from period_volume order by type_group")
    return [c[0] for c in cur.description], cur.fetchall()


# --------------------------------------------------------------------------------------------
# Storage


_STORAGE_DDL = (
    """
    create table if not exists metric_runs (
        period_start date not null,
        period_end date not null,
        period_label varchar not null,
        year integer not null,
        fiscal_start_month integer not null,
        policy_version varchar not null,
        policy_source varchar not null,
        policy_json varchar not null,
        readiness_score varchar,
        metrics_dirs varchar not null,
        data_version varchar,
        primary key (period_start, period_end)
    )
    """,
    "alter table metric_runs add column if not exists data_version varchar",
    """
    create table if not exists metric_results (
        period_start date not null,
        period_end date not null,
        position integer not null,
        metric_id varchar not null,
        source varchar not null,
        section varchar not null,
        title varchar not null,
        unit varchar not null,
        definition varchar not null,
        basis varchar not null,
        status_spec varchar,
        status_rule varchar not null,
        has_exceptions boolean not null,
        path varchar,
        value varchar,
        numerator varchar,
        denominator varchar,
        status varchar,
        primary key (period_start, period_end, metric_id)
    )
    """,
)


def _text(v: int | Decimal | None) -> str | None:
    if v is None:
        return None
    return str(v) if isinstance(v, int) else format(v, "f")


def _number(text: str | None, unit: str | None = None) -> int | Decimal | None:
    """Stored text back to a number: counts are int, every other unit Decimal."""
    if text is None:
        return None
    if re.fullmatch(r"-?\d+", text) and unit in (None, "count"):
        return int(text)
    return Decimal(text)


def ensure_storage(con: duckdb.DuckDBPyConnection) -> None:
    """Create metric_runs and metric_results when absent."""
    for ddl in _STORAGE_DDL:
        con.execute(ddl)


def store_run(con: duckdb.DuckDBPyConnection, run: MetricRun) -> None:
    """Store a run's figures; a stored run of the same period is replaced."""
    ensure_storage(con)
    p = run.period
    rows = []
    for n, r in enumerate(run.results.values()):
        d = r.definition
        rows.append((
            p.start, p.end, n, d.id, d.source, d.section, d.title, d.unit, d.definition, d.basis,
            dumps_json(d.rule.as_dict(), indent=0) if d.rule else None, r.status_rule,
            d.exceptions_sql is not None, str(d.path) if d.path else None,
            _text(r.value), _text(r.numerator), _text(r.denominator), r.status,
        ))
    con.execute("begin transaction")
    try:
        con.execute("delete from metric_results where period_start = $s and period_end = $e",
                    {"s": p.start, "e": p.end})
        con.execute("delete from metric_runs where period_start = $s and period_end = $e",
                    {"s": p.start, "e": p.end})
        con.execute(
            "insert into metric_runs (period_start, period_end, period_label, year, "
            "fiscal_start_month, policy_version, policy_source, policy_json, readiness_score, "
            "metrics_dirs, data_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [p.start, p.end, p.label, p.year, p.fiscal_start_month, run.policy.version,
             run.policy.source, dumps_json(run.policy.values, indent=0), _text(run.score),
             json.dumps(list(run.metrics_dirs)), run.data_version],
        )
        # One statement for all rows (executemany runs one statement per row: ~1 ms each).
        if rows:
            marks = "(" + ", ".join("?" * len(rows[0])) + ")"
            con.execute(
                "insert into metric_results values " + ", ".join(marks for _ in rows),
                [v for row in rows for v in row],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _policy_from_json(text: str, version: str, source: str) -> Policy:
    values = json.loads(text, parse_float=Decimal, parse_int=int)
    for table in ("thresholds", "weights"):
        values[table] = _decimals(values.get(table, {}))
    values["penalty_floor"] = Decimal(str(values["penalty_floor"]))
    return Policy(values=values, version=version, source=source)


def _decimals(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _decimals(v) for k, v in obj.items()}
    if isinstance(obj, int) and not isinstance(obj, bool):
        return Decimal(obj)
    return obj


def _rule_from_json(text: str | None) -> StatusRule | None:
    if text is None:
        return None
    raw = json.loads(text, parse_float=Decimal)
    for k in ("green", "amber"):
        if isinstance(raw.get(k), int):
            raw[k] = Decimal(raw[k])
    return StatusRule(raw["better"], raw["green"], raw.get("amber"), raw.get("otherwise", "red"))


def load_stored_run(con: duckdb.DuckDBPyConnection, period: Period) -> MetricRun | None:
    """The stored figures of ``period`` (as computed then, with the policy used then), or None
    when that period was never computed in this database."""
    try:
        run_row = con.execute(
            "select period_label, year, fiscal_start_month, policy_version, policy_source, "
            "policy_json, readiness_score, metrics_dirs, data_version from metric_runs "
            "where period_start = $s and period_end = $e",
            {"s": period.start, "e": period.end},
        ).fetchone()
    except duckdb.CatalogException:
        return None
    if run_row is None:
        return None
    label, year, fsm, version, source, policy_json, score, dirs, version_of_data = run_row
    policy = _policy_from_json(policy_json, version, source)
    dirs_list = tuple(json.loads(dirs))
    try:
        current = {d.id: d for d in discover([p for p in dirs_list if Path(p).is_dir()])}
    except ReadinessError:
        current = {d.id: d for d in discover()}
    rows = con.execute(
        "select metric_id, source, section, title, unit, definition, basis, status_spec, "
        "status_rule, has_exceptions, path, value, numerator, denominator, status "
        "from metric_results where period_start = $s and period_end = $e order by position",
        {"s": period.start, "e": period.end},
    ).fetchall()
    results: dict[str, MetricResult] = {}
    for (mid, src, section, title, unit, definition, basis, spec, rule_text, _has_exc, path,
         value, num, den, status) in rows:
        live = current.get(mid)
        d = MetricDef(
            id=mid, title=title, unit=unit, section=section, definition=definition, basis=basis,
            rule=_rule_from_json(spec), sql=live.sql if live else "",
            exceptions_sql=live.exceptions_sql if live else None,
            path=Path(path) if path else None, source=src,
        )
        results[mid] = MetricResult(
            mid, _number(value, unit), status, d, _number(num), _number(den), rule_text
        )
    stored_period = Period(period.start, period.end, label, year, fsm)
    return MetricRun(stored_period, policy, results, _number(score, "score") if score else None,
                     dirs_list, version_of_data or "")
