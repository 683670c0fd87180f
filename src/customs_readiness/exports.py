"""Recognising exports (ACE ES-003, mapped broker layouts) and splitting them into tables.

Filled in by the export work (issue 6); until then no export is recognised.
"""

from __future__ import annotations

from pathlib import Path


def profiles(mapping: str | Path | None = None) -> list:
    """Export profiles to try on files not named after a table."""
    return []


def recognise(path: Path, profiles: list):
    """The sources an export file provides, or None if it matches no profile."""
    return None
