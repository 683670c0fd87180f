"""Which table each file of a data folder provides: table files first, then exports.

A file named after its table is read by :func:`sources.table_file_source`; any other
data file (or a table-named file whose headers are an export's) is tried against the
export profiles by :func:`exports.recognise`. This module sits above both, so that
``sources`` never has to import ``exports``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import schema as s
from ..errors import DataFileError, shown
from . import exports
from .sources import Source, table_file_source
from .staging import file_format


def find_sources(folder: Path, mapping: str | Path | None = None) -> tuple[list[Source], list[str]]:
    """Sources of every data file in ``folder``, and notes for the summary.

    Raises DataFileError for a data file that is neither named after a table nor
    recognised as an export, for a symbolic link that leads outside the folder or nowhere,
    and ConfigError for a bad mapping file.
    """
    notes: list[str] = []
    sources: list[Source] = []
    profiles = exports.profiles(mapping)
    data_files: list[Path] = []
    for path in _entries(folder):
        name = shown(path.name)
        if path.name.startswith((".", "~$")):
            continue
        _check_link(folder, path)
        if path.is_dir():
            continue
        if file_format(path) is None:
            notes.append(f"{name}: skipped (not .csv, .parquet or .xlsx)")
            continue
        if not path.is_file():
            raise DataFileError(name, "not a regular file (a pipe, socket or device)")
        data_files.append(path)
    named: dict[str, list[str]] = {}
    for path in data_files:
        if path.stem.strip().lower() in s.TABLES:
            named.setdefault(path.stem.strip().lower(), []).append(shown(path.name))
    for table, names in sorted(named.items()):
        if len(names) > 1:
            raise DataFileError(" and ".join(sorted(names)), f"two files provide table '{table}'; keep one")
    for path in data_files:
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
        notes_only = path.suffix.lower() == ".txt"  # README.txt, notes.txt: not data
        try:
            split = exports.recognise(path, profiles)
        except DataFileError:
            if not notes_only:
                raise
            split = None
        if split is None:
            if notes_only:
                notes.append(f"{shown(path.name)}: skipped (a text file that is neither named after "
                             "a table nor a known export)")
                continue
            expected = ", ".join(s.TABLES)
            hint = exports.closest_mapping(path)
            raise DataFileError(
                path.name,
                f"file name names no table (expected {expected}) and its headers match no known export"
                + (f"; {hint}" if hint else ""),
            )
        sources.extend(split)
    declared = profiles[0].decimal_comma if mapping is not None else None
    for src in sources:
        src.decimal_comma = declared
    return sources, notes


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise DataFileError(shown(folder), f"cannot be read: {exc.strerror or exc}") from None


def _check_link(folder: Path, path: Path) -> None:
    """A symbolic link must lead to a file or folder inside the data folder: one leading
    outside would load (and record in the manifest) data the folder does not hold, one
    leading nowhere would silently make its table "not provided"."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DataFileError(shown(path.name), "symbolic link to a file that does not exist "
                            f"({shown(os.readlink(path))})") from None
    if not target.is_relative_to(folder):
        raise DataFileError(shown(path.name), f"symbolic link leading outside the data folder "
                            f"(to {shown(target)}); copy the file into the folder instead")
