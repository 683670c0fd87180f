"""Execution of the metric catalog for one period.

The period working sets (temp tables such as ``period_entries``, and views such as
``period_lines`` over them) are built once per run from ``queries/_base/*.sql``; every
metric's value query then reads them.
A value query returns exactly one row with either a ``value`` column, or ``numerator`` and
``denominator`` columns (a rate: value = numerator / denominator, computed here exactly in
``Decimal`` because DuckDB divides decimals in binary floating point; null when the
denominator is 0 or null). Parameters are bound by name (``sql.py``), never formatted in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import duckdb

from ..db import unordered
from ..errors import ConfigError, ReadinessError
from ..policy import Policy
from ..sql import execute, read_sql
from ..values import dumps_json
from .catalog import SCORE_ID, MetricDef, base_files
from .model import MetricResult, MetricRun
from .period import Period
from .status import check_policy_against, evaluate_status, readiness_score, score_band
from .store import data_version, exceptions_table, money_table, stored_list_tables, volume_table


def query_parameters(period: Period, policy: Policy) -> dict[str, Any]:
    """Every named parameter a metric or base query may use (bound, never formatted in)."""
    years = policy.values["repeat_offender_window_years"]
    end = period.end  # always the 1st of a month, so the same day exists `years` earlier
    return {
        "period_start": period.start,
        "period_end": period.end,
        "informal_types": list(policy.values["informal_entry_types"]),
        "ctpat_tiers": list(policy.values["ctpat_validated_tiers"]),
        "broker_ctpat_required": policy.values["broker_condition"] == "ctpat_validated_broker",
        "penalty_floor": policy.values["penalty_floor"],
        "floor_case_kinds": list(policy.values["floor_applies_to"]),
        # per metric (metric_parameters): the records a figure counts, and its effective date
        "scope_start": period.start,
        "scope_end": period.end,
        "effective_on": policy.effective_on("default"),
        "repeat_window_start": date(end.year - years, end.month, end.day),
        "repeat_min_cases": policy.values["repeat_offender_min_cases"],
    }


def policy_key(policy: Policy) -> str:
    return dumps_json(policy.values, indent=0)


def prepare_period(
    con: duckdb.DuckDBPyConnection, period: Period, policy: Policy, force: bool = False
) -> None:
    """Build the period working sets (temp tables) unless they are already built for this
    period and policy on this connection. ``run_metrics`` forces a rebuild, so figures always
    reflect the data as it is now; exception lists then reuse the same working sets."""
    key = policy_key(policy)
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
    params = {**query_parameters(period, policy),  # and WORKING_SET_PARAMETERS:
              "every_line_has_ordinal_1": every_line_has_ordinal_1(con)}
    # The working sets are sets: every reader orders what it shows. Not keeping the
    # tables' insertion order lets DuckDB join and copy 10M lines in parallel without
    # reordering them (period_lines 3.2 -> 2.5 s at 10M lines).
    with unordered(con):
        for path in base_files():
            execute(con, read_sql(path), params, str(path))
    con.execute(
        "create or replace temp table metric_working_set as "
        "select $start::date as period_start, $end::date as period_end, $key as policy_key",
        {"start": period.start, "end": period.end, "key": key},
    )


# What the working-set queries (queries/_base) take besides query_parameters: facts of the
# database itself, bound by prepare_period.
WORKING_SET_PARAMETERS = ("every_line_has_ordinal_1",)

# Every row of entry_lines comes from a load whose lines file showed each of its lines to
# have a tariff ordinal 1 row (the loader's key test, checks.repeats_bound), and no later
# load took some of those rows (checks.supersede_earlier): then each line of the table has
# exactly one ordinal 1 row (keys are unique), and a count of lines is a count of ordinal 1
# rows. 10M lines: 0.02 s here, against about 1 s for counting the distinct lines.
_ORDINAL_1_LINES = """
    select count(*) = 0 from entry_lines
    where _load_id is null or _load_id not in (
        select load_id from load_files
        where table_name = 'entry_lines' and file_name is not null
        group by load_id
        having bool_and(every_line_has_ordinal_1 is true))"""


def every_line_has_ordinal_1(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the loads show that every line (entry number + line number) of entry_lines
    has a tariff ordinal 1 row (False for a database made before the loader recorded it)."""
    recorded = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = 'load_files' "
        "and column_name = 'every_line_has_ordinal_1'").fetchone()[0]
    return bool(recorded) and bool(con.execute(_ORDINAL_1_LINES).fetchone()[0])


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


# ------------------------------------------------------------------ user metrics, sandboxed
# A user metric (``--metrics-dir``) is SQL the tool did not ship. It may only read the loaded
# data: its query must parse as exactly one SELECT (so it cannot delete, insert, attach,
# install or set anything), and before the first one runs the DuckDB instance is locked
# down for the rest of the process: no file system access (read_csv, COPY, ATTACH,
# read_text), no extension loading or installing (so no httpfs: no network), and the
# configuration locked so nothing can undo that. The tool itself needs none of these
# after the load (spilling to the temp folder still works).
LOCKDOWN = (
    "set enable_external_access = false",
    "set allow_community_extensions = false",
    "set autoinstall_known_extensions = false",
    "set autoload_known_extensions = false",
    "set lock_configuration = true",
)


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Make the DuckDB instance of ``con`` read no files, load no extensions and accept no
    configuration change from now on (irreversible for the instance)."""
    locked = con.execute("select current_setting('lock_configuration')").fetchone()[0]
    if not locked:
        for statement in LOCKDOWN:
            con.execute(statement)


def _user_sql(con: duckdb.DuckDBPyConnection, sql: str, where: str) -> None:
    """Refuse user SQL that is not exactly one SELECT query, then lock the instance down."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ConfigError(f"{where}: query failed: {str(exc).strip().splitlines()[0]}") from None
    kinds = [st.type.name for st in statements]
    if kinds != ["SELECT"]:
        found = ", ".join(kinds) if kinds else "no statement"
        raise ConfigError(f"{where}: a user metric may only read the loaded data with one SELECT "
                          f"query (found {found})")
    lock_down(con)


def _run(con: duckdb.DuckDBPyConnection, d: MetricDef, sql: str, params: dict[str, Any],
         where: str, check: str | None = None):
    """Execute ``sql`` of metric ``d``; a user metric's SQL (``check``: the user's own text
    when ``sql`` wraps it) runs sandboxed."""
    if d.source != "user":
        return execute(con, sql, params, where)
    _user_sql(con, check if check is not None else sql, where)
    try:
        return execute(con, sql, params, where)
    except ConfigError as exc:
        if "Permission Error" in str(exc) or "disabled" in str(exc):
            raise ConfigError(f"{where}: a user metric may not read or write files, load "
                              f"extensions or reach the network ({exc})") from None
        raise


def metric_parameters(d: MetricDef, period: Period, policy: Policy,
                      base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The parameters of ``d``'s figure and of its before-the-order baseline (None when the
    metric is not dated).

    A dated metric counts the records in [max(period start, effective date), period end);
    its baseline those in [period start, min(effective date, period end)): the same formula
    over E minus E*, so a period that starts on or after the effective date has an empty
    baseline (0 for a count, null for a rate), not a missing one.
    """
    effective = policy.effective_on(d.id)
    params = {**base, "effective_on": effective}
    if not d.dated:
        return params, None
    in_force = {**params, "scope_start": max(period.start, effective), "scope_end": period.end}
    before = {**params, "scope_start": period.start,
              "scope_end": max(period.start, min(effective, period.end))}
    return in_force, before


def _compute(con, d: MetricDef, params: dict[str, Any]) -> tuple[Any, Any, Any, Any, Any]:
    """(value, numerator, denominator, missing, rows) of one metric query: ``missing`` and
    ``rows`` (the rows in scope, for "n of m not provided") only from queries of sums."""
    where = str(d.path) if d.path else d.id
    cur = _run(con, d, d.sql, params, where)
    cols = [c[0] for c in cur.description]
    rows = cur.fetchall()
    if len(rows) != 1:
        raise ConfigError(f"{where}: the value query must return exactly one row, got {len(rows)}")
    row = dict(zip(cols, rows[0], strict=True))
    shape = sorted(c for c in cols if c not in ("missing", "rows"))
    try:
        missing = _to_number(row["missing"]) if "missing" in row else None
        rows_in_scope = _to_number(row["rows"]) if "rows" in row else None
        if shape == ["value"]:
            return _to_number(row["value"]), None, None, missing, rows_in_scope
        if shape == ["denominator", "numerator"]:
            num, den = _to_number(row["numerator"]), _to_number(row["denominator"])
            return _ratio(num, den), num, den, missing, rows_in_scope
    except TypeError as exc:
        raise ConfigError(f"{where}: the query returned a {exc} value, not a number") from None
    raise ConfigError(
        f"{where}: the value query must return one column 'value', or 'numerator' and "
        f"'denominator' (and optionally 'missing' and 'rows'); got {', '.join(cols)}"
    )


def carried_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]] | None:
    """Columns the loaded files carried, by table (None: no bookkeeping says, e.g. a
    database filled by other means or loaded by an earlier version, so all count as carried).
    A table without any loaded file is absent (the report says it was not provided)."""
    rows = con.execute(
        "select table_name, carried_columns from load_files where file_name is not null"
    ).fetchall()
    if not rows or any(c is None for _t, c in rows):
        return None
    out: dict[str, set[str]] = {}
    for table, cols in rows:
        out.setdefault(table, set()).update(c for c in cols.split(",") if c)
    return out


def _not_provided(d: MetricDef, carried: dict[str, set[str]] | None) -> tuple[str, ...]:
    if carried is None:
        return ()
    out = []
    for ref in d.requires:
        table, column = ref.split(".", 1)
        if table in carried and column not in carried[table]:
            out.append(ref)
    return tuple(out)


# The records a dated metric's provision applies to: entries by entry date, or disposal
# cases by the date they were opened (a metric reading period_disposals).
_IN_FORCE_SQL = {
    "entries": "select count(*) from period_entries "
               "where entry_date >= $scope_start and entry_date < $scope_end",
    "disposals": "select count(*) from period_disposals "
                 "where opened_on >= $scope_start and opened_on < $scope_end",
}


def _records_in_force(con: duckdb.DuckDBPyConnection, d: MetricDef, params: dict[str, Any],
                      counted: dict[tuple[str, Any, Any], int]) -> int:
    table = "disposals" if "period_disposals" in d.sql else "entries"
    key = (table, params["scope_start"], params["scope_end"])
    if key not in counted:
        if params["scope_start"] >= params["scope_end"]:
            counted[key] = 0
        else:
            counted[key] = con.execute(
                _IN_FORCE_SQL[table],
                {"scope_start": params["scope_start"], "scope_end": params["scope_end"]},
            ).fetchone()[0]
    return counted[key]


def check_period_has_records(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Refuse a period without entries, penalty cases and disposal cases: it is no clean
    year but no data. Raises ReadinessError naming the periods that do have records."""
    p = {"s": period.start, "e": period.end}
    found = con.execute(
        "select (select count(*) from entries where entry_date >= $s and entry_date < $e)"
        " + (select count(*) from penalties where issued_on >= $s and issued_on < $e)"
        " + (select count(*) from disposals where opened_on >= $s and opened_on < $e)", p,
    ).fetchone()[0]
    if found:
        return
    fsm = period.fiscal_start_month
    shift = 0 if fsm == 1 else 1
    years = [r[0] for r in con.execute(
        "select distinct year(d) + case when $shift = 1 and month(d) >= $m then 1 else 0 end as y "
        "from (select entry_date as d from entries union all select issued_on from penalties "
        "union all select opened_on from disposals) where d is not null order by y",
        {"shift": shift, "m": fsm},
    ).fetchall()]
    prefix = "CY" if fsm == 1 else "FY"
    held = ", ".join(f"{prefix}{y}" for y in years) if years else "none (nothing is loaded)"
    raise ReadinessError(
        f"no entries, penalty cases or disposal cases in {period.label} "
        f"({period.start.isoformat()} to {period.end.isoformat()}, end exclusive); "
        f"periods with records: {held}")


def compute_run(con: duckdb.DuckDBPyConnection, period: Period, policy: Policy,
                defs: Sequence[MetricDef], metrics_dirs: Sequence[Path | str] = ()) -> MetricRun:
    """Compute every metric of ``defs`` for ``period`` from the data as it is now.

    Builds the period working sets on this connection (temp tables: nothing is written to
    the database). Raises ConfigError for policy keys naming no control metric, and for a
    query that fails.
    """
    check_policy_against(list(defs), policy)
    prepare_period(con, period, policy, force=True)
    base = query_parameters(period, policy)
    carried = carried_columns(con)
    counted: dict[tuple[str, Any, Any], int] = {}
    results: dict[str, MetricResult] = {}
    for d in defs:
        if d.id == SCORE_ID:
            continue
        params, before_params = metric_parameters(d, period, policy, base)
        effective = params["effective_on"] if d.dated else None
        absent = _not_provided(d, carried)
        if absent:  # the data cannot say: no figure, never a green 0 or a red 0 %
            results[d.id] = MetricResult(d.id, None, "n/a" if d.is_control else None, d,
                                         status_rule=d.describe_status(policy),
                                         effective_on=effective, not_provided=absent)
            continue
        value, num, den, missing, rows_in_scope = _compute(con, d, params)
        before = None
        if before_params is not None:
            before = _compute(con, d, before_params)[0]
        # E* (or D*): the records of the period on or after the effective date; none means
        # the provision is not in force in this period (status n/a, outside the score)
        in_force = None if not d.dated else _records_in_force(con, d, params, counted)
        # metrics.md: "If E* is empty the metric's status is n/a" (informational ones too)
        status = evaluate_status(d, value, policy) if in_force != 0 else "n/a"
        results[d.id] = MetricResult(
            d.id, value, status, d, num, den, d.describe_status(policy),
            before_order=before, effective_on=effective, missing=missing,
            rows_in_scope=rows_in_scope, in_force_records=in_force,
        )
    score = readiness_score(results.values(), policy)
    ordered: dict[str, MetricResult] = {}
    for d in defs:
        if d.id == SCORE_ID:
            ordered[d.id] = MetricResult(d.id, score, score_band(score, policy), d, None, None,
                                         d.describe_status(policy))
        else:
            ordered[d.id] = results[d.id]
    return MetricRun(period, policy, ordered, score, tuple(str(p) for p in metrics_dirs),
                     data_version(con, defs))


def write_lists(con: duckdb.DuckDBPyConnection, run: MetricRun, temp: bool) -> None:
    """Materialise the records behind each figure of ``run`` (one table per metric with an
    exception list, empty where the figure has no records), the period's volume by entry-type
    group and its money per importer of record and filer code, from the working sets that
    ``compute_run`` built. ``temp``: temp tables of this connection (nothing written to the
    database); otherwise stored tables, replacing those of an earlier run of the period
    (the caller holds the transaction)."""
    base = query_parameters(run.period, run.policy)
    kind = "temp table" if temp else "table"
    if not temp:
        for name in stored_list_tables(con, run.period):
            con.execute(f'drop table "{name}"')
    for r in run.results.values():
        d = r.definition
        if not d.exceptions_sql:
            continue
        name = exceptions_table(run.period, d.id, temp).replace('"', '""')
        user_text = d.exceptions_sql.strip()
        body = user_text.rstrip(";")
        if not r.has_records:  # the columns only: DuckDB plans LIMIT 0 without reading data
            body = f"select * from (\n{body}\n) limit 0"
        sql = f'create or replace {kind} "{name}" as \n' + body
        params = metric_parameters(d, run.period, run.policy, base)[0]
        _run(con, d, sql, params, f"{d.path or d.id} (exceptions)", check=user_text)
    volume = volume_table(run.period, temp)
    con.execute(f'create or replace {kind} "{volume}" as select * from period_volume')
    money = money_table(run.period, temp)
    con.execute(f'create or replace {kind} "{money}" as select * from period_money')


def exception_records(con: duckdb.DuckDBPyConnection, run: MetricRun,
                      metric_id: str) -> tuple[list[str], list[tuple]]:
    """Columns and rows of the records behind ``metric_id`` in ``run`` (its period and
    policy), computed from the data as it is now.

    Raises ConfigError when the metric is unknown or has no exceptions query.
    """
    result = run.results.get(metric_id)
    if result is None:
        raise ConfigError(f"unknown metric id '{metric_id}'")
    d = result.definition
    if not d.exceptions_sql:
        raise ConfigError(f"metric '{metric_id}' has no exception list")
    prepare_period(con, run.period, run.policy)
    params = metric_parameters(d, run.period, run.policy,
                               query_parameters(run.period, run.policy))[0]
    cur = _run(con, d, d.exceptions_sql, params, f"{d.path or d.id} (exceptions)")
    return [c[0] for c in cur.description], cur.fetchall()
