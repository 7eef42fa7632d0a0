"""The package's arrows point one way (docs/architecture.md).

Every import inside gomemtui/ counts, wherever it is written: at the top, inside a
function (a lazy import is still an arrow) or under `if TYPE_CHECKING:` (a type is still a
dependency). The tests fail on any import cycle between modules, and on any import that
points up the layers below.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

PACKAGE = Path(__file__).resolve().parents[1] / "gomemtui"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("=gomemtui", "gomemtui.units", "gomemtui.sync", "gomemtui.gc_hold", "gomemtui.scenarios"),
    ("gomemtui.runtime",),  # and, inside it, RUNTIME_LAYERS
    ("gomemtui.scenario",),
    ("gomemtui.headless", "gomemtui.commands", "gomemtui.ceiling", "gomemtui.against",
     "gomemtui.pprof"),
    ("gomemtui.ui",),
    ("gomemtui.serve",),
    ("gomemtui.cli", "gomemtui.__main__"),
)
"""Lowest first: a module may import its own layer's modules and those of lower layers.
A name stands for the module and everything under it, "=name" for that module alone."""

RUNTIME_LAYERS: tuple[tuple[str, ...], ...] = (
    ("=gomemtui.runtime", "gomemtui.runtime.clock", "gomemtui.runtime.enums", "gomemtui.runtime.events",
     "gomemtui.runtime.types", "gomemtui.runtime.graph", "gomemtui.runtime.simplifications",
     "gomemtui.runtime.program"),
    ("gomemtui.runtime.memory",),
    ("gomemtui.runtime.gc",),
    ("gomemtui.runtime.values",),
    ("gomemtui.runtime.mutator",),
    ("gomemtui.runtime.core", "gomemtui.runtime.timeline"),
    ("gomemtui.runtime.read",),
)
"""memory ← gc ← values ← mutator ← core ← read: the core never imports the read side."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def import_graph() -> dict[str, set[str]]:
    """module → the gomemtui modules it imports (a package import names its __init__)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # `from pkg import mod` imports pkg.mod when that is a module
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def layer_of(module: str, layers: tuple[tuple[str, ...], ...]) -> int | None:
    """Index of the most specific layer prefix that `module` falls under."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(layers):
        for prefix in prefixes:
            exact = prefix.startswith("=")
            prefix = prefix.removeprefix("=")
            if module == prefix or (not exact and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    return None if best is None else best[0]


def upward_imports(layers: tuple[tuple[str, ...], ...], scope: str) -> list[str]:
    bad = []
    for module, targets in import_graph().items():
        if not (module == scope or module.startswith(scope + ".")):
            continue
        here = layer_of(module, layers)
        for target in targets:
            there = layer_of(target, layers)
            if here is not None and there is not None and there > here:
                bad.append(f"{module} imports {target}")
    return sorted(bad)


def test_every_module_has_a_layer() -> None:
    graph = import_graph()
    assert len(graph) > 80  # the walk found the package
    assert [m for m in graph if layer_of(m, LAYERS) is None] == []
    assert [m for m in graph if m.startswith("gomemtui.runtime") and layer_of(m, RUNTIME_LAYERS) is None] == []


def test_no_import_points_up_a_layer() -> None:
    assert upward_imports(LAYERS, "gomemtui") == []


def test_inside_the_runtime_no_import_points_up() -> None:
    assert upward_imports(RUNTIME_LAYERS, "gomemtui.runtime") == []


def test_there_is_no_import_cycle() -> None:
    graph = import_graph()
    names = sorted(graph)
    index = {n: i for i, n in enumerate(names)}
    rows = [index[a] for a in names for b in graph[a]]
    cols = [index[b] for a in names for b in graph[a]]
    matrix = csr_matrix(([1] * len(rows), (rows, cols)), shape=(len(names), len(names)))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for name, label in zip(names, labels):
        groups.setdefault(int(label), []).append(name)
    cycles = sorted(" ↔ ".join(g) for g in groups.values() if len(g) > 1)
    assert cycles == []


def test_the_checker_sees_a_planted_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The rules above can fail: a graph with a cycle and a runtime → ui import is caught."""
    graph = {"gomemtui.runtime.core": {"gomemtui.ui.app"}, "gomemtui.ui.app": {"gomemtui.runtime.core"}}
    assert layer_of("gomemtui.runtime.core", LAYERS) < layer_of("gomemtui.ui.app", LAYERS)  # type: ignore[operator]
    assert layer_of("gomemtui.runtime.read.views", RUNTIME_LAYERS) > layer_of("gomemtui.runtime.core", RUNTIME_LAYERS)  # type: ignore[operator]
    import_graph.cache_clear()
    try:
        import tests.test_layers as me

        saved = me.import_graph
        me.import_graph = lambda: graph  # type: ignore[assignment]
        try:
            assert upward_imports(LAYERS, "gomemtui") == ["gomemtui.runtime.core imports gomemtui.ui.app"]
        finally:
            me.import_graph = saved
    finally:
        import_graph.cache_clear()
