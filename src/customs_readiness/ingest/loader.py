"""Loading a data folder into the readiness database.

One call of :func:`load_folder` is one transaction: either every file of the folder
is loaded (good rows into the contract tables, refused rows into ``rejected_rows``)
or, on a file error, nothing changes at all.

Rules (see docs/data-contract.md):

- Each file is named after its table (``entries.csv``, ``importers.xlsx``, ...).
  Other files are recognised by their headers as an export (ACE ES-003, or a layout
  described by a mapping file); see discover.py.
- Row errors never stop a load: the row is kept verbatim in ``rejected_rows`` and
  rows loaded + rows rejected = rows read, for every file.
- Loading the same folder again first removes what its previous load brought, so
  nothing is duplicated. Different folders (years) live side by side; where a later
  load brings a record with the same key as an earlier one (a penalty case carried
  into the next year's register, the importer registry), the later load wins and the
  summary counts the superseded rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import DataFileError, ReadinessError, row_error, shown
from ..speed import checkpoint_on_commit, queue
from . import checks, direct, exportread
from .csvread import scan_file
from .discover import find_sources
from .normalize import quote_ident, rule, sql_str
from .sources import Source
from .staging import file_digest, file_format
from .textfile import NUMPY_FROM
from .wholefile import start_of_line

# Tables are loaded in this order so that lines can be checked against their entries.
LOAD_ORDER = ("importers", "brokers", "entries", "entry_lines", "penalties", "disposals")
FIRST_REASONS = 3

Progress = Callable[[str, str], None]  # (file name, step) -> None


@dataclass
class FileStats:
    """What happened to one input file (or one table of an export)."""

    file_name: str
    table: str
    format: str
    sha256: str
    bytes: int
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    first_reasons: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class LoadResult:
    load_id: int
    source_dir: str
    files: list[FileStats]
    missing_tables: list[str]
    replaced_previous: bool
    notes: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def load_folder(
    con: duckdb.DuckDBPyConnection,
    data_dir: str | Path,
    strict: bool = False,
    mapping: str | Path | None = None,
    progress: Progress | None = None,
    commit: bool = True,
    fast_path: bool = True,
) -> LoadResult:
    """Load every table file of ``data_dir`` in one transaction.

    With ``strict`` any row error is a file error. With ``commit=False`` everything
    is checked and then rolled back (``readiness validate``). ``fast_path=False`` types
    every row by the full rules, even rows already written canonically (the tests use it
    to check that both ways store the same tables).

    Raises DataFileError (nothing kept) for an unreadable file, a missing required
    column, a file that names no table, or a missing required table; ConfigError for
    a bad mapping file.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise ReadinessError(f"{shown(data_dir)}: no such data folder")
    folder = folder.resolve()
    source_dir = shown(folder)  # as stored and printed (a non-UTF-8 byte escaped)
    notify = progress or (lambda _f, _s: None)

    sources, notes = find_sources(folder, mapping)
    by_table: dict[str, list[Source]] = {}
    for src in sources:
        by_table.setdefault(src.table.name, []).append(src)
    for table, srcs in by_table.items():
        if len(srcs) > 1:
            names = " and ".join(sorted({x.file_name for x in srcs}))
            raise DataFileError(names, f"two files provide table '{table}'; keep one")
    from_export = any(src.is_export for src in sources)
    if "entries" not in by_table:
        raise DataFileError(source_dir, "no entries file (entries.csv, .parquet or .xlsx, or an ES-003 export)")
    if "importers" not in by_table:
        if not from_export:
            raise DataFileError(source_dir, "no importers file (importers.csv, .parquet or .xlsx)")
        notes.append("importers: not provided; every importer's IOR status is unknown")
    missing = [t for t in LOAD_ORDER if t not in by_table]

    # A thread proves each CSV table file canonical line by line at once (direct.prove), in
    # load order, so a file's proof runs while the files before it load (10M lines: the
    # lines' proof, 0.6 s on two cores, overlaps the entries' insert).
    ordered = [src for table in LOAD_ORDER for src in by_table.get(table, [])]
    prover = queue("proof")
    if fast_path:
        threads = con.execute("select current_setting('threads')").fetchone()[0]
        for src in ordered:
            reader = _direct_reader(src)
            if reader is not None and src.format == "csv":
                try:
                    amounts = src.amount_style()
                except DataFileError:
                    continue  # (its load reports it, in load order)
                src.proof = (amounts, prover.submit(reader.prove, src, amounts, threads))
    else:
        for src in ordered:
            if getattr(src, "split", None) is not None:
                src.split.direct = False  # (the export's records from its staged text too)
    # Every file is read end to end in another thread while DuckDB loads: a CSV file's
    # encoding and record count, checked against what the parser read, then every file's
    # SHA-256 for the manifest. hashlib, bytes.count and numpy release the GIL, so it costs
    # little wall time. Files are scanned in the order they are loaded, so no load waits
    # for a later file; the digests come after every scan, since a file's direct read
    # waits for its scan and only the end of the whole load for its digest (10M lines: the
    # wait before the entries 0.29-0.64 s -> 0.08-0.11 s). A table file with quotes counts
    # its proved lines as plain lines (_proved_from).
    hasher = queue("scan")
    paths = {src.path for src in ordered}
    text_bytes = sum(p.stat().st_size for p in paths if file_format(p) == "csv")
    use_numpy = text_bytes >= NUMPY_FROM  # (its import pays off on large loads only)
    scans: dict[Path, Future] = {}
    digests: dict[Path, Future] = {}
    for src in ordered:
        if src.path not in scans:
            scans[src.path] = hasher.submit(scan_file, src.path, use_numpy, _proved_from(src))
        src.scan_future = scans[src.path]
    for src in ordered:
        if src.path not in digests:
            digests[src.path] = hasher.submit(file_digest, src.path)
        src.digest_future = digests[src.path]
    con.execute("begin transaction")
    try:
        replaced = checks.forget_previous_load(con, source_dir)
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchone()[0]
        con.execute("insert into loads values (?, ?)", [load_id, source_dir])
        stats: list[FileStats] = []
        for i, src in enumerate(ordered):
            notify(src.file_name, f"loading {src.table.name}")
            stats.append(_load_source(con, src, load_id, strict, fast_path))
            # A staged file is dropped as soon as no later table reads it: a large year
            # would otherwise hold the staged entries and lines in memory at once.
            key = src.shared_stage_key
            if key is None or all(later.shared_stage_key != key for later in ordered[i + 1:]):
                src.cleanup(con)
        _record_digests(con, load_id, ordered, stats)
        for table in missing:
            con.execute(
                "insert into load_files (load_id, table_name, note) values (?, ?, 'not provided')",
                [load_id, table],
            )
        if replaced:
            notes += checks.orphaned_lines(con, source_dir)
        if commit:
            with checkpoint_on_commit(con):
                con.execute("commit")
        else:
            con.execute("rollback")
    except BaseException:
        # The error that stopped the load is the one to report: after a fatal I/O error
        # (a full disk) DuckDB refuses the rollback too, and undoes the work on reopening.
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        prover.shutdown(wait=True, cancel_futures=True)
        hasher.shutdown(wait=True, cancel_futures=True)
    return LoadResult(load_id, source_dir, stats, missing, replaced, notes)


def _record_digests(con: duckdb.DuckDBPyConnection, load_id: int, sources: list[Source],
                    stats: list[FileStats]) -> None:
    """Each file's SHA-256 and size into its load_files row and its FileStats, once every
    file is loaded: the background thread hashes the files after scanning them all, so a
    file's digest is seldom ready when its own load ends (10M lines: the importers' load
    waited 0.6-1.5 s for it while the entries and lines were scanned)."""
    for src, st in zip(sources, stats, strict=True):
        st.sha256, st.bytes = src.digest
        con.execute("update load_files set sha256 = ?, bytes = ? "
                    "where load_id = ? and file_name = ? and table_name = ?",
                    [st.sha256, st.bytes, load_id, src.file_name, src.table.name])


def _proved_from(src: Source) -> Callable[[], int | None] | None:
    """For the byte scan of a table file whose proof runs (direct.prove): waits for the
    proof and gives the byte offset of its first proved line, or None when it failed.
    Each proved line is one record of cells without a line break, so the scan counts the
    lines from there as records instead of placing every quote (1M lines quoted
    throughout: 0.3 s of CPU). None for a file without a proof, and for an export, whose
    proof (exportread.prove) waits for the scan itself."""
    if src.proof is None or _direct_reader(src) is not direct:
        return None
    proof = src.proof[1]

    def proved_from() -> int | None:
        try:
            if proof.result() is None or src.proved_line is None:
                return None
        except Exception:  # (cancelled when the load stops; the load reports its error)
            return None
        with src.path.open("rb") as fh:
            return start_of_line(fh, src.proved_line)

    return proved_from


def _direct_reader(src: Source):
    """The module whose direct read may take ``src`` (its ``prove`` and ``insert``): direct
    for a table file, exportread for an export's lines; None when only the staged read can."""
    if direct.eligible(src):
        return direct
    return exportread if exportread.eligible(src) else None


def _load_source(con: duckdb.DuckDBPyConnection, src: Source, load_id: int, strict: bool,
                 fast_path: bool = True) -> FileStats:
    table = src.table
    st = FileStats(src.file_name, table.name, src.format, "", 0, note=src.note)
    amounts = src.amount_style()
    # 1. The file's canonical rows straight into the table (direct.py); a file that needs
    # its text (or every file, with fast_path=False) is staged: canonical raw columns
    # (VARCHAR) + _row, + optional _reason.
    reader = _direct_reader(src) if fast_path else None
    straight = reader.insert(con, src, load_id, amounts) if reader is not None else None

    # 2. Type every column; a refused cell leaves its reason in column __r_<name>.
    values, reasons, preps = [], [], []
    for c in table.columns:
        prep, v, why = rule(c, quote_ident(c.name), amounts)
        preps += [f"{expr} as {alias}" for alias, expr in prep]
        values.append(f"{v} as {quote_ident(c.name)}")
        reasons.append(f"{why} as {quote_ident('__r_' + c.name)}")
    # Cells are trimmed (empty = NULL) once, then costly parses are done once per cell.
    trimmed = ", ".join(f"{_raw_cell(c.name, src)} as {quote_ident(c.name)}" for c in table.columns)
    extra = "_reason, " if src.has_reason else ""
    reason_cols = [quote_ident("__r_" + c.name) for c in table.columns]
    if src.has_reason:
        reason_cols.insert(0, "_reason")

    def typed(rows: str) -> str:
        # ``rows``: the staged relation, or a part of it.
        prepped = (f"select *{''.join(', ' + p for p in preps)} "
                   f"from (select _row, {extra}{trimmed} from ({rows}))")
        return f"""with typed as (
                select _row, {'_reason, ' if src.has_reason else ''}{', '.join(values)}, {', '.join(reasons)}
                from ({prepped}) src
            ),
            defaulted as (
                select * {direct.DEFAULTS.get(table.name, '')} from typed
            )
            select *, coalesce({', '.join(reason_cols)}) is not null as _bad from defaulted"""

    key = ", ".join(quote_ident(k) for k in table.key)
    key_label = " + ".join(table.key)
    # 3. Optimistic insert. Rows whose every cell is already canonical go straight in as
    # plain casts (from the file itself when it could be read directly); the other rows
    # are typed by the full rules, and those whose every cell passed go in too (one typing
    # pass each). What fails a whole-file check afterwards (a repeated key, a line without
    # its entry) is taken out again; rows with a refused cell were never inserted.
    cols = ", ".join(quote_ident(c) for c in table.column_names)
    mine = {"load_id": load_id, "file": src.file_name}
    rel = ""  # the staged relation, once the file is staged
    if straight is not None and not straight.left:
        rows_fast = rows_staged = straight.inserted
    else:
        rel = src.relation(con)
        if straight is not None:
            rows_fast = straight.inserted
        elif fast_path:
            rows_fast = con.execute(
                f"""insert into {table.name} ({cols}, _load_id, _file, _row)
                    select {cols}, $load_id, $file, _row
                    from ({direct.canonical_select(table, src, rel, amounts)})""",
                mine,
            ).fetchone()[0]
        else:
            rows_fast = 0
        rows_staged = con.execute(f"select count(*) from ({rel})").fetchone()[0]
    inserted = rows_fast
    if rows_fast < rows_staged:
        rest = rel if not fast_path else (
            f"select * from ({rel}) where _row not in (select _row from {table.name} "
            "where _load_id = $load_id and _file = $file)")
        inserted += con.execute(
            f"""insert into {table.name} ({cols}, _load_id, _file, _row)
                select {cols}, $load_id, $file, _row from ({typed(rest)}) where not _bad""",
            mine,
        ).fetchone()[0]
    malformed = src.malformed
    if fast_path and rows_fast == rows_staged and src.shared_stage_key is None and not malformed:
        # Every row went in as it was written. The staged text is needed again only if a
        # whole-file check below refuses a row (it is then staged again from the file);
        # freeing it now keeps a large file's checks in memory.
        src.release(con)
    # This file's rows now in the table (before any whole-file refusal below). A load
    # takes each table from one file (load_folder refuses two), so the load's id alone
    # picks them: comparing every row's file name as well made the 10M-line orphan check
    # 0.49-0.69 s instead of 0.30-0.35 s.
    mine_rows = f"(select _row, {key} from {table.name} where _load_id = $load_id)"
    this_load = {"load_id": load_id}
    # 4-5. Repeated keys and lines without their entry (checks.py): temp tables _dups, _orphans.
    ordinal_1 = checks.repeated_and_orphaned(con, table, mine_rows, this_load)
    # fetchall: staging an XLSX file again (below) needs no pending result on the connection
    repeated, orphaned = con.execute(
        "select (select count(*) from _dups), (select count(*) from _orphans)").fetchall()[0]
    # Rows never inserted had a refused cell; when every row went in, none did.
    refused = rows_staged - inserted + repeated + orphaned
    if refused:
        never_inserted = (
            f"select _row from ({rel}) where _row not in (select _row from {mine_rows})"
            if inserted < rows_staged else "select cast(null as bigint) as _row where false"
        )
        con.execute(
            f"""create or replace temp table _flags as
                with flagged as (
                    {never_inserted}
                    union select _row from _dups
                    union select _row from _orphans
                )
                select f._row, d.first_row as _dup_of, o._row is not null as _orphan
                from flagged f left join _dups d using (_row) left join _orphans o using (_row)""",
            this_load if inserted < rows_staged else {},
        )
        con.execute(
            f"""delete from {table.name} where _load_id = $load_id and _file = $file
                and _row in (select _row from _flags)""",
            mine,
        )
    # 6. Refused rows, verbatim, with the first reason and the others after it. The typed
    # rows of the whole file are evaluated again only here, and only when a row is refused.
    st.rows_read = rows_staged + len(malformed)
    structs = [
        f"{{'c': {sql_str(c.name)}, 'v': {_raw_cell(c.name, src, 'src.')}, "
        f"'r': t.{quote_ident('__r_' + c.name)}}}"
        for c in table.columns
    ]
    if src.has_reason:
        structs.insert(0, "{'c': cast(null as varchar), 'v': cast(null as varchar), 'r': t._reason}")
    k0 = quote_ident(table.key[0])
    structs.append(
        f"{{'c': {sql_str(table.key[0])}, 'v': cast(t.{k0} as varchar), "
        f"'r': case when t._dup_of is not null then 'duplicate key {key_label} (first at row ' || t._dup_of || ')' end}}"
    )
    structs.append(
        "{'c': 'entry_number', 'v': cast(t.entry_number as varchar), "
        "'r': case when t._orphan then 'no entry with this entry number in entries' end}"
        if table.name == "entry_lines" else
        "{'c': cast(null as varchar), 'v': cast(null as varchar), 'r': cast(null as varchar)}"
    )
    if refused:
        rel = src.relation(con)  # stages the file again if it was released
        st_table = src.ensure_staged(con).table  # (an export's records may come from its file)
        con.execute(
            f"""insert into rejected_rows
                select $load_id, $file, $table, e._row, e._errs[1].c, e._errs[1].v,
                       e._errs[1].r || case when len(e._errs) > 1
                           then ' (also: ' || array_to_string(list_transform(e._errs[2:],
                                lambda x: coalesce(x.c, 'row') || ': ' || x.r), '; ') || ')' else '' end,
                       {src.record_expr('st')}
                from (select t._row, list_filter([{', '.join(structs)}], lambda x: x.r is not null) as _errs
                      from (select t0.*, f._dup_of, f._orphan from ({typed(rel)}) t0 join _flags f using (_row)) t
                      join ({rel}) src on src._row = t._row) e
                join {st_table} st on st._row = e._row
                order by e._row""",
            {"load_id": load_id, "file": src.file_name, "table": table.name},
        )
    if malformed:
        con.executemany(
            "insert into rejected_rows values (?, ?, ?, ?, null, ?, ?, ?)",
            [[load_id, src.file_name, table.name, row, raw, why, raw] for row, raw, why in malformed],
        )
    if refused or malformed:
        st.rows_rejected = con.execute(
            "select count(*) from rejected_rows where load_id = ? and file_name = ? and table_name = ?",
            [load_id, src.file_name, table.name],
        ).fetchone()[0]
        st.first_reasons = [
            row_error(r, c, v, why)
            for r, c, v, why in con.execute(
                """select row_number, column_name, raw_value, reason from rejected_rows
                   where load_id = ? and file_name = ? and table_name = ?
                   order by row_number limit ?""",
                [load_id, src.file_name, table.name, FIRST_REASONS],
            ).fetchall()
        ]
    if strict and st.rows_rejected:
        first = st.first_reasons[0]
        raise DataFileError(src.file_name, f"{st.rows_rejected} row(s) refused under --strict; first: {first}")

    # 7. Supersede earlier loads' copies of the same records (this file's refused rows are
    # out of the table by now: mine_rows holds its good keys).
    st.rows_superseded = checks.supersede_earlier(con, table, mine_rows, load_id)
    st.rows_loaded = st.rows_read - st.rows_rejected
    # (the file's digest and size are filled in at the end of the load: _record_digests)
    con.execute(
        "insert into load_files (load_id, file_name, table_name, format, rows_read, "
        "rows_loaded, rows_rejected, rows_superseded, note, carried_columns, "
        "every_line_has_ordinal_1) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, src.file_name, table.name, src.format, st.rows_read, st.rows_loaded,
         st.rows_rejected, st.rows_superseded, st.note or None,
         ",".join(c for c in table.column_names if c in src.columns),
         ordinal_1],
    )
    con.execute(";".join(f"drop table if exists {tmp}" for tmp in ("_dups", "_orphans", "_flags")))
    return st


def _raw_cell(name: str, src: Source, prefix: str = "") -> str:
    """The raw text of a contract column: trimmed, empty as NULL (NULL if absent)."""
    if name not in src.columns:
        return "cast(null as varchar)"
    return f"nullif(trim({prefix}{quote_ident(name)}), '')"
