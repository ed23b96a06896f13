"""Issue 23: the import graph of src/ and tui/ (every import, lazy and TYPE_CHECKING ones included) has no
cycle between files, and no file imports a higher layer than its own (the order in the README's Layout)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"rdebug": ROOT / "src" / "rdebug", "rdebug_tui": ROOT / "tui" / "rdebug_tui"}

# low to high; a module may import its own layer and lower ones
LAYERS: list[tuple[str, ...]] = [
    ("rdebug", "rdebug.errors", "rdebug.settings", "rdebug.config", "rdebug.repo", "rdebug.worktree", "rdebug.data"),
    ("rdebug.intake",),
    ("rdebug.context",),
    ("rdebug.events",),
    ("rdebug.runtime",),
    ("rdebug.patch",),
    ("rdebug.facts",),
    ("rdebug.job", "rdebug.prompts"),
    ("rdebug.search", "rdebug.repair"),
    ("rdebug.rounds", "rdebug.pipeline"),
    ("rdebug.session", "rdebug.evaluation", "rdebug.cli_common", "rdebug.commands", "rdebug.cli", "rdebug.__main__"),
    ("rdebug_tui",),
]


def modules() -> dict[str, Path]:
    out = {}
    for pkg, root in PACKAGES.items():
        for path in root.rglob("*.py"):
            parts = path.relative_to(root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        pkg = pkg.rpartition(".")[0]
                    base = f"{pkg}.{base}" if base else pkg
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            else:
                continue
            found |= {t for t in (_resolve(x, known) for x in targets) if t and t != name}
        graph[name] = found
    return graph


def layer_of(name: str) -> int:
    best = max((p for layer in LAYERS for p in layer if name == p or name.startswith(p + ".")), key=len)
    return next(i for i, layer in enumerate(LAYERS) if best in layer)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_cycle_between_files():
    assert cycles(import_graph()) == []


def test_no_import_from_a_lower_layer_to_a_higher_one():
    graph = import_graph()
    upward = sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if layer_of(b) > layer_of(a))
    assert upward == []


def test_every_module_is_under_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
