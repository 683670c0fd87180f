"""How fast an ACE ES-003 export loads, against the same data as table files.

For each size the script takes bench.py's generated CSV sample (generating it if needed),
writes it again as one ES-003 "Entry Summary Line Tariff Details" export - one row per
tariff ordinal, the entry's header fields repeated on every row, ACE's headers, MM/DD/YYYY
dates and Y/N indicators - next to a copy of the importers file, and times in fresh child
processes (wall time and the child's own peak RSS, medians of --repeat runs):

  tables   readiness load of the table files (entries.csv, entry_lines.csv, ...)
  export   readiness load of the ES-003 export
  staged   the same export with the direct read turned off (the child patches
           ingest/exportread.py out; there is no product setting for it), which is how
           every export was read before that module

    python benchmarks/export_bench.py --sizes 1m,10m --repeat 3

Generated files go to benchmarks/data/ (git-ignored); nothing is written elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # (the benchmark's data, sizes and child-process timing)

EXPORT_SQL = """
copy (
    select e.entry_number as "Entry Summary Number", e.entry_type as "Entry Type Code",
           e.importer_number as "Importer Number", strftime(cast(e.entry_date as date), '%m/%d/%Y') as "Entry Date",
           e.port_code as "Port of Entry Code",
           strftime(cast(e.entry_summary_date as date), '%m/%d/%Y') as "Entry Summary Date",
           e.bond_type as "Bond Type Code",
           case e.psc_filed when 'true' then 'Y' when 'false' then 'N' end as "Post Summary Correction Indicator",
           e.liquidation_status as "Liquidation Status",
           strftime(cast(e.liquidation_date as date), '%m/%d/%Y') as "Liquidation Date",
           l.line_number as "Entry Summary Line Number", l.tariff_ordinal as "Tariff Ordinal Number",
           l.hts_number as "HTS Number - Full", l.country_of_origin as "Country of Origin Code",
           l.manufacturer_id as "Manufacturer ID", l.entered_value as "Line Tariff Goods Value Amount",
           l.duty_amount as "Line Tariff Duty Amount", l.mpf_amount as "Line MPF Amount",
           l.hmf_amount as "Line HMF Amount", l.spi as "Line SPI Code", l.adcvd_case as "AD/CVD Case Number"
    from read_csv($lines, all_varchar = true) l
    join read_csv($entries, all_varchar = true) e using (entry_number)
    order by e.entry_number, cast(l.line_number as integer), cast(l.tariff_ordinal as integer)
) to '{out}' (header true)
"""

STAGED = ("import sys; from customs_readiness.ingest import exportread; "
          "exportread.group_records = lambda *a: False; exportread.eligible = lambda src: False; "
          "from customs_readiness.cli import main; sys.argv[0] = 'readiness'; main()")


def export_folder(tables: Path) -> Path:
    """The ES-003 export of the table files in ``tables`` (written once, then reused)."""

    def write(folder: Path) -> None:
        # in a child: a parent grown by DuckDB would pass its peak RSS on to every child it forks
        script = ("import sys, duckdb; con = duckdb.connect(); con.execute('set enable_progress_bar = false'); "
                  "con.execute(sys.argv[1], {'lines': sys.argv[2], 'entries': sys.argv[3]})")
        sql = EXPORT_SQL.replace("{out}", str(folder / "ES-003 export.csv").replace("'", "''"))
        subprocess.run([sys.executable, "-c", script, sql, str(tables / "entry_lines.csv"),
                        str(tables / "entries.csv")], check=True)
        shutil.copy(tables / "importers.csv", folder / "importers.csv")

    return bench.derived_folder(tables, f"{tables.name}-es003", write)


def main() -> None:
    ap = bench.sizes_parser(__doc__.splitlines()[0])
    args = ap.parse_args()
    print("| lines | input | seconds | peak RSS MB |\n|---:|---|---:|---:|")
    for size in [bench.parse_size(x) for x in args.sizes.split(",")]:
        tables = bench.HERE / "data" / f"{bench.label(size)}-csv"
        lines = bench.ensure_data(tables, size, "csv", args.seed, {}, regenerate=False)
        exported = export_folder(tables)
        for what, cmd in (("table files", [*bench.CLI, "load", str(tables)]),
                          ("ES-003 export", [*bench.CLI, "load", str(exported)]),
                          ("ES-003 export, staged read", [sys.executable, "-c", STAGED, "load",
                                                          str(exported)])):
            secs, rss = bench.median_child(cmd, args.repeat)
            print(f"| {lines:,} | {what} | {secs:.2f} | {rss:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
