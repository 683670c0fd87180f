"""Which table each file of a data folder provides: table files first, then exports.

A file named after its table is read by :func:`sources.table_file_source`; any other
data file (or a table-named file whose headers are an export's) is tried against the
export profiles by :func:`exports.recognise`. This module sits above both, so that
``sources`` never has to import ``exports``.
"""

from __future__ import annotations

from pathlib import Path

from .. import schema as s
from ..errors import DataFileError
from . import exports
from .readers import file_format
from .sources import Source, table_file_source


def find_sources(folder: Path, mapping: str | Path | None = None) -> tuple[list[Source], list[str]]:
    """Sources of every data file in ``folder``, and notes for the summary.

    Raises DataFileError for a data file that is neither named after a table nor
    recognised as an export, and ConfigError for a bad mapping file.
    """
    notes: list[str] = []
    sources: list[Source] = []
    profiles = exports.profiles(mapping)
    named: dict[str, list[str]] = {}
    for path in folder.iterdir():
        if path.is_file() and file_format(path) and path.stem.strip().lower() in s.TABLES:
            named.setdefault(path.stem.strip().lower(), []).append(path.name)
    for table, names in sorted(named.items()):
        if len(names) > 1:
            raise DataFileError(" and ".join(sorted(names)), f"two files provide table '{table}'; keep one")
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        if file_format(path) is None:
            notes.append(f"{path.name}: skipped (not .csv, .parquet or .xlsx)")
            continue
        stem = path.stem.strip().lower()
        if stem in s.TABLES:
            try:
                sources.append(table_file_source(path, s.TABLES[stem]))
                continue
            except DataFileError:
                # An export saved under a table's name (entries.csv holding ES-003) is
                # still an export; anything else keeps its missing-column error.
                split = exports.recognise(path, profiles)
                if split is None:
                    raise
                sources.extend(split)
                continue
        split = exports.recognise(path, profiles)
        if split is None:
            expected = ", ".join(s.TABLES)
            hint = exports.closest_mapping(path)
            raise DataFileError(
                path.name,
                f"file name names no table (expected {expected}) and its headers match no known export"
                + (f"; {hint}" if hint else ""),
            )
        sources.extend(split)
    return sources, notes
