"""ES-003 converted to Parquet (text columns, or native numbers) reads like the CSV."""

from __future__ import annotations

import polars as pl

from _es003_fixtures import DUTY, ENTERED_VALUE, counts, load, totals, write_es003_csv


def test_es003_parquet_of_text_columns(tmp_path):
    csv_path = write_es003_csv(tmp_path / "csv" / "export.csv")
    (tmp_path / "pq").mkdir()
    pl.read_csv(csv_path, infer_schema_length=0).write_parquet(tmp_path / "pq" / "ES-003 2026.parquet")
    con, _ = load(tmp_path / "pq", tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
    assert counts(con) == {"entries": (2, 2, 0), "entry_lines": (4, 4, 0)}


def test_es003_parquet_with_native_numbers(tmp_path):
    csv_path = write_es003_csv(tmp_path / "csv" / "export.csv")
    df = pl.read_csv(csv_path, infer_schema_length=0).with_columns(
        pl.col("Tariff Ordinal Number").cast(pl.Int64),
        pl.col("Line Tariff Duty Amount").str.replace_all(",", "").cast(pl.Float64),
    )
    (tmp_path / "pq").mkdir()
    df.write_parquet(tmp_path / "pq" / "export.parquet")
    con, _ = load(tmp_path / "pq", tmp_path / "db.duckdb")
    assert totals(con) == (2, 4, ENTERED_VALUE, DUTY)
