"""The house's floors: packages import downwards, never in a circle, never up into moderation.

Every module under forum/ is parsed (not imported), every import in it is read (including
those inside functions and under TYPE_CHECKING: a lazy import is still a dependency), and the
imports are folded into a graph of packages: forum/boards/services.py importing
forum.audit is the edge forum.boards -> forum.audit. forum/__init__.py (create_app, which
wires every package) is the roof and is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

FORUM = Path(__file__).resolve().parent.parent / "forum"

# Packages below moderation: what they import may not come from forum.moderation.
BELOW_MODERATION = (
    "forum.accounts",
    "forum.audit",
    "forum.boards",
    "forum.db",
    "forum.markup",
    "forum.permissions",
    "forum.reasons",
    "forum.threads",
)

# Imports of forum.moderation from below that are still to be moved down, as
# (importing module, imported module). This list may only shrink: remove a line when its
# import goes, never add one.
ALLOWED_UPWARD: set[tuple[str, str]] = set()

# Package imports that close a circle today, left out of the cycle check until they are
# moved. Each names why it exists; this list may only shrink too.
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = {
    # accounts/queries.py reads a member's threads and posts for the profile page
    # (threads imports accounts for the author): belongs in forum.threads.queries.
    ("forum.accounts", "forum.threads"),
    # boards/queries.py lists a board's threads (threads imports boards for the board).
    ("forum.boards", "forum.threads"),
    # accounts/views.py asks the login limiter, which asks accounts.services for the account.
    ("forum.accounts", "forum.login_attempts"),
    # permissions.py names the seeing predicates, defined beside their SQL twins in
    # forum/threads/visibility.py (threads imports accounts for the author, accounts boards
    # for roles, boards' views permissions). Moving visibility below threads ends it.
    ("forum.permissions", "forum.threads"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(FORUM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(dotted: str) -> bool:
    path = FORUM.parent.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> Iterator[str]:
    """Yield every forum module the file imports, by its dotted name."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            node.body = []  # imports for annotations only: not a dependency at run time
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("forum"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            if not (base == "forum" or base.startswith("forum.")):
                continue
            for alias in node.names:
                # `from forum import audit` imports the module forum.audit.
                full = f"{base}.{alias.name}"
                yield full if _exists(full) else base


def package_of(dotted: str) -> str:
    """Return the floor a module belongs to: forum.boards.services -> forum.boards."""
    return ".".join(dotted.split(".")[:2])


def module_imports() -> dict[str, set[str]]:
    return {
        _module_name(path): set(imports_of(path))
        for path in sorted(FORUM.rglob("*.py"))
        if path != FORUM / "__init__.py"
    }


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, imported in module_imports().items():
        edges = graph.setdefault(package_of(module), set())
        edges.update(package_of(i) for i in imported if i != "forum")
    for package, edges in graph.items():
        edges.discard(package)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of the graph as a path (first node repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for following in sorted(graph.get(node, ())):
            found = visit(following, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_the_graph_sees_the_imports_it_should():
    # Guards the parser itself: an empty graph would pass every other test.
    graph = package_graph()
    assert "forum.audit" in graph["forum.boards"]
    assert "forum.db" in graph["forum.threads"]
    assert "forum.moderation" in graph["forum.cli"]  # a lazy import inside a command


def test_a_cycle_is_found():
    graph = {"forum.a": {"forum.b"}, "forum.b": {"forum.c"}, "forum.c": {"forum.a"}}
    assert find_cycle(graph) == ["forum.a", "forum.b", "forum.c", "forum.a"]
    assert find_cycle({"forum.a": {"forum.b"}, "forum.b": set()}) is None


def test_no_two_packages_import_each_other_in_a_circle():
    graph = package_graph()
    assert {(a, b) for a, b in ALLOWED_CYCLE_EDGES if b not in graph.get(a, ())} == set(), (
        "no longer imported: drop from ALLOWED_CYCLE_EDGES"
    )
    for importer, imported in ALLOWED_CYCLE_EDGES:
        graph[importer].discard(imported)
    cycle = find_cycle(graph)
    assert cycle is None, "packages import each other in a circle: " + " -> ".join(cycle or [])


def test_nothing_below_moderation_imports_moderation():
    upward = {
        (module, imported)
        for module, imports in module_imports().items()
        if package_of(module) in BELOW_MODERATION
        for imported in imports
        if package_of(imported) == "forum.moderation"
    }
    assert upward - ALLOWED_UPWARD == set(), "imports up into forum.moderation"
    # A fixed import must leave the allowlist too, so the list only ever shrinks.
    assert ALLOWED_UPWARD - upward == set(), "no longer imported: drop from ALLOWED_UPWARD"
