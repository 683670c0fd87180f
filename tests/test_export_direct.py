"""The direct read of a CSV export (ingest/exportread.py) stores exactly what the staged
read stores: entries grouped from the file itself, lines by the typed reader, and every
file it cannot take so (a field written two ways, a line that needs the full rules, a
cell too many) left to the staged read, row numbers and refusals included."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import exportread, load_folder

from _es003_fixtures import HEADERS

IMPORTERS = ("importer_number,importer_name,country,us_organized,us_physical_presence,"
             "us_assets_sufficient,us_controlling_owner\n"
             "12-3456789AB,Acme Imports LLC,US,true,true,true,true\n")

# Entry header fields (Entry Summary Number .. Liquidation Date) and line fields, as
# ACE writes them: dashed entry numbers, MM/DD/YYYY dates, dotted HTS numbers.
_E1 = ["ABC-1234567-1", "01", "12-3456789AB", "2704", "02/25/2026", "03/01/2026", "8", "N",
       "liquidated", "12/10/2026"]
_E2 = ["ABC-1234568-9", "11", "12-3456789AB", "1001", "03/10/2026", "03/12/2026", "9", "Y",
       "unliquidated", ""]


def _line(line: str, ordinal: str, hts: str, value: str, duty: str = "1.00") -> list[str]:
    return [line, ordinal, hts, "CN", "CNACMSHE123SHE", "", value, duty, "0.35", "0.12"]


CLEAN = [
    _E1 + _line("1", "1", "8471.30.0100", "1000.00"),
    _E1 + _line("1", "2", "9903.88.03", "", "250.00"),   # Chapter 99, eight digits, no value
    _E1 + _line("2", "1", "7326.90.8688", "500.50", "29.00"),
    _E2 + _line("1", "1", "6204.62.4010", "200.00"),
    _E2 + _line("1", "2", "9903.01.24", "0.00", "20.00"),
]


def _write(folder: Path, rows: list[list[str]], title: bool = False, line_end: str = "\n",
           headers: list[str] = HEADERS, quoting: int = csv.QUOTE_MINIMAL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "importers.csv").write_text(IMPORTERS, encoding="utf-8")
    with (folder / "ES-003 export.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator=line_end, quoting=quoting)
        if title:
            w.writerow(["Entry Summary Line Tariff Details"])
            w.writerow(["Run date: 11/30/2026"])
        w.writerow(headers)
        w.writerows(rows)
    return folder


def _stored(folder: Path, db: Path, fast: bool, monkeypatch) -> tuple[dict, list[str]]:
    """The tables ``folder`` loads into ``db`` and how the export was read: 'grouped'
    (entries from the file), 'typed' (lines from the file), or neither."""
    ways: list[str] = []
    group, insert = exportread.group_records, exportread.insert

    def spy_group(*args):
        done = group(*args)
        if done:
            ways.append("grouped")
        return done

    def spy_insert(*args):
        done = insert(*args)
        if done is not None:
            ways.append(done.read if not done.left else f"{done.read}, {done.left} left")
        return done

    monkeypatch.setattr(exportread, "group_records", spy_group)
    monkeypatch.setattr(exportread, "insert", spy_insert)
    con = connect(db)
    try:
        load_folder(con, folder, fast_path=fast)
        tables = {t: con.execute(f"select * exclude (_load_id) from {t} order by _row").fetchall()
                  for t in ("entries", "entry_lines")}
        tables["rejected"] = con.execute(
            "select table_name, row_number, column_name, raw_value, reason, record "
            "from rejected_rows order by all").fetchall()
        tables["files"] = con.execute(
            "select table_name, rows_read, rows_loaded, rows_rejected, note from load_files "
            "order by all").fetchall()
    finally:
        con.close()
        monkeypatch.undo()
    return tables, ways


def _both(folder: Path, tmp_path: Path, monkeypatch) -> tuple[dict, list[str]]:
    fast, ways = _stored(folder, tmp_path / "fast.duckdb", True, monkeypatch)
    full, none = _stored(folder, tmp_path / "full.duckdb", False, monkeypatch)
    assert none == []  # (fast_path=False reads nothing directly)
    assert fast == full
    return fast, ways


def test_a_clean_export_is_read_from_the_file_and_stores_what_the_staged_read_stores(tmp_path, monkeypatch):
    tables, ways = _both(_write(tmp_path / "data", CLEAN), tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    # one record per entry, numbered by its first row (the header is row 1)
    assert [(r[0], r[3].isoformat(), r[-1]) for r in tables["entries"]] == [
        ("ABC12345671", "2026-02-25", 2), ("ABC12345689", "2026-03-10", 5)]
    lines = [(r[0], r[1], r[2], r[3], r[6], r[-1]) for r in tables["entry_lines"]]
    assert lines == [
        ("ABC12345671", 1, 1, "8471300100", Decimal("1000.00"), 2),
        # eight-digit Chapter 99 subheading completed, its empty value read as 0
        ("ABC12345671", 1, 2, "9903880300", Decimal("0.00"), 3),
        ("ABC12345671", 2, 1, "7326908688", Decimal("500.50"), 4),
        ("ABC12345689", 1, 1, "6204624010", Decimal("200.00"), 5),
        ("ABC12345689", 1, 2, "9903012400", Decimal("0.00"), 6),
    ]
    assert tables["rejected"] == []
    assert [f[:4] for f in tables["files"]] == [
        ("brokers", None, None, None), ("disposals", None, None, None), ("entries", 2, 2, 0),
        ("entry_lines", 5, 5, 0), ("importers", 1, 1, 0), ("penalties", None, None, None)]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_title_rows_and_line_ends_number_rows_as_a_spreadsheet_shows_them(tmp_path, monkeypatch, line_end):
    tables, ways = _both(_write(tmp_path / "data", CLEAN, title=True, line_end=line_end),
                         tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    assert [r[-1] for r in tables["entries"]] == [4, 7]
    assert [r[-1] for r in tables["entry_lines"]] == [4, 5, 6, 7, 8]


def test_iso_dates_and_plain_numbers_are_read_in_the_exact_style(tmp_path, monkeypatch):
    rows = [[c.replace("-", "") if i == 0 else c for i, c in enumerate(r)] for r in CLEAN]
    for r in rows:
        for i in (4, 5, 9):
            if r[i]:
                m, d, y = r[i].split("/")
                r[i] = f"{y}-{m}-{d}"
        r[12] = r[12].replace(".", "")
    tables, ways = _both(_write(tmp_path / "data", rows), tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    assert [r[3] for r in tables["entry_lines"]] == [
        "8471300100", "9903880300", "7326908688", "6204624010", "9903012400"]


def test_a_missing_value_on_a_commodity_line_goes_to_the_full_rules(tmp_path, monkeypatch):
    rows = [list(r) for r in CLEAN]
    rows[2][16] = ""  # not a Chapter 99 ordinal: its entered value is required
    tables, ways = _both(_write(tmp_path / "data", rows), tmp_path, monkeypatch)
    assert ways == ["grouped", "typed, 1 left"]
    assert [(r[0], r[1], r[2]) for r in tables["rejected"]] == [("entry_lines", 4, "entered_value")]
    assert len(tables["entry_lines"]) == 4


def test_header_fields_that_disagree_refuse_the_entry_and_its_lines_as_before(tmp_path, monkeypatch):
    rows = [list(r) for r in CLEAN]
    rows[2][4] = "02/26/2026"  # a second entry date for the first entry
    tables, ways = _both(_write(tmp_path / "data", rows), tmp_path, monkeypatch)
    assert ways == []  # grouped rows show two entry dates: the staged read judges them
    assert [r[0] for r in tables["entries"]] == ["ABC12345689"]
    assert [(r[0], r[1]) for r in tables["rejected"]] == [
        ("entries", 2), ("entry_lines", 2), ("entry_lines", 3), ("entry_lines", 4)]
    assert "entry_date (Entry Date)" in tables["rejected"][0][4]


@pytest.mark.parametrize("change", [
    # header fields printed on an entry's first row only: not a disagreement
    lambda rows: [r.__setitem__(i, "") for r in rows[1:3] for i in (1, 3, 5, 6)],
    # the same entry number with and without its dashes: one entry
    lambda rows: rows[1].__setitem__(0, "ABC12345671"),
    # the same value in another case
    lambda rows: rows[1].__setitem__(8, "LIQUIDATED"),
    # a bond type spelled out (the profile's value map): one value
    lambda rows: rows[1].__setitem__(6, "Continuous"),
], ids=["first-row-only", "dashes", "case", "value-map"])
def test_an_entry_written_two_ways_is_grouped_by_the_staged_read(tmp_path, monkeypatch, change):
    rows = [list(r) for r in CLEAN]
    change(rows)
    tables, ways = _both(_write(tmp_path / "data", rows), tmp_path, monkeypatch)
    assert "grouped" not in ways
    assert [r[0] for r in tables["entries"]] == ["ABC12345671", "ABC12345689"]
    assert tables["rejected"] == []


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL], ids=["as needed", "every cell"])
def test_a_quoted_description_keeps_the_export_on_the_direct_read(tmp_path, monkeypatch, quoting):
    # A real export carries the goods' description, which holds commas and inch marks and
    # is therefore quoted (or every cell is, as some systems write them): the records are
    # still one a line, so the entries are grouped from the file and the lines read by the
    # typed reader, with quoting on, into what the staged read stores.
    descriptions = ['Portable machines, weighing not more than 10 kg', 'Pipe 12" "heavy"',
                    "Other", "", "Parts, accessories"]
    rows = [r + [d] for r, d in zip(CLEAN, descriptions, strict=True)]
    folder = _write(tmp_path / "data", rows, headers=[*HEADERS, "Merchandise Description"],
                    quoting=quoting)
    tables, ways = _both(folder, tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    assert [(r[0], r[-1]) for r in tables["entries"]] == [("ABC12345671", 2), ("ABC12345689", 5)]
    assert [(r[0], r[3], r[6], r[-1]) for r in tables["entry_lines"]] == [
        ("ABC12345671", "8471300100", Decimal("1000.00"), 2),
        ("ABC12345671", "9903880300", Decimal("0.00"), 3),
        ("ABC12345671", "7326908688", Decimal("500.50"), 4),
        ("ABC12345689", "6204624010", Decimal("200.00"), 5),
        ("ABC12345689", "9903012400", Decimal("0.00"), 6)]
    assert tables["rejected"] == []


def test_a_description_over_two_lines_leaves_the_export_to_the_staged_read(tmp_path, monkeypatch):
    # a line break inside a quoted cell: a record over two lines, which neither the
    # grouped read nor the typed reader may take
    rows = [r + [d] for r, d in zip(CLEAN, ["a", "two\nlines", "b", "c", "d"], strict=True)]
    folder = _write(tmp_path / "data", rows, headers=[*HEADERS, "Merchandise Description"])
    tables, ways = _both(folder, tmp_path, monkeypatch)
    assert ways == []
    # (rows numbered as a spreadsheet shows the records: the two-line one is one row)
    assert [r[-1] for r in tables["entry_lines"]] == [2, 3, 4, 5, 6]


def test_a_record_with_a_cell_too_many_is_judged_by_the_staged_read(tmp_path, monkeypatch):
    folder = _write(tmp_path / "data", CLEAN)
    path = folder / "ES-003 export.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].rstrip("\n") + ",extra\n"
    path.write_text("".join(text), encoding="utf-8")
    tables, ways = _both(folder, tmp_path, monkeypatch)
    assert ways == []
    assert [(r[0], r[1]) for r in tables["rejected"]] == [("entry_lines", 4)]


def test_a_time_of_day_and_a_spelled_out_value_on_every_row_are_read_from_the_file(tmp_path, monkeypatch):
    # the profile's extract and value map apply to the grouped records; the lines, whose
    # columns are read as they are, stay on the typed read
    rows = [list(r) for r in CLEAN]
    for r in rows[:3]:
        r[4], r[6] = "2/25/2026 12:00:00 AM", "Continuous"
    tables, ways = _both(_write(tmp_path / "data", rows), tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    first = tables["entries"][0]
    assert (first[3].isoformat(), first[7]) == ("2026-02-25", "8")


def test_a_large_export_is_numbered_row_for_row(tmp_path, monkeypatch):
    # over 8 MB, so DuckDB reads the file in parallel parts: every entry's first row and
    # every line's row must still be the file's
    rows = []
    for e in range(36_000):
        head = [f"ABC{e:07d}1", "01", "12-3456789AB", "2704", f"{1 + e % 12:02d}/15/2026",
                f"{1 + e % 12:02d}/20/2026", "8", "N", "liquidated", ""]
        for k in range(1 + e % 3):
            rows.append(head + _line(str(k + 1), "1", "8471.30.0100", f"{e}.{k:02d}"))
    folder = _write(tmp_path / "data", rows)
    assert (folder / "ES-003 export.csv").stat().st_size > 8_000_000
    tables, ways = _both(folder, tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    first_rows, row = [], 2
    for e in range(36_000):
        first_rows.append(row)
        row += 1 + e % 3
    assert [r[-1] for r in tables["entries"]] == first_rows
    assert [r[-1] for r in tables["entry_lines"]] == list(range(2, len(rows) + 2))


def test_an_export_with_no_rows_loads_nothing_either_way(tmp_path, monkeypatch):
    tables, ways = _both(_write(tmp_path / "data", []), tmp_path, monkeypatch)
    assert ways == ["grouped", "typed"]
    assert (tables["entries"], tables["entry_lines"], tables["rejected"]) == ([], [], [])


def test_an_empty_line_between_rows_is_left_to_the_staged_read(tmp_path, monkeypatch):
    folder = _write(tmp_path / "data", CLEAN)
    path = folder / "ES-003 export.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + ["\n"] + lines[3:]), encoding="utf-8")
    tables, ways = _both(folder, tmp_path, monkeypatch)
    assert ways == []
    # the empty line is not a record, but it is a row of the file
    assert [r[-1] for r in tables["entry_lines"]] == [2, 3, 5, 6, 7]
