"""Where one step's time goes: every SQL statement of a `readiness` command, timed.

    python benchmarks/profile.py load benchmarks/data/1M-csv
    python benchmarks/profile.py metrics --db benchmarks/data/work/profile.duckdb
    python benchmarks/profile.py report --db benchmarks/data/work/profile.duckdb

`load` loads DIR into a fresh database (benchmarks/data/work/profile.duckdb unless --db);
`metrics` and `report` then read it (year 2026 unless --year). The command runs in this
process with its database connection wrapped so that each statement's wall time is
recorded; the table lists the slowest statements (by their first SQL line), their share of
the step, and the time spent outside DuckDB (Python, the byte scan's wait, WeasyPrint).
It is a profile, not a benchmark: use bench.py for the figures to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Timed:
    """A DuckDB connection whose ``execute`` calls are timed (everything else passes through)."""

    def __init__(self, con, log: list[tuple[float, str]]):
        self._con = con
        self._log = log

    def execute(self, sql, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self._log.append((time.perf_counter() - started, _label(sql)))

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()


def _label(sql: object) -> str:
    lines = [ln.strip() for ln in str(sql).splitlines()]
    text = " ".join(ln for ln in lines if ln and not ln.startswith("--"))
    return re.sub(r"\s+", " ", text)[:110]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("step", choices=("load", "metrics", "report"))
    p.add_argument("folder", nargs="?", type=Path, help="data folder (load)")
    p.add_argument("--db", type=Path, default=HERE / "data" / "work" / "profile.duckdb")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--top", type=int, default=15, help="statements to list (default 15)")
    args = p.parse_args(argv)
    if args.step == "load" and args.folder is None:
        p.error("load needs the data folder")

    from customs_readiness import db as dbmod
    from customs_readiness import pipeline

    log: list[tuple[float, str]] = []
    real_connect = dbmod.connect

    def connect(*a, **k):
        return Timed(real_connect(*a, **k), log)

    dbmod.connect = connect
    pipeline.connect = connect  # (imported by name there)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        if args.step == "load":
            for leftover in (args.db, Path(f"{args.db}.wal")):
                leftover.unlink(missing_ok=True)
            pipeline.load(args.folder, args.db)
        else:
            from customs_readiness.cli import main as cli_main

            cmd = [args.step, "--year", str(args.year), "--db", str(args.db)]
            cmd += (["--format", "json"] if args.step == "metrics"
                    else ["--out", str(args.db.with_suffix(".pdf"))])
            sys.argv = ["readiness", *cmd]
            real_exit = os._exit
            os._exit = lambda code: None  # the commands end the process early; not here
            try:
                cli_main()
            except SystemExit:
                pass
            finally:
                os._exit = real_exit
    total = time.perf_counter() - started
    in_sql = sum(t for t, _ in log)
    print(f"{args.step}: {total:.2f} s in all, {in_sql:.2f} s in {len(log)} DuckDB statements, "
          f"{total - in_sql:.2f} s outside DuckDB")
    print(f"{'seconds':>8} {'share':>6}  statement")
    for secs, label in sorted(log, reverse=True)[: args.top]:
        print(f"{secs:8.3f} {secs / total:6.1%}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
