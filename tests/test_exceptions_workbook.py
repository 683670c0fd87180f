"""The exception workbook, sheet by sheet: an index with full titles, typed figures and links;
readable unique sheet names; filters, frozen headers, fitted widths, typed cells."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from customs_readiness.metrics import compute_or_load, period_for
from customs_readiness.pipeline import load
from customs_readiness.policy import load_policy
from customs_readiness.report.lists import (
    SHEET_NAMES,
    WORKBOOK_NAME,
    _sheet_names,
    _short_title,
    write_exceptions,
)
from customs_readiness.values import round_money

from _metric_fixtures import DOMESTIC, FOREIGN, entry, importer, make_db

SAMPLE_2026 = Path(__file__).resolve().parents[1] / "sample_data" / "2026"
HEADER_ROW = 8  # the index table's header (1-based), under the period and policy rows


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """The bundled sample year's exception files, and the run they were written from."""
    tmp = tmp_path_factory.mktemp("workbook")
    db = tmp / "r.duckdb"
    load(SAMPLE_2026, db)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        figures = compute_or_load(con, period_for(2026), load_policy())
        written = write_exceptions(figures, tmp / "out")
    finally:
        con.close()
    return figures.run, written, openpyxl.load_workbook(tmp / "out" / WORKBOOK_NAME)


def _index_rows(wb) -> list[dict]:
    ix = wb["index"]
    header = [c.value for c in ix[HEADER_ROW]]
    rows = []
    for row in ix.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value is None:
            break
        rows.append({h: c for h, c in zip(header, row, strict=False)})
    return rows


def test_exceptions_workbook_sheet_names_unique_readable_and_short(workbook):
    run, written, wb = workbook
    names = wb.sheetnames
    assert names[0] == "index" and len(names) == len(written)
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    # a short title, never an id cut at 31 characters or a "~2" suffix
    assert "Foreign IOR no CTPAT (strict)" in names
    assert "Foreign IOR no CTPAT (order)" in names
    assert not any("~" in n or "_" in n for n in names)


def test_exceptions_workbook_index_has_full_titles_numbers_and_links(workbook):
    run, _, wb = workbook
    rows = _index_rows(wb)
    assert len(rows) == len(wb.sheetnames) - 1
    money_checked = 0
    for r in rows:
        mid = r["metric id"].value
        result = run.results[mid]
        assert r["title"].value == result.definition.title  # the full title
        link = r["sheet"].hyperlink
        assert link is not None and link.location == f"'{r['sheet'].value}'!A1"
        assert r["sheet"].value in wb.sheetnames
        assert r["records"].data_type == "n"
        if result.value is None:
            assert r["value"].value is None
            continue
        assert r["value"].data_type == "n"  # a number, not text
        if result.definition.unit == "usd":
            # half up to the cent, as every output rounds money
            assert r["value"].value == pytest.approx(float(round_money(result.value)), abs=0)
            assert r["value"].number_format == "#,##0.00"
            money_checked += 1
        elif result.definition.unit == "rate":
            assert r["value"].number_format == "0.00%"
    assert money_checked >= 1


def test_exceptions_workbook_filters_frozen_headers_fitted_widths(workbook):
    _, _, wb = workbook
    ix = wb["index"]
    assert ix.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert ix.freeze_panes == f"A{HEADER_ROW + 1}"
    for ws in wb.worksheets[1:]:
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.freeze_panes == "B2", ws.title
        header = [c.value for c in ws[1]]
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        assert widths, ws.title
        assert all(8 <= w <= 61 for w in widths.values()), ws.title
        # the key column fits its longest value (column A is never grouped with another)
        longest = max(len(str(c.value)) for c in ws["A"] if c.value is not None)
        assert widths["A"] >= min(longest, 60), (ws.title, header[0])


def test_exceptions_workbook_cells_are_typed(workbook):
    _, _, wb = workbook
    seen = set()
    for ws in wb.worksheets[1:]:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, max_row=6):
            for name, cell in zip(header, row, strict=False):
                if cell.value is None:
                    continue
                if name.endswith(("_date", "_on")):
                    assert isinstance(cell.value, datetime), (ws.title, name)
                    assert cell.number_format == "yyyy-mm-dd"
                    seen.add("date")
                elif name == "_row":
                    assert cell.data_type == "n"
                    seen.add("number")
                elif name.endswith("_amount") and cell.data_type == "n":
                    assert cell.number_format == "#,##0.00"
                    seen.add("money")
    assert {"date", "number", "money"} <= seen


def test_exceptions_workbook_text_stays_text(tmp_path: Path):
    con = make_db({
        "importers": [DOMESTIC, FOREIGN,
                      importer("BAD", importer_name='=HYPERLINK("http://x")',
                               good_standing="not_good", foreign_ior=False)],
        "entries": [entry("2025-06-01", "AAA00000994", importer_number="BAD")],
    })
    figures = compute_or_load(con, period_for(2025), load_policy())
    write_exceptions(figures, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME)
    ws = wb["Importers not in good standing"]
    names = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=names.index("importer_name") + 1)
    # never a formula: text, neutralised with a leading ' as in every CSV the tool writes
    assert cell.value == '\'=HYPERLINK("http://x")' and cell.data_type == "s"
    con.close()


def test_exceptions_workbook_short_title_rules():
    # fits: unchanged; too long: abbreviated, cut at a word, a closing reading kept
    assert _short_title("Expedited disposals") == "Expedited disposals"
    assert _short_title("Entries whose importer-of-record status is unknown") == \
        "Entries whose IOR status"
    assert _short_title("A very long user metric title about something (custom)") == \
        "A very long user (custom)"
    assert _short_title("Share of entered value with a foreign importer of record (mine)") \
        == "Share of entered value (mine)"
    assert _short_title("Penalties: paid / assessed [all] *") == "Penalties paid assessed all"
    # every curated name fits, and a clash gets a readable suffix
    assert all(len(n) <= 31 for n in SHEET_NAMES.values())
    names = _sheet_names(["a", "b", "c"], {"a": "Same title", "b": "Same title", "c": "x" * 40})
    assert names == {"a": "Same title", "b": "Same title (2)", "c": "x" * 31}


def test_exceptions_workbook_counts_cells_too_long_as_written():
    """Excel holds 32,767 characters a cell; a formula-like text gains its apostrophe first."""
    import pyarrow as pa

    from customs_readiness.report.lists import CELL_CHARS_MAX, _cells_too_long

    fits, over = "x" * CELL_CHARS_MAX, "x" * (CELL_CHARS_MAX + 1)
    formula = "=" + "x" * (CELL_CHARS_MAX - 1)  # 32,767 characters, 32,768 as written
    table = pa.table({"a": [fits, over, None, formula], "b": ["short", None, over, "-1"],
                      "n": [1, 2, 3, 4]})
    assert _cells_too_long(table) == 3
    assert _cells_too_long(table.select(["n"])) == 0
    assert _cells_too_long(pa.table({"a": [fits, None, "=x"]})) == 0
