"""Mapping files: how the columns of an export layout become contract columns.

A mapping file is TOML. Its ``[layout]`` table says how to recognise the layout and
how to read its cells; one table per contract table (``[entries]``,
``[entry_lines]``, ...) maps each contract column to where its value comes from::

    [layout]
    name = "Broker X entry-line export"
    match = ["Entry Number", "HTS Number"]  # headers that identify the layout (optional)
    null_values = ["N/A"]                    # cells meaning "empty" (any case)
    date_format = "%m/%d/%Y"                 # default format of every date column
    decimal_comma = true                     # amounts of the load write 1.234,56 (optional)

    [entries]
    entry_number = "Entry Number"                        # a header
    entry_type = ["Entry Type Code", "Entry Type"]       # alternative headers, first present wins
    filer_code = { from = "entry_number", first_chars = 3 }  # derived from another column
    certification = { value = "unknown" }                # a constant
    liquidation_status = { header = "Liq Status", values = { "P" = "unliquidated" } }

The built-in ACE ES-003 profile (``mappings/ace-es-003.toml``) is written in this
format too. Every problem in a mapping file is a ConfigError naming the file and key;
this module never reads data files.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema as s
from ..errors import ConfigError
from .staging import normalize_header

LAYOUT_KEYS = {"name", "match", "null_values", "date_format", "decimal_comma"}
SPEC_KEYS = {"header", "value", "from", "first_chars", "values", "date_format", "null_values", "extract"}
FIRST_CHARS_MAX = 1000
# A date that tells day from month (28 > 12): a format that round-trips it has both.
_PROBE_DATE = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class ColumnSpec:
    """Where one contract column comes from (exactly one of headers, value, from_column)."""

    headers: tuple[str, ...] = ()  # alternative headers, as written in the mapping
    value: str | None = None  # constant
    from_column: str | None = None  # another contract column of the same table
    first_chars: int | None = None  # with from_column: keep the first N characters
    values: dict[str, str] = field(default_factory=dict)  # source value (upper-cased) -> contract value
    date_format: str | None = None
    null_values: tuple[str, ...] | None = None  # None: the layout's list
    extract: str | None = None  # regular expression; its first group (or match) is the value


@dataclass(frozen=True)
class Profile:
    """A layout: how to recognise it and how its columns map onto contract tables."""

    name: str
    file: Path
    tables: dict[str, dict[str, ColumnSpec]]
    match: tuple[str, ...] = ()  # normalised headers that must all be present
    null_values: tuple[str, ...] = ()
    date_format: str | None = None
    builtin: bool = False
    # How every amount of the load writes its decimal mark: True 1.234,56, False 1,234.56,
    # None not declared (then a comma in a semicolon-separated file is ambiguous).
    decimal_comma: bool | None = None

    def spec_headers(self, table: str, column: str) -> tuple[str, ...]:
        spec = self.tables[table].get(column)
        return spec.headers if spec else ()

    def identity(self) -> list[tuple[str, ...]]:
        """Header groups that identify the layout: each group needs one header present.

        The ``match`` list when given, else the headers of every required column
        mapped to a header.
        """
        if self.match:
            return [(h,) for h in self.match]
        groups = []
        for table, specs in self.tables.items():
            for col in s.TABLES[table].required_columns:
                spec = specs.get(col)
                if spec and spec.headers:
                    groups.append(tuple(normalize_header(h) for h in spec.headers))
        return groups

    def looks_like_header(self, headers: list[str]) -> bool:
        """True when a row of normalised headers identifies this layout."""
        present = set(headers)
        groups = self.identity()
        return bool(groups) and all(any(h in present for h in g) for g in groups)


def load_mapping(path: str | Path, builtin: bool = False) -> Profile:
    """Read and validate a mapping file; raises ConfigError naming the file and key."""
    p = Path(path)
    label = p.name if builtin else str(p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{label}: mapping file not found") from None
    except OSError as exc:
        raise ConfigError(f"{label}: mapping file cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: mapping file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{label}: not valid TOML: nested too deeply") from None
    return parse_mapping(data, p, label, builtin)


def parse_mapping(data: dict, path: Path, label: str | None = None, builtin: bool = False) -> Profile:
    """Validate parsed TOML ``data`` of mapping file ``path`` into a Profile.

    A shipped mapping (``builtin``) skips only the checks that ask DuckDB itself (a date
    format read back, a pattern compiled by DuckDB's engine): opening DuckDB for them cost
    every load 20 ms, and tests/test_mapping_errors.py runs every check on the shipped
    files."""
    label = label or str(path)
    engine = not builtin

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{label}: key '{key}': {problem}")

    for key in data:
        if key != "layout" and key not in s.TABLES:
            raise fail(key, f"unknown key (expected 'layout' or a table: {', '.join(s.TABLES)})")
    layout = data.get("layout", {})
    if not isinstance(layout, dict):
        raise fail("layout", "must be a table")
    for key in layout:
        if key not in LAYOUT_KEYS:
            raise fail(f"layout.{key}", f"unknown key (expected one of: {', '.join(sorted(LAYOUT_KEYS))})")
    name = layout.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise fail("layout.name", "must be a non-empty string")
    match = _str_list(layout.get("match", []), "layout.match", fail)
    null_values = _str_list(layout.get("null_values", []), "layout.null_values", fail, allow_empty=True)
    date_format = layout.get("date_format")
    if date_format is not None:
        _check_date_format(date_format, "layout.date_format", fail, engine)
    decimal_comma = layout.get("decimal_comma")
    if decimal_comma is not None and not isinstance(decimal_comma, bool):
        raise fail("layout.decimal_comma", "must be true or false")

    tables: dict[str, dict[str, ColumnSpec]] = {}
    for tname, section in data.items():
        if tname == "layout":
            continue
        if not isinstance(section, dict):
            raise fail(tname, "must be a table of column = header")
        table = s.TABLES[tname]
        specs: dict[str, ColumnSpec] = {}
        for col, raw in section.items():
            key = f"{tname}.{col}"
            if col not in table.column_names:
                raise fail(key, f"unknown column of table {tname} (columns: {', '.join(table.column_names)})")
            specs[col] = _parse_spec(raw, table.column(col), key, fail, engine)
        for col, spec in specs.items():
            if spec.from_column is not None:
                ref = specs.get(spec.from_column)
                if spec.from_column not in table.column_names:
                    raise fail(f"{tname}.{col}.from", f"unknown column '{spec.from_column}' of table {tname}")
                if ref is None or ref.from_column is not None or spec.from_column == col:
                    raise fail(f"{tname}.{col}.from",
                               f"column '{spec.from_column}' must itself be mapped to a header or a value")
        for col in table.required_columns:
            if col not in specs:
                raise fail(f"{tname}.{col}", f"missing mapping for required column {col} of table {tname}")
        tables[tname] = specs
    if not tables and decimal_comma is None:
        # (A mapping of [layout] only may declare how amounts are written, for table files.)
        raise fail("entries", "the mapping maps no table (add [entries], [entry_lines], ...)")
    return Profile(
        name=name.strip(),
        file=path,
        tables=tables,
        match=tuple(normalize_header(h) for h in match),
        null_values=tuple(null_values),
        date_format=date_format,
        builtin=builtin,
        decimal_comma=decimal_comma,
    )


def _str_list(value, key: str, fail, allow_empty: bool = False) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, "must be a string or a list of strings")
    if not allow_empty and any(not v.strip() for v in value):
        raise fail(key, "empty header name")
    return [v.strip() for v in value]


def _parse_spec(raw, col: s.Column, key: str, fail, engine: bool = True) -> ColumnSpec:
    if isinstance(raw, (str, list)):
        raw = {"header": raw}
    if not isinstance(raw, dict):
        raise fail(key, "must be a header, a list of headers, or a table such as { header = \"...\" }")
    for k in raw:
        if k not in SPEC_KEYS:
            raise fail(f"{key}.{k}", f"unknown key (expected one of: {', '.join(sorted(SPEC_KEYS))})")
    sources = [k for k in ("header", "value", "from") if k in raw]
    if len(sources) != 1:
        raise fail(key, "give exactly one of header, value or from")
    headers: tuple[str, ...] = ()
    value = from_column = None
    if "header" in raw:
        headers = tuple(_str_list(raw["header"], f"{key}.header", fail))
        if not headers:
            raise fail(f"{key}.header", "no header given")
    elif "value" in raw:
        value = raw["value"]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            raise fail(f"{key}.value", "must be a string, number or boolean")
        folded = re.sub(r"[\s\-]+", "_", value.strip().lower()).strip("_")
        if col.kind == s.ENUM and folded not in col.values and folded not in col.aliases:
            raise fail(f"{key}.value", f"'{value}' is not one of: {', '.join(col.values)}")
    else:
        from_column = raw["from"]
        if not isinstance(from_column, str):
            raise fail(f"{key}.from", "must be the name of another column of the table")
    first_chars = raw.get("first_chars")
    if first_chars is not None:
        if from_column is None:
            raise fail(f"{key}.first_chars", "only with from = \"<column>\"")
        if (isinstance(first_chars, bool) or not isinstance(first_chars, int) or first_chars < 1
                or first_chars > FIRST_CHARS_MAX):
            raise fail(f"{key}.first_chars", f"must be a whole number from 1 to {FIRST_CHARS_MAX}")
    values = raw.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise fail(f"{key}.values", "must be a table of \"source value\" = \"contract value\"")
    for src, dst in values.items():
        if col.kind == s.ENUM and dst not in col.values:
            raise fail(f"{key}.values", f"'{dst}' (for '{src}') is not one of: {', '.join(col.values)}")
        if col.kind == s.BOOL and dst.lower() not in ("true", "false"):
            raise fail(f"{key}.values", f"'{dst}' (for '{src}') must be true or false")
    date_format = raw.get("date_format")
    if date_format is not None:
        if col.kind != s.DATE:
            raise fail(f"{key}.date_format", f"column {col.name} is not a date")
        _check_date_format(date_format, f"{key}.date_format", fail, engine)
    null_values = raw.get("null_values")
    if null_values is not None:
        null_values = tuple(_str_list(null_values, f"{key}.null_values", fail, allow_empty=True))
    extract = raw.get("extract")
    if extract is not None:
        _check_regex(extract, f"{key}.extract", fail, engine)
    return ColumnSpec(
        headers=headers,
        value=value,
        from_column=from_column,
        first_chars=first_chars,
        values={k.strip().upper(): v for k, v in values.items()},
        date_format=date_format,
        null_values=null_values,
        extract=extract,
    )


@functools.lru_cache(maxsize=1)
def _probe():
    """One in-memory DuckDB for checking a mapping's formats and patterns (opening one per
    check costs ~20 ms each)."""
    import duckdb

    return duckdb.connect()


def _check_date_format(fmt, key: str, fail, engine: bool = True) -> None:
    """A strptime format that Python (and with ``engine`` DuckDB) reads back to the same
    day, month and year."""
    if not isinstance(fmt, str) or not fmt.strip():
        raise fail(key, "must be a strptime format such as \"%m/%d/%Y\"")
    try:
        text = _PROBE_DATE.strftime(fmt)
        ok = dt.datetime.strptime(text, fmt).date() == _PROBE_DATE
    except ValueError:
        ok = False
    if ok and engine:
        import duckdb

        try:
            back = _probe().execute("select cast(try_strptime($t, $f) as date)",
                                    {"t": text, "f": fmt}).fetchone()[0]
            ok = back == _PROBE_DATE
        except duckdb.Error:
            ok = False
    if not ok:
        raise fail(key, f"bad date format '{fmt}': it must give day, month and year, "
                        "e.g. \"%m/%d/%Y\" or \"%m%d%y\"")


def _check_regex(pattern, key: str, fail, engine: bool = True) -> None:
    if not isinstance(pattern, str) or not pattern:
        raise fail(key, "must be a regular expression")
    try:
        groups = re.compile(pattern).groups
    except re.error as exc:
        raise fail(key, f"bad regular expression: {exc}") from None
    if groups > 1:
        raise fail(key, "use at most one capturing group (its text is the value)")
    if not engine:
        return
    import duckdb

    try:
        _probe().execute("select regexp_extract('', $p)", {"p": pattern})
    except duckdb.Error as exc:
        raise fail(key, f"regular expression not supported: {str(exc).splitlines()[0]}") from None
