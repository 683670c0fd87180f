"""The modules of ``customs_readiness.ingest`` import each other without a circle.

The graph is read from the source with ``ast``, not by importing: every ``import`` and
``from ... import`` statement counts, at module level or inside a function (a lazy
import that closes a circle is still a circle), relative imports resolved. Modules of
``customs_readiness`` outside ``ingest/`` that the ingest modules reach (schema, errors,
resources, ...) are followed too, so a circle through a shared module is caught as well.
"""

from __future__ import annotations

import ast
import re

import pytest

from _imports import INGEST, ROOT, _module_file, find_cycle, import_graph, ingest_modules


def test_cycle_finder_finds_a_circle():
    # The check below can fail: the finder sees a lazy-import circle like the one the
    # old layout had (sources -> loader -> sources, sources -> exports -> sources).
    old = {"loader": {"sources"}, "sources": {"readers", "loader", "exports"},
           "exports": {"sources", "mapping"}, "mapping": {"readers"}, "readers": set()}
    assert find_cycle(old) is not None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_graph_reads_the_ingest_modules():
    mods = ingest_modules()
    for m in ("readers", "sources", "exports", "mapping", "normalize", "loader"):
        assert f"{INGEST}.{m}" in mods
    graph = import_graph(mods)
    # Module-level, function-level and relative imports are all seen.
    assert f"{INGEST}.sources" in graph[f"{INGEST}.loader"]
    assert f"{ROOT}.errors" in graph[f"{INGEST}.readers"]
    assert f"{INGEST}.loader" in graph[INGEST]


def test_ingest_imports_have_no_circle():
    graph = import_graph(ingest_modules())
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_stated_import_order_is_kept():
    """The order in ingest/__init__.py's docstring lists every module, each importing only earlier ones."""
    doc = ast.get_docstring(ast.parse(_module_file(INGEST).read_text(encoding="utf-8"))) or ""
    m = re.search(r"Import order[^:]*:\s*\n\s*(.+)", doc)
    if m is None:
        pytest.fail("ingest/__init__.py's docstring states no 'Import order ...:' line")
    order = [f"{INGEST}.{x.strip()}" for x in re.split(r"->|,", m.group(1)) if x.strip()]
    assert sorted(order) == sorted(x for x in ingest_modules() if x != INGEST)
    graph = import_graph(ingest_modules())
    for i, mod in enumerate(order):
        later = {x for x in graph[mod] if x.startswith(INGEST + ".")} - set(order[:i])
        assert not later, f"{mod} imports {sorted(later)}, listed after it"
