"""Scale benchmark of the `readiness` commands against DuckDB's bare ingest.

For each size (entry-line rows; entries = lines / 3) the script generates a sample year
with `readiness sample`, then runs each step as a fresh child process and records its wall
time and peak RSS (from os.wait4's rusage of that child alone). With --repeat N it runs N
rounds, each running every step once in the order below, so each step's runs are spread
over the same stretch of time as the ingest's; a target is judged on the median of the
ratios within each round:

  sample   generating the files (the generator's own speed)
  ingest   DuckDB's bare ingest of the same files: read_csv / read_parquet with explicit
           column types into tables of a new database - the yardstick of every target
  floor    the validating floor: DuckDB alone doing what no validating load can skip -
           every cell proved canonical and typed, every row numbered, no key
           repeated and no line without its entry, in one transaction (the direct read's
           SQL and the checks without the loader around them)
  load     readiness load DIR --db NEW.duckdb
  metrics  readiness metrics --year Y --db ... --format json
  report   readiness report --year Y --db ... --out X.pdf
  render   the PDF step of `report` timed inside it (WeasyPrint laying out the report's HTML,
           the attachments embedded, the file written): the part of `report` and `run` that
           no data work shortens
  run      readiness run DIR --year Y --db NEW.duckdb --out X.pdf (the whole thing)
  pandas   with --peer, CSV only: the pandas peer (benchmarks/pandas_peer.py), the script an
           analyst would write instead - pandas reading the six files and computing eleven
           of the catalog's figures, no validation, no lists, no report; its figures are
           checked against `metrics` on the same files

A step whose command does not exist yet is skipped and said so. It prints a table and
writes it, with the machine's description and the targets, to a new file
benchmarks/data/results-<date>-<time>.md; the committed benchmarks/results.md is rewritten
only with --update-results (after a run on the reference machine).

    python benchmarks/bench.py                       # 100k, 1m, 10m lines
    python benchmarks/bench.py --sizes 100k,1m       # a quicker run
    python benchmarks/bench.py --sizes 1m --repeat 3 # median of 3 runs per step
    python benchmarks/bench.py --format csv,parquet  # both formats (Parquet vs CSV target)
    python benchmarks/bench.py --repeat 3 --update-results   # refresh benchmarks/results.md
    python benchmarks/bench.py --sizes 1m,10m --peer # and the pandas peer (pip install pandas)

The targets (issue 16) are ratios to the bare ingest measured in the same run, so they hold
on any machine: load <= 1.5x, load + metrics <= 2x, run <= 2.5x at 10M lines with a peak
RSS <= 2 GB, and a Parquet load no slower than a CSV load. Results written with
--update-results end with a line per step comparing them with the results they replace.

Generated data goes to benchmarks/data/ (git-ignored) and is reused while the generator,
seed, size and format are unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas_peer  # (the pandas peer: its figures and their check against `metrics`)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
YEAR = 2026
STEPS = ("sample", "ingest", "floor", "load", "metrics", "report", "render", "run", "pandas")
PEER = Path(pandas_peer.__file__)
PEER_OFF = "not asked (--peer)"  # the pandas step's note when it was not run: no table row
FORMATS = ("csv", "parquet")
COMMITTED_RESULTS = HERE / "results.md"
# Targets of issue 16, as multiples of the bare ingest of the same files in the same run.
TARGET_LOAD_X = 1.5
TARGET_LOAD_METRICS_X = 2.0
TARGET_RUN_X = 2.5  # at 10M lines
TARGET_RUN_RSS_MB = 2048.0
TARGET_SIZES_FROM = 900_000  # the load targets are set for 1M and 10M lines

# Runs the CLI with this very interpreter, whatever is on PATH.
CLI = [sys.executable, "-c", ("import sys; from customs_readiness.cli import main; "
                               "sys.argv[0] = 'readiness'; main()")]

# The children run the tool as pip installs it: with its modules compiled to bytecode once
# (pip compiles them at install time), not compiled again from source at every start, which
# is what happens to an editable install where PYTHONDONTWRITEBYTECODE is set (0.05-0.06 s
# per command on the reference machine). compile_package() compiles them before the first
# step; Python checks each file's source against its bytecode, so an edit is never missed.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> str:
    """Compile the package the children import to bytecode (as pip does at install); the
    note for the results ("" when done, else why not)."""
    # (the children run this interpreter with this environment: the same package)
    spec = importlib.util.find_spec("customs_readiness")
    if spec is None or not spec.submodule_search_locations:
        return "the package was not found to compile"
    package = spec.submodule_search_locations[0]
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", package],
                          capture_output=True, env=CHILD_ENV, check=False)
    return "" if done.returncode == 0 else f"{package} could not be compiled to bytecode"


@dataclass
class Measure:
    seconds: float | None = None  # the median of the rounds
    rss_mb: float | None = None
    note: str = ""
    rounds: tuple[float, ...] = ()  # the seconds of each round, in order


def round_ratio(steps: list[Measure], ingest: Measure) -> float | None:
    """The seconds of ``steps`` (summed) over those of ``ingest`` (the bare ingest, or
    another yardstick): the median of the ratios within each round when every one was timed
    in the same rounds as the yardstick (a ratio of steps run side by side in time), else
    the ratio of the medians; None when a step was not measured."""
    if ingest.seconds is None or any(m.seconds is None for m in steps):
        return None
    n = len(ingest.rounds)
    if n and all(len(m.rounds) == n for m in steps):
        return statistics.median(sum(m.rounds[r] for m in steps) / ingest.rounds[r]
                                 for r in range(n))
    return sum(m.seconds for m in steps) / ingest.seconds


def parse_size(text: str) -> int:
    """'100k' -> 100_000, '1m' -> 1_000_000, '2.5m' -> 2_500_000, '5000' -> 5000."""
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    number = float(t[:-1] if mult > 1 else t)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive: {text}")
    return round(number * mult)


def label(lines: int) -> str:
    if lines >= 1_000_000 and lines % 100_000 == 0:
        return f"{lines / 1_000_000:g}M"
    if lines >= 1_000 and lines % 100 == 0:
        return f"{lines / 1_000:g}k"
    return str(lines)


def run_child(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int, str]:
    """Run one fresh child; return (wall seconds, peak RSS MB, exit code, stderr tail)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=CHILD_ENV)
    # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux), unlike
    # RUSAGE_CHILDREN which keeps the maximum over every child so far.
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode, tail[0]


def sizes_parser(description: str) -> argparse.ArgumentParser:
    """The options of the side benchmarks (export_bench, spellings_bench): sizes, runs, seed."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--sizes", default="1m", help="entry lines, comma-separated (100k, 1m, 10m)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each load (the median is shown)")
    ap.add_argument("--seed", type=int, default=14411, help="generator seed")
    return ap


def derived_folder(tables: Path, name: str, write: Callable[[Path], None]) -> Path:
    """The folder ``name`` beside the generated ``tables``, written by ``write(folder)``
    unless it was written from the same generated data (its stamp.json), then reused."""
    folder = tables.parent / name
    stamp = (tables / "stamp.json").read_text()
    if (folder / "stamp.json").exists() and (folder / "stamp.json").read_text() == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write(folder)
    (folder / "stamp.json").write_text(stamp)
    return folder


def median_child(cmd: list[str], repeat: int, db_option: bool = True) -> tuple[float, float]:
    """``cmd`` run ``repeat`` times, each a fresh child given a new scratch database under
    benchmarks/data (``--db PATH`` appended, or PATH alone when ``db_option`` is False):
    the median wall seconds and the largest peak RSS MB. Exits on a failed run."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=HERE / "data") as work:
            db = str(Path(work) / "b.duckdb")
            secs, rss, rc, err = run_child([*cmd, "--db", db] if db_option else [*cmd, db])
            if rc != 0:
                raise SystemExit(f"{' '.join(cmd[-2:])} failed: {err}")
            runs.append((secs, rss))
    return statistics.median(x for x, _ in runs), max(r for _, r in runs)


def available(command: str) -> bool:
    """True when `readiness COMMAND --help` works (the command has been written)."""
    done = subprocess.run([*CLI, command, "--help"], capture_output=True, check=False,
                          env=CHILD_ENV)
    return done.returncode == 0


def generator_digest() -> str:
    src = ROOT / "src" / "customs_readiness" / "sample.py"
    try:
        from customs_readiness import sample  # the installed module, if not the repo's

        src = Path(sample.__file__)
    except ImportError:
        pass
    return hashlib.sha256(src.read_bytes()).hexdigest()[:16]


INGEST_SCRIPT = r"""
import sys, duckdb
from customs_readiness.schema import TABLES
folder, fmt, db = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db)
for t in TABLES.values():
    cols = ", ".join(f"{c.name} {c.sql_type}" for c in t.columns)
    con.execute(f"create table {t.name} ({cols})")
    path = f"{folder}/{t.name}.{fmt}"
    if fmt == "csv":
        types = "{" + ", ".join(f"'{c.name}': '{c.sql_type}'" for c in t.columns) + "}"
        src = f"read_csv('{path}', header = true, columns = {types})"
    else:
        src = f"read_parquet('{path}')"
    con.execute(f"insert into {t.name} select * from {src}")
con.close()
"""

# The validating floor: every cell of each file proved canonical and typed by the loader's
# own expressions (normalize.canonical; for a CSV table without free text, the loader's
# typed read of a file proved canonical by one regular expression over it,
# direct._typed_select, else its line read, direct._line_select), every row numbered from
# its row id, the
# repeated-key and orphan-line checks, all in one transaction committed by a checkpoint
# (as the loader commits) - the direct read
# (ingest/direct.py) and the checks without the loader around them: no byte scan (digest,
# record count), no bookkeeping, no Python beyond issuing the statements.
FLOOR_SCRIPT = r"""
import sys, duckdb
from customs_readiness.schema import TABLES
from customs_readiness.ingest.normalize import canonical, quote_ident
from customs_readiness.ingest.readers import _parquet_text
from customs_readiness.ingest.direct import STYLES, _line_select, _line_shapes, _typed_select, typed_canonical
from customs_readiness.ingest.csvread import LINE_DELIMITER, line_reader
from customs_readiness.ingest.wholefile import all_lines_match
from customs_readiness.ingest.sources import table_file_source
from customs_readiness.ingest.checks import LINE_PARENT, repeats_bound
from pathlib import Path
folder, fmt, db = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db)
con.execute("set preserve_insertion_order = true")
for t in TABLES.values():
    cols = ", ".join(f"{c.name} {c.sql_type}" for c in t.columns)
    con.execute(f"create table {t.name} ({cols}, _row bigint)")
con.execute("begin")
for t in TABLES.values():
    path = f"{folder}/{t.name}.{fmt}"
    checks = [canonical(c, quote_ident(c.name)) for c in t.columns]
    values = ", ".join(v for _ok, v in checks)
    every = " and ".join(ok for ok, _v in checks)
    if fmt == "csv":
        # where a table has no free text (the files have no quote), the loader's typed read
        # once the whole file is proved canonical, else its line read
        # (in the cheapest style, the loader's for a file written as the contract writes it)
        src = table_file_source(Path(path), t)
        line = _line_shapes(src, len(t.columns), ",", "point", *STYLES[0])
        if line is not None:
            if all_lines_match(Path(path), 2, line, 2):
                rows, delim = _typed_select(src, len(t.columns), "point", f"{t.name}_rej",
                                            f"{t.name}_rejscan", STYLES[0]), ","
            else:
                rows, delim = _line_select(src, line, ",", "point", line_reader(
                    f"{t.name}_rej", f"{t.name}_rejscan"), STYLES[0]), LINE_DELIMITER
            con.execute(f"insert into {t.name} select * exclude (_row), _row from ({rows})",
                        {"path": path, "skip": 1, "delim": delim})
        else:
            types = "{" + ", ".join(f"'{c.name}': 'VARCHAR'" for c in t.columns) + "}"
            src = f"read_csv('{path}', header = true, columns = {types}, auto_detect = false)"
            con.execute(f"insert into {t.name} select {values}, "
                        f"case when {every} then 0 else -1 end from {src}")
        con.execute(f"update {t.name} set _row = rowid - (select min(rowid) from {t.name}) + 2")
    else:
        types = dict(r[:2] for r in con.execute(
            f"describe select * from read_parquet('{path}')").fetchall())
        checks = [typed_canonical(c, quote_ident(c.name), str(types[c.name]), "point")
                  or canonical(c, _parquet_text(c.name, types[c.name])) for c in t.columns]
        values = ", ".join(v for _ok, v in checks)
        every = " and ".join(ok for ok, _v in checks)
        con.execute(f"insert into {t.name} select {values}, file_row_number + 2 "
                    f"from read_parquet('{path}', file_row_number = true) where {every}")
# The whole-file checks no load may skip, in their cheapest exact form: no key repeats,
# no line without its entry (the loader's own quick test, checks.repeats_bound).
for t in TABLES.values():
    parent = LINE_PARENT if t.name == "entry_lines" else None
    con.execute(repeats_bound(t, t.name, parent)).fetchall()
# committed as the loader commits (speed.checkpoint_on_commit): checkpointed, not logged first
con.execute("set checkpoint_threshold = '0 bytes'")
con.execute("commit")
con.close()
"""


# The report's own PDF step timed inside `readiness report`: report.write_pdf (WeasyPrint
# laying out the report's HTML, the attachments embedded, the file written), without the
# figures, exception lists and charts made before it. Writes its seconds to argv[1].
RENDER_SCRIPT = r"""
import sys, time
import customs_readiness.report as report
from customs_readiness.cli.app import app
real, timed = report.write_pdf, []
def write_pdf(*args, **kwargs):
    started = time.perf_counter()
    pages = real(*args, **kwargs)
    timed.append(time.perf_counter() - started)
    return pages
report.write_pdf = write_pdf
try:
    app(sys.argv[2:], standalone_mode=False)
except SystemExit as exc:
    if exc.code:
        raise
with open(sys.argv[1], "w") as fh:
    fh.write(repr(timed[0]))
"""


def ensure_data(folder: Path, lines: int, fmt: str, seed: int, results: dict[str, Measure],
                regenerate: bool) -> int:
    """Generate the sample (timed) unless an identical one is there; return its line count."""
    entries = max(10, round(lines / 3))
    stamp = {"entries": entries, "year": YEAR, "seed": seed, "format": fmt,
             "generator": generator_digest()}
    stamp_file = folder / "stamp.json"
    if not regenerate and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        results["sample"] = Measure(note="reused")
        meta = json.loads((folder / "rows.json").read_text())
        return int(meta["entry_lines"])
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    secs, rss, rc, err = run_child([*CLI, "sample", "--out", str(folder), "--year", str(YEAR),
                                    "--entries", str(entries), "--seed", str(seed),
                                    "--format", fmt])
    if rc != 0:
        raise SystemExit(f"readiness sample failed: {err}")
    results["sample"] = Measure(secs, rss)
    rows = {}
    for t in ("entries", "entry_lines"):
        rows[t] = count_rows(folder / f"{t}.{fmt}", fmt)
    (folder / "rows.json").write_text(json.dumps(rows))
    stamp_file.write_text(json.dumps(stamp))
    return rows["entry_lines"]


def count_rows(path: Path, fmt: str) -> int:
    import duckdb

    reader = "read_csv" if fmt == "csv" else "read_parquet"
    src = f"{reader}('{path}', all_varchar = true)" if fmt == "csv" else f"{reader}('{path}')"
    con = duckdb.connect()
    try:
        return int(con.execute(f"select count(*) from {src}").fetchone()[0])
    finally:
        con.close()


def fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()
    return path


def measure_size(lines: int, fmt: str, args: argparse.Namespace,
                 have: dict[str, bool]) -> tuple[int, dict]:
    """Every step of one size and format, ``args.repeat`` rounds of them. A round runs each
    step once, in pipeline order, so the rounds spread every step over the same stretch of
    time: a slow spell of the machine then slows one round's ingest and load alike, and the
    targets are judged on the ratios within each round (round_ratio)."""
    folder = args.data_dir / f"{label(lines)}-{fmt}"
    results: dict[str, Measure] = {}
    actual = ensure_data(folder, lines, fmt, args.seed, results, args.regenerate)
    work = args.data_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.duckdb"
    pdf = work / "bench.pdf"
    seconds: dict[str, list[float]] = {step: [] for step in STEPS if step != "sample"}
    peaks: dict[str, list[float]] = {step: [] for step in seconds}
    failed: dict[str, str] = {}
    peer = getattr(args, "peer", False) and fmt == "csv"
    peer_out = work / "pandas-peer.json"

    def step(name: str, cmd: list[str], before: Path | None = None) -> bool:
        """Run one step of this round; False when it failed (in this or an earlier round)."""
        if name in failed:
            return False
        if before is not None:
            fresh(before)
        secs, peak, rc, err = run_child(cmd)
        if rc != 0:
            failed[name] = f"failed (exit {rc}): {err}"[:120]
            return False
        seconds[name].append(secs)
        peaks[name].append(peak)
        return True

    for _round in range(args.repeat):
        for name, script in (("ingest", INGEST_SCRIPT), ("floor", FLOOR_SCRIPT)):
            scratch = work / f"{name}.duckdb"
            step(name, [sys.executable, "-c", script, str(folder), fmt, str(scratch)], scratch)
            fresh(scratch)
        loaded = have["load"] and step("load", [*CLI, "load", str(folder), "--db", str(db)], db)
        if loaded and have["metrics"]:
            step("metrics", [*CLI, "metrics", "--year", str(YEAR), "--db", str(db), "--format", "json"])
        report = ["report", "--year", str(YEAR), "--db", str(db), "--out", str(pdf)]
        if loaded and have["report"] and step("report", [*CLI, *report]):
            render_once(work, report, seconds["render"], failed)
        if have["run"]:
            step("run", [*CLI, "run", str(folder), "--year", str(YEAR), "--db", str(db),
                         "--out", str(pdf)], db)
        if peer:
            step("pandas", [sys.executable, str(PEER), str(folder), str(YEAR), str(peer_out)])
    agreed = peer_agreement(db, peer_out) if peer and "pandas" not in failed else ""
    for name, times in seconds.items():
        if name == "pandas" and not peer:
            results[name] = Measure(note=PEER_OFF)  # (it reads CSV files only)
        elif name in failed:
            results[name] = Measure(note=failed[name])
        elif times:
            results[name] = Measure(statistics.median(times), max(peaks[name], default=None),
                                    note={"render": "inside `report`", "pandas": agreed}.get(
                                        name, ""),
                                    rounds=tuple(times))
        elif name == "render":
            results[name] = Measure(note="skipped: no report")
        elif not have.get(name, True):
            results[name] = Measure(note=f"skipped: `readiness {name}` not available yet")
        else:
            results[name] = Measure(note="skipped: nothing loaded")
    fresh(db)
    if pdf.exists():
        pdf.unlink()
    return actual, results


def peer_agreement(db: Path, peer_out: Path) -> str:
    """Whether the pandas peer's figures (its last round, ``peer_out``) are the tool's, as
    `readiness metrics --format json` gives them on ``db`` (the database the last round's
    `run` or `load` wrote): the note of the pandas step."""
    import decimal

    done = subprocess.run([*CLI, "metrics", "--year", str(YEAR), "--db", str(db), "--format",
                           "json"], capture_output=True, text=True, env=CHILD_ENV, check=False)
    if done.returncode != 0 or not peer_out.exists():
        return "figures not compared: no `metrics` output"
    mine = json.loads(peer_out.read_text(encoding="utf-8"))
    peer_out.unlink()
    differ = pandas_peer.agreement(mine, json.loads(done.stdout, parse_float=decimal.Decimal))
    if differ:
        return "figures differ from `metrics`: " + "; ".join(differ)
    return f"its {len(mine)} figures are those of `metrics`"


def render_once(work: Path, report: list[str], into: list[float], failed: dict[str, str]) -> None:
    """The seconds of the report's PDF step alone (RENDER_SCRIPT), once, added to ``into``."""
    if "render" in failed:
        return
    out = work / "render-seconds.txt"
    _secs, _rss, rc, err = run_child([sys.executable, "-c", RENDER_SCRIPT, str(out), *report])
    if rc != 0:
        failed["render"] = f"failed (exit {rc}): {err}"[:120]
        return
    into.append(float(out.read_text()))
    out.unlink()


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for mod in ("duckdb", "polars", "numpy", "pyarrow", "weasyprint"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # a missing or broken library is just reported as such
            versions[mod] = "not installed"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "load average at the end (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        **{k: v for k, v in versions.items()},
    }


def fmt_s(m: Measure) -> str:
    return f"{m.seconds:.2f}" if m.seconds is not None else "-"


def fmt_mb(m: Measure) -> str:
    return f"{m.rss_mb:,.0f}" if m.rss_mb is not None else "-"


Row = tuple[int, int, str, dict]  # (entry lines, entries, format, step -> Measure)


def table_lines(rows: list[Row]) -> list[str]:
    out = ["| lines | entries | format | step | seconds | x ingest | peak RSS MB | note |",
           "|---:|---:|---|---|---:|---:|---:|---|"]
    for lines, entries, fmt, res in rows:
        ing = res.get("ingest", Measure())
        for step in STEPS:
            m = res.get(step, Measure(note="-"))
            if m.note == PEER_OFF:
                continue
            ratio = round_ratio([m], ing) if ing.seconds and step != "sample" else None
            x = f"{ratio:.2f}" if ratio is not None else "-"
            out.append(f"| {lines:,} | {entries:,} | {fmt} | {step} | {fmt_s(m)} | {x} | "
                       f"{fmt_mb(m)} | {m.note} |")
    return out


def _ratio_line(lines: int, fmt: str, what: str, limit: float, steps: list[Measure],
                ingest: Measure, extra: str = "", ok_extra: bool = True) -> str:
    ratio = round_ratio(steps, ingest)
    if ratio is None:
        return f"| {lines:,} | {fmt} | {what} <= {limit:g} x ingest | not measured | - |"
    secs = sum(m.seconds for m in steps)
    met = ratio <= limit and ok_extra
    n = len(ingest.rounds)
    per_round = ""
    if n > 1 and all(len(m.rounds) == n for m in steps):
        per_round = "; rounds " + " / ".join(
            shown_ratio(sum(m.rounds[r] for m in steps) / ingest.rounds[r], limit)
            for r in range(n))
    return (f"| {lines:,} | {fmt} | {what} <= {limit:g} x ingest{extra and ', ' + extra.split(':')[0]} | "
            f"{shown_ratio(ratio, limit)} x ({secs:.2f} s vs {ingest.seconds:.2f} s{per_round})"
            f"{extra and '; ' + extra.split(':', 1)[1]} | {'yes' if met else 'NO'} |")


def shown_ratio(ratio: float, limit: float) -> str:
    """``ratio`` to two decimals, or to three where two would round it onto ``limit``
    from above (2.004 is shown as 2.004, not as a missed 2.00)."""
    two = f"{ratio:.2f}"
    return f"{ratio:.3f}" if ratio > limit and float(two) <= limit else two


def target_lines(rows: list[Row]) -> list[str]:
    """The targets of issue 16, each a ratio to the bare ingest of the same run (the
    median of the ratios within each round, round_ratio)."""
    out = ["| lines | format | target | measured | met |", "|---:|---|---|---|---|"]
    for lines, _e, fmt, res in rows:
        ing = res["ingest"]
        if not ing.seconds or lines < TARGET_SIZES_FROM:
            continue
        load, met, run = res["load"], res["metrics"], res["run"]
        out.append(_ratio_line(lines, fmt, "load", TARGET_LOAD_X, [load], ing))
        out.append(_ratio_line(lines, fmt, "load + metrics", TARGET_LOAD_METRICS_X, [load, met], ing))
        if lines >= 9_000_000:
            rss = run.rss_mb or 0
            out.append(_ratio_line(
                lines, fmt, "run", TARGET_RUN_X, [run], ing,
                extra=f"peak RSS <= {TARGET_RUN_RSS_MB:,.0f} MB:{rss:,.0f} MB",
                ok_extra=rss <= TARGET_RUN_RSS_MB))
    by = {(r[0], r[2]): r for r in rows}
    for (lines, fmt), row in sorted(by.items()):
        if fmt != "parquet" or (lines, "csv") not in by:
            continue
        csv_load, pq_load = by[(lines, "csv")][3]["load"].seconds, row[3]["load"].seconds
        if csv_load is not None and pq_load is not None:
            out.append(f"| {lines:,} | parquet | load no slower than from CSV | "
                       f"{pq_load:.2f} s vs {csv_load:.2f} s | "
                       f"{'yes' if pq_load <= csv_load else 'NO'} |")
    return out


def floor_lines(rows: list[Row]) -> list[str]:
    """How far each load is above the validating floor (the part the loader adds), and the
    floor of a run: the validating floor plus WeasyPrint alone laying out the report."""
    out = []
    for lines, _e, fmt, res in rows:
        ing, floor, load = res["ingest"], res["floor"], res["load"]
        if None in (ing.seconds, floor.seconds, load.seconds):
            continue
        line = (f"- {lines:,} lines, {fmt}: validating floor {floor.seconds:.2f} s = "
                f"{round_ratio([floor], ing):.2f} x ingest; load {load.seconds:.2f} s = "
                f"{round_ratio([load], floor):.2f} x the floor")
        render, run = res.get("render", Measure()), res.get("run", Measure())
        if render.seconds is not None:
            least = Measure(floor.seconds + render.seconds, rounds=tuple(
                f + r for f, r in zip(floor.rounds, render.rounds, strict=False))
                if len(floor.rounds) == len(render.rounds) else ())
            line += (f"; run floor (validating floor + render {render.seconds:.2f} s) "
                     f"{least.seconds:.2f} s = {round_ratio([least], ing):.2f} x ingest")
            if run.seconds is not None:
                line += (f", run {run.seconds:.2f} s = {round_ratio([run], least):.2f} x "
                         "that floor")
        out.append(line)
    return out


def peer_lines(rows: list[Row]) -> list[str]:
    """The pandas peer against the tool, for each size it was timed at: its seconds and
    peak memory, and the tool's `load` + `metrics` and `run` as shares of its time."""
    out = []
    for lines, _e, fmt, res in rows:
        peer, ing = res.get("pandas", Measure()), res["ingest"]
        if peer.seconds is None:
            continue
        line = (f"- {lines:,} lines, {fmt}: pandas peer {peer.seconds:.2f} s, peak "
                f"{fmt_mb(peer)} MB = {round_ratio([peer], ing):.2f} x ingest")
        load, met, run = res["load"], res["metrics"], res["run"]
        if load.seconds is not None and met.seconds is not None:
            line += (f"; `load` + `metrics` {load.seconds + met.seconds:.2f} s = "
                     f"{round_ratio([load, met], peer):.2f} x the peer")
        if run.seconds is not None:
            line += (f", `run` (with the PDF report) {run.seconds:.2f} s, peak {fmt_mb(run)} MB"
                     f" = {round_ratio([run], peer):.2f} x the peer")
        out.append(line + f"; {peer.note}")
    return out


def read_results(path: Path) -> dict[tuple[int, str, str], float]:
    """(entries, format, step) -> seconds from a results file written by this script (the
    older layout without a format column was CSV)."""
    found: dict[tuple[int, str, str], float] = {}
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) not in (6, 8) or not cells[1].replace(",", "").isdigit():
            continue
        if len(cells) == 6:  # lines, entries, step, seconds, rss, note
            entries, fmt, step, secs = cells[1], "csv", cells[2], cells[3]
        else:
            entries, fmt, step, secs = cells[1], cells[2], cells[3], cells[4]
        try:
            found[(int(entries.replace(",", "")), fmt, step)] = float(secs)
        except ValueError:
            continue
    return found


def comparison_lines(rows: list[Row], previous: dict[tuple[int, str, str], float]) -> list[str]:
    """One line per step measured now and in the previous results."""
    out = []
    for lines, entries, fmt, res in rows:
        for step in STEPS:
            now, before = res[step].seconds, previous.get((entries, fmt, step))
            if step == "sample" or now is None or before is None:
                continue
            change = (now - before) / before * 100
            out.append(f"- {label_of(lines)} lines, {fmt}, {step}: {before:.2f} s -> {now:.2f} s "
                       f"({change:+.0f} %)")
    return out


def label_of(lines: int) -> str:
    """1,000,505 -> '1M', 99,859 -> '100k': the size a run was asked for."""
    for size in (10_000_000, 1_000_000, 100_000):
        if abs(lines - size) <= size * 0.01:
            return label(size)
    return f"{lines:,}"


def results_path(given: Path | None, update: bool, data_dir: Path,
                 now: time.struct_time | None = None) -> Path:
    """Where the results go: ``given``; the committed results.md with ``update``; else a
    new file in the (git-ignored) data folder, named by the local date and time."""
    if given is not None:
        return given
    if update:
        return COMMITTED_RESULTS
    stamp = time.strftime("%Y%m%d-%H%M%S", now or time.localtime())
    return data_dir / f"results-{stamp}.md"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100k,1m,10m",
                   help="comma-separated entry-line counts, e.g. 100k,1m,10m (default)")
    p.add_argument("--format", default="csv",
                   help="file format(s) of the generated data: csv (default), parquet or "
                   "csv,parquet")
    p.add_argument("--repeat", type=int, default=1,
                   help="rounds, each running every step once in order; the median time and "
                   "largest RSS are reported, and the targets judged on the median of the "
                   "ratios within each round")
    p.add_argument("--seed", type=int, default=14411, help="generator seed")
    p.add_argument("--data-dir", type=Path, default=HERE / "data",
                   help="where generated data and scratch databases go (default "
                   "benchmarks/data, git-ignored)")
    p.add_argument("--regenerate", action="store_true",
                   help="generate the data again even if an identical copy is there")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--results", type=Path, default=None,
                     help="markdown file to write (default: a new file "
                     "<data-dir>/results-<date>-<time>.md)")
    p.add_argument("--peer", action="store_true",
                   help="also time the pandas peer (benchmarks/pandas_peer.py, CSV only; "
                   "needs pandas) and check its figures against `metrics`")
    out.add_argument("--update-results", action="store_true",
                     help=f"rewrite the committed {COMMITTED_RESULTS.relative_to(ROOT)}")
    args = p.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in FORMATS for f in formats):
        p.error(f"--format: one or more of {', '.join(FORMATS)}")
    if args.peer and importlib.util.find_spec("pandas") is None:
        p.error("--peer: the pandas peer needs pandas (pip install pandas)")
    args.data_dir = args.data_dir.resolve()
    args.results = results_path(args.results, args.update_results, args.data_dir)
    previous = read_results(COMMITTED_RESULTS)

    compiled = compile_package()
    if compiled:
        print(f"note: {compiled}; each step compiles it again")
    have = {c: available(c) for c in ("sample", "load", "metrics", "report", "run")}
    if not have["sample"]:
        raise SystemExit("`readiness sample` is not available: install the package first")
    for c, ok in have.items():
        if not ok:
            print(f"note: `readiness {c}` is not available yet; its step is skipped")

    rows: list[Row] = []
    for lines in sizes:
        for fmt in formats:
            print(f"== {label(lines)} lines ({fmt}) ==", flush=True)
            actual, res = measure_size(lines, fmt, args, have)
            entries = max(10, round(lines / 3))
            rows.append((actual, entries, fmt, res))
            for step in STEPS:
                m = res[step]
                if m.note == PEER_OFF:
                    continue
                print(f"  {step:8s} {fmt_s(m):>8s} s  {fmt_mb(m):>7s} MB  {m.note}", flush=True)

    info = machine()
    command = (f"python benchmarks/bench.py --sizes {args.sizes} --format {','.join(formats)} "
               f"--repeat {args.repeat}" + (" --peer" if args.peer else ""))
    md = ["# Benchmark results", "",
          (f"Measured by `{command}` (year {YEAR}, seed {args.seed}); each step is a fresh "
           "child process, run once in each round (a round runs every step in order, so the "
           "rounds spread each step over the same stretch of time): wall time (median of the "
           "rounds) and its own peak RSS, the "
           "package compiled to bytecode first as pip compiles it at install"
           + (f" ({compiled}: each step compiled it again)" if compiled else "")
           + ". Other processes on the machine (see the load average) slow every step alike."),
          "", "## Machine", ""]
    md += [f"- {k}: {v}" for k, v in info.items()]
    md += ["", "## Timings", "", *table_lines(rows), ""]
    md += [("Steps: `sample` = generating the files; `ingest` = DuckDB's bare read_csv / "
            "read_parquet with explicit types into tables (the yardstick); `floor` = the "
            "validating floor: DuckDB (and the loader's whole-file proof) alone proving every "
            "cell canonical, typing it, numbering every row and checking that no key repeats and no line "
            "lacks its entry, in one transaction; `load`, `metrics` "
            "(JSON), `report` (PDF) on the loaded database; `render` = the PDF step of `report` "
            "timed inside it (WeasyPrint laying out the report, attachments embedded, file "
            "written), the part no data work shortens; `run` = load + metrics + report in "
            "one command on a fresh database. `x ingest` = seconds / bare ingest seconds, the "
            "median of that ratio within each round."),
           "", "## Targets (issue 16)", "", *target_lines(rows), "",
           "## The validating floor", "", *floor_lines(rows)]
    peered = peer_lines(rows)
    if peered:
        md += ["", "## The pandas peer (`benchmarks/pandas_peer.py`)", "",
               ("The script an analyst would write instead: pandas reads the six CSV files "
                "(codes as text, dates parsed, money as floating point) and computes eleven "
                "of the catalog's figures; it validates nothing and writes no exception list "
                "or report. `x the peer` = the tool's seconds / the peer's, the median within "
                "each round."), "", *peered]
    compared = comparison_lines(rows, previous)
    md += ["", "## Compared with the previous results", "",
           *(compared or ["- no step measured in both"])]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text("\n".join(md) + "\n")
    print()
    print("\n".join(table_lines(rows)))
    print()
    print("\n".join(target_lines(rows)))
    print()
    print("\n".join(floor_lines(rows)))
    if peered:
        print()
        print("\n".join(peered))
    if compared:
        print("\ncompared with " + str(COMMITTED_RESULTS.relative_to(ROOT)) + ":")
        print("\n".join(compared))
    print(f"\nwritten: {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
