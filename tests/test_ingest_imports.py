"""The modules of ``customs_readiness.ingest`` import each other without a circle.

The graph is read from the source with ``ast``, not by importing: every ``import`` and
``from ... import`` statement counts, at module level or inside a function (a lazy
import that closes a circle is still a circle), relative imports resolved. Modules of
``customs_readiness`` outside ``ingest/`` that the ingest modules reach (schema, errors,
resources, ...) are followed too, so a circle through a shared module is caught as well.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = "customs_readiness"
INGEST = f"{ROOT}.ingest"
_spec = importlib.util.find_spec(ROOT)
assert _spec and _spec.submodule_search_locations
ROOT_DIR = Path(next(iter(_spec.submodule_search_locations)))


def _module_file(name: str) -> Path | None:
    """Source file of module ``name`` (a module of customs_readiness), or None."""
    rel = Path(*name.split(".")[1:])
    for candidate in (ROOT_DIR / rel / "__init__.py", ROOT_DIR / rel.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _is_package(name: str) -> bool:
    f = _module_file(name)
    return f is not None and f.name == "__init__.py"


def _imports(name: str) -> set[str]:
    """Modules of customs_readiness that module ``name`` imports anywhere in its source."""
    path = _module_file(name)
    assert path is not None, name
    package = name if _is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # `from . import exports` imports the submodule, not (only) the package.
            subs = [f"{target}.{a.name}" for a in node.names if _module_file(f"{target}.{a.name}")]
            targets = subs or [target]
        else:
            continue
        for t in targets:
            if t == ROOT or t.startswith(ROOT + "."):
                # `import customs_readiness.ingest.loader`: the deepest existing module.
                while t != ROOT and _module_file(t) is None:
                    t = t.rpartition(".")[0]
                if t != name and _module_file(t) is not None:
                    found.add(t)
    return found


def ingest_modules() -> list[str]:
    folder = _module_file(INGEST)
    assert folder is not None, "customs_readiness/ingest/ is missing"
    return sorted(
        INGEST if p.name == "__init__.py" else f"{INGEST}.{p.stem}" for p in folder.parent.glob("*.py")
    )


def import_graph(start: list[str]) -> dict[str, set[str]]:
    """Edges module -> imported modules, for ``start`` and every module of the package they reach."""
    graph: dict[str, set[str]] = {}
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in graph:
            continue
        graph[name] = _imports(name)
        todo.extend(graph[name] - graph.keys())
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of ``graph`` as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


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
