"""How fast the tables load when pandas or Polars wrote them, against the contract's spellings.

For each size the script takes bench.py's generated CSV sample (generating it if needed)
and writes the same records again as a data frame library writes them back after reading
them with its defaults (a code becomes a number, a date a datetime, money a float):

  CSV      entry types as numbers (1 for 01), dates with a time of midnight
           (2026-01-15 00:00:00), True/False, amounts in a float's shortest form (1548.2, 0.0)
  Parquet  entry types BIGINT, dates TIMESTAMP, amounts DOUBLE, yes/no BOOLEAN, whole
           numbers BIGINT
  quoted   the contract's own cells, every one in quotes (an empty one as ""), as Python's
           csv.QUOTE_ALL and R's write.csv write them

It then times, in fresh child processes (wall time and the child's own peak RSS, medians of
--repeat runs), DuckDB's bare ingest (bench.py's) and `readiness load` of the contract's
files and of each rewritten folder. The data contract takes every one of these spellings
(a single-digit entry type is left-padded, a date may carry a midnight time), and the
loader's fast path reads them without the full rules, so each load stays near the
contract's own files (docs/architecture.md, "the loader's plain-cast fast path").

    python benchmarks/spellings_bench.py --sizes 1m,10m --repeat 3

Generated files go to benchmarks/data/ (git-ignored); nothing is written elsewhere.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # (the benchmark's data, sizes and child-process timing)

from customs_readiness import schema as s

# How a data frame library writes each kind of column back (CSV text; Parquet type).
_CSV = {
    s.ENTRY_TYPE: "cast(cast({x} as integer) as varchar)",
    s.DATE: "{x} || ' 00:00:00'",
    s.BOOL: "case {x} when 'true' then 'True' when 'false' then 'False' end",
    s.AMOUNT: "cast(cast({x} as double) as varchar)",
}
_PARQUET = {
    s.ENTRY_TYPE: "cast({x} as bigint)",
    s.DATE: "cast({x} as timestamp)",
    s.BOOL: "cast({x} as boolean)",
    s.AMOUNT: "cast({x} as double)",
    s.INT: "cast({x} as bigint)",
}


def rewrite_sql(table: s.Table, fmt: str) -> str:
    """The select that writes ``table``'s contract file (read as text, $path) as a data
    frame library writes it back in ``fmt`` (csv or parquet), or, ``quoted``, as it is
    (every cell text, an empty one '', for quoting)."""
    if fmt == "quoted":
        cols = ", ".join(f'coalesce("{c.name}", \'\') as "{c.name}"' for c in table.columns)
        return f"select {cols} from read_csv($path, all_varchar = true, header = true)"
    rules = _CSV if fmt == "csv" else _PARQUET
    cols = []
    for c in table.columns:
        x = f'"{c.name}"'
        cols.append(f"{rules[c.kind].format(x=x) if c.kind in rules else x} as {x}")
    return f"select {', '.join(cols)} from read_csv($path, all_varchar = true, header = true)"


def rewrite(tables: Path, out: Path, fmt: str) -> Path:
    """Write every contract CSV file of ``tables`` into ``out`` as a data frame library
    writes it back (``fmt`` csv or parquet), or with every cell quoted (``quoted``, CSV
    files); returns ``out``."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    for table in s.TABLES.values():
        src = tables / f"{table.name}.csv"
        if not src.exists():
            continue
        target = out / f"{table.name}.{'parquet' if fmt == 'parquet' else 'csv'}"
        options = {"parquet": "format parquet", "quoted": "header true, force_quote *"}.get(
            fmt, "header true")
        con.execute(f"copy ({rewrite_sql(table, fmt)}) to '{str(target).replace(chr(39), chr(39) * 2)}' "
                    f"({options})", {"path": str(src)})
    con.close()
    return out


def rewritten(tables: Path, fmt: str) -> Path:
    """The rewritten folder of ``tables`` in ``fmt`` (written once in a child, then reused)."""

    def write(folder: Path) -> None:
        # in a child: a parent grown by DuckDB would pass its peak RSS on to every child it forks
        subprocess.run([sys.executable, __file__, "--rewrite", str(tables), str(folder), fmt],
                       check=True)

    return bench.derived_folder(tables, f"{tables.name}-frames-{fmt}", write)


def main() -> None:
    ap = bench.sizes_parser(__doc__.splitlines()[0])
    ap.add_argument("--rewrite", nargs=3, metavar=("TABLES", "OUT", "FORMAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rewrite:
        rewrite(Path(args.rewrite[0]), Path(args.rewrite[1]), args.rewrite[2])
        return
    bench.compile_package()
    print("| lines | files | bare ingest s | load s | load / ingest | load peak RSS MB |\n"
          "|---:|---|---:|---:|---:|---:|")
    for size in [bench.parse_size(x) for x in args.sizes.split(",")]:
        tables = bench.HERE / "data" / f"{bench.label(size)}-csv"
        lines = bench.ensure_data(tables, size, "csv", args.seed, {}, regenerate=False)
        for what, folder, fmt in (("contract CSV", tables, "csv"),
                                  ("CSV as pandas/Polars write it", rewritten(tables, "csv"), "csv"),
                                  ("Parquet as pandas/Polars write it",
                                   rewritten(tables, "parquet"), "parquet"),
                                  ("CSV, every cell quoted", rewritten(tables, "quoted"), "csv")):
            ingest, _ = bench.median_child([sys.executable, "-c", bench.INGEST_SCRIPT, str(folder),
                                            fmt], args.repeat, db_option=False)
            load, rss = bench.median_child([*bench.CLI, "load", str(folder)], args.repeat)
            print(f"| {lines:,} | {what} | {ingest:.2f} | {load:.2f} | {load / ingest:.2f} | "
                  f"{rss:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
