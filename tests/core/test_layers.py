"""The layers of docs/architecture.md, held against the code.

Every module under src/zonecut is parsed with ``ast`` (nothing is imported). A module may
import only the packages its package's row of the architecture table names (imports
under ``if TYPE_CHECKING:`` do not count: types only), no module but the entry points
imports ``zonecut.cli.main`` (the commands never know the app), and no import circle
exists at module level anywhere (imports inside functions are deferred on purpose and do
not count; neither do type-only ones). boto3 is imported only in zonecut.aws (botocore also
in zonecut.sandbox, for the service models), deferred imports included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = SRC / "zonecut"

FOUNDATION = frozenset({"names", "errors", "state", "findings", "quotas"})
"""Leaf modules every package may use: names, the root error, observed Route 53 data,
the findings model. They import no other zonecut package."""

MAY_IMPORT: dict[str, frozenset[str]] = {
    # the "may import" column of docs/architecture.md (zonecut packages only)
    "names": frozenset(),
    "errors": frozenset(),
    "state": frozenset(),
    "findings": frozenset(),
    "quotas": frozenset(),
    "config": frozenset({"names", "errors"}),
    "plan": frozenset({"config"}) | FOUNDATION,
    "verify": frozenset({"plan"}) | FOUNDATION,
    "aws": frozenset({"plan"}) | FOUNDATION,
    "delegation_rules": FOUNDATION,
    "apply": frozenset({"aws", "config", "delegation_rules", "plan", "verify"}) | FOUNDATION,
    "runtime": frozenset({"apply", "aws", "config", "plan", "verify"}) | FOUNDATION,
    "audit": frozenset({"apply", "aws", "config", "plan", "runtime", "verify"}) | FOUNDATION,
    "graph": frozenset({"plan", "verify"}) | FOUNDATION,  # audit: types only
    "iam": frozenset({"apply", "aws", "config", "plan"}) | FOUNDATION,
    "aws_lambda": frozenset({"apply", "aws", "delegation_rules"}) | FOUNDATION,
    "sandbox": FOUNDATION,
    "cli": frozenset({"apply", "audit", "aws", "aws_lambda", "config", "graph", "iam",
                      "plan", "runtime", "sandbox", "verify"}) | FOUNDATION,
}

KNOWN_CIRCLES: frozenset[frozenset[str]] = frozenset()
"""Module-level import circles that exist today and are being removed; nothing else.
(config.models <-> config.tree is no entry: tree imports the models for types only.)"""

ENTRY_POINTS = frozenset({"zonecut.cli.__main__"})
"""The only modules that may import zonecut.cli.main."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def package_of(module: str) -> str:
    """``zonecut.verify.report`` -> ``verify``; ``zonecut.runtime`` -> ``runtime``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(tree: ast.AST, *, module_level: bool) -> Iterator[tuple[int, str]]:
    """(line, imported module) of every import, skipping ``if TYPE_CHECKING:`` blocks;
    with ``module_level`` also skipping function and class bodies."""

    def visit(nodes: list[ast.stmt]) -> Iterator[tuple[int, str]]:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    yield node.lineno, sub if sub in MODULES else node.module
            elif isinstance(node, ast.If) and is_type_checking(node.test):
                yield from visit(node.orelse)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not module_level:
                    yield from visit(node.body)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        yield from visit([n for n in inner if isinstance(n, ast.stmt)]
                                         + [s for h in inner if isinstance(h, ast.ExceptHandler)
                                            for s in h.body])

    body = tree.body if isinstance(tree, ast.Module) else []
    yield from visit(body)


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def test_every_package_is_in_the_table() -> None:
    packages = {package_of(name) for name in MODULES} - {""}
    assert packages == set(MAY_IMPORT), "add the package to docs/architecture.md and here"


def test_no_module_imports_upward() -> None:
    wrong = []
    for name, tree in TREES.items():
        here = package_of(name)
        allowed = MAY_IMPORT.get(here, frozenset()) | {here}
        for line, target in imports(tree, module_level=False):
            if target.startswith("zonecut.") and package_of(target) not in allowed:
                wrong.append(f"{MODULES[name].relative_to(SRC)}:{line} imports {target}")
    assert not wrong, "imports the architecture table does not allow:\n" + "\n".join(wrong)


def test_only_the_entry_point_imports_the_assembled_app() -> None:
    wrong = [f"{name} (line {line})" for name, tree in TREES.items()
             for line, target in imports(tree, module_level=False)
             if target == "zonecut.cli.main" and name not in ENTRY_POINTS]
    assert not wrong, "command modules import zonecut.cli.options, never main: " + str(wrong)


THIRD_PARTY_ONLY_IN: dict[str, frozenset[str]] = {
    # only zonecut.aws talks to AWS; the sandbox reads botocore's service models (to
    # refuse what AWS refuses), never a client
    "boto3": frozenset({"aws"}),
    "botocore": frozenset({"aws", "sandbox"}),
}


def third_party_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every import outside ``if TYPE_CHECKING:``,
    deferred ones (inside functions) included."""
    for line, target in imports(tree, module_level=False):
        yield line, target.split(".", 1)[0]


def test_only_zonecut_aws_imports_boto3_and_botocore() -> None:
    wrong = [f"{MODULES[name].relative_to(SRC)}:{line} imports {top}"
             for name, tree in TREES.items()
             for line, top in third_party_imports(tree)
             if top in THIRD_PARTY_ONLY_IN
             and package_of(name) not in THIRD_PARTY_ONLY_IN[top]]
    assert not wrong, "boto3/botocore outside zonecut.aws:\n" + "\n".join(wrong)


def test_the_boto3_rule_sees_deferred_and_from_imports() -> None:
    tree = ast.parse("def f():\n    import boto3\n    from botocore.config import Config\n"
                     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    import boto3.session\n")
    assert [top for _, top in third_party_imports(tree)] == ["boto3", "botocore", "typing"]


def module_graph() -> dict[str, set[str]]:
    return {name: {target for _, target in imports(tree, module_level=True)
                   if target in MODULES and target != name}
            for name, tree in TREES.items()}


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_circle() -> None:
    found = set(circles(module_graph()))
    assert found <= KNOWN_CIRCLES, "import circles: " + "; ".join(
        " <-> ".join(sorted(c)) for c in found - KNOWN_CIRCLES)


def test_the_known_circles_still_exist() -> None:
    """When a known circle is gone, KNOWN_CIRCLES must lose it (so it cannot come back)."""
    found = set(circles(module_graph()))
    assert found >= KNOWN_CIRCLES, "remove from KNOWN_CIRCLES: " + str(KNOWN_CIRCLES - found)


def test_the_command_line_has_no_circle_even_through_deferred_imports() -> None:
    """The app used to import its commands (inside a function) and they the app; a
    deferred import hides a circle from start-up, not from the reader."""
    graph = {name: {target for _, target in imports(tree, module_level=False)
                    if target in MODULES and target != name}
             for name, tree in TREES.items() if name.startswith("zonecut.cli")}
    graph = {name: {t for t in targets if t in graph} for name, targets in graph.items()}
    assert circles(graph) == []


def test_the_circle_finder_finds_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [frozenset({"a", "b", "c"})]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\n"
                     "def f():\n    import y\ntry:\n    import z\nexcept ImportError:\n"
                     "    import w\n")
    assert [t for _, t in imports(tree, module_level=True)] == ["typing", "z", "w"]
    assert [t for _, t in imports(tree, module_level=False)] == ["typing", "y", "z", "w"]
