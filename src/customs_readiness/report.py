"""The PDF readiness report: context from the database, HTML from templates, PDF from HTML.

Rendering happens in three steps, each testable alone:

1. ``build_report(con, run, ...)`` reads what the report needs - metric results of the
   run, a few report-only aggregates (``report_queries/*.sql``), the first rows of each
   exception list, the load bookkeeping - into a plain ``Report`` (template context,
   generated resources such as chart SVGs, and CSV attachments). Only aggregates and
   the first ``exception_rows`` rows of each list reach the HTML, so render time does
   not grow with the data.
2. ``render_html(report, templates_dir)`` turns the context into one HTML string with
   Jinja2 (autoescape, StrictUndefined; user templates searched before the bundled ones).
3. ``write_pdf(report, html, out)`` lays it out with WeasyPrint through a URL fetcher that
   serves only template files and the generated charts - never the network, never a
   file outside those folders - and writes the PDF atomically.

Text from the data is always escaped; no clock is read (dates come from the period).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import hashlib
import io
import os
import re
import tempfile
import threading
import tomllib
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from .errors import ConfigError, ReadinessError
from .resources import bundled_dir
from .schema import TABLES

EXCEPTION_ROWS = 10  # rows of each exception list printed in the PDF (the CSV has all)
EXCEPTION_COLUMNS = 7  # columns of an exception list printed in the PDF (the CSV has all)
REJECTED_ROWS = 10  # rejected rows listed in the data-quality section
MANIFEST_ROWS = 40  # load_files rows listed in the appendix
COVER_IMPORTERS = 6  # importer names on the cover

REPORT_TITLE = "Customs Enforcement Readiness Report"
SUBTITLE = "Self-assessment under Executive Order 14411, Strengthening Customs Enforcement"

# Where each catalog section is printed. Metrics of a section not listed here (user
# metrics) are printed under "Additional metrics".
SECTION_HEADINGS = {
    "volume": "Key volumes",
    "eligibility": "Importer-of-record eligibility",
    "disclosure": "Disclosure, certification and entry accuracy",
    "penalties": "Penalties and liquidated damages",
    "disposals": "Detentions, seizures and disposals",
    "data_quality": "Data quality",
}
STATUS_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "n/a": "n/a"}
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, "n/a": 3}
# Readiness score colours when the policy does not set them (score out of 100).
DEFAULT_SCORE_GREEN = Decimal("90")
DEFAULT_SCORE_AMBER = Decimal("70")

ENTRY_TYPE_GROUPS = {
    1: "Formal consumption (01-08)",
    2: "Informal (11, 12)",
    3: "Warehouse, TIB and FTZ admission (21-26)",
    4: "Warehouse withdrawal (31-38)",
    5: "Government (51, 52)",
    6: "Other entry types",
}

_QUERIES = Path(__file__).with_name("report_queries")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# Names a metric's SQL may use for a stored table (the metric engine's period views
# included), to tell "not provided" from a true zero.
_TABLE_ALIASES = {
    "entries": ("entries", "period_entries"),
    "entry_lines": ("entry_lines", "period_lines", "period_value_lines"),
    "penalties": ("penalties", "period_penalties", "open_cases_at_end", "repeat_offenders"),
    "disposals": ("disposals", "period_disposals"),
    "importers": ("importers",),
    "brokers": ("brokers",),
}


# --------------------------------------------------------------------------- values


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # never expected; keep exact repr rather than binary noise
        return Decimal(repr(value))
    return Decimal(str(value))


def fmt_count(value: Any) -> str:
    """1234 -> '1,234'; None -> '-'."""
    d = _dec(value)
    if d is None:
        return "–"
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,}"


def fmt_money(value: Any) -> str:
    """Exact dollars to the cent: Decimal('1234.5') -> '$1,234.50'."""
    d = _dec(value)
    if d is None:
        return "–"
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    sign = "-" if q < 0 else ""
    return f"{sign}${abs(q):,.2f}"


def fmt_rate(value: Any, places: int = 2) -> str:
    """A fraction as a percentage: Decimal('0.98721') -> '98.72%'."""
    d = _dec(value)
    if d is None:
        return "–"
    q = (d * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return f"{q:,.{places}f}%"


def fmt_number(value: Any, places: int = 1) -> str:
    d = _dec(value)
    if d is None:
        return "–"
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return f"{q:,.{places}f}"


def unit_kind(unit: str | None) -> str:
    """Map a metric unit onto a display kind: count, money, rate, days, score or number."""
    u = (unit or "").strip().lower()
    if u in {"usd", "$", "dollars", "money", "amount", "usd_amount"}:
        return "money"
    if u in {"rate", "ratio", "share", "fraction", "percent_fraction", "proportion"}:
        return "rate"
    if u in {"days", "day"}:
        return "days"
    if u in {"score", "points"}:
        return "score"
    if u in {"count", "entries", "lines", "cases", "importers", "rows", "number", "integer"}:
        return "count"
    return "number"


def fmt_value(value: Any, unit: str | None) -> str:
    """Format a metric value for print according to its unit."""
    kind = unit_kind(unit)
    if value is None:
        return "–"
    if kind == "money":
        return fmt_money(value)
    if kind == "rate":
        return fmt_rate(value)
    if kind == "days":
        return f"{fmt_number(value, 1)} days"
    if kind == "score":
        return f"{fmt_number(value, 1)} / 100"
    if kind == "count":
        return fmt_count(value)
    d = _dec(value)
    return f"{d:,}" if d is not None else "–"


def fmt_change(current: Any, prior: Any, unit: str | None) -> str:
    """Change from the prior year: percentage points for rates, signed amounts otherwise."""
    c, p = _dec(current), _dec(prior)
    if c is None or p is None:
        return "–"
    diff = c - p
    kind = unit_kind(unit)
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    if kind == "rate":
        pts = (abs(diff) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        return f"{sign}{pts:,.2f} pts"
    if kind == "money":
        return f"{sign}{fmt_money(abs(diff))}"
    if kind in {"score", "days"}:
        return f"{sign}{fmt_number(abs(diff), 1)}"
    return f"{sign}{fmt_count(abs(diff))}"


def fmt_date(value: dt.date | None) -> str:
    """'1 January 2026' (a board-friendly, unambiguous date)."""
    if value is None:
        return "–"
    return f"{value.day} {value:%B %Y}"


def cell_text(value: Any) -> str:
    """One database value as plain text for an exception table or CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    text = cell_text(value)
    # A text cell starting like a formula would run in a spreadsheet: quote it.
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes (UTF-8, CRLF) of a table; formula-like text cells are quoted with '."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def arrow_to_csv(table) -> bytes:
    """CSV bytes of a pyarrow Table, written by Arrow (fast at any size): header row,
    ISO dates, exact decimals, true/false; formula-like text cells are quoted with '."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, r"^[=+\-@\t\r]")
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    out = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(columns, names=table.column_names), out,
                    pacsv.WriteOptions(include_header=True))
    return out.getvalue().to_pybytes()


# --------------------------------------------------------------------------- queries


def run_report_query(con, name: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    """Run ``report_queries/<name>.sql`` with the parameters it names bound; return
    (column names, rows)."""
    sql = (_QUERIES / f"{name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    wanted = sorted(set(_PARAM.findall(body)))
    missing = [p for p in wanted if p not in params]
    if missing:
        raise ReadinessError(f"report query {name}: no value for {', '.join(missing)}")
    cur = con.execute(body, {p: params[p] for p in wanted})
    columns = [d[0] for d in cur.description]
    return columns, cur.fetchall()


def _dicts(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


# --------------------------------------------------------------------------- model


class Deferred:
    """Bytes made on first use, once (e.g. a chart a worker process is still drawing)."""

    def __init__(self, make: Callable[[], bytes]):
        self._make: Callable[[], bytes] | None = make
        self._value = b""
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            if self._make is not None:
                self._value, self._make = self._make(), None
            return self._value


def resource_bytes(value: bytes | Deferred) -> bytes:
    """The bytes of a generated resource (waiting for it if it is still being made)."""
    return value() if callable(value) else value


@dataclass
class Attachment:
    """A file embedded in the PDF: its bytes, or a Deferred that makes them on first use of
    ``data`` (the PDF writer does that in a background thread while the pages are laid out)."""

    name: str
    description: str
    content: bytes | Deferred

    @property
    def data(self) -> bytes:
        return resource_bytes(self.content)


@dataclass
class Report:
    """Everything the templates and the PDF writer need."""

    context: dict[str, Any]
    # Generated files, e.g. charts: bytes, or a Deferred that makes them on first use.
    resources: dict[str, bytes | Deferred] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    created: dt.datetime | None = None  # PDF dates: from the period, never the clock


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    value: Decimal
    unit: str
    fiscal_year: str
    source: str
    url: str
    metric: str | None = None
    goal: Decimal | None = None
    note: str = ""


BENCHMARKS_FILE = Path(__file__).with_name("benchmarks_cbp.toml")
_BENCHMARK_KEYS = {"id", "title", "value", "unit", "fiscal_year", "source", "url", "metric",
                   "goal", "note"}


def load_benchmarks(path: Path = BENCHMARKS_FILE) -> list[Benchmark]:
    """Published CBP figures from the benchmarks file (decimal strings, with sources).

    Raises ConfigError naming the file and key on an invalid entry.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    out = []
    for i, item in enumerate(raw.get("benchmark", []), start=1):
        unknown = set(item) - _BENCHMARK_KEYS
        if unknown:
            raise ConfigError(f"{path}: benchmark {i}: unknown key {sorted(unknown)[0]!r}")
        for key in ("id", "title", "value", "unit", "fiscal_year", "source", "url"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise ConfigError(f"{path}: benchmark {i}: {key!r} must be a non-empty string")
        try:
            value = Decimal(item["value"])
            goal = Decimal(item["goal"]) if item.get("goal") else None
        except ArithmeticError:
            raise ConfigError(f"{path}: benchmark {i}: value/goal must be decimal strings") from None
        out.append(Benchmark(id=item["id"], title=item["title"], value=value, unit=item["unit"],
                             fiscal_year=item["fiscal_year"], source=item["source"],
                             url=item["url"], metric=item.get("metric"), goal=goal,
                             note=item.get("note", "")))
    return out


# --------------------------------------------------------------------------- context


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _tables_read(sql: str | None) -> set[str]:
    text = (sql or "").lower()
    found = set()
    for table, names in _TABLE_ALIASES.items():
        if any(re.search(rf"\b{n}\b", text) for n in names):
            found.add(table)
    return found


def _provided_tables(con) -> tuple[set[str], bool]:
    """Tables the loads provided (a file was loaded for them), and whether any load exists.

    Without any load bookkeeping (a database filled by other means) a table counts as
    provided when it has rows.
    """
    # The loader records a table it found no file for as a load_files row without a file.
    bookkept = con.execute("select count(*) from load_files").fetchone()[0] > 0
    if bookkept:
        files = con.execute(
            "select distinct table_name from load_files where file_name is not null").fetchall()
        return {r[0] for r in files}, True
    provided = set()
    for name in TABLES:
        if con.execute(f"select count(*) from {name}").fetchone()[0]:  # name from schema
            provided.add(name)
    return provided, False


def _status(result: Any) -> str | None:
    s = _attr(result, "status")
    return None if s is None else str(s)


def _metric_row(result: Any, prior_run: Any, missing_tables: set[str]) -> dict[str, Any]:
    d = result.definition
    value = result.value
    unit = _attr(d, "unit", "")
    reads = _tables_read(_attr(d, "sql", ""))
    not_provided = sorted(reads & missing_tables)
    shown_missing = bool(not_provided) and (value is None or _dec(value) == 0)
    prior_value = None
    has_prior = False
    if prior_run is not None and result.id in prior_run.results:
        has_prior = True
        prior_value = prior_run.results[result.id].value
    status = _status(result)
    return {
        "id": result.id,
        "title": _attr(d, "title", result.id),
        "unit": unit,
        "value": value,
        "value_text": ("not provided" if shown_missing else fmt_value(value, unit)),
        "not_provided": shown_missing,
        "missing_tables": not_provided,
        "status": status if status else "",
        "status_label": STATUS_LABELS.get(status or "", ""),
        "is_control": bool(_attr(d, "is_control", False)),
        "definition": _attr(d, "definition", ""),
        "basis": _attr(d, "basis", ""),
        "status_rule": _attr(result, "status_rule", "") or _attr(d, "status_rule", "") or "",
        "section": _attr(d, "section", ""),
        "has_prior": has_prior,
        "prior_text": fmt_value(prior_value, unit) if has_prior else "",
        "change_text": fmt_change(value, prior_value, unit) if has_prior else "",
    }


def _score_status(score: Decimal | None, policy_values: dict[str, Any]) -> str:
    if score is None:
        return "n/a"
    green = _dec(policy_values.get("score_green")) or DEFAULT_SCORE_GREEN
    amber = _dec(policy_values.get("score_amber")) or DEFAULT_SCORE_AMBER
    if score >= green:
        return "green"
    if score >= amber:
        return "amber"
    return "red"


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(f"{prefix}.{key}" if prefix else str(key), value[key], out)
        return
    if isinstance(value, (list, tuple)):
        out.append((prefix, ", ".join(cell_text(v) for v in value)))
        return
    out.append((prefix, cell_text(value)))


def _policy_rows(policy: Any) -> list[tuple[str, str]]:
    as_dict = policy.as_dict() if hasattr(policy, "as_dict") else dict(policy.values)
    rows: list[tuple[str, str]] = []
    _flatten("", as_dict, rows)
    return rows


def _query_file(d: Any) -> str:
    path = _attr(d, "path")
    if path is None:
        return ""
    name = Path(path).name
    return f"queries/{name}" if _attr(d, "source") == "catalog" else f"{name} (your metrics folder)"


def _penalty_floor_text(policy_values: dict[str, Any]) -> str | None:
    rows: list[tuple[str, str]] = []
    _flatten("", policy_values, rows)
    for key, text in rows:
        if key.split(".")[-1] in ("penalty_floor", "floor", "penalty_floor_share"):
            try:
                return fmt_rate(Decimal(text), 0) if Decimal(text) <= 1 else text
            except ArithmeticError:
                return text
    return None


def _period_dict(period: Any) -> dict[str, Any]:
    last_day = period.end - dt.timedelta(days=1)
    return {
        "label": str(period.label),
        "start": period.start,
        "end": period.end,
        "last_day": last_day,
        "start_text": fmt_date(period.start),
        "last_day_text": fmt_date(last_day),
        "year": period.year,
        "fiscal_start_month": period.fiscal_start_month,
    }


def _month_label(month_start: dt.date, many_years: bool) -> str:
    return f"{month_start:%b}" + (f" {month_start:%y}" if many_years else "")


def _trend(con, params: dict[str, Any],
           draw: Callable[..., Any] | None = None) -> dict[str, Any]:
    from . import charts

    columns, rows = run_report_query(con, "monthly_trend", params)
    months = _dicts(columns, rows)
    many_years = len({m["month_start"].year for m in months}) > 1
    labels, entries, cert, disc, table = [], [], [], [], []
    for m in months:
        label = _month_label(m["month_start"], many_years)
        c_rate = _ratio(m["certified"], m["certification_due"])
        d_rate = _ratio(m["disclosed"], m["disclosure_due"])
        labels.append(label)
        entries.append(m["entries"])
        cert.append(c_rate)
        disc.append(d_rate)
        table.append({"month": f"{m['month_start']:%B %Y}", "entries": fmt_count(m["entries"]),
                      "certification_rate": fmt_rate(c_rate),
                      "disclosure_rate": fmt_rate(d_rate)})
    drawn = (draw or charts.monthly_trend_svg)(labels, entries, cert, disc)

    def svg_bytes() -> bytes:
        svg = drawn() if callable(drawn) else drawn
        # The DOCTYPE names a W3C URL; drop it so nothing in the document even names one.
        return re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, count=1).encode("utf-8")

    # A chart still being drawn elsewhere is waited for only when the layout needs it.
    svg = Deferred(svg_bytes) if callable(drawn) else svg_bytes()
    return {"rows": table, "svg": svg, "total": sum(entries)}


def _dhs_tables(con, run: Any, params: dict[str, Any], provided: set[str]) -> dict[str, Any]:
    from .metrics import volume_rows

    cols, rows = volume_rows(con, run)
    entries = []
    totals = {"entries": 0, "lines": 0, "entered_value": Decimal(0), "duty": Decimal(0),
              "fees": Decimal(0)}
    for r in _dicts(cols, rows):
        for k in totals:
            totals[k] += r[k]
        entries.append({"group": ENTRY_TYPE_GROUPS[r["type_group"]],
                        "entries": fmt_count(r["entries"]), "lines": fmt_count(r["lines"]),
                        "entered_value": fmt_money(r["entered_value"]),
                        "duty": fmt_money(r["duty"]), "fees": fmt_money(r["fees"])})
    entries_total = {"entries": fmt_count(totals["entries"]), "lines": fmt_count(totals["lines"]),
                     "entered_value": fmt_money(totals["entered_value"]),
                     "duty": fmt_money(totals["duty"]), "fees": fmt_money(totals["fees"])}

    penalties = None
    if "penalties" in provided:
        cols, rows = run_report_query(con, "dhs_penalties_by_statute", params)
        penalties = [{"kind": r["case_kind"].replace("_", " "), "statute": r["statute"],
                      "cases": fmt_count(r["cases"]), "assessed": fmt_money(r["assessed"]),
                      "mitigated": fmt_money(r["mitigated"]), "paid": fmt_money(r["paid"])}
                     for r in _dicts(cols, rows)]
    disposals = None
    if "disposals" in provided:
        cols, rows = run_report_query(con, "dhs_disposals_by_program", params)
        disposals = [{"program": r["program"].replace("_", " "),
                      "action": r["action"].replace("_", " "), "cases": fmt_count(r["cases"]),
                      "domestic_value": fmt_money(r["domestic_value"]),
                      "msrp_value": fmt_money(r["msrp_value"])} for r in _dicts(cols, rows)]
    return {"entries": entries, "entries_total": entries_total,
            "lines_provided": "entry_lines" in provided,
            "penalties": penalties, "disposals": disposals}


def _benchmark_metric(b: Benchmark, rows_by_id: dict[str, dict[str, Any]]
                      ) -> dict[str, Any] | None:
    """The importer's figure a benchmark compares with: a metric, or "a/b" of two metrics
    (divided exactly, shown in the benchmark's unit)."""
    if not b.metric:
        return None
    if "/" not in b.metric:
        return rows_by_id.get(b.metric)
    num_id, den_id = (part.strip() for part in b.metric.split("/", 1))
    num, den = rows_by_id.get(num_id), rows_by_id.get(den_id)
    if num is None or den is None:
        return None
    missing = num["not_provided"] or den["not_provided"]
    n, d = _dec(num["value"]), _dec(den["value"])
    value = None if missing or n is None or not d else n / d
    return {"title": f"{num['title']} / {den['title']}", "value": value,
            "not_provided": missing,
            "value_text": "not provided" if missing else fmt_value(value, b.unit)}


def _benchmarks(rows_by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for b in load_benchmarks():
        mine = _benchmark_metric(b, rows_by_id)
        comparison = ""
        if mine and not mine["not_provided"] and mine["value"] is not None:
            v = _dec(mine["value"])
            comparison = "above" if v > b.value else ("below" if v < b.value else "equal to")
        out.append({
            "title": b.title, "cbp_text": fmt_value(b.value, b.unit),
            "goal_text": fmt_value(b.goal, b.unit) if b.goal is not None else "",
            "fiscal_year": b.fiscal_year, "source": b.source, "url": b.url, "note": b.note,
            "metric_title": mine["title"] if mine else "",
            "mine_text": mine["value_text"] if mine else "not comparable",
            "comparison": comparison,
        })
    return out


def _data_quality(con, params: dict[str, Any], provided: set[str], bookkept: bool,
                  reject_limit: int) -> tuple[dict[str, Any], Attachment | None]:
    files = _dicts(*_fetch(con, """
        select f.load_id, f.file_name, f.table_name, f.format, f.rows_read, f.rows_loaded,
               f.rows_rejected, f.rows_superseded, f.note
        from load_files as f
        order by f.load_id, f.table_name, f.file_name"""))
    for f in files:
        f["file_text"] = f["file_name"] or "not provided"
        for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded"):
            f[k + "_text"] = fmt_count(f[k]) if f[k] is not None else "–"
    rejected_total = con.execute("select count(*) from rejected_rows").fetchone()[0]
    rejected_cols, rejected = _fetch(con, """
        select load_id, file_name, row_number, column_name, raw_value, reason
        from rejected_rows
        order by load_id, file_name, row_number, column_name
        limit $limit""", {"limit": reject_limit})
    first_rejected = [{"file": r[1], "row": fmt_count(r[2]), "column": r[3] or "",
                       "raw_value": cell_text(r[4]), "reason": r[5] or ""} for r in rejected]
    attachment = None
    if rejected_total:
        table = con.sql("""
            select load_id, file_name, table_name, row_number, column_name, raw_value, reason,
                   record
            from rejected_rows
            order by load_id, file_name, row_number, column_name""").to_arrow_table()
        attachment = Attachment("rejected_rows.csv",
                                f"All {rejected_total} rejected input rows with the reason",
                                Deferred(functools.partial(arrow_to_csv, table)))
    cols, rows = run_report_query(con, "unknown_statuses", params)
    unknown = dict(zip(cols, rows[0], strict=True))
    unknown_rows = [
        ("Entries with certification unknown (empty in the data)",
         unknown["certification_unknown"]),
        ("Entries with disclosure completeness unknown", unknown["disclosure_unknown"]),
        ("Entries without a liquidation status", unknown["liquidation_status_missing"]),
        ("Entries whose importer is not in the importer registry",
         unknown["importer_not_in_registry"]),
        ("Importers with entries whose good standing is unknown",
         unknown["importers_good_standing_unknown"]),
    ]
    tables = []
    for name, table in TABLES.items():
        count = con.execute(f"select count(*) from {name}").fetchone()[0]  # name from schema
        tables.append({"name": name, "required": table.required,
                       "provided": name in provided,
                       "rows_text": fmt_count(count) if name in provided else "not provided"})
    return ({
        "files": files, "bookkept": bookkept, "rejected_total": rejected_total,
        "rejected_total_text": fmt_count(rejected_total), "first_rejected": first_rejected,
        "unknown": [{"label": label, "count": fmt_count(n)} for label, n in unknown_rows],
        "tables": tables,
        "missing": [t["name"] for t in tables if not t["provided"]],
    }, attachment)


def _fetch(con, sql: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params or {})
    return [d[0] for d in cur.description], cur.fetchall()


def _manifest(con, limit: int) -> dict[str, Any]:
    total = con.execute(
        "select count(*) from load_files where file_name is not null").fetchone()[0]
    cols, rows = _fetch(con, """
        select f.load_id, l.source_dir, f.file_name, f.table_name, f.format, f.bytes,
               f.rows_read, f.sha256
        from load_files as f
        left join loads as l using (load_id)
        where f.file_name is not null
        order by f.load_id, f.table_name, f.file_name
        limit $limit""", {"limit": limit})
    files = [{"load_id": r[0], "source_dir": r[1] or "", "file": r[2], "table": r[3],
              "format": r[4] or "", "bytes": fmt_count(r[5]), "rows": fmt_count(r[6]),
              "sha256": r[7] or ""} for r in rows]
    loads = sorted({(f["load_id"], f["source_dir"]) for f in files})
    return {"files": files, "total": total, "more": max(0, total - len(files)),
            "loads": [{"load_id": i, "source_dir": s} for i, s in loads]}


def _exceptions(con, run: Any, rows_by_id: dict[str, dict[str, Any]], limit: int,
                exception_records: Callable[..., Any]
                ) -> tuple[dict[str, list[dict[str, Any]]], list[Attachment]]:
    """First rows of every exception list with records, by section; full lists as CSV.

    ``exception_records`` returns a pyarrow Table, or (columns, rows).
    """
    by_section: dict[str, list[dict[str, Any]]] = {}
    attachments = []
    for metric_id in run.results:
        result = run.results[metric_id]
        d = result.definition
        if not _attr(d, "exceptions_sql"):
            continue
        value = _dec(result.value)
        # A null figure or a count of 0 has no records; a rate of 0 has (every record failed).
        if value is None or (value == 0 and _attr(d, "unit", "") == "count"):
            continue
        records = exception_records(con, run, metric_id)
        if isinstance(records, tuple):
            columns, rows = records
            columns, rows, total = list(columns), list(rows), len(rows)
            data = to_csv(columns, rows)
        else:  # a pyarrow Table: the CSV is written by Arrow, only the first rows reach Python
            columns, total = list(records.column_names), records.num_rows
            rows = [tuple(r.values()) for r in records.slice(0, limit).to_pylist()]
            data = Deferred(functools.partial(arrow_to_csv, records))  # written while pages lay out
        if not total:
            continue
        name = f"{metric_id}.csv"
        attachments.append(Attachment(name, f"{_attr(d, 'title', metric_id)}: all "
                                      f"{total} records", data))
        shown_cols = columns[:EXCEPTION_COLUMNS]
        status = _status(result) or ""
        # Rows are printed for the controls that need attention; every other list is
        # named with its count and attached, so the PDF stays short.
        printed = limit if status in ("red", "amber") else 0
        by_section.setdefault(_attr(d, "section", ""), []).append({
            "metric_id": metric_id,
            "title": _attr(d, "title", metric_id),
            "status": status,
            "columns": [c.strip("_").replace("_", " ") for c in shown_cols],
            "hidden_columns": max(0, len(columns) - len(shown_cols)),
            "rows": [[_clip(cell_text(v)) for v in row[:EXCEPTION_COLUMNS]] for row in rows[:printed]],
            "total": total,
            "total_text": fmt_count(total),
            "attachment": name,
        })
    return by_section, attachments


CELL_CHARS = 120  # a longer cell (a list of case numbers, say) is cut in the PDF, whole in the CSV


def _clip(text: str) -> str:
    """A cell short enough for a table row; the attachment keeps the whole value."""
    if len(text) <= CELL_CHARS:
        return text
    return text[:CELL_CHARS].rstrip() + " … (in full in the attached CSV)"


def _engine_exception_records(con, run: Any) -> Callable[..., Any]:
    """exceptions_export.exception_records without rebuilding the period tables per metric:
    they are built once here (a prior-year run may have left another period's in place)."""
    import duckdb

    from .metrics import prepare_period, query_parameters, stored_exceptions, used_parameters

    prepared = False
    params = query_parameters(run.period, run.policy)

    def records(con, run, metric_id):
        nonlocal prepared
        # Lists stored by `readiness metrics` for this very run are read, not recomputed.
        stored = stored_exceptions(con, run, metric_id) if getattr(run, "data_version", "") else None
        if stored is not None:
            return stored.to_arrow_table()
        if not prepared:
            prepare_period(con, run.period, run.policy)
            prepared = True
        d = run.results[metric_id].definition
        sql = d.exceptions_sql
        try:
            # The relational API hands Arrow the result without a row-by-row copy.
            bound = {n: params[n] for n in used_parameters(sql)}
            return con.sql(sql, params=bound).to_arrow_table()
        except (KeyError, duckdb.Error) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(f"{d.path or d.id} (exceptions): query failed: {first}") from None

    return records


def build_report(
    con,
    run: Any,
    *,
    prior_run: Any = None,
    prior_recomputed: bool = False,
    exception_rows: int = EXCEPTION_ROWS,
    exception_records: Callable[..., Any] | None = None,
    trend_chart: Callable[..., Any] | None = None,
) -> Report:
    """Collect the report's context from a metric run and the database.

    ``run`` is a metrics.MetricRun (period, policy, results, score); ``prior_run`` the
    previous year's run, if any (``prior_recomputed``: computed now under the same policy
    rather than read from storage). ``exception_records(con, run, metric_id)`` returns
    (columns, rows) of a metric's exception list (defaults to the metric engine's
    exceptions query of each metric). ``trend_chart`` draws the monthly trend chart
    (default: charts.monthly_trend_svg in this process); it returns the SVG text, or a
    function returning it (waited for only when the PDF layout needs the chart).
    """
    if exception_records is None:
        exception_records = _engine_exception_records(con, run)
    period = run.period
    policy = run.policy
    policy_values = dict(getattr(policy, "values", {}) or {})
    params = {"period_start": period.start, "period_end": period.end}
    provided, bookkept = _provided_tables(con)
    missing = set(TABLES) - provided

    # Catalog order (the run's order) throughout; ids break no ties since they are unique.
    order = {mid: i for i, mid in enumerate(run.results)}
    rows = [_metric_row(run.results[mid], prior_run, missing) for mid in run.results]
    rows_by_id = {r["id"]: r for r in rows}
    known = [s for s in SECTION_HEADINGS]
    sections: dict[str, list[dict[str, Any]]] = {s: [] for s in known}
    extra: list[dict[str, Any]] = []
    for r in rows:
        if r["id"] == "readiness_score":
            continue
        sections.get(r["section"], extra).append(r)
    # Controls first (red, amber, green, n/a), then informational metrics; stable by id.
    for lst in (*sections.values(), extra):
        lst.sort(key=lambda r: (not r["is_control"], STATUS_ORDER.get(r["status"], 4),
                                order[r["id"]]))

    flagged = sorted((r for r in rows if r["is_control"] and r["status"] in ("red", "amber")),
                     key=lambda r: (STATUS_ORDER[r["status"]], order[r["id"]]))
    exceptions, attachments = _exceptions(con, run, rows_by_id, exception_rows,
                                          exception_records)
    totals = {e["metric_id"]: e["total_text"] for lst in exceptions.values() for e in lst}
    for r in flagged:
        r["records_text"] = totals.get(r["id"], "")

    score = _dec(run.score)
    score_status = _score_status(score, policy_values)
    controls = [r for r in rows if r["is_control"]]
    prior_score = _dec(prior_run.score) if prior_run is not None else None
    prior_rows = []
    if prior_run is not None:
        prior_rows.append({"title": "Readiness score",
                           "value_text": fmt_value(score, "score"),
                           "prior_text": fmt_value(prior_score, "score"),
                           "change_text": fmt_change(score, prior_score, "score")})
        for r in sections["volume"] + controls:
            if r["has_prior"]:
                prior_rows.append(r)

    cols, imp_rows = run_report_query(con, "importers_of_period",
                                      {**params, "limit": COVER_IMPORTERS})
    importers = _dicts(cols, imp_rows)
    importers_total = importers[0]["importers_total"] if importers else 0

    data_quality, rejected_attachment = _data_quality(con, params, provided, bookkept,
                                                      REJECTED_ROWS)
    if rejected_attachment is not None:
        attachments.append(rejected_attachment)

    # The DuckDB-only steps come before the chart: the command's chart worker imports
    # matplotlib meanwhile, and the queries release the GIL.
    dhs = _dhs_tables(con, run, params, provided)
    manifest = _manifest(con, MANIFEST_ROWS)
    trend = _trend(con, params, trend_chart)
    resources = {"charts/monthly-trend.svg": trend.pop("svg")}

    period_d = _period_dict(period)
    defs = []
    for r in rows:
        d = run.results[r["id"]].definition
        defs.append({**r, "sql": (_attr(d, "sql", "") or "").strip(),
                     "exceptions_sql": (_attr(d, "exceptions_sql", "") or "").strip(),
                     "source": _query_file(d)})

    context = {
        "title": REPORT_TITLE,
        "subtitle": SUBTITLE,
        "period": period_d,
        "importers": {"names": [i["importer_name"] for i in importers],
                      "total": importers_total,
                      "more": max(0, importers_total - len(importers))},
        "score": {"value": score, "text": fmt_number(score, 1) if score is not None else "n/a",
                  "status": score_status, "status_label": STATUS_LABELS[score_status],
                  "controls": len(controls),
                  "controls_applied": sum(1 for r in controls if r["status"] != "n/a")},
        "status_counts": {s: sum(1 for r in controls if r["status"] == s)
                          for s in ("red", "amber", "green", "n/a")},
        "policy": {"version": str(getattr(policy, "version", "") or ""),
                   "source": str(getattr(policy, "source", "") or ""),
                   "rows": (policy_rows := _policy_rows(policy)),
                   "key_width": max((len(k) for k, _ in policy_rows), default=0)},
        "penalty_floor": _penalty_floor_text(policy_values),
        "flagged": flagged,
        "sections": sections,
        "section_headings": SECTION_HEADINGS,
        "extra_metrics": extra,
        "exceptions": exceptions,
        "exception_rows": exception_rows,
        "prior": ({"label": str(prior_run.period.label), "rows": prior_rows,
                   "recomputed": prior_recomputed}
                  if prior_run is not None else None),
        "no_entries": trend["total"] == 0,
        "trend": trend,
        "dhs": dhs,
        "benchmarks": _benchmarks(rows_by_id),
        "data_quality": data_quality,
        "missing_tables": sorted(missing),
        "metrics": rows_by_id,
        "definitions": defs,
        "manifest": manifest,
        "attachments": [{"name": a.name, "description": a.description} for a in attachments],
    }
    created = dt.datetime.combine(period_d["last_day"], dt.time(0, 0), tzinfo=dt.UTC)
    return Report(context=context, resources=resources, attachments=attachments,
                  created=created)


# --------------------------------------------------------------------------- HTML


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """Template folders in search order: the user's (if any), then the bundled one."""
    dirs = []
    if user_dir is not None:
        user_dir = Path(user_dir)
        if not user_dir.is_dir():
            raise ConfigError(f"{user_dir}: template folder does not exist")
        dirs.append(user_dir.resolve())
    dirs.append(bundled_dir("report_templates").resolve())
    return dirs


# Characters that would not print as themselves: C0 controls (other than tab and line
# breaks), DEL, and bidirectional overrides that reorder the text around them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def printable(value: Any) -> Any:
    """Show data text literally: unprintable and bidi-control characters become U+FFFD."""
    import markupsafe

    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return _UNPRINTABLE.sub("\ufffd", value)
    return value


def _environment(dirs: Sequence[Path]):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=printable,
    )
    # Every filter the templates use, registered in one place.
    env.filters.update({
        "count": fmt_count,
        "money": fmt_money,
        "rate": fmt_rate,
        "date": fmt_date,
        "value": fmt_value,
    })
    return env


def compiled_templates(templates_dir: Path | None = None):
    """A template environment with every report template already compiled (about 0.1 s),
    for ``render_html``; the report command prepares it in a thread while DuckDB works.
    Best effort: a template that does not compile is left for ``render_html`` to report."""
    import contextlib

    import jinja2

    env = _environment(template_dirs(templates_dir))
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)
    return env


def render_html(report: Report, templates_dir: Path | None = None, env=None) -> str:
    """The report as one HTML string (viewable in a browser from the templates folder).
    ``env``: from ``compiled_templates(templates_dir)``, if prepared ahead.

    Raises ConfigError when a template is missing or refers to an unknown field.
    """
    import jinja2

    if env is None:
        env = _environment(template_dirs(templates_dir))
    try:
        return env.get_template("report.html").render(**report.context)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"report template: {type(exc).__name__}: {exc}") from None


# --------------------------------------------------------------------------- PDF


def _weasyprint():
    """Import WeasyPrint lazily. Without the optional HarfBuzz-Subset library its import
    warns that a future version will need it; the report handles that case itself (see
    _can_subset), so that one warning is silenced and every other one is kept."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required",
                                category=DeprecationWarning)
        import weasyprint
        import weasyprint.text.ffi
        import weasyprint.urls
    return weasyprint


def make_url_fetcher(dirs: Sequence[Path],
                     resources: dict[str, bytes | Deferred] | None = None):
    """A WeasyPrint URL fetcher that serves only files of the template folders (searched
    in order, so a user folder overrides the bundled one) and the generated resources.

    Every other URL - http(s), data:, file:// outside the folders, anything with ``..``
    that escapes them - is refused without being opened.
    """
    from urllib.parse import unquote, urlsplit

    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [Path(d).resolve() for d in dirs]
    base = roots[-1]  # the document's base URL is the bundled folder
    generated = dict(resources or {})

    class TemplateOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused to fetch {url!r}: only bundled template files")
            path = Path(unquote(parts.path)).resolve()
            rel = None
            for root in roots:
                if path.is_relative_to(root):
                    rel = path.relative_to(root)
                    break
            if rel is None:
                raise ValueError(f"refused to fetch {url!r}: outside the template folders")
            key = rel.as_posix()
            if key in generated:
                return URLFetcherResponse(url, resource_bytes(generated[key]),
                                          {"Content-Type": _mime(key)})
            for root in roots:
                candidate = (root / rel).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return URLFetcherResponse(candidate.as_uri(), candidate.read_bytes(),
                                              {"Content-Type": _mime(key)})
            raise ValueError(f"refused to fetch {url!r}: no such template file")

    return TemplateOnlyFetcher(), base.as_uri() + "/"


def _mime(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"css": "text/css", "svg": "image/svg+xml", "ttf": "font/ttf", "otf": "font/otf",
            "woff": "font/woff", "woff2": "font/woff2", "png": "image/png"}.get(
        suffix, "application/octet-stream")


def write_pdf(report: Report, html: str, out: Path, templates_dir: Path | None = None) -> int:
    """Lay out ``html`` and write the PDF to ``out`` atomically; return the page count.

    The PDF goes to a temporary file in the same folder, then replaces ``out``; a failed
    render leaves no partial file. Raises ReadinessError when the folder is not writable.
    """
    weasyprint = _weasyprint()

    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ReadinessError(f"{out}: folder {folder} does not exist")
    dirs = template_dirs(templates_dir)
    fetcher, base_url = make_url_fetcher(dirs, report.resources)
    # The attachments are compressed on the other core while this one lays out the pages
    # (zlib releases the GIL); the finisher embeds them once the pages are painted.
    packing = _PackedAttachments(report.attachments)
    packing.start()
    # Layout allocates many short-lived objects; the cyclic GC only slows it down.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        document = weasyprint.HTML(string=html, base_url=base_url,
                                   url_fetcher=fetcher).render()
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                            dir=folder)
        except OSError as exc:
            raise ReadinessError(f"{out}: cannot write: {exc.strerror}") from None
        try:
            _chmod_like_new_file(tmp_name)
            with os.fdopen(fd, "wb") as fh:
                document.write_pdf(fh, full_fonts=not _can_subset(),
                                   finisher=lambda _doc, pdf: _embed_attachments(
                                       pdf, packing.result(), report.created))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, out)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    finally:
        if gc_was_enabled:
            gc.enable()
    return len(document.pages)


ATTACHMENT_ZLIB_LEVEL = 6  # zlib's default: 3-4x faster than level 9 on CSV, ~2 % larger


class _PackedAttachments(threading.Thread):
    """Compresses and checksums the attachments in the background (zlib and hashlib
    release the GIL on large buffers, so this overlaps with the page layout)."""

    def __init__(self, attachments: Sequence[Attachment]):
        super().__init__(name="pack-attachments", daemon=True)
        self.attachments = list(attachments)
        self.packed: list[tuple[Attachment, bytes, str]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for a in self.attachments:
                self.packed.append((a, zlib.compress(a.data, ATTACHMENT_ZLIB_LEVEL),
                                    hashlib.md5(a.data, usedforsecurity=False).hexdigest()))
        except BaseException as exc:  # re-raised in the writing thread
            self.error = exc

    def result(self) -> list[tuple[Attachment, bytes, str]]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.packed


def _embed_attachments(pdf, packed: Sequence[tuple[Attachment, bytes, str]],
                       created: dt.datetime | None) -> None:
    """Add the (already compressed) attachments to ``pdf`` as embedded files, the same
    objects WeasyPrint writes for its ``attachments`` option: an EmbeddedFile stream with
    size, MD5 checksum and dates, a Filespec, and the catalog's EmbeddedFiles name tree."""
    if not packed:
        return
    import mimetypes

    import pydyf

    class CompressedStream(pydyf.Stream):
        def __init__(self, compressed: bytes, extra: dict):
            super().__init__(None, extra)
            self.compressed = compressed

        @property
        def data(self) -> bytes:
            extra = pydyf.Dictionary(self.extra.copy())
            extra["Filter"] = "/FlateDecode"
            extra["Length"] = len(self.compressed)
            return b"\n".join((extra.data, b"stream", self.compressed, b"endstream"))

    when = created or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    stamp = when.strftime("D:%Y%m%d%H%M%SZ")
    names = pydyf.Array()
    for a, compressed, md5 in packed:
        mime = mimetypes.guess_type(a.name, strict=False)[0] or "application/octet-stream"
        stream = CompressedStream(compressed, {
            "Type": "/EmbeddedFile",
            "Subtype": "/" + mime.replace("/", "#2f"),
            "Params": pydyf.Dictionary({
                "CheckSum": f"<{md5}>",
                "Size": len(a.data),
                "CreationDate": pydyf.String(stamp),
                "ModDate": pydyf.String(stamp),
            }),
        })
        pdf.add_object(stream)
        filespec = pydyf.Dictionary({
            "Type": "/Filespec",
            "F": pydyf.String(a.name.encode(errors="ignore")),
            "UF": pydyf.String(a.name),
            "EF": pydyf.Dictionary({"F": stream.reference}),
            "Desc": pydyf.String(a.description or ""),
        })
        pdf.add_object(filespec)
        names.append(filespec["F"])
        names.append(filespec.reference)
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    if "Names" not in pdf.catalog:
        pdf.catalog["Names"] = pydyf.Dictionary()
    pdf.catalog["Names"]["EmbeddedFiles"] = tree.reference


def _chmod_like_new_file(path: str) -> None:
    # mkstemp creates the file 0600; the report should get the mode any new file gets.
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _can_subset() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz. Without it, WeasyPrint falls back
    to a slow fontTools subset and logs a warning; embedding the whole bundled fonts instead
    is faster and silent, at ~1 MB more per PDF."""
    _weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def write_html(html: str, out: Path, report: Report | None = None,
               templates_dir: Path | None = None) -> None:
    """Write the report's HTML for review in a browser (atomically, like the PDF).

    With ``report`` the file is made viewable on its own: a <base> points at the template
    folder (for the CSS and fonts) and the generated charts are inlined as data: URIs.
    The PDF never uses either.
    """
    import base64

    if report is not None:
        for name, data in sorted(report.resources.items()):
            uri = f"data:{_mime(name)};base64," + base64.b64encode(
                resource_bytes(data)).decode("ascii")
            html = html.replace(f'src="{name}"', f'src="{uri}"')
        base = template_dirs(templates_dir)[-1].as_uri() + "/"
        html = html.replace("<head>\n", f'<head>\n<base href="{base}">\n', 1)
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    try:
        _chmod_like_new_file(tmp_name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise

