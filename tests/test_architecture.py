"""The import rules of docs/architecture.md: the package reads top-down as the pipeline.

Every import in the installed package (at module level, inside functions and under
``TYPE_CHECKING`` alike) is read from the source with :mod:`ast` and checked: a stage may
import the shared layer and earlier stages, never a later stage; and no modules import each
other in a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import outcomes

PACKAGE = Path(outcomes.__file__).parent

#: The layers of docs/architecture.md, first to last. A module may import its own layer
#: and the layers before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("outcomes.errors", "outcomes.vocabulary", "outcomes.stats"),
    ("outcomes.core",),
    ("outcomes.catalogue",),
    ("outcomes.returns",),
    ("outcomes.results",),
    ("outcomes.assessment",),
    ("outcomes.report",),
    ("outcomes.national",),
    ("outcomes", "outcomes._cli", "outcomes._example", "outcomes.__main__"),
)


def layer_of(module: str) -> int:
    """The layer of a module of the package: the longest matching prefix decides."""
    best, depth = -1, -1
    for position, members in enumerate(LAYERS):
        for member in members:
            matches = module == member or module.startswith(member + ".")
            if matches and member.count(".") > depth and member != "outcomes":
                best, depth = position, member.count(".")
    return best if best >= 0 else len(LAYERS) - 1  # the package's own __init__


def module_name(path: Path) -> str:
    parts = ("outcomes", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[tuple[str, int]]:
    """Every module of the package that ``path`` imports, with the line it does so on."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("outcomes"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level or not node.module.startswith("outcomes"):
                continue
            # `from outcomes.report import _figures` imports the module _figures; any other
            # name is taken from the module named.
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE / Path(*candidate.split(".")[1:])).with_suffix(".py").exists():
                    yield candidate, node.lineno
                else:
                    yield node.module, node.lineno


def sources() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "_bundled" not in path.parts)


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sources():
        name = module_name(path)
        graph[name] = {target for target, _ in imported(path) if target != name}
    return graph


def test_every_module_belongs_to_a_layer() -> None:
    stages = {name.split(".")[1] for name in map(module_name, sources()) if "." in name}
    named = {member.split(".")[1] for layer in LAYERS for member in layer if "." in member}
    assert stages <= named, f"add {sorted(stages - named)} to LAYERS and docs/architecture.md"


def test_no_stage_imports_a_later_stage() -> None:
    wrong = [
        f"{module_name(path)} (line {line}) imports {target}"
        for path in sources()
        for target, line in imported(path)
        if target != "outcomes" and layer_of(target) > layer_of(module_name(path))
    ]
    assert not wrong, "imports against the pipeline:\n" + "\n".join(wrong)


def test_the_layers_rule_catches_a_backward_import() -> None:
    # The rule itself, on a made-up case: results may not import the report.
    assert layer_of("outcomes.report._report") > layer_of("outcomes.results._compute")
    assert layer_of("outcomes.core._io") < layer_of("outcomes.catalogue._catalogue")
    assert layer_of("outcomes.vocabulary") == 0


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = import_graph()
    # Importing a package runs its __init__: count that as an edge to it.
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if target == "outcomes" or target not in graph:
                continue
            if state.get(target) == 1:
                circle = [*path[path.index(target) :], target]
                pytest.fail("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
