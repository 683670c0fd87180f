"""customs-readiness: an importer's self-assessment against EO 14411 customs enforcement.

The Python API (docs/api.md)::

    import customs_readiness as cr
    cr.load("sample_data/2026", db="readiness.duckdb")
    df = cr.metrics(2026, db="readiness.duckdb")      # Polars DataFrame
    cr.report(2026, db="readiness.duckdb", out="readiness-2026.pdf")

The functions live in ``api`` and are imported on first use (module ``__getattr__``):
``import customs_readiness`` imports neither DuckDB nor Polars, so the command line does not
start slower.

``metrics`` and ``report`` are also the names of two subpackages; importing a subpackage
sets the package's attribute of that name to it. So that ``cr.metrics(...)`` and
``cr.report(...)`` work whichever was imported first, those two subpackages are made
callable (``_CallableModule``): calling one calls the API function, anything else is the
module as before.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from .version import __version__

_API = ("load", "metrics", "metrics_json", "report", "validate")
_SUBPACKAGES_ALSO_API = ("metrics", "report")

__all__ = ["__version__", *_API]


class _CallableModule(types.ModuleType):
    """A subpackage that is also an API function of the same name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from . import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if (name in _SUBPACKAGES_ALSO_API and isinstance(value, types.ModuleType)
                and type(value) is types.ModuleType):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES_ALSO_API:
        return importlib.import_module(f"{__name__}.{name}")  # callable: see _CallableModule
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


sys.modules[__name__].__class__ = _Package
