"""Header fields repeated on every ES-003 row: read once per entry; disagreement refuses the entry."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from customs_readiness.errors import DataFileError

from _es003_fixtures import HEADERS, ROWS, counts, load, totals, write_es003_csv

ENTRY_DATE = HEADERS.index("Entry Date")
PORT = HEADERS.index("Port of Entry Code")
LIQ = HEADERS.index("Liquidation Status")


def _rows() -> list[list[str]]:
    return [list(r) for r in ROWS]


def test_es003_conflicting_header_field_refuses_the_entry_and_all_its_lines(tmp_path):
    rows = _rows()
    rows[2][ENTRY_DATE] = "02/26/2026"  # entry ABC..., third file row (row 4): another entry date
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, result = load(tmp_path / "data", tmp_path / "db.duckdb")
    # entries: 2 read (one per entry number), ABC refused; lines: 4 read, ABC's 3 refused
    assert counts(con) == {"entries": (2, 1, 1), "entry_lines": (4, 1, 3)}
    assert totals(con) == (1, 1, Decimal("500.50"), Decimal("85.09"))
    refused = con.execute(
        "select table_name, row_number, reason from rejected_rows order by table_name, row_number"
    ).fetchall()
    why = "header fields disagree across its rows: entry_date (Entry Date)"
    assert refused == [
        ("entries", 2, f"entry {why}"),
        ("entry_lines", 2, f"its entry's {why}"),
        ("entry_lines", 3, f"its entry's {why}"),
        ("entry_lines", 4, f"its entry's {why}"),
    ]
    record = json.loads(con.execute(
        "select record from rejected_rows where table_name = 'entries'").fetchone()[0])
    assert record["Entry Summary Number"] == "ABC-1234567-1" and record["Entry Date"] == "02/25/2026"
    assert all(f.rows_loaded + f.rows_rejected == f.rows_read for f in result.files)


def test_es003_conflict_reason_names_every_disagreeing_column(tmp_path):
    rows = _rows()
    rows[1][PORT] = "2709"
    rows[2][ENTRY_DATE] = "02/26/2026"
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    reason = con.execute("select reason from rejected_rows where table_name = 'entries'").fetchone()[0]
    assert reason == ("entry header fields disagree across its rows: "
                      "entry_date (Entry Date), port_code (Port of Entry Code)")


def test_es003_repeats_differing_only_in_case_or_blank_are_not_conflicts(tmp_path):
    rows = _rows()
    rows[1][LIQ] = "PENDING LIQUIDATION"  # same value, other case
    rows[2][ENTRY_DATE] = ""  # some layouts print header fields on the first row only
    rows[2][PORT] = " 2704 "
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (4, 4, 0)}
    assert con.execute("select liquidation_status, port_code from entries where filer_code = 'ABC'"
                       ).fetchone() == ("unliquidated", "2704")


def test_es003_header_fields_only_on_a_later_row_are_taken_from_it(tmp_path):
    rows = _rows()
    rows[0][ENTRY_DATE] = ""  # first row of ABC has no entry date, the second one does
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert con.execute("select entry_date::varchar, _row from entries where filer_code = 'ABC'"
                       ).fetchone() == ("2026-02-25", 2)


def test_es003_conflict_under_strict_is_a_file_error(tmp_path):
    rows = _rows()
    rows[2][ENTRY_DATE] = "02/26/2026"
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    with pytest.raises(DataFileError, match=r"export\.csv: 1 row\(s\) refused under --strict; first: row 2: "
                                            r"entry header fields disagree"):
        load(tmp_path / "data", tmp_path / "db.duckdb", strict=True)


def test_es003_repeated_ordinal_row_is_a_duplicate_line_not_a_duplicate_entry(tmp_path):
    rows = _rows() + [list(ROWS[1])]  # line 001 ordinal 2 exported twice (row 6)
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (5, 4, 1)}
    assert con.execute("select row_number, reason from rejected_rows").fetchall() == [
        (6, "duplicate key entry_number + line_number + tariff_ordinal (first at row 3)")]


def test_es003_bad_value_in_one_line_refuses_that_line_only(tmp_path):
    rows = _rows()
    rows[2][HEADERS.index("Line Tariff Goods Value Amount")] = "abc"
    write_es003_csv(tmp_path / "data" / "export.csv", rows=rows)
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (4, 3, 1)}


def test_es003_unparseable_csv_line_is_counted_once_under_entry_lines(tmp_path):
    path = write_es003_csv(tmp_path / "data" / "export.csv")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('"unterminated,quote\n')
    con, _ = load(tmp_path / "data", tmp_path / "db.duckdb")
    c = counts(con)
    assert c["entries"] == (2, 2, 0)
    assert c["entry_lines"][0] == c["entry_lines"][1] + c["entry_lines"][2] and c["entry_lines"][2] >= 1
    assert con.execute("select count(*) from rejected_rows where table_name = 'entries'").fetchone()[0] == 0
