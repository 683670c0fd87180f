"""Recognising exports (ACE ES-003, mapped broker layouts) and splitting them into tables.

A data file that is not named after a table is tried against the export profiles: a
user's mapping file (``readiness load --mapping FILE``) first, then the built-in ACE
ES-003 profile (``mappings/ace-es-003.toml``, in the same mapping format; see
mapping.py). A profile recognises a file by its headers (case- and
whitespace-insensitive, title rows above the header row allowed). The file is then
staged once and split into one source per mapped table.

An export with one row per line (ES-003: per tariff ordinal) repeats the entry's
header fields on every row. The entries part is therefore deduplicated here, one
record per entry number (``_row`` = the entry's first row); a header field with two
different non-empty values across the rows of one entry is a row error for the
entry, and every line row of that entry is refused too, naming the column. Rows
read for the entries part count entries, for the lines part file rows, so that
loaded + rejected = read holds for each table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import schema as s
from ..errors import DataFileError
from ..resources import bundled_dir
from . import exportread
from .mapping import ColumnSpec, Profile, load_mapping
from .normalize import quote_ident, sql_str
from .readers import read_headers
from .sources import Source
from .staging import normalize_header

ES003_MAPPING = "ace-es-003.toml"
# The finest grain of a multi-table export (one file row per record); the other tables
# of such an export repeat on each of its rows and are deduplicated per key.
LINE_GRAIN = "entry_lines"
_ISO_START = r"^\s*\d{4}-\d{1,2}-\d{1,2}"
_RECORD_NAMES = {"entries": "entry", "importers": "importer", "brokers": "broker",
                 "penalties": "penalty case", "disposals": "disposal case"}


def profiles(mapping: str | Path | None = None) -> list[Profile]:
    """Export profiles to try on files not named after a table: the user's mapping first.

    Raises ConfigError for a bad mapping file.
    """
    found = []
    if mapping is not None:
        found.append(load_mapping(_mapping_path(mapping)))
    found.append(load_mapping(bundled_dir("mappings") / ES003_MAPPING, builtin=True))
    return found


def _mapping_path(mapping: str | Path) -> Path:
    """A mapping file path; a bare name of a shipped mapping (with or without .toml) works too."""
    path = Path(mapping)
    if path.exists() or path.parent != Path("."):
        return path
    shipped = bundled_dir("mappings")
    for candidate in (shipped / path.name, shipped / f"{path.name}.toml"):
        if candidate.is_file():
            return candidate
    return path


@dataclass(frozen=True)
class ShippedMapping:
    """A mapping shipped in ``mappings/``: ``name`` is what ``--mapping`` takes."""

    name: str
    profile: Profile
    description: str  # the first sentence of the file's opening comment

    @property
    def headers(self) -> dict[str, str]:
        """Every header the mapping reads or matches on: normalised -> as written."""
        found = {h: h for h in self.profile.match}
        for specs in self.profile.tables.values():
            for spec in specs.values():
                found.update((normalize_header(h), h) for h in spec.headers)
        return found


def shipped_mappings() -> list[ShippedMapping]:
    """The mappings shipped with the tool, by name (ACE ES-003 is tried on every file)."""
    out = []
    for path in sorted(bundled_dir("mappings").glob("*.toml")):
        profile = load_mapping(path, builtin=path.name == ES003_MAPPING)
        out.append(ShippedMapping(path.stem, profile, _opening_sentence(path)))
    return out


def _opening_sentence(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or not line.strip("# "):
            break
        lines.append(line.lstrip("#").strip())
    text = " ".join(lines)
    end = re.search(r"\.(\s|$)", text)
    return text[: end.start() + 1] if end else text


def closest_mapping(path: Path) -> str | None:
    """For a file whose headers match no export profile: a hint naming the shipped mapping
    whose headers are closest to the file's (difflib), or None when none is close."""
    import difflib

    try:
        headers, _ = read_headers(path)
    except DataFileError:
        return None
    wanted = [h for h in dict.fromkeys(normalize_header(h) for h in headers) if h]
    best: tuple[int, ShippedMapping] | None = None
    for shipped in shipped_mappings():
        known = shipped.headers
        hits = sum(1 for h in wanted if difflib.get_close_matches(h, known, n=1, cutoff=0.85))
        if best is None or hits > best[0]:
            best = (hits, shipped)
    if best is None or best[0] < 2 or best[0] * 4 < len(wanted):
        return None
    hits, shipped = best
    present = set(wanted)
    names = shipped.headers
    needs = [names.get(g[0], g[0]) for g in shipped.profile.identity()
             if not any(h in present for h in g)]
    needs_text = ("; it recognises a file by the header(s) "
                  + ", ".join(f"'{h}'" for h in needs)) if needs else ""
    what = f"{shipped.name} ({shipped.profile.name}, {hits} of {len(wanted)} headers known)"
    if shipped.profile.builtin:
        return f"closest shipped mapping: {what}, tried already{needs_text}"
    return f"closest shipped mapping: {what}: try --mapping {shipped.name}{needs_text}"


def recognise(path: Path, profiles: list[Profile]) -> list[Source] | None:
    """The sources an export file provides, or None if it matches no profile.

    Raises DataFileError when the file cannot be read, or when it matches a profile
    but lacks a header for a required column.
    """
    for profile in profiles:
        headers, _ = read_headers(path, profile.looks_like_header)
        if profile.looks_like_header([normalize_header(h) for h in headers]):
            return _split(path, profile, headers)
    return None


# ---------------------------------------------------------------- building the sources


def _split(path: Path, profile: Profile, headers: list[str]) -> list[Source]:
    by_name = {normalize_header(h): i for i, h in enumerate(headers) if h}
    split = _Split(profile=profile, path=path)
    stages: dict = {}
    dedup = len(profile.tables) > 1
    sources: list[Source] = []
    for tname, specs in profile.tables.items():
        table = s.TABLES[tname]
        resolved = _resolve(path, profile, table, specs, by_name)
        columns = {c: e for c, (e, _) in resolved.items()}
        labels = {c: lab for c, (_, lab) in resolved.items()}
        raw = {c: by_name[normalize_header(lab)] for c, lab in labels.items()
               if c in specs and specs[c].headers}
        src = ExportSource(
            table=table,
            path=path,
            columns=columns,
            looks_like_header=profile.looks_like_header,
            is_export=True,
            note=_note(profile, table, columns, dedup and tname != LINE_GRAIN),
            has_reason=True,
            shared_stage_key=f"export:{path}",
            _stages=stages,
        )
        src.split = split
        src.labels = labels
        src.date_checks = _date_checks(profile, table, specs, by_name)
        src.dedup = dedup and tname != LINE_GRAIN
        src.raw = raw
        src.plain = frozenset(c for c in raw if _plain(profile, table.column(c), specs[c]))
        split.sources[tname] = src
        sources.append(src)
    return sources


def _resolve(path: Path, profile: Profile, table: s.Table, specs: dict[str, ColumnSpec],
             by_name: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Contract column -> (SQL over staging columns, label naming its origin)."""
    out: dict[str, tuple[str, str]] = {}
    for col, spec in specs.items():
        if spec.headers:
            hit = next((h for h in spec.headers if normalize_header(h) in by_name), None)
            if hit is None:
                if table.column(col).required:
                    wanted = " or ".join(f"'{h}'" for h in spec.headers)
                    raise DataFileError(
                        path.name, f"{profile.name} lacks a column for required {table.name}.{col} "
                        f"(expected {wanted})")
                continue  # optional column absent from this export: unknown
            raw = f"c{by_name[normalize_header(hit)]}"
            out[col] = (_value_expr(profile, table.column(col), spec, raw), hit)
        elif spec.value is not None:
            out[col] = (sql_str(spec.value), f"constant '{spec.value}'")
    for col, spec in specs.items():
        if spec.from_column is not None and spec.from_column in out:
            base, label = out[spec.from_column]
            x = f"trim({base})"
            if table.column(spec.from_column).kind == s.ENTRY_NUMBER:
                x = f"regexp_replace({x}, '[\\s\\-]', '', 'g')"  # as the contract normalises it
            if spec.first_chars:
                x = f"left({x}, {int(spec.first_chars)})"
            out[col] = (x, f"derived from {label}")
    if table.name == "entry_lines" and "entered_value" in out and "hts_number" in out:
        # A Chapter 99 ordinal has no entered value of its own: exports leave it empty
        # as often as they print 0.00. Empty there means 0, not a missing value.
        value, label = out["entered_value"]
        hts = f"regexp_replace(trim({out['hts_number'][0]}), '[\\.\\s]', '', 'g')"
        zero_on_99 = (f"(case when nullif(trim({value}), '') is null and starts_with({hts}, '99') "
                      f"then '0' else {value} end)")
        out["entered_value"] = (zero_on_99, label)
    return {c: out[c] for c in table.column_names if c in out}


def _value_expr(profile: Profile, col: s.Column, spec: ColumnSpec, raw: str, dates: bool = True) -> str:
    """Raw text of a header-mapped column after null values, extract, value map, date format."""
    x = raw
    nulls = spec.null_values if spec.null_values is not None else profile.null_values
    if nulls:
        listed = ", ".join(sql_str(v.strip().upper()) for v in nulls)
        x = f"(case when upper(trim({x})) in ({listed}) then null else {x} end)"
    if spec.extract:
        group = 1 if _has_group(spec.extract) else 0
        x = f"coalesce(nullif(regexp_extract({x}, {sql_str(spec.extract)}, {group}), ''), {x})"
    if spec.values:
        whens = " ".join(f"when {sql_str(k)} then {sql_str(v)}" for k, v in spec.values.items())
        x = f"(case upper(trim({x})) {whens} else {x} end)"
    if col.kind == s.HTS:
        # Chapter 99 subheadings have 8 digits and no statistical suffix; exports show
        # them as 9903.88.03 or 99038803. Read as the 10 digits the contract stores.
        digits = f"regexp_replace(trim({x}), '[\\.\\s]', '', 'g')"
        x = f"(case when regexp_full_match({digits}, '99[0-9]{{6}}') then {digits} || '00' else {x} end)"
    fmt = spec.date_format or (profile.date_format if col.kind == s.DATE else None)
    if fmt and dates:
        x = f"coalesce(strftime(try_strptime(trim({x}), {sql_str(fmt)}), '%Y-%m-%d'), {x})"
    return x


def _plain(profile: Profile, col: s.Column, spec: ColumnSpec) -> bool:
    """Whether _value_expr reads the column's cell as it is (an HTS number's Chapter 99
    digits aside, and the entered value's 0 on them: exportread applies those itself)."""
    nulls = spec.null_values if spec.null_values is not None else profile.null_values
    fmt = spec.date_format or (profile.date_format if col.kind == s.DATE else None)
    return not (nulls or spec.extract or spec.values or fmt)


def _has_group(pattern: str) -> bool:
    return re.compile(pattern).groups == 1


def _date_checks(profile: Profile, table: s.Table, specs: dict[str, ColumnSpec],
                 by_name: dict[str, int]) -> list[tuple[str, str, str]]:
    """(cell text before the date format is applied, format, header) of each date column
    read with a format.

    A cell that is neither in the format nor an ISO date is refused with a reason
    naming the format (rather than read as a US date by the general rule).
    """
    out = []
    for col, spec in specs.items():
        if table.column(col).kind != s.DATE or not spec.headers:
            continue
        fmt = spec.date_format or profile.date_format
        hit = next((h for h in spec.headers if normalize_header(h) in by_name), None)
        if fmt and hit is not None:
            raw = f"c{by_name[normalize_header(hit)]}"
            out.append((_value_expr(profile, table.column(col), spec, raw, dates=False), fmt, hit))
    return out


def _note(profile: Profile, table: s.Table, columns: dict[str, str], deduplicated: bool) -> str:
    """What the load summary and the report's data-quality section say about this part."""
    absent = [c for c in table.column_names if c not in columns]
    defaults = []
    if table.name == "entries" and "filer_code" in absent:
        absent.remove("filer_code")
        defaults.append("filer_code from the entry number")
    if table.name == "entry_lines" and "tariff_ordinal" in absent:
        absent.remove("tariff_ordinal")
        defaults.append("tariff_ordinal 1 on every row")
    parts = []
    if absent:
        parts.append(f"{', '.join(absent)} not in the export (unknown)")
    parts += defaults
    if deduplicated:
        parts.append(f"rows read = {table.name} (one per {' + '.join(table.key)}; "
                     "header fields repeated on each file row are read once)")
    else:
        parts.append("rows read = file rows")
    return f"{profile.name}: " + "; ".join(parts)


# ---------------------------------------------------------------- relations


@dataclass
class _Split:
    """What the sources split from one export file share: the deduplicated tables."""

    profile: Profile
    path: Path
    sources: dict[str, ExportSource] = field(default_factory=dict)
    built: dict[str, str] = field(default_factory=dict)  # table -> temp table of its records
    direct: bool = True  # the records may be grouped from the file itself (exportread)

    def records(self, con: duckdb.DuckDBPyConnection, src: ExportSource) -> str:
        """Temp table of the deduplicated records of ``src`` (built once): grouped straight
        from the file when each key's rows are written alike (exportread.group_records),
        else from the staged file, where _dedup_sql judges the rows that differ."""
        if src.table.name not in self.built:
            name = f"_export_{src.table.name}_records"
            if not (self.direct and exportread.group_records(
                    con, src, name, lambda groups: _records_sql(src, groups))):
                st = src.ensure_staged(con)
                con.execute(f"create or replace temp table {name} as {_dedup_sql(src, st.table)}")
            self.built[src.table.name] = name
        return self.built[src.table.name]

    def entry_conflicts(self, con: duckdb.DuckDBPyConnection) -> str | None:
        entries = self.sources.get("entries")
        if entries is None or not entries.dedup:
            return None
        records = self.records(con, entries)
        if con.execute(f"select count(*) from {records} where _conflict is not null").fetchone()[0] == 0:
            return None  # the usual case: no join needed on the line rows
        return f"(select _key, _conflict from {records} where _conflict is not null)"


@dataclass
class ExportSource(Source):
    """One table split out of an export file (see module docstring)."""

    split: _Split | None = field(default=None, repr=False)
    labels: dict[str, str] = field(default_factory=dict)  # contract column -> header in the file
    date_checks: list[tuple[str, str, str]] = field(default_factory=list)
    dedup: bool = False
    raw: dict[str, int] = field(default_factory=dict)  # contract column -> its header's column
    plain: frozenset[str] = frozenset()  # columns of ``raw`` whose cell is read as it is

    @property
    def malformed(self) -> list[tuple[int, str, str]]:
        # A line the CSV parser could not split is one file row: it is counted and kept
        # once, under the line table, not again under each deduplicated table.
        return [] if self.dedup else super().malformed

    def relation(self, con: duckdb.DuckDBPyConnection) -> str:
        cols = ", ".join(quote_ident(c) for c in self.columns)
        if self.dedup:
            return f"select _row, {cols}, _reason from {self.split.records(con, self)}"
        st = self.ensure_staged(con)
        exprs = ", ".join(f"{e} as {quote_ident(c)}" for c, e in self.columns.items())
        key = "cast(null as varchar)"
        if "entry_number" in self.columns:
            key = _key_expr(s.ENTRIES.column("entry_number"), self.columns["entry_number"])
        rows = (f"select _row, {exprs}, {_format_reason(self.date_checks)} as _fmt_reason, {key} as _key "
                f"from {st.table}")
        conflicts = self.split.entry_conflicts(con)
        if conflicts is None:
            return f"select _row, {cols}, nullif(_fmt_reason, '') as _reason from ({rows}) r"
        return f"""select r._row, {", ".join("r." + quote_ident(c) for c in self.columns)},
                   nullif(concat_ws('; ', nullif(r._fmt_reason, ''),
                       case when bad._key is not null
                            then 'its entry''s header fields disagree across its rows: ' || bad._conflict end),
                       '') as _reason
            from ({rows}) r left join {conflicts} bad on bad._key = r._key"""

    def cleanup(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.split is not None:
            name = self.split.built.pop(self.table.name, None)
            if name:
                con.execute(f"drop table if exists {name}")
        super().cleanup(con)


def _key_expr(col: s.Column, expr: str) -> str:
    """A key cell as the loader will compare it (so grouping here matches its duplicate check)."""
    x = f"nullif(trim({expr}), '')"
    if col.kind == s.ENTRY_NUMBER:
        return f"upper(regexp_replace({x}, '[\\s\\-]', '', 'g'))"
    if col.kind in (s.IDENT, s.FILER_CODE, s.COUNTRY):
        return f"upper({x})"
    return x


def _format_reason(checks: list[tuple[str, str, str]]) -> str:
    parts = []
    for raw, fmt, header in checks:
        x = f"nullif(trim({raw}), '')"
        parts.append(
            f"case when {x} is not null and try_strptime({x}, {sql_str(fmt)}) is null "
            f"and not regexp_matches({x}, {sql_str(_ISO_START)}) "
            f"then {sql_str(f'{header}: not a date in the format {fmt} given by the mapping')} end"
        )
    return f"concat_ws('; ', {', '.join(parts)})" if parts else "cast(null as varchar)"


def _key(src: ExportSource) -> str:
    """The key of a record of ``src``'s table over its contract columns, as the loader will
    compare it (several key columns joined)."""
    table = src.table
    parts = [_key_expr(table.column(k), quote_ident(k)) for k in table.key if k in src.columns]
    return parts[0] if len(parts) == 1 else f"concat_ws('|', {', '.join(parts) or 'null'})"


def _folded(src: ExportSource, c: str) -> str:
    """A header field's cell as it is compared across an entry's rows and stored: trimmed,
    empty as NULL, upper-cased (which changes nothing the contract rules keep) except for
    free text such as names."""
    x = f"nullif(trim({quote_ident(c)}), '')"
    return x if src.table.column(c).kind == s.TEXT else f"upper({x})"


def _records_sql(src: ExportSource, groups: str) -> str:
    """The records of ``src``'s table from ``groups`` (exportread.group_records: one row
    per distinct set of raw cells, ``_row`` its first row), the columns _dedup_sql gives:
    when each key has one such row, the same records."""
    exprs = ", ".join(f"{e} as {quote_ident(c)}" for c, e in src.columns.items())
    folded = ", ".join(f"{_folded(src, c)} as {quote_ident(c)}" for c in src.columns)
    return f"""select _key, _row, _n, _fits, {folded}, cast(null as varchar) as _conflict,
                      cast(null as varchar) as _fmt_reason, cast(null as varchar) as _reason
               from (select *, {_key(src)} as _key from (select _row, _n, _fits, {exprs} from ({groups})))
               order by _row"""


def _dedup_sql(src: ExportSource, stage: str) -> str:
    """One record per key of ``src.table``; _conflict names header fields that disagree."""
    table = src.table
    names = list(src.columns)
    q = {c: quote_ident(c) for c in names}
    exprs = ", ".join(f"{e} as {q[c]}" for c, e in src.columns.items())
    # Each cell is compared trimmed and upper-cased (a value differing only in case or
    # surrounding spaces is the same value): two different non-empty values in a group iff
    # min <> max, much cheaper than count(distinct) on big exports. The stored value is
    # that text too (upper case changes nothing the contract rules keep), except for free
    # text such as names.
    folded = ", ".join(f"upper(nullif(trim({q[c]}), '')) as {quote_ident('__u_' + c)}" for c in names)
    firsts = ", ".join(
        (f"min({_folded(src, c)})" if table.column(c).kind == s.TEXT
         else f"min({quote_ident('__u_' + c)})") + f" as {q[c]}"
        for c in names
    )
    counts = [
        f"case when min({quote_ident('__u_' + c)}) <> max({quote_ident('__u_' + c)}) then "
        f"{sql_str(f'{c} ({src.labels.get(c, c)})')} end"
        for c in names if c not in table.key
    ]
    conflict = f"nullif(concat_ws(', ', {', '.join(counts)}), '')" if counts else "cast(null as varchar)"
    what = _RECORD_NAMES.get(table.name, table.name)
    return f"""
        with file_rows as (
            select _row, {exprs}, {_format_reason(src.date_checks)} as _fmt_reason
            from {stage}
        ),
        keyed as (
            select *, {_key(src)} as _key, {folded} from file_rows
        ),
        per_key as (
            select _key, min(_row) as _row, {firsts},
                   {conflict} as _conflict,
                   min(nullif(_fmt_reason, '')) as _fmt_reason
            from keyed
            group by _key
        )
        select *, nullif(concat_ws('; ',
                   case when _conflict is not null
                        then {sql_str(f'{what} header fields disagree across its rows: ')} || _conflict end,
                   _fmt_reason), '') as _reason
        from per_key
        order by _row
    """
