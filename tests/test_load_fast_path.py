"""The loader's fast path for canonical cells gives exactly what the full rules give.

Rows whose every cell is already written as the contract stores it are inserted with
plain casts (normalize.canonical); every other row goes through the full rules
(normalize.rule). These tests check, cell by cell and end to end, that a cell the fast
path accepts gets the same value and no reason under the full rules, and that a whole
load stores the same tables and refusals either way.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from customs_readiness import schema as s
from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.ingest.csvread import DELIMITERS
from customs_readiness.ingest.normalize import (
    ANY_DATE,
    AS_WRITTEN,
    EXACT,
    ISO_DATES,
    POINT,
    US_DATES,
    canonical,
    line_shape,
    quote_ident,
    rule,
)
from customs_readiness.ingest.sources import Source

from conftest import write_tables

# Cells tried on every column: canonical spellings of each kind, and near misses that
# only the full rules may judge (spaces, case, padding, other notations, impossible dates).
CANDIDATES = [
    None, "", " ", "0", "1", "5", "05", "001", "+5", "-1", "1_000", "3.0", " 5", "5 ",
    "123456789", "1234567890", "12345678901", "8471.30.0100", "8471300100", "847130010",
    "ABC12345671", "abc12345671", "ABC-1234567-1", "ABC", "abc", "A1B", "US", "us", "U",
    "1703", "170", "01", "1", "11", "8", "9", "09", "2026-01-15", "2026-1-5", "2026-02-30",
    "2026-02-28", "01/15/2026", "02/30/2026", "1/5/2026", "13/01/2026", "01/15/26",
    "2026-01-15 00:00:00", "01/15/2026 0:00", "2026-01-15T00:00:00.000000", "2026-01-15 00:00",
    "2026-01-15 0:00", "2026-01-15T00:00:00", "2026-01-15 13:45:00", "2026-01-15T00:00:01",
    "2026-01-15 00:00:00.", "2026-02-30 00:00:00", "2026-01-15  00:00", "2026-1-5 00:00",
    "100.00", "100", "100.5", "100.005",
    "1,000.50", "$5", "(5.00)", "1e5", "12345678901234567", "1234567890123456.99", ".5",
    "true", "false", "TRUE", "yes", "y", "n", "t", "f", "no", "Y", "True", "False", "FALSE",
    "Yes", "NO", "T", "F", "tRuE", "K37-6000000-7", "ABC-1234567-1", "k37-6000000-7",
    "ABC 1234567 1", "8471.30.0100", "9903.88.0300", "8471.300.100", "Liquidated",
    "007.00", "1.5", "3.", "1234567890.0", "$1,234.56", "$1234.5", "1,00.50", "$1,234.567",
    "-$5", "999,999,999,999.99", "1,000,000,000,000,000.00",
    "LIQUIDATED", "Not_required", "Pending Liquidation",
    "Acme Inc", " Acme Inc", "Acme Inc ", "Acme\u00a0", "Müller GmbH", "Ölwerke AG",
    "line one\nline two", "12-3456789AB", "12-3456789ab", "A-570-900", "CNGLOELE5291NIN",
    "tier_1", "Tier 1", "good", "GOOD", "unknown", "not_required", "n/a", "pending",
    "liquidated", "penalty", "liquidated_damages", "detention", "=1+2", "<b>x</b>",
]


def _both(con: duckdb.DuckDBPyConnection, col: s.Column, raws: list[str | None],
          style: tuple[str, str] = (ANY_DATE, AS_WRITTEN)):
    """(raw, canonical?, fast value, full-rule value, full-rule reason) for every raw cell."""
    name = quote_ident(col.name)
    ok, fast_value = canonical(col, name, POINT, *style)
    prep, value, why = rule(col, name)
    preps = "".join(f", {expr} as {alias}" for alias, expr in prep)
    con.execute("create or replace temp table cells (i integer, raw varchar)")
    con.executemany("insert into cells values (?, ?)", list(enumerate(raws)))
    return con.execute(
        f"""select f.raw, f.ok, f.v, r.v, r.why
            from (select i, raw, {ok} as ok, {fast_value} as v
                  from (select i, raw, raw as {name} from cells)) f
            join (select i, {value} as v, {why} as why
                  from (select *{preps} from
                        (select i, nullif(trim(raw), '') as {name} from cells))) r using (i)
            order by i"""
    ).fetchall()


def _fast(con: duckdb.DuckDBPyConnection, col: s.Column, raw: str | None):
    name = quote_ident(col.name)
    ok, value = canonical(col, name)
    return con.execute(
        f"select {ok}, {value} from (select cast($raw as varchar) as {name})", {"raw": raw}
    ).fetchone()


ALL_COLUMNS = [(t.name, c) for t in s.TABLES.values() for c in t.columns]


STYLES = [(d, sp) for d in (ANY_DATE, ISO_DATES, US_DATES) for sp in (AS_WRITTEN, EXACT)]


@pytest.mark.parametrize("style", STYLES, ids=[f"{d}-{sp}" for d, sp in STYLES])
@pytest.mark.parametrize(("table", "col"), ALL_COLUMNS,
                         ids=[f"{t}.{c.name}" for t, c in ALL_COLUMNS])
def test_canonical_cell_matches_full_rule(table: str, col: s.Column, style) -> None:
    # in every style a file may be read in (direct.STYLES, and the line read's default)
    con = duckdb.connect()
    spelled = [w for v in col.values for w in (v, v.capitalize(), v.upper(), v.title())]
    rows = _both(con, col, CANDIDATES + spelled + list(col.aliases), style)
    taken = [(raw, fast, full, why) for raw, ok, fast, full, why in rows if ok]
    assert taken, f"{table}.{col.name}: no candidate is canonical"
    for raw, fast, full, why in taken:
        assert why is None, f"{table}.{col.name}: {raw!r} taken as canonical but refused: {why}"
        assert fast == full, f"{table}.{col.name}: {raw!r} -> {fast!r} vs {full!r}"


LINE_COLUMNS = [(t, c) for t, c in ALL_COLUMNS if c.kind != s.TEXT]


@pytest.mark.parametrize("delim", list(DELIMITERS), ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize(("table", "col"), LINE_COLUMNS, ids=[f"{t}.{c.name}" for t, c in LINE_COLUMNS])
def test_line_shape_takes_the_canonical_cells_a_line_can_hold(table: str, col: s.Column, delim: str) -> None:
    # The line read (direct.py) proves a cell canonical by its place in one regular
    # expression over the line: it must take exactly the cells canonical() takes, less
    # those a line without quotes cannot hold (the delimiter, a quote, a line break).
    con = duckdb.connect()
    shape = line_shape(col, delim)
    assert shape is not None
    name = quote_ident(col.name)
    ok, value = canonical(col, name)
    cells = CANDIDATES + list(col.values) + list(col.aliases) + [
        "A,B", "A;B", "A\tB", "A|B", '"A"', 'A"B', "12-3456789AB,", ";yes", "A\rB", "~", "`",
        "{", "a`{", "A\x7f", "A\x1fB"]
    con.execute("create temp table cells (c varchar)")
    con.executemany("insert into cells values (?)", [[raw or ""] for raw in cells])
    # (a date's shape alone does not make a date: the line read also casts it)
    rows = con.execute(
        f"""select c, coalesce({ok}, false), regexp_full_match(c, $shape)
                      and ($date is false or c = '' or {value} is not null)
            from (select c, nullif(c, '') as {name} from cells)""",
        {"shape": shape, "date": col.kind == s.DATE}).fetchall()
    assert len(rows) == len(cells)
    for cell, canonical_ok, taken in rows:
        # an empty cell of a line is an empty optional value
        expected = canonical_ok and not any(ch in cell for ch in (delim, '"', "\n", "\r"))
        assert taken == expected, f"{table}.{col.name}: {cell!r} with {delim!r}"


def test_free_text_has_no_line_shape() -> None:
    assert line_shape(s.Column("x", s.TEXT), ",") is None
    assert line_shape(s.Column("x", s.IDENT), ":") is None  # not a delimiter the sniffer picks


# (kind, canonical, not canonical): the fast path must take the first and leave the rest.
KIND_CASES = [
    # as ACE writes them too: an entry number with its dashes, an HTS number with its dots
    (s.ENTRY_NUMBER, ["ABC12345671", "ABC-1234567-1"],
     ["abc12345671", " ABC12345671", "ABC 1234567 1", "AB-C1234567-1", "abc-1234567-1",
      "ABC-123456A-1"]),
    (s.HTS, ["8471300100", "8471.30.0100"],
     ["847130010", "8471300100 ", "8471.300.100", "8471-30-0100", "8471.30.010"]),
    # and as a spreadsheet formats them ($1,234.56)
    (s.AMOUNT, ["0", "100", "100.5", "100.50", "1234567890123456.99", "$5", "$1,234.56",
                "1,000.50", "$1234.5", "999,999,999,999.99"],
     ["100.005", "+5", "-1", "1e5", ".5", "12345678901234567", "", "$ 5", "-$5", "$-5",
      "1,00.50", "$1,234.567", "(5.00)", "1,000,000,000,000,000.00", "1 000.50", "$.5"]),
    # 3.0 as pandas writes an integer column with a gap
    (s.INT, ["1", "001", "123456789", "3.0", "007.00"],
     ["+5", "1_000", " 5", "1234567890", "1.5", "3.", ".0", "3.0.0", "1234567890.0"]),
    # ISO, as ACE exports them (two digits each), and ISO at midnight as pandas and Polars
    # write a datetime; every other spelling gets the full rule
    (s.DATE, ["2026-01-15", "2026-02-28", "01/15/2026", "02/28/2024", "02/29/2024",
              "2026-01-15 00:00:00", "2026-01-15T00:00:00.000000", "2026-01-15 0:00"],
     ["2026-02-30", "2026-1-5", "02/30/2026", "1/5/2026", "13/01/2026", "01/15/26",
      "01/15/2026 0:00", "2026-01-15 13:45:00", "2026-01-15T00:00:01", "2026-02-30T00:00:00",
      "2026-01-15T00:00Z", "2026-01-15 00:00:00+01"]),
    (s.IDENT, ["12-3456789AB", "A-570-900"], ["12-3456789ab", " X", "X ", "Müller"]),
    (s.TEXT, ["Acme Inc", "O'Neil & Co."], [" Acme", "Acme ", "Acme\u00a0", "Ölwerke", ""]),
    (s.COUNTRY, ["US"], ["us", "USA"]),
    # 1 for 01 too: a code a spreadsheet or pandas read as a number (padded as the full
    # rule pads it)
    (s.ENTRY_TYPE, ["01", "11", "99", "1", "0"],
     ["001", "111", "1.0", " 1", "1 ", "+1", "-1", "a1", ""]),
    # as spreadsheets and pandas write them too (True/FALSE/Y); any other mix of cases is
    # folded by the full rule
    (s.BOOL, ["true", "false", "yes", "0", "True", "FALSE", "Y", "No", "T", "f"],
     ["tRuE", "yES", "maybe", " true", "true ", ""]),
]


@pytest.mark.parametrize(("kind", "good", "other"), KIND_CASES, ids=[k for k, _, _ in KIND_CASES])
def test_canonical_takes_plain_cells_and_leaves_the_rest(kind: str, good: list[str],
                                                         other: list[str]) -> None:
    con = duckdb.connect()
    col = s.Column("x", kind, required=True)
    assert [bool(_fast(con, col, v)[0]) for v in good] == [True] * len(good)
    assert [bool(_fast(con, col, v)[0]) for v in other] == [False] * len(other)


def test_canonical_enum_empty_cell_gets_its_default() -> None:
    con = duckdb.connect()
    col = next(c for c in s.TABLES["entries"].columns if c.name == "certification")
    assert _fast(con, col, None) == (True, "unknown")
    assert _fast(con, col, "Yes") == (True, "yes")  # capitalised, as ACE writes it
    assert _fast(con, col, "NOT_REQUIRED") == (True, "not_required")
    assert _fast(con, col, "yEs")[0] is False  # folded only by the full rule
    assert _fast(con, col, "not_required") == (True, "not_required")


def _mixed_folder(folder: Path) -> Path:
    """Rows that are canonical, rows that need the full rules, and rows that are refused."""
    return write_tables(folder, {
        "importers": (
            ["importer_number", "importer_name", "country", "foreign_ior", "good_standing"],
            [["12-3456789AB", "Acme Inc", "US", "false", "good"],
             ["260101-12345", " Overseas Ltd", "cn", "TRUE", ""],
             ["260101-12345", "Duplicate Ltd", "CN", "true", "good"]],
        ),
        "entries": (
            ["entry_number", "entry_type", "importer_number", "entry_date", "port_code",
             "certification", "psc_filed"],
            [["ABC12345671", "01", "12-3456789AB", "2026-01-15", "1703", "yes", "false"],
             ["ABC-1234568-2", "1", "12-3456789ab", "01/16/2026", "1703", "Y", "no"],
             ["ABC12345693", "11", "260101-12345", "2026-02-30", "1703", "yes", "false"],
             ["ABC12345704", "11", "260101-12345", "2026-02-28", "", "", ""]],
        ),
        "entry_lines": (
            ["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value",
             "duty_amount"],
            [["ABC12345671", "1", "1", "8471300100", "100.00", "3.50"],
             ["ABC12345671", "2", "", "8471.30.0100", "$1,000.50", ""],
             ["ABC12345671", "2", "1", "8471300100", "7", "0"],
             ["ABC12345682", "001", "2", "9903880300", "0", "1.005"],
             ["ABC12345704", "1", "1", "8471300100", "12.5", "0.00"],
             ["ZZZ99999999", "1", "1", "8471300100", "1", "0"]],
        ),
    })


def test_fast_and_full_rules_store_the_same_tables(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path / "data")
    snapshots = []
    for fast in (True, False):
        con = connect(tmp_path / f"fast-{fast}.duckdb")
        result = load_folder(con, folder, fast_path=fast)
        tables = {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
                  for t in [*s.TABLES, "rejected_rows"]}
        snapshots.append((tables, [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files]))
        con.close()
    assert snapshots[0] == snapshots[1]
    tables, counts = snapshots[0]
    # importers: 3 read, the repeated key refused; entries: 4 read, 2026-02-30 refused;
    # lines: 6 read, the repeated (entry, line 2, ordinal 1), 1.005 and the orphan refused.
    assert counts[:3] == [(3, 2, 1), (4, 3, 1), (6, 3, 3)]
    assert sorted(r[0] for r in tables["entries"]) == ["ABC12345671", "ABC12345682", "ABC12345704"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_clean_file_with_repeated_key_keeps_the_refused_rows_verbatim(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    # Every cell canonical: all rows go in by plain casts and the staged text is freed;
    # the repeated key and the orphan line are found afterwards, so the file is staged
    # again to keep those rows verbatim, exactly as the full rules would.
    folder = write_tables(tmp_path / "data", {
        "importers": (["importer_number", "importer_name"], [["12-3456789AB", "Acme Inc"]]),
        "entries": (["entry_number", "entry_type", "importer_number", "entry_date"],
                    [["ABC12345671", "01", "12-3456789AB", "2026-01-15"]]),
        "entry_lines": (
            ["entry_number", "line_number", "hts_number", "entered_value"],
            [["ABC12345671", "1", "8471300100", "100.00"],
             ["ABC12345671", "1", "8471300100", "250.00"],
             ["ZZZ99999999", "1", "8471300100", "7"]],
        ),
    })
    if fmt != "csv":
        import polars as pl

        for f in sorted(folder.glob("*.csv")):
            frame = pl.read_csv(f, infer_schema_length=0)
            if fmt == "parquet":
                frame.write_parquet(f.with_suffix(".parquet"))
            else:
                frame.write_excel(f.with_suffix(".xlsx"))
            f.unlink()
    released: list[str] = []
    release = Source.release
    monkeypatch.setattr(Source, "release",
                        lambda self, con: released.append(self.table.name) or release(self, con))
    rejected = []
    for fast in (True, False):
        con = connect(tmp_path / f"clean-{fast}.duckdb")
        load_folder(con, folder, fast_path=fast)
        rejected.append(con.execute(
            "select row_number, column_name, raw_value, reason, record from rejected_rows "
            "order by row_number").fetchall())
        assert con.execute("select count(*), sum(entered_value) from entry_lines").fetchone() \
            == (1, Decimal("100.00"))
        con.close()
    assert rejected[0] == rejected[1]
    assert released == ["importers", "entries", "entry_lines"]  # only on the fast load
    assert [(r[0], r[1], r[3]) for r in rejected[0]] == [
        (3, "entry_number",
         "duplicate key entry_number + line_number + tariff_ordinal (first at row 2)"),
        (4, "entry_number", "no entry with this entry number in entries"),
    ]
    assert '"entered_value":"250.00"' in rejected[0][0][4].replace(" ", "")
