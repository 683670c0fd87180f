"""Shared pieces of the fuzz suite (tests/test_fuzz_*.py): Hypothesis settings and the one
invariant check every generated folder must pass.

The default run is short enough for CI (a few seconds per test); ``READINESS_FUZZ=long``
runs many more examples (docs/robustness.md). ``READINESS_FUZZ_SEED`` fixes the seed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

from customs_readiness.db import connect
from customs_readiness.errors import ConfigError, DataFileError
from customs_readiness.ingest import load_folder

LONG = os.environ.get("READINESS_FUZZ", "").lower() == "long"

# What the loader trims from a cell (DuckDB's trim(): the Unicode space separators, not
# tabs or line breaks).
SPACES = "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def stored_text(text: str) -> str | None:
    """A text cell as the loader stores it: spaces trimmed, empty = NULL."""
    return text.strip(SPACES) or None

FUZZ = settings(
    max_examples=400 if LONG else 15,
    deadline=None,  # a load takes tens of milliseconds, and more on a busy CI machine
    database=None,  # no .hypothesis/ folder in the project
    derandomize=os.environ.get("READINESS_FUZZ_SEED") is not None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def load_checked(folder: Path, db: Path, **kwargs):
    """Load ``folder`` into the existing database ``db`` and check the invariants:

    - the load succeeds or raises a DataFileError/ConfigError (exit 2), nothing else
      (no exit 3);
    - a refused load leaves the database (and its WAL) byte-identical;
    - after a load, for every file rows loaded + rows rejected = rows read, and the tables
      and ``rejected_rows`` hold exactly those rows.

    Returns (result or None, the open connection or None).
    """
    before = (digest(db), digest(Path(f"{db}.wal")))
    con = connect(db)
    try:
        result = load_folder(con, folder, **kwargs)
    except (DataFileError, ConfigError) as exc:
        assert "\n" not in str(exc)
        con.close()
        assert (digest(db), digest(Path(f"{db}.wal"))) == before, "a refused load changed the database"
        return None, None
    for file_name, table, read, loaded, rejected in con.execute(
        """select file_name, table_name, rows_read, rows_loaded, rows_rejected from load_files
           where file_name is not null and load_id = ?""", [result.load_id]).fetchall():
        assert loaded + rejected == read, file_name
        stored = con.execute(f"select count(*) from {table} where _file = ? and _load_id = ?",
                             [file_name, result.load_id]).fetchone()[0]
        kept = con.execute("select count(*) from rejected_rows where file_name = ? and load_id = ? "
                           "and table_name = ?", [file_name, result.load_id, table]).fetchone()[0]
        assert (stored, kept) == (loaded, rejected), file_name
    return result, con
