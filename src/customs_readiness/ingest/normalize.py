"""Normalisation rules of the data contract as DuckDB SQL expressions.

Every column kind (schema.py) has one rule: a *value* expression that turns the raw
text cell into the typed value, and a *reason* expression that is NULL when the cell
is acceptable and otherwise says, in words an analyst understands, why the row is
refused. The loader applies them to whole staging tables at once (vectorised); no
Python code touches individual data rows.

Only constants from schema.py are written into the SQL text (enumeration values and
column names); values from the data are never formatted into SQL.
"""

from __future__ import annotations

import re

from .. import schema as s
from ..schema import Column
from .csvread import DELIMITERS

BOOL_TRUE = ("true", "yes", "y", "1", "t")
BOOL_FALSE = ("false", "no", "n", "0", "f")

# Which spellings the fast path takes as they stand (canonical, line_shape): EXACT, the
# contract's own (lower-case yes/no and listed values, entry numbers of 11 characters, HTS
# numbers of 10 digits), or AS_WRITTEN, also those of ACE exports, spreadsheets and pandas:
# yes/no and listed values capitalised or in capitals (True, FALSE, Liquidated), entry
# numbers with their dashes (K37-6000000-7), HTS numbers with their dots (8471.30.0100),
# entry types of one digit (1 for 01, as a code read as a number is written back), ISO
# dates with a time of midnight (2026-01-15 00:00:00, as pandas writes a datetime), whole
# numbers written as floats (3.0, as pandas writes an integer column with a gap) and
# amounts as a spreadsheet formats them ($1,234.56), each given the full rule's value. Any
# other spelling (tRuE, an entry number with spaces) gets the full rule. The line read takes
# AS_WRITTEN; a whole file proved EXACT is read with the cheapest values (direct.py).
EXACT, AS_WRITTEN = "exact", "as-written"


def _cases(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for w in words for v in (w, w.capitalize(), w.upper())))


BOOL_TRUE_AS_WRITTEN = _cases(BOOL_TRUE)
BOOL_FALSE_AS_WRITTEN = _cases(BOOL_FALSE)
_DASHED_ENTRY_NUMBER = r"[A-Z0-9]{3}-[0-9]{7}-[0-9]"
_FLOAT_WHOLE_NUMBER = r"[0-9]{1,9}(?:\.0+)?"  # 3.0: an integer column of pandas with a gap
# an entry type of two digits or one (1 for 01, a code read as a number and written back),
# which the full rule pads
_ENTRY_TYPE_DIGITS = r"[0-9]{1,2}"
# amounts as a spreadsheet formats them: $1,234.56, $5, 1,234.56 (POINT amounts only)
_DOLLAR_AMOUNT = r"\$[0-9]{1,16}(?:\.[0-9]{1,2})?"
_GROUPED_AMOUNT = r"\$?[0-9]{1,3}(?:,[0-9]{3}){1,4}(?:\.[0-9]{1,2})?"
_DOTTED_HTS = r"[0-9]{4}\.[0-9]{2}\.[0-9]{4}"
_DASHED_ENTRY_GLOB = "[A-Z0-9]" * 3 + "-" + "[0-9]" * 7 + "-[0-9]"
_DOTTED_HTS_GLOB = "[0-9]" * 4 + "." + "[0-9]" * 2 + "." + "[0-9]" * 4


def enum_spellings(col: Column, spellings: str = AS_WRITTEN) -> dict[str, str]:
    """The spellings of listed column ``col`` the fast path takes -> the value each gives."""
    out = {v: v for v in col.values}
    if spellings == AS_WRITTEN:
        for v in col.values:
            for w in _cases((v,)):
                out.setdefault(w, v)
    return out

# A date, optionally followed by a midnight time (spreadsheets and Parquet writers add one:
# 2026-03-01 00:00:00, 3/1/2026 0:00).
_MIDNIGHT_TIME = r"[ T]0?0:00(?::00(?:\.0+)?)?"
_MIDNIGHT = f"(?:{_MIDNIGHT_TIME})?"
_ISO_DATE = rf"^\d{{4}}-\d{{1,2}}-\d{{1,2}}{_MIDNIGHT}$"
_US_DATE = rf"^\d{{1,2}}/\d{{1,2}}/\d{{4}}{_MIDNIGHT}$"
# The dates the fast path takes as they stand (canonical, line_shape): ISO (2026-01-15),
# as ACE exports them (01/15/2026: two digits each), or either (ANY_DATE, the default). A
# whole file proved to hold one of the first two is read by DuckDB's typed reader in that
# format (direct.py); in the AS_WRITTEN spellings an ISO date may also carry a time of
# midnight (_ISO_MIDNIGHT_SHAPE). Any other spelling (1/5/2026, 01/15/2026 0:00) gets the
# full rule.
ISO_DATES, US_DATES, ANY_DATE = "iso", "us", "any"
_US_DATE_SHAPE = r"[0-9]{2}/[0-9]{2}/[0-9]{4}"
# An ISO date with a time of midnight, as pandas and Polars write a datetime column
# (2026-01-15 00:00:00, 2026-01-15T00:00:00.000000): the as-written spelling of a date.
# DuckDB's cast and its CSV reader take the date and drop the time, which is exact only
# because the shape allows no time but midnight.
_ISO_MIDNIGHT_SHAPE = f"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}{_MIDNIGHT_TIME}"
_US_DATE_GLOB = "[0-9][0-9]/[0-9][0-9]/[0-9][0-9][0-9][0-9]"
US_DATE_FORMAT = "%m/%d/%Y"
# How amounts write their decimal mark (see docs/data-contract.md): POINT (1,234.56: a comma
# only groups thousands), POINT_ONLY (a semicolon-separated file, where a comma may be a
# decimal comma: any comma is ambiguous), COMMA (declared by a mapping: 1.234,56).
POINT, POINT_ONLY, COMMA = "point", "point-only", "comma"
_SIGN_DOLLAR = r"^([+-]?)\s*\$\s*"  # "$1,234.56", "-$5", "$ 12": the sign kept, "$" dropped
_GROUPED = {POINT: r"[+-]?[0-9]{1,3}([, ][0-9]{3})+(\.[0-9]*)?",
            COMMA: r"[+-]?([0-9]{1,3}([. ][0-9]{3})+|[0-9]+)(,[0-9]*)?"}
# Amount text once its thousands separators are dropped: any decimal number ...
_AMOUNT_ANY = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
# ... more than the 16 integer digits DECIMAL(18,2) holds ...
_AMOUNT_BIG = r"[+-]?0*[0-9]{17,}(\.[0-9]*)?"
# ... and one that is non-negative, fits and has no fraction of a cent (trailing zeros are fine).
_AMOUNT_OK = r"\+?0*([0-9]{1,16}(\.[0-9]{0,2}0*)?|\.[0-9]{1,2}0*)"


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (column names can come from user files)."""
    return '"' + name.replace('"', '""') + '"'


def sql_str(text: str) -> str:
    """An SQL string literal for a constant of the tool (never for data values)."""
    return "'" + text.replace("'", "''") + "'"


def _enum_key(x: str) -> str:
    # Case-insensitive, and spaces/dashes fold to "_" so "Pending Liquidation",
    # "pending-liquidation" and "PENDING_LIQUIDATION" are one spelling.
    return f"trim(regexp_replace(lower({x}), '[\\s\\-]+', '_', 'g'), '_')"


def _in_list(expr: str, values: tuple[str, ...] | list[str]) -> str:
    """``expr`` is one of ``values`` (NULL when it is NULL), written as comparisons joined
    by ``or``: DuckDB turns an ``in (...)`` list (five values or more) into a join, whose
    output does not keep the order of the rows it reads, and the direct CSV read numbers
    rows by the order in which they are inserted (direct.py)."""
    return "(" + " or ".join(f"{expr} = {sql_str(v)}" for v in values) + ")"


def rule(col: Column, raw: str, amounts: str = POINT) -> tuple[list[tuple[str, str]], str, str]:
    """Return (prep, value_sql, reason_sql) for column ``col`` whose raw text is ``raw``;
    ``amounts`` says how the file writes decimal marks (POINT, POINT_ONLY or COMMA).

    ``raw`` is an SQL expression of type VARCHAR already trimmed, with empty strings
    turned into NULL. ``reason_sql`` is NULL for a good cell. ``prep`` lists
    (alias, expression) pairs to compute once in an inner query; value and reason
    refer to those aliases (costly parses are then done once per cell, not per test).
    """
    x = raw
    kind = col.kind
    prep: list[tuple[str, str]] = []
    value: str
    bad: str | None = None  # condition (given x is not null) under which the cell is refused
    why = ""
    if kind == s.TEXT:
        value = x
    elif kind == s.IDENT:
        value = f"upper({x})"
    elif kind == s.ENTRY_NUMBER:
        v = _prep_name(col, "v")
        prep = [(v, f"upper(replace(replace({x}, '-', ''), ' ', ''))")]
        value = v
        bad = f"not regexp_full_match({v}, '[A-Z0-9]{{11}}')"
        why = "entry number must be 11 letters or digits (dashes and spaces are dropped)"
    elif kind == s.FILER_CODE:
        value = f"upper({x})"
        bad = f"not regexp_full_match({value}, '[A-Z0-9]{{3}}')"
        why = "filer code must be 3 letters or digits"
    elif kind == s.HTS:
        v = _prep_name(col, "v")
        prep = [(v, f"replace(replace({x}, '.', ''), ' ', '')")]
        value = v
        bad = f"not regexp_full_match({v}, '[0-9]{{10}}')"
        why = "HTS number must have 10 digits (dots are dropped)"
    elif kind == s.COUNTRY:
        value = f"upper({x})"
        bad = f"not regexp_full_match({value}, '[A-Z]{{2}}')"
        why = "country must be an ISO 3166 two-letter code"
    elif kind == s.PORT:
        value = x
        bad = f"not regexp_full_match({x}, '[0-9]{{4}}')"
        why = "port code must be 4 digits"
    elif kind == s.ENTRY_TYPE:
        value = f"lpad({x}, 2, '0')"
        bad = f"not regexp_full_match({x}, {sql_str(_ENTRY_TYPE_DIGITS)})"
        why = "entry type must be a 2-digit code"
    elif kind == s.BOND_TYPE:
        value = f"right({x}, 1)"
        bad = f"not regexp_full_match({x}, '0?[089]')"
        why = "bond type must be 0, 8 or 9"
    elif kind == s.DATE:
        iso = f"try_strptime(regexp_extract({x}, '^[0-9-]+'), '%Y-%m-%d')"
        us = f"try_strptime(regexp_extract({x}, '^[0-9/]+'), '%m/%d/%Y')"
        parsed = _prep_name(col, "date")
        # Fast path for the common plain ISO date; the regular expressions only for the rest.
        plain_iso = f"length({x}) = 10 and substr({x}, 5, 1) = '-' and substr({x}, 8, 1) = '-'"
        prep = [(parsed, f"case when {plain_iso} then try_cast({x} as date) "
                         f"when regexp_matches({x}, '{_ISO_DATE}') then cast({iso} as date) "
                         f"when regexp_matches({x}, '{_US_DATE}') then cast({us} as date) end")]
        value = parsed
        return prep, value, _reason(x, col, f"{parsed} is null", "not a date: use YYYY-MM-DD or MM/DD/YYYY")
    elif kind == s.AMOUNT:
        # "$1,234.56" -> "1234.56" (thousands separators only where they group thousands);
        # "(12.00)" is an accountant's negative.
        cleaned = _prep_name(col, "clean")
        prep = [(cleaned, _amount_text(x, amounts))]
        # Only text that is already a non-negative amount in cents is cast: the checks
        # are regular expressions on the text, so no wide-decimal arithmetic is needed.
        ok = _prep_name(col, "ok")
        prep.append((ok, f"regexp_full_match({cleaned}, '{_AMOUNT_OK}')"))
        value = f"case when {ok} then try_cast({cleaned} as decimal(18,2)) end"
        return prep, value, _amount(x, cleaned, ok, col, amounts)
    elif kind == s.BOOL:
        k = f"lower({x})"
        value = f"case when {_in_list(k, BOOL_TRUE)} then true when {_in_list(k, BOOL_FALSE)} then false end"
        bad = f"not ({_in_list(k, BOOL_TRUE + BOOL_FALSE)})"
        why = "not a yes/no value: use true/false, yes/no, y/n or 1/0"
    elif kind == s.INT:
        # "001" (ACE line numbers) is 1; "3.0" comes from spreadsheets that store numbers as floats.
        digits = f"regexp_extract({x}, '^0*([0-9]{{1,9}})(\\.0+)?$', 1)"
        v = _prep_name(col, "v")
        prep = [(v, f"case when regexp_full_match({x}, '[0-9]{{1,9}}') then cast({x} as integer) "
                    f"else cast(nullif({digits}, '') as integer) end")]
        value = v
        bad = f"{v} is null"
        why = "not a whole number"
    elif kind == s.ENUM:
        key = _enum_key(x)
        whens = [f"when {sql_str(v)} then {sql_str(v)}" for v in col.values]
        whens += [f"when {sql_str(a)} then {sql_str(v)}" for a, v in col.aliases.items()]
        slow = f"case {key} {' '.join(whens)} end"
        # Values already spelled as the contract spells them skip the folding.
        mapped = f"case when {_in_list(x, col.values)} then {x} else {slow} end"
        empty = sql_str(col.empty_as) if col.empty_as else "null"
        v = _prep_name(col, "v")
        prep = [(v, f"case when {x} is null then {empty} else {mapped} end")]
        value = v
        bad = f"{v} is null"
        why = "unknown value; expected one of: " + ", ".join(col.values)
    else:  # pragma: no cover - schema.py and this module change together
        raise ValueError(f"unknown column kind {kind!r}")
    return prep, value, _reason(x, col, bad, why)


def _prep_name(col: Column, what: str) -> str:
    return f'"__{what}_{col.name}"'


def _reason(x: str, col: Column, bad: str | None, why: str) -> str:
    parts = []
    if col.required:
        parts.append(f"when {x} is null then 'missing required value'")
    if bad is not None:
        parts.append(f"when {x} is not null and ({bad}) then {sql_str(why)}")
    if not parts:
        return "cast(null as varchar)"
    return "case " + " ".join(parts) + " end"


def _amount_text(x: str, amounts: str) -> str:
    """SQL: an amount's text without "$" and without thousands separators, its decimal
    mark a point. Separators that do not group thousands (12,50; 1.200,00 under POINT)
    are left in, so the text is refused."""
    no_dollar = f"regexp_replace({x}, '{_SIGN_DOLLAR}', '\\1')"
    if amounts == COMMA:
        # Not grouped as the mapping declared: every mark becomes a comma, which no amount
        # holds once converted, so the cell is refused as ambiguous.
        grouped = f"replace(replace(replace({no_dollar}, '.', ''), ' ', ''), ',', '.')"
        return (f"case when regexp_full_match({no_dollar}, '{_GROUPED[COMMA]}') then {grouped} "
                f"else replace({no_dollar}, '.', ',') end")
    if amounts == POINT_ONLY:
        # 1.200 may be 1200 written the European way: ambiguous too (made to hold a comma).
        return (f"case when regexp_full_match({x}, '[+-]?[0-9]{{1,3}}(\\.[0-9]{{3}})+') "
                f"then replace({x}, '.', ',') "
                f"when contains({x}, '$') or contains({x}, ' ') then "
                f"case when regexp_full_match({no_dollar}, '{_GROUPED[POINT]}') and not contains({x}, ',') "
                f"then replace({no_dollar}, ' ', '') else {no_dollar} end else {x} end")
    return (f"case when contains({x}, '$') or contains({x}, ',') or contains({x}, ' ') then "
            f"case when regexp_full_match({no_dollar}, '{_GROUPED[POINT]}') "
            f"then replace(replace({no_dollar}, ',', ''), ' ', '') else {no_dollar} end else {x} end")


_AMBIGUOUS = {
    POINT: "ambiguous amount: a comma that does not group thousands (12,50 or 1.200,00); "
           "if the file writes decimal commas, declare decimal_comma = true in a mapping",
    POINT_ONLY: "ambiguous amount in a semicolon-separated file (a decimal comma, or a point "
                "grouping thousands?); declare decimal_comma = true (or false) in a mapping",
    COMMA: "ambiguous amount: with decimal_comma a point must group thousands (1.234,56)",
}


def _amount(x: str, cleaned: str, ok: str, col: Column, amounts: str = POINT) -> str:
    # The common case (a good amount) is decided by the first branches; CASE evaluates
    # later branches only for the rows still undecided.
    parts = [f"when {x} is null then " + ("'missing required value'" if col.required else "null"),
             f"when {ok} then null"]
    checks = [
        (f"(starts_with({x}, '(') and ends_with({x}, ')')) or starts_with({cleaned}, '-')", "negative amount"),
        (f"contains({cleaned}, ',') and regexp_full_match({cleaned}, '[+-]?[0-9][0-9., ]*')",
         _AMBIGUOUS[amounts]),
        (f"not regexp_full_match({cleaned}, '{_AMOUNT_ANY}')",
         "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
        (f"regexp_full_match({cleaned}, '{_AMOUNT_BIG}')", "amount too large"),
    ]
    parts += [f"when {cond} then {sql_str(why)}" for cond, why in checks]
    return "case " + " ".join(parts) + " else 'amount has fractions of a cent' end"


# Canonical cells: text already written exactly as the contract stores it. For such a
# cell the typed value is a plain cast and there is nothing to refuse, so the loader can
# insert a whole row of them without the rules above (which then run only on the other
# rows). Each pattern matches a subset of what the full rule accepts unchanged; anything
# else, including surrounding spaces and empty strings, takes the full rule.
_PRINTABLE = r"[!-~]"  # printable ASCII other than the space (trim() never changes it)
_CANONICAL = {
    s.TEXT: rf"(?s){_PRINTABLE}(?:.*{_PRINTABLE})?",
    # printable ASCII without lower-case letters: upper() and trim() leave it as it is
    s.IDENT: r"[!-`{-~](?:[ -`{-~]*[!-`{-~])?",
    s.ENTRY_NUMBER: r"[A-Z0-9]{11}",
    s.FILER_CODE: r"[A-Z0-9]{3}",
    s.HTS: r"[0-9]{10}",
    s.COUNTRY: r"[A-Z]{2}",
    s.PORT: r"[0-9]{4}",
    s.ENTRY_TYPE: r"[0-9]{2}",
    s.BOND_TYPE: r"[089]",
    s.DATE: r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    s.AMOUNT: r"[0-9]{1,16}(?:\.[0-9]{1,2})?",
    s.INT: r"[0-9]{1,9}",
}
_CANONICAL["whole amount"] = r"[0-9]{1,16}"

# The same shapes as GLOB patterns where one says exactly as much: DuckDB's GLOB runs in
# about half the time of a regular expression on short cells (10M Parquet lines, six text
# columns checked: 1.54 -> 0.83 s). A GLOB class that starts with '!' is negated, so the
# printable characters are written ["-~!] (tests/test_canonical_glob.py holds each pattern
# to its regular expression over every ASCII character and random text).
_GLOB = {
    s.ENTRY_NUMBER: "[A-Z0-9]" * 11,
    s.FILER_CODE: "[A-Z0-9]" * 3,
    s.HTS: "[0-9]" * 10,
    s.COUNTRY: "[A-Z]" * 2,
    s.PORT: "[0-9]" * 4,
    s.ENTRY_TYPE: "[0-9]" * 2,
    s.BOND_TYPE: "[089]",
    s.DATE: "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
}


def shape_test(kind: str, x: str, shape: str) -> str:
    """SQL: ``x`` (not NULL) has the canonical ``shape`` of ``kind``, by GLOB where a
    pattern says exactly as much (_GLOB), else by the regular expression."""
    if kind in _GLOB and shape == _CANONICAL[kind]:
        return f"({x} glob '{_GLOB[kind]}')"
    if kind == s.IDENT:
        # printable ASCII without lower-case letters ([ -`{-~]), not empty, no space at
        # either end
        return (f"({x} <> '' and {x} not glob '*[! -`{{-~]*' and {x} not glob ' *' "
                f"and {x} not glob '* ')")
    if kind == s.TEXT:
        # printable ASCII other than the space at both ends, anything between
        return f"({x} glob '[\"-~!]' or {x} glob '[\"-~!]*[\"-~!]')"
    return f"regexp_full_match({x}, {sql_str(shape)})"


# None of the delimiters a file may have (csvread.DELIMITERS) is a letter, a digit, '.' or
# '-': the only characters of the fixed shapes above.
_IDENT_EDGE = ((0x21, 0x60), (0x7B, 0x7E))  # [!-`{-~] of the IDENT shape
_IDENT_INNER = ((0x20, 0x60), (0x7B, 0x7E))  # [ -`{-~]


def byte_class(ranges: tuple[tuple[int, int], ...], without: str) -> str:
    """A regular-expression class of the ASCII characters in ``ranges`` (first, last)
    other than those of ``without``, every one written as \\xHH."""
    chars = [b for lo, hi in ranges for b in range(lo, hi + 1) if chr(b) not in without]
    runs: list[list[int]] = []
    for b in chars:
        if runs and runs[-1][1] == b - 1:
            runs[-1][1] = b
        else:
            runs.append([b, b])
    return "[" + "".join(f"\\x{a:02x}" if a == z else f"\\x{a:02x}-\\x{z:02x}" for a, z in runs) + "]"


def line_shape(col: Column, delimiter: str, amounts: str = POINT,
               dates: str = ANY_DATE, spellings: str = AS_WRITTEN) -> str | None:
    """The regular expression of a canonical cell of ``col`` (or an empty optional one)
    as it stands between two delimiters of a line without quotes: the cells
    :func:`canonical` accepts, less those holding the delimiter or a quote (a file writes
    those quoted). None for free text, whose cells may hold anything (its files are read
    by the CSV parser). ``dates``: which dates are canonical (ISO_DATES, US_DATES or
    ANY_DATE); ``spellings``: EXACT or AS_WRITTEN."""
    kind = col.kind
    if kind == s.TEXT or delimiter not in DELIMITERS:
        return None
    empty_ok = not col.required
    if kind in (s.ENUM, s.BOOL):
        if kind == s.ENUM:
            values = tuple(enum_spellings(col, spellings))
        else:
            values = (BOOL_TRUE_AS_WRITTEN + BOOL_FALSE_AS_WRITTEN if spellings == AS_WRITTEN
                      else BOOL_TRUE + BOOL_FALSE)
        shape = "|".join(re.escape(v) for v in values)
        if kind == s.ENUM:
            empty_ok = empty_ok or col.empty_as is not None
    elif kind == s.ENTRY_NUMBER and spellings == AS_WRITTEN:
        shape = f"{_CANONICAL[kind]}|{_DASHED_ENTRY_NUMBER}"
    elif kind == s.HTS and spellings == AS_WRITTEN:
        shape = f"{_CANONICAL[kind]}|{_DOTTED_HTS}"
    elif kind == s.INT and spellings == AS_WRITTEN:
        shape = _FLOAT_WHOLE_NUMBER
    elif kind == s.ENTRY_TYPE and spellings == AS_WRITTEN:
        shape = _ENTRY_TYPE_DIGITS
    elif kind == s.AMOUNT and spellings == AS_WRITTEN and amounts == POINT:
        # (a grouping comma only where the comma does not separate the cells)
        shape = f"{_CANONICAL[kind]}|{_DOLLAR_AMOUNT}"
        if delimiter != ",":
            shape += f"|{_GROUPED_AMOUNT}"
    elif kind == s.IDENT:
        quoted_only = delimiter + '"'  # characters a cell holds only when quoted
        edge, inner = byte_class(_IDENT_EDGE, quoted_only), byte_class(_IDENT_INNER, quoted_only)
        shape = f"{edge}(?:{inner}*{edge})?"
    elif kind == s.DATE:
        iso = (f"{_CANONICAL[s.DATE]}|{_ISO_MIDNIGHT_SHAPE}" if spellings == AS_WRITTEN
               else _CANONICAL[s.DATE])
        shape = {ISO_DATES: iso, US_DATES: _US_DATE_SHAPE, ANY_DATE: f"{iso}|{_US_DATE_SHAPE}"}[dates]
    else:
        shape = _CANONICAL["whole amount" if kind == s.AMOUNT and amounts == COMMA else kind]
    return f"(?:{shape})?" if empty_ok else f"(?:{shape})"


def canonical(col: Column, x: str, amounts: str = POINT,
              dates: str = ANY_DATE, spellings: str = AS_WRITTEN) -> tuple[str, str]:
    """Return (condition, value_sql) for column ``col`` whose raw, untrimmed text is ``x``.

    ``condition`` is true when the cell is canonical (or an empty optional cell); for
    those cells ``value_sql`` equals the value of :func:`rule` and its reason is NULL.
    ``dates`` and ``spellings``: which cells are canonical (see line_shape).
    """
    kind = col.kind
    if kind == s.ENUM:
        spelled = enum_spellings(col, spellings)
        ok = _in_list(x, tuple(spelled))
        value = x
        if any(k != v for k, v in spelled.items()):
            value = f"case {x} {' '.join(f'when {sql_str(k)} then {sql_str(v)}' for k, v in spelled.items())} end"
        if col.empty_as is not None:
            value = f"coalesce({value}, {sql_str(col.empty_as)})"
        empty_ok = not col.required or col.empty_as is not None
    elif kind == s.BOOL:
        true, false = ((BOOL_TRUE_AS_WRITTEN, BOOL_FALSE_AS_WRITTEN) if spellings == AS_WRITTEN
                       else (BOOL_TRUE, BOOL_FALSE))
        ok = _in_list(x, true + false)
        value = _in_list(x, true)
        empty_ok = not col.required
    elif kind == s.ENTRY_TYPE and spellings == AS_WRITTEN:
        # a type of one digit, as a spreadsheet or pandas writes a code read as a number,
        # padded as the full rule pads it
        ok = f"({x} glob '[0-9]' or {x} glob '[0-9][0-9]')"
        value = f"lpad({x}, 2, '0')"
        empty_ok = not col.required
    elif kind in (s.ENTRY_NUMBER, s.HTS) and spellings == AS_WRITTEN:
        # the dashes of an entry number, the dots of an HTS number, dropped as the full
        # rule drops them
        length, mark, glob = ((11, "-", _DASHED_ENTRY_GLOB) if kind == s.ENTRY_NUMBER
                              else (10, ".", _DOTTED_HTS_GLOB))
        ok = f"({shape_test(kind, x, _CANONICAL[kind])} or {x} glob '{glob}')"
        value = f"case when length({x}) = {length} then {x} else replace({x}, '{mark}', '') end"
        empty_ok = not col.required
    else:
        # Where a point groups thousands (decimal comma), only whole amounts are canonical.
        shape = _CANONICAL["whole amount" if kind == s.AMOUNT and amounts == COMMA else kind]
        if kind == s.INT and spellings == AS_WRITTEN:
            shape = _FLOAT_WHOLE_NUMBER  # (try_cast reads 3.0 as 3, as the full rule does)
        ok = shape_test(kind, x, shape)
        value = x
        if kind == s.AMOUNT and spellings == AS_WRITTEN and amounts == POINT:
            # (CASE evaluates a branch only for its rows: a plain amount costs no regular
            # expression, and the typed read of a file whose amounts are plain stays fast)
            marked = f"(contains({x}, '$') or contains({x}, ','))"
            formatted = f"regexp_full_match({x}, {sql_str(f'{_DOLLAR_AMOUNT}|{_GROUPED_AMOUNT}')})"
            ok = f"(case when {ok} then true when {marked} then {formatted} else false end)"
            value = (f"try_cast(case when {marked} then replace(replace({x}, '$', ''), ',', '') "
                     f"else {x} end as decimal(18,2))")
        elif kind == s.DATE:
            # The shape alone does not make a date (2026-02-30): the cast must succeed too.
            if spellings == AS_WRITTEN:
                # (a plain date costs no regular expression: only a cell with a colon)
                ok = (f"(case when {ok} then true when contains({x}, ':') then "
                      f"regexp_full_match({x}, {sql_str(_ISO_MIDNIGHT_SHAPE)}) else false end)")
            us_ok = f"({x} glob '{_US_DATE_GLOB}')"
            us_value = f"cast(try_strptime({x}, '{US_DATE_FORMAT}') as date)"
            if dates == US_DATES:
                ok, value = us_ok, us_value
            elif dates == ANY_DATE:
                value = f"case when {us_ok} then {us_value} else try_cast({x} as date) end"
                ok = f"({ok} or {us_ok})"
            else:
                value = f"try_cast({x} as date)"
            ok = f"({ok} and {value} is not null)"
        elif kind in (s.AMOUNT, s.INT):
            value = f"try_cast({x} as {s.SQL_TYPES[kind].lower()})"
        empty_ok = not col.required
    if empty_ok:
        ok = f"({x} is null or {ok})"
    return ok, value
