"""Errors a newcomer provokes, each one clear line: the bad value shown, every refused row
listed (and written with --errors-out), a file given for a folder, the closest shipped
mapping named, the shipped mappings listed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.errors import VALUE_CHARS, row_error, shown_value
from customs_readiness.ingest.exports import shipped_mappings

from conftest import minimal_tables, write_csv, write_tables

runner = CliRunner()


def _bad_folder(tmp_path: Path, bad_rows: int = 11) -> Path:
    """The minimal folder with ``bad_rows`` entries whose date is not a date."""
    tables = minimal_tables()
    header, rows = tables["entries"]
    for i in range(bad_rows):
        rows.append([f"ABC{30000000 + i:08d}", "01", "12-3456789AB", f"2026-13-{i + 1:02d}"])
    tables["entries"] = (header, rows)
    return write_tables(tmp_path / "data", tables)


def test_cli_errors_shown_value_is_cut_and_escaped():
    assert shown_value("31/12/2026") == "'31/12/2026'"
    # control characters and bidi overrides print as escapes, never as themselves
    assert shown_value("a\x1b[31mb\u202ec\n") == "'a\\x1b[31mb\\u202ec\\n'"
    long = "x" * 500
    assert shown_value(long) == repr("x" * VALUE_CHARS) + "… (500 characters)"
    assert row_error(4, "closed_on", "31/12/2026", "not a date") == \
        "row 4, closed_on '31/12/2026': not a date"
    assert row_error(2, None, None, "entry header fields differ") == \
        "row 2: entry header fields differ"


def test_cli_errors_load_summary_shows_the_offending_value(tmp_path):
    folder = _bad_folder(tmp_path, 1)
    result = runner.invoke(app, ["load", str(folder), "--db", str(tmp_path / "r.duckdb")])
    assert result.exit_code == 0, result.output
    assert ("entries.csv row 4, entry_date '2026-13-01': not a date: use YYYY-MM-DD or "
            "MM/DD/YYYY") in result.stdout


def test_cli_errors_validate_lists_every_refused_row_and_writes_them_all(tmp_path):
    folder = _bad_folder(tmp_path, 11)
    out = tmp_path / "errors.csv"
    result = runner.invoke(app, ["validate", str(folder), "--errors-out", str(out)])
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stdout.splitlines() if "entry_date '2026-13-" in line]
    assert len(listed) == 11  # every one, not the first few
    assert listed[-1] == ("entries.csv row 14, entry_date '2026-13-11': not a date: use "
                          "YYYY-MM-DD or MM/DD/YYYY")
    assert "11 refused row(s) written to" in result.stdout
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 11
    assert list(rows[0]) == ["file", "table", "row", "column", "value", "reason", "record"]
    assert (rows[0]["file"], rows[0]["row"], rows[0]["column"], rows[0]["value"]) == (
        "entries.csv", "4", "entry_date", "2026-13-01")
    assert json.loads(rows[0]["record"])["entry_date"] == "2026-13-01"
    # nothing was written next to the data
    assert not list(tmp_path.glob("*.duckdb"))


def test_cli_errors_validate_quiet_keeps_the_error_list(tmp_path):
    folder = _bad_folder(tmp_path, 2)
    result = runner.invoke(app, ["--quiet", "validate", str(folder), "--fail-on-rejects"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("entry_date '2026-13-0" in line for line in lines)
    assert result.stderr.strip() == "error: 2 row(s) would be refused"


@pytest.mark.parametrize("command", ["load", "validate", "run"])
def test_cli_errors_a_file_given_for_a_folder_says_so(tmp_path, command):
    folder = write_tables(tmp_path / "data", minimal_tables())
    target = folder / "entries.csv"
    extra = {"load": ["--db", str(tmp_path / "r.duckdb")], "validate": [],
             "run": ["--year", "2026", "--db", str(tmp_path / "r.duckdb")]}[command]
    result = runner.invoke(app, [command, str(target), *extra])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {target}: is a file, not a data folder; give the folder that holds the "
        f"data files (here {folder})"]
    assert not (tmp_path / "r.duckdb").exists()


def test_cli_errors_unknown_headers_name_the_closest_shipped_mapping(tmp_path):
    broker = next(m for m in shipped_mappings() if m.name == "public-broker-export-sample")
    headers = [h for h in broker.headers.values() if h != "Total Duty Amount (USD)"]
    headers.append("Total Duty (USD)")
    folder = tmp_path / "data"
    write_csv(folder / "broker-export.csv", headers, [["x"] * len(headers)])
    result = runner.invoke(app, ["load", str(folder), "--db", str(tmp_path / "r.duckdb")])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: broker-export.csv: file name names no table")
    assert ("headers match no known export; closest shipped mapping: "
            "public-broker-export-sample (Broker entry-line export, ") in line
    assert line.endswith(": try --mapping public-broker-export-sample; it recognises a file "
                         "by the header(s) 'Total Duty Amount (USD)'")


def test_cli_errors_es003_without_its_key_header_is_named_too(tmp_path):
    es003 = next(m for m in shipped_mappings() if m.name == "ace-es-003")
    headers = [h for n, h in es003.headers.items() if n != "entry_summary_number"][:12]
    folder = tmp_path / "data"
    write_csv(folder / "ace.csv", headers, [["x"] * len(headers)])
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "closest shipped mapping: ace-es-003 (ACE ES-003 export, 12 of 12 headers known), " \
           "tried already; it recognises a file by the header(s) 'Entry Summary Number'" \
        in result.output


def test_cli_errors_unrelated_headers_get_no_mapping_hint(tmp_path):
    folder = write_tables(tmp_path / "data", minimal_tables())
    (folder / "shipments.csv").write_text("colour,size\nred,2\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert result.output.strip().endswith("and its headers match no known export")


def test_cli_errors_mappings_lists_the_shipped_layouts():
    result = runner.invoke(app, ["mappings"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "layout", "description"]
    body = "\n".join(lines[1:])
    assert "ace-es-003" in body and "ACE ES-003 export (always tried)" in body
    assert "public-broker-export-sample" in body and "Broker entry-line export" in body
    assert all(line == line.rstrip() for line in lines)


def test_cli_errors_missing_pango_names_the_libraries_to_install(tmp_path):
    import subprocess
    import sys

    from _report_fixtures import write_folder

    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["load", str(write_folder(tmp_path / "data")), "--db",
                               str(db)]).exit_code == 0
    # WeasyPrint's import fails as it does on a system without Pango
    code = (
        "import sys\n"
        "class NoPango:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'weasyprint':\n"
        "            raise OSError(\"cannot load library 'libpango-1.0-0': cannot open shared "
        "object file\")\n"
        "sys.meta_path.insert(0, NoPango())\n"
        "from customs_readiness.cli import main\n"
        f"sys.argv = ['readiness', 'report', '--year', '2026', '--db', {str(db)!r}, '--out', "
        f"{str(tmp_path / 'r.pdf')!r}]\n"
        "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: WeasyPrint cannot load its system libraries (cannot load "
                           "library 'libpango-1.0-0'")
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in line and "brew install pango" in line
    assert not (tmp_path / "r.pdf").exists()
