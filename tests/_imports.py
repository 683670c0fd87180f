"""Import graph of ``customs_readiness`` read from the source with ``ast`` (not by importing):
every ``import`` and ``from ... import`` statement counts, at module level or inside a
function (a lazy import that closes a circle is still a circle), relative imports resolved."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = "customs_readiness"
INGEST = f"{ROOT}.ingest"
_spec = importlib.util.find_spec(ROOT)
assert _spec and _spec.submodule_search_locations
ROOT_DIR = Path(next(iter(_spec.submodule_search_locations)))


def _module_file(name: str) -> Path | None:
    """Source file of module ``name`` (a module of customs_readiness), or None."""
    if name == ROOT:
        return ROOT_DIR / "__init__.py"
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


def all_modules() -> list[str]:
    """Every module of the package (packages by their own name)."""
    out = []
    for p in sorted(ROOT_DIR.rglob("*.py")):
        rel = p.relative_to(ROOT_DIR).with_suffix("")
        parts = [ROOT, *rel.parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(".".join(parts))
    return out
