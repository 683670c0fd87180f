"""Reloading a folder replaces what it brought; several years live side by side."""

from __future__ import annotations

from customs_readiness.ingest import load_folder

from conftest import minimal_tables, write_tables


def _counts(con):
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("importers", "entries", "entry_lines", "rejected_rows", "loads")}


def test_same_folder_twice_duplicates_nothing(con, tmp_path):
    tables = minimal_tables()
    tables["entry_lines"][1].append(["ABC12345671", "9", "8471300100", "-1"])  # one refused row
    folder = write_tables(tmp_path / "d", tables)
    first = load_folder(con, folder)
    once = _counts(con)
    second = load_folder(con, folder)
    assert _counts(con) == once == {"importers": 2, "entries": 2, "entry_lines": 3, "rejected_rows": 1, "loads": 1}
    assert not first.replaced_previous and second.replaced_previous


def test_reload_after_fixing_a_file_replaces_its_rows(con, tmp_path):
    tables = minimal_tables()
    folder = write_tables(tmp_path / "d", tables)
    load_folder(con, folder)
    tables["entry_lines"] = (tables["entry_lines"][0], tables["entry_lines"][1][:1])
    write_tables(folder, tables)
    load_folder(con, folder)
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 1


def test_two_years_in_one_database(con, tmp_path):
    y2025 = minimal_tables()
    y2025["entries"] = (y2025["entries"][0], [["ABC00000011", "01", "12-3456789AB", "2025-06-30"]])
    y2025["entry_lines"] = (y2025["entry_lines"][0], [["ABC00000011", "1", "8471300100", "7"]])
    load_folder(con, write_tables(tmp_path / "2025", y2025))
    result = load_folder(con, write_tables(tmp_path / "2026", minimal_tables()))
    years = con.execute("select year(entry_date), count(*) from entries group by 1 order by 1").fetchall()
    assert years == [(2025, 1), (2026, 2)]
    assert con.execute("select count(*) from entry_lines").fetchone()[0] == 4
    # The importer registry comes with both years: the later load wins, nothing is doubled.
    assert con.execute("select count(*) from importers").fetchone()[0] == 2
    assert {f.table: f.rows_superseded for f in result.files}["importers"] == 2
    assert con.execute("select count(*) from loads").fetchone()[0] == 2
    # Reloading 2025 keeps 2026.
    load_folder(con, tmp_path / "2025")
    assert con.execute("select count(*) from entries").fetchone()[0] == 3


def test_validate_mode_writes_nothing(con, tmp_path):
    result = load_folder(con, write_tables(tmp_path / "d", minimal_tables()), commit=False)
    assert result.files[0].rows_loaded == 2
    assert _counts(con) == {"importers": 0, "entries": 0, "entry_lines": 0, "rejected_rows": 0, "loads": 0}


def test_reload_without_an_entry_leaves_no_line_of_another_folder_orphaned(con, tmp_path):
    a = minimal_tables()
    folder_a = write_tables(tmp_path / "a", a)
    load_folder(con, folder_a)
    # Folder B brings one more line for an entry of folder A.
    b = minimal_tables()
    b["entries"] = (b["entries"][0], [["ABC00000033", "01", "12-3456789AB", "2026-02-01"]])
    b["entry_lines"] = (b["entry_lines"][0], [["ABC00000033", "1", "8471300100", "3"],
                                              ["ABC12345682", "2", "8471300100", "4"]])
    load_folder(con, write_tables(tmp_path / "b", b))
    # A is delivered again without entry ABC12345682 (nor its line).
    a["entries"] = (a["entries"][0], a["entries"][1][:1])
    a["entry_lines"] = (a["entry_lines"][0], a["entry_lines"][1][:2])
    result = load_folder(con, write_tables(folder_a, a))
    orphans = con.execute("""select count(*) from entry_lines l where not exists
                             (select 1 from entries e where e.entry_number = l.entry_number)""").fetchone()[0]
    assert orphans == 0
    kept = con.execute("select row_number, reason from rejected_rows r join loads l using (load_id) "
                       "where l.source_dir like '%/b'").fetchall()
    assert kept == [(3, f"its entry is no longer in the database (the reload of {folder_a.resolve()} "
                        "no longer carries it)")]
    # B's manifest still adds up: loaded + rejected = read.
    assert con.execute("""select rows_read, rows_loaded, rows_rejected from load_files f
                          join loads l using (load_id)
                          where l.source_dir like '%/b' and table_name = 'entry_lines'""").fetchone() == (2, 1, 1)
    assert any("lost their entry" in n for n in result.notes)
