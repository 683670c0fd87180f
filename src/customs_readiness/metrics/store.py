"""Stored runs: the figures of a period, its exception lists and volume table, kept in the
database by ``readiness metrics`` (and ``run``), and reused while they still match the data,
policy and queries (``is_fresh``). Nothing else writes these tables.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ..errors import ReadinessError
from ..policy import Policy
from ..values import dumps_json
from .catalog import MetricDef, StatusRule, base_files, discover
from .model import MetricResult, MetricRun
from .period import Period


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


def _policy_key(policy: Policy) -> str:
    return dumps_json(policy.values, indent=0)


def _prefix(period: Period, temp: bool) -> str:
    return f"{'tmp' if temp else 'metric'}_exceptions_{period.start:%Y%m%d}_{period.end:%Y%m%d}_"


def exceptions_table(period: Period, metric_id: str, temp: bool = False) -> str:
    """Name of the exception list of ``metric_id`` for ``period``: stored, or a temp table
    of the connection for a run computed without storing."""
    return _prefix(period, temp) + metric_id


def volume_table(period: Period, temp: bool = False) -> str:
    """Name of the trade volume by entry-type group (working set ``period_volume``)."""
    kind = "tmp" if temp else "metric"
    return f"{kind}_volume_{period.start:%Y%m%d}_{period.end:%Y%m%d}"


def money_table(period: Period, temp: bool = False) -> str:
    """Name of the money per importer of record and filer code (working set
    ``period_money``)."""
    kind = "tmp" if temp else "metric"
    return f"{kind}_money_{period.start:%Y%m%d}_{period.end:%Y%m%d}"


def stored_list_tables(con: duckdb.DuckDBPyConnection, period: Period) -> list[str]:
    """Names of the stored exception lists of ``period``."""
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary "
        "and starts_with(table_name, ?) order by table_name", [_prefix(period, False)],
    ).fetchall()]


def _existing_tables(con: duckdb.DuckDBPyConnection, names: list[str], temp: bool) -> set[str]:
    """Which of ``names`` exist (temp or stored tables), asked in one query."""
    # fetchall: a relation may not start while a result is pending
    return {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where temporary = ? "
        "and list_contains(?, table_name)", [temp, names]).fetchall()}


def lists_of(con: duckdb.DuckDBPyConnection, run: MetricRun, temp: bool) -> dict[str, Any]:
    """The exception lists of ``run`` as DuckDB relations, by metric id (every metric with an
    exception list; empty where the figure has no records), read from the tables
    ``engine.write_lists`` made."""
    names = {r.id: exceptions_table(run.period, r.id, temp)
             for r in run.results.values() if r.definition.exceptions_sql}
    present = _existing_tables(con, list(names.values()), temp)
    return {mid: con.sql('select * from "' + name.replace('"', '""') + '"')
            for mid, name in names.items() if name in present}


def volume_of(con: duckdb.DuckDBPyConnection, run: MetricRun,
              temp: bool) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of the period's volume by entry-type group."""
    cur = con.execute(f'select * from "{volume_table(run.period, temp)}" order by type_group')
    return [c[0] for c in cur.description], cur.fetchall()


def money_of(con: duckdb.DuckDBPyConnection, run: MetricRun, temp: bool) -> str | None:
    """The name of the period's money per importer of record and filer code (a stored or
    temp table), or None when the run was stored by an earlier version without it (the
    report then sums the lines itself)."""
    name = money_table(run.period, temp)
    return name if _existing_tables(con, [name], temp) else None


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
        authority varchar,
        dated boolean,
        effective_on date,
        before_order varchar,
        missing bigint,
        not_provided varchar,
        rows_in_scope bigint,
        in_force_records bigint,
        primary key (period_start, period_end, metric_id)
    )
    """,
    # runs stored by catalog version 1 lack these (read back as undated indicators)
    "alter table metric_results add column if not exists authority varchar",
    "alter table metric_results add column if not exists dated boolean",
    "alter table metric_results add column if not exists effective_on date",
    "alter table metric_results add column if not exists before_order varchar",
    "alter table metric_results add column if not exists missing bigint",
    "alter table metric_results add column if not exists not_provided varchar",
    "alter table metric_results add column if not exists rows_in_scope bigint",
    "alter table metric_results add column if not exists in_force_records bigint",
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
            d.authority, d.dated, r.effective_on, _text(r.before_order), r.missing,
            ",".join(r.not_provided) or None, r.rows_in_scope, r.in_force_records,
        ))
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


def _policy_from_json(text: str, version: str, source: str) -> Policy:
    values = json.loads(text, parse_float=Decimal, parse_int=int)
    for table in ("thresholds", "weights"):
        values[table] = _decimals(values.get(table, {}))
    values["penalty_floor"] = Decimal(str(values["penalty_floor"]))
    if "score_bands" in values:
        values["score_bands"] = _decimals(values["score_bands"])
    if "effective_on" in values:
        values["effective_on"] = {k: date.fromisoformat(v)
                                  for k, v in values["effective_on"].items()}
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
        "status_rule, has_exceptions, path, value, numerator, denominator, status, "
        "authority, dated, effective_on, before_order, missing, not_provided, rows_in_scope, in_force_records "
        "from metric_results where period_start = $s and period_end = $e order by position",
        {"s": period.start, "e": period.end},
    ).fetchall()
    results: dict[str, MetricResult] = {}
    for (mid, src, section, title, unit, definition, basis, spec, rule_text, _has_exc, path,
         value, num, den, status, authority, dated, effective_on, before, missing,
         not_provided, rows_in_scope, in_force_records) in rows:
        live = current.get(mid)
        d = MetricDef(
            id=mid, title=title, unit=unit, section=section, definition=definition, basis=basis,
            rule=_rule_from_json(spec), sql=live.sql if live else "",
            exceptions_sql=live.exceptions_sql if live else None,
            path=Path(path) if path else None, source=src,
            authority=authority or "indicator", dated=bool(dated),
            requires=live.requires if live else (),
        )
        results[mid] = MetricResult(
            mid, _number(value, unit), status, d, _number(num), _number(den), rule_text,
            before_order=_number(before, unit), effective_on=effective_on, missing=missing,
            not_provided=tuple(not_provided.split(",")) if not_provided else (),
            rows_in_scope=rows_in_scope, in_force_records=in_force_records,
        )
    stored_period = Period(period.start, period.end, label, year, fsm)
    return MetricRun(stored_period, policy, results, _number(score, "score") if score else None,
                     dirs_list, version_of_data or "")
