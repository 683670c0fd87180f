"""The layout stays true: no import circle anywhere in the package, and each layer imports
only the layers below it (docs/architecture.md). Read from the source, not by importing."""

from __future__ import annotations

from _imports import ROOT, all_modules, find_cycle, import_graph

# Layer -> the layers (prefixes of module names) it must never import.
_TOP = (f"{ROOT}.cli", f"{ROOT}.api", f"{ROOT}.pipeline")
FORBIDDEN = {
    f"{ROOT}.ingest": (f"{ROOT}.metrics", f"{ROOT}.report", *_TOP),
    f"{ROOT}.metrics": (f"{ROOT}.ingest", f"{ROOT}.report", *_TOP),
    # The report takes the figures the pipeline hands it: never the metric engine.
    f"{ROOT}.report": (f"{ROOT}.metrics", f"{ROOT}.ingest", *_TOP),
    f"{ROOT}.pipeline": (f"{ROOT}.cli", f"{ROOT}.api"),
    # The command line and the Python API both call the pipeline, never each other.
    f"{ROOT}.cli": (f"{ROOT}.api",),
    f"{ROOT}.api": (f"{ROOT}.cli",),
    # Foundations import no layer above them.
    **{f"{ROOT}.{m}": (f"{ROOT}.ingest", f"{ROOT}.metrics", f"{ROOT}.report", *_TOP)
       for m in ("config", "clock", "version", "errors", "values", "db", "policy")},
}


def _inside(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        for layer, banned in FORBIDDEN.items():
            if not _inside(module, layer):
                continue
            for t in sorted(targets):
                if any(_inside(t, b) for b in banned):
                    out.append(f"{module} imports {t}")
    return out


def test_architecture_checks_can_fail():
    # A report module importing the engine, and a circle, are both caught.
    bad = {f"{ROOT}.report.context": {f"{ROOT}.metrics.engine"},
           f"{ROOT}.metrics.engine": {f"{ROOT}.metrics.store"},
           f"{ROOT}.metrics.store": {f"{ROOT}.metrics.engine"}}
    assert violations(bad) == [f"{ROOT}.report.context imports {ROOT}.metrics.engine"]
    assert find_cycle(bad) is not None


def test_architecture_graph_covers_the_package():
    graph = import_graph(all_modules())
    for m in ("cli", "pipeline", "speed", "sql", "metrics.engine", "report.context", "ingest.loader",
              "api", "config", "clock"):
        assert f"{ROOT}.{m}" in graph
    # function-level imports are seen too (the pipeline imports the report lazily)
    assert f"{ROOT}.report" in graph[f"{ROOT}.pipeline"]


def test_architecture_no_import_circle_in_the_package():
    cycle = find_cycle(import_graph(all_modules()))
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_architecture_report_never_imports_the_metric_engine_and_layers_hold():
    assert violations(import_graph(all_modules())) == []
