"""The period's trade volume by entry-type group (working set period_volume): hand-computed
figures, the entry-lines metric read from it, and the stored copy the report reuses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder
from customs_readiness.metrics import compute_or_load, period_for, run_metrics
from customs_readiness.metrics.store import volume_table
from customs_readiness.policy import load_policy

from conftest import write_tables

LINE_HEADER = ["entry_number", "line_number", "tariff_ordinal", "hts_number", "entered_value",
               "duty_amount", "mpf_amount", "hmf_amount"]


def _folder(path: Path, extra_lines: list[list[str]] = ()) -> Path:
    return write_tables(path, {
        "importers": (["importer_number", "importer_name"], [["12-3456789AB", "Acme Inc"]]),
        "entries": (
            ["entry_number", "entry_type", "importer_number", "entry_date"],
            [["AAA00000011", "01", "12-3456789AB", "2026-01-10"],
             ["AAA00000022", "11", "12-3456789AB", "2026-02-01"],
             ["AAA00000033", "01", "12-3456789AB", "2025-12-31"],  # before the period
             ["AAA00000044", "21", "12-3456789AB", "2026-12-31"]],  # last day; no lines
        ),
        "entry_lines": (LINE_HEADER, [
            ["AAA00000011", "1", "1", "8471300100", "100.00", "5.00", "1.00", "0.10"],
            ["AAA00000011", "1", "2", "9903880300", "50.00", "25.00", "", ""],  # Chapter 99
            ["AAA00000011", "2", "1", "8473300100", "200.00", "", "", ""],
            ["AAA00000022", "1", "1", "6109100012", "30.00", "1.50", "2.00", ""],
            ["AAA00000033", "1", "1", "8471300100", "999.00", "9.00", "", ""],
            *extra_lines,
        ]),
    })


def _by_group(cols: list[str], rows: list[tuple]) -> dict[int, tuple]:
    return {r[0]: tuple(r[1:6]) for r in rows} if cols[0] == "type_group" else {}


def test_volume_counts_each_line_once_and_leaves_chapter_99_value_out(tmp_path: Path) -> None:
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "data"))
    figures = compute_or_load(con, period_for(2026), load_policy(None), store=True, reuse=False)
    run = figures.run
    cols, rows = figures.volume
    assert cols == ["type_group", "entries", "lines", "entered_value", "duty", "fees",
                    "duty_missing"]
    # group 1 (01-08): AAA..11 only (AAA..33 is dated 2025); its line 1 has two ordinals
    # (one line), line 2 one: 2 lines; entered value 100.00 + 200.00 (the Chapter 99
    # ordinal's 50.00 left out) = 300.00; duty 5.00 + 25.00 = 30.00; fees 1.00 + 0.10 = 1.10.
    # group 2 (11, 12): 1 entry, 1 line, 30.00, 1.50, fees 2.00.
    # group 3 (21-26): AAA..44 on the period's last day, no lines: zeros.
    assert _by_group(cols, rows) == {
        1: (1, 2, Decimal("300.00"), Decimal("30.00"), Decimal("1.10")),
        2: (1, 1, Decimal("30.00"), Decimal("1.50"), Decimal("2.00")),
        3: (1, 0, Decimal("0"), Decimal("0"), Decimal("0")),
    }
    # The entry-lines metric is the sum over the groups: 2 + 1 + 0.
    assert run.results["entry_lines_total"].value == 3
    con.close()


def test_stored_volume_is_read_in_a_new_session(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    con = connect(db)
    load_folder(con, _folder(tmp_path / "data"))
    run = run_metrics(con, 2026, load_policy(None), store=True)
    con.close()
    con = connect(db)  # no working sets in this session: the stored table answers
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert volume_table(run.period) in tables
    assert "period_volume" not in tables
    figures = compute_or_load(con, run.period, load_policy(None))
    assert figures.stored
    assert _by_group(*figures.volume)[1][:2] == (1, 2)
    assert "period_volume" not in {r[0] for r in con.execute(
        "select table_name from duckdb_tables()").fetchall()}
    con.close()


def test_stored_volume_of_other_data_is_not_used(tmp_path: Path) -> None:
    con = connect(tmp_path / "v.duckdb")
    load_folder(con, _folder(tmp_path / "a"))
    run_metrics(con, 2026, load_policy(None), store=True)
    # Reloaded with one more line on AAA..22; figures computed but not stored.
    load_folder(con, _folder(tmp_path / "a", [["AAA00000022", "2", "1", "6109100012", "10.00",
                                               "", "", ""]]))
    figures = compute_or_load(con, period_for(2026), load_policy(None))
    assert not figures.stored  # the stored run no longer matches the data
    groups = _by_group(*figures.volume)
    assert groups[2][:3] == (1, 2, Decimal("40.00"))  # 30.00 + 10.00, not the stored 30.00
    con.close()
