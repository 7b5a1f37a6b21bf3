"""Dependencies run one way: no import circle, and no import up the layer order.

Every module under ``newscrawl/`` is read with ``ast``; every import counts, including those
inside functions and under ``TYPE_CHECKING`` (an import moved into a function to dodge a circle
is still a circle). Importing ``a.b.c`` also runs the package ``a.b``'s ``__init__``.
Layers, lowest first (docs/architecture.md): a module may import its own layer and lower ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "newscrawl"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("newscrawl", "newscrawl.items", "newscrawl.settings", "newscrawl.config", "newscrawl.runinfo",
              "newscrawl.drops", "newscrawl.logformatter", "newscrawl.replica")),
    ("extract", ("newscrawl.extract",)),
    ("identity", ("newscrawl.identity", "newscrawl.dedup", "newscrawl.processing")),
    ("state", ("newscrawl.state",)),
    ("crawl", ("newscrawl.spiders", "newscrawl.extraction_pool", "newscrawl.incremental", "newscrawl.offsite",
               "newscrawl.limits", "newscrawl.frontier", "newscrawl.pipelines")),
    ("feeds", ("newscrawl.feeds", "newscrawl.extensions", "newscrawl.reader", "newscrawl.delivery")),
    ("run", ("newscrawl.run",)),
    ("doctor", ("newscrawl.doctor",)),
    ("commands", ("newscrawl.commands", "newscrawl.cli")),
]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def layer_of(module: str) -> int:
    best, level = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), index
    if level < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")
    return level


def imports(module: str) -> set[str]:
    """The newscrawl modules ``module`` imports (resolved to modules that exist), with their packages."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("newscrawl"):
                targets.add(name)
                parent = name.rpartition(".")[0]  # importing a.b.c runs a.b's __init__ first
                while parent:
                    targets.add(parent)
                    parent = parent.rpartition(".")[0]
    targets.discard(module)
    return {t for t in targets if not module.startswith(t + ".")}  # a module's own packages run first


GRAPH = {module: imports(module) for module in MODULES}


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_goes_up_a_layer(module: str) -> None:
    up = sorted(t for t in GRAPH[module] if layer_of(t) > layer_of(module))
    assert not up, f"{module} ({LAYERS[layer_of(module)][0]}) imports a higher layer: {up}"


def test_no_import_circle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


def test_the_walker_sees_function_level_and_relative_imports() -> None:
    assert "newscrawl.run.command" in GRAPH["newscrawl.cli"]  # imported inside a function
    assert "newscrawl.replica.prose" in GRAPH["newscrawl.replica.model"]  # from . import prose
    assert "newscrawl.state" in GRAPH["newscrawl.feeds"]  # the package of newscrawl.state.extension
