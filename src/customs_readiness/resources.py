"""Locate the folders shipped with the package (queries, report templates, mappings).

In a wheel they are package data inside ``customs_readiness/``; in a source checkout
(editable install, or tests run against ``src/``) they sit at the repository root.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_KNOWN = ("queries", "report_templates", "mappings")


def bundled_dir(name: str) -> Path:
    """Return the path of a bundled folder: ``queries``, ``report_templates`` or ``mappings``."""
    if name not in _KNOWN:
        raise ValueError(f"unknown bundled folder {name!r}")
    packaged = Path(str(resources.files("customs_readiness"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")
