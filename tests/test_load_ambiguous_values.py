"""Values that could be read two ways are refused, never guessed: decimal commas,
separators that group nothing; a mapping may declare the decimal comma. Dates with a
midnight time are read like the date."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from customs_readiness import schema as s
from customs_readiness.errors import ConfigError
from customs_readiness.ingest import load_folder
from customs_readiness.ingest.normalize import (
    COMMA,
    POINT,
    POINT_ONLY,
    canonical,
    quote_ident,
    rule,
)

from conftest import minimal_tables, write_tables

AMOUNT = s.Column("entered_value", s.AMOUNT, required=True)
POINT_WHY = ("ambiguous amount: a comma that does not group thousands (12,50 or 1.200,00); "
             "if the file writes decimal commas, declare decimal_comma = true in a mapping")
SEMICOLON_WHY = ("ambiguous amount in a semicolon-separated file (a decimal comma, or a point "
                 "grouping thousands?); declare decimal_comma = true (or false) in a mapping")
COMMA_WHY = "ambiguous amount: with decimal_comma a point must group thousands (1.234,56)"


def _typed(raw: str | None, amounts: str, col: s.Column = AMOUNT):
    name = quote_ident(col.name)
    prep, value, why = rule(col, name, amounts)
    preps = "".join(f", {e} as {a}" for a, e in prep)
    return duckdb.connect().execute(
        f"select {value}, {why} from (select *{preps} from "
        f"(select nullif(trim(cast($raw as varchar)), '') as {name}))", {"raw": raw}).fetchone()


@pytest.mark.parametrize(("raw", "point", "semicolon", "comma"), [
    ("1234.56", Decimal("1234.56"), Decimal("1234.56"), COMMA_WHY),
    ("$1,234.56", Decimal("1234.56"), SEMICOLON_WHY, COMMA_WHY),
    ("1,200", Decimal("1200"), SEMICOLON_WHY, Decimal("1.20")),
    ("12,50", POINT_WHY, SEMICOLON_WHY, Decimal("12.50")),
    ("1.200,00", POINT_WHY, SEMICOLON_WHY, Decimal("1200")),
    ("1.234", "amount has fractions of a cent", SEMICOLON_WHY, Decimal("1234")),
    ("1.200", Decimal("1.20"), SEMICOLON_WHY, Decimal("1200")),
    ("1,2345.00", POINT_WHY, SEMICOLON_WHY, COMMA_WHY),
    ("12 50", "not an amount: use plain decimals such as 1234.56 or $1,234.56",
     "not an amount: use plain decimals such as 1234.56 or $1,234.56",
     "not an amount: use plain decimals such as 1234.56 or $1,234.56"),
    ("1 234.50", Decimal("1234.50"), Decimal("1234.50"), COMMA_WHY),
    ("-$5", "negative amount", "negative amount", "negative amount"),
])
def test_amount_styles(raw, point, semicolon, comma):
    for style, expected in ((POINT, point), (POINT_ONLY, semicolon), (COMMA, comma)):
        value, why = _typed(raw, style)
        assert (value if why is None else why) == expected, (style, raw)


@pytest.mark.parametrize("raw", ["0", "100", "100.5", "12,50", "1.234,56", "1.234"])
def test_decimal_comma_fast_path_agrees_with_the_rule(raw):
    name = quote_ident(AMOUNT.name)
    ok, fast = canonical(AMOUNT, name, COMMA)
    hit, value = duckdb.connect().execute(
        f"select {ok}, {fast} from (select cast($raw as varchar) as {name})", {"raw": raw}).fetchone()
    if hit:
        assert _typed(raw, COMMA) == (value, None)
    else:
        assert raw in ("100.5", "12,50", "1.234,56", "1.234")


def _european(folder):
    (folder / "entry_lines.csv").write_text(
        "entry_number;line_number;hts_number;entered_value\n"
        "ABC12345671;1;8471300100;1.234,56\nABC12345671;2;8473300100;12,50\n"
        "ABC12345682;1;8473300100;1.200\n", encoding="utf-8")
    return folder


def test_a_european_csv_is_refused_not_multiplied(con, tmp_path):
    folder = _european(write_tables(tmp_path / "d", minimal_tables()))
    load_folder(con, folder)
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 0
    assert con.execute("select reason from rejected_rows order by row_number").fetchall() == [
        (SEMICOLON_WHY,)] * 3


def test_a_mapping_declares_the_decimal_comma(con, tmp_path):
    folder = _european(write_tables(tmp_path / "d", minimal_tables()))
    mapping = tmp_path / "eu.toml"
    mapping.write_text('[layout]\nname = "European amounts"\ndecimal_comma = true\n', encoding="utf-8")
    load_folder(con, folder, mapping=mapping)
    assert con.execute("select entered_value from entry_lines order by _row").fetchall() == [
        (Decimal("1234.56"),), (Decimal("12.50"),), (Decimal("1200.00"),)]
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 0


def test_decimal_comma_must_be_a_boolean(con, tmp_path):
    mapping = tmp_path / "eu.toml"
    mapping.write_text('[layout]\ndecimal_comma = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'layout.decimal_comma': must be true or false$"):
        load_folder(con, write_tables(tmp_path / "d", minimal_tables()), mapping=mapping)


@pytest.mark.parametrize("raw", ["2026-3-1", "2026-3-1 00:00:00", "2026-03-01T00:00:00",
                                 "2026-03-01 00:00", "3/1/2026", "03/01/2026 00:00:00",
                                 "3/1/2026 0:00"])
def test_midnight_times_read_like_the_date(raw):
    import datetime as dt

    col = s.Column("entry_date", s.DATE, required=True)
    assert _typed(raw, POINT, col) == (dt.date(2026, 3, 1), None)


@pytest.mark.parametrize("raw", ["2026-3-1 10:30:00", "3/1/2026 1:00", "2026-03-01x"])
def test_other_times_are_refused(raw):
    col = s.Column("entry_date", s.DATE, required=True)
    assert _typed(raw, POINT, col) == (None, "not a date: use YYYY-MM-DD or MM/DD/YYYY")
