"""Names test code refers to without calling them, resolved through imports to repository definitions.

A test that passes the function under test to a helper (``check(candidate)``, ``assertRaises(E, parse, "x")``,
a parametrize list, a fixture) never calls it, so following calls alone misses the code under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from tree_sitter import Node, Query, QueryCursor

from rdebug.context.files import FileReader
from rdebug.context.imports import imported_files, python_module_file
from rdebug.context.languages import grammar, language_for
from rdebug.context.symbols import TagsIndex
from rdebug.context.treesitter import Definition, ParsedFile

MAX_DEPTH = 4  # re-export hops (`from .core import parse` in a package __init__)
BUILTIN_FIXTURES = frozenset("""self cls request tmp_path tmpdir tmp_path_factory tmpdir_factory monkeypatch capsys
capfd capsysbinary capfdbinary caplog recwarn pytestconfig record_property record_testsuite_property
doctest_namespace cache subtests""".split())
_BINDING_PARENTS = frozenset({"parameters", "lambda_parameters", "list_splat_pattern", "dictionary_splat_pattern",
                              "as_pattern_target", "pattern_list", "tuple_pattern", "list_pattern",
                              "global_statement", "nonlocal_statement"})
_TARGET_PARENTS = frozenset({"assignment", "augmented_assignment", "for_statement", "for_in_clause",
                             "named_expression"})
_WHERE = re.compile(r"^\W*(?:where|and)\s+.*? = (?P<rhs>.+)$")
_REPR = re.compile(r"<(?:function|bound method|class) '?([\w.<>]+)")
_ANGLED = re.compile(r"<[^<>]*>")
_IDENT = re.compile(r"(?<![\w.'\"])([A-Za-z_]\w*)(\s*\()?")
_ALL = re.compile(r"^__all__\s*(?::[^=]*)?=\s*[\[(]([^\])]*)[\])]", re.M)


@dataclass
class PyImports:
    """What a Python file's import statements bind: name → (file, name in it; None for a module)."""

    names: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # `import a.b` binds a → "a"; `import a.b as m` m → "a.b"
    stars: list[str] = field(default_factory=list)  # files star-imported


@lru_cache(maxsize=None)
def _query(lang: str, text: str) -> Query | None:
    g = grammar(lang)
    try:
        return Query(g.language, text) if g else None
    except Exception:  # a node type this grammar lacks
        return None


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _captures(pf: ParsedFile, query: str, start: int | None = None, end: int | None = None) -> dict[str, list[Node]]:
    q = _query(pf.lang, query)
    if q is None:
        return {}
    cursor = QueryCursor(q)
    if start is not None and end is not None:
        cursor.set_point_range((start - 1, 0), (end, 0))
    return cursor.captures(pf.tree.root_node)


def _is_binding(node: Node) -> bool:
    """A Python identifier that a parameter, assignment, loop or ``as`` binds (a local, not a reference)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in _BINDING_PARENTS:
        return True
    if parent.type in ("default_parameter", "typed_parameter", "typed_default_parameter"):
        return parent.child_by_field_name("name") == node or parent.type == "typed_parameter"
    if parent.type in ("function_definition", "class_definition"):
        return parent.child_by_field_name("name") == node
    if parent.type in _TARGET_PARENTS:
        return parent.child_by_field_name("left") == node or parent.child_by_field_name("name") == node
    return False


@dataclass
class Refs:
    """What a line range reads: plain names, dotted chains rooted at a name, and the names it binds itself."""

    names: list[str] = field(default_factory=list)
    dotted: list[tuple[str, ...]] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)


def scan(pf: ParsedFile, start: int, end: int) -> Refs:
    """Identifiers read on lines ``start..end`` (attribute fields and keyword names left out)."""
    out = Refs()
    kinds = "(identifier) @id" if pf.lang == "python" else "[(identifier) (type_identifier)] @id"
    seen: set[str] = set()
    for node in sorted(_captures(pf, kinds, start, end).get("id", []), key=lambda n: n.start_byte):
        if not start <= node.start_point[0] + 1 <= end:
            continue
        parent = node.parent
        name = _text(node)
        if pf.lang == "python":
            if parent is not None and parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
                continue  # f(key=...): the parameter's name
            if _is_binding(node):
                out.bound.add(name)
                continue
            if parent is not None and parent.type == "attribute":
                if parent.child_by_field_name("attribute") == node:
                    continue
                chain, up = [name], parent
                while up is not None and up.type == "attribute":
                    chain.append(_text(up.child_by_field_name("attribute")))
                    up = up.parent
                out.dotted.append(tuple(chain))
        if name not in seen:
            seen.add(name)
            out.names.append(name)
    return out


def test_parameters(pf: ParsedFile, start: int, end: int) -> list[str]:
    """Parameter names of the Python functions defined on lines ``start..end`` (pytest fixture requests)."""
    if pf.lang != "python":
        return []
    out: list[str] = []
    for params in _captures(pf, "(function_definition parameters: (parameters) @p)", start, end).get("p", []):
        if not start <= params.start_point[0] + 1 <= end:
            continue
        for child in params.named_children:
            node = child if child.type == "identifier" else child.child_by_field_name("name") or (
                child.named_children[0] if child.type == "typed_parameter" and child.named_children else None)
            name = _text(node) if node is not None and node.type == "identifier" else ""
            if name and name not in BUILTIN_FIXTURES and name not in out:
                out.append(name)
    return out


def where_names(text: str) -> tuple[list[str], list[str]]:
    """Names in pytest's assertion introspection (``where 3 = median([1, 2])``, ``<function f at 0x..>``).

    Returns (strong, all): strong names are callees and function/class reprs, worth a repository search.
    """
    strong: dict[str, None] = {}
    every: dict[str, None] = {}
    for line in text.splitlines():
        m = _WHERE.match(line.lstrip("E").strip())
        if not m:
            continue
        rhs = m["rhs"]
        for r in _REPR.finditer(rhs):
            parts = [p for p in r.group(1).split(".") if p and not p.startswith("<")]
            for p in parts[-2:]:
                strong[p] = every[p] = None
        while _ANGLED.search(rhs):  # reprs such as <s.Stack object at 0x1>, nested ones too
            rhs = _ANGLED.sub("0", rhs)
        rhs = re.sub(r"'[^']*'|\"[^\"]*\"", "''", rhs)
        for name, paren in _IDENT.findall(rhs):
            every[name] = None
            if paren:
                strong[name] = None
    return list(strong), list(every)


def top_level(defs: list[Definition]) -> dict[str, Definition]:
    """The definitions at the top of a file (not methods or nested functions), by name."""
    out: dict[str, Definition] = {}
    outer_end, outer = 0, (0, 0)
    for d in sorted(defs, key=lambda d: (d.start_line, -d.end_line)):
        if d.start_line > outer_end:
            outer_end, outer = d.end_line, (d.start_line, d.end_line)
        elif (d.start_line, d.end_line) != outer:
            continue
        out.setdefault(d.name, d)
    return out


class Resolver:
    """Resolves a name used in a file to the repository definition it is bound to (per build, memoised)."""

    def __init__(self, index: TagsIndex, reader: FileReader) -> None:
        self.index = index
        self.reader = reader
        self._py: dict[str, PyImports] = {}
        self._stars: dict[str, set[str]] = {}
        self._parsed: dict[str, ParsedFile | None] = {}
        self._tops: dict[str, dict[str, Definition]] = {}
        self._imports: dict[str, list[tuple[str, set[str]]]] = {}

    def _exists(self, rel: str) -> bool:
        return self.reader.stat(rel) is not None

    def defs(self, rel: str) -> list[Definition]:
        return self.index.definitions(self.reader, rel)

    def parsed(self, rel: str) -> ParsedFile | None:
        """The file's tree, parsed once per build."""
        if rel not in self._parsed:
            self._parsed[rel] = self.index.parse(self.reader, rel)
        return self._parsed[rel]

    def top(self, rel: str) -> dict[str, Definition]:
        if rel not in self._tops:
            self._tops[rel] = top_level(self.defs(rel))
        return self._tops[rel]

    def _imported(self, rel: str) -> list[tuple[str, set[str]]]:
        """Other languages' in-repo imports of ``rel`` (Go package directories left out)."""
        if rel not in self._imports:
            src = self.reader.read(rel, quiet=True)
            found = imported_files(rel, src.text, language_for(rel) or "", self._exists) if src else []
            self._imports[rel] = [(p, names) for p, names in found if not p.endswith("/")]
        return self._imports[rel]

    def python_imports(self, rel: str) -> PyImports:
        """What ``rel``'s import statements bind (parsed with tree-sitter; nested imports included)."""
        if rel in self._py:
            return self._py[rel]
        out = self._py[rel] = PyImports()
        pf = self.parsed(rel)
        if pf is None or pf.lang != "python":
            return out
        caps = _captures(pf, "(import_from_statement) @f (import_statement) @i")
        for node in caps.get("f", []):
            mod_node = node.child_by_field_name("module_name")
            mod_text = _text(mod_node)
            if not mod_text:  # a statement tree-sitter could not parse
                continue
            dots = mod_text[: len(mod_text) - len(mod_text.lstrip("."))]
            mod = mod_text[len(dots):]
            target = python_module_file(rel, dots, mod, self._exists)
            if any(c.type == "wildcard_import" for c in node.named_children):
                if target:
                    out.stars.append(target)
                continue
            for name_node in node.children_by_field_name("name"):
                alias = name_node.child_by_field_name("alias") if name_node.type == "aliased_import" else None
                real = _text(name_node.child_by_field_name("name") if alias is not None else name_node)
                local = _text(alias) if alias is not None else real
                sub = python_module_file(rel, dots, f"{mod}.{real}" if mod else real, self._exists)
                if sub:  # `from pkg import module`
                    out.names[local] = (sub, None)
                elif target:
                    out.names[local] = (target, real)
        for node in caps.get("i", []):
            for name_node in node.children_by_field_name("name"):
                if name_node.type == "aliased_import":
                    out.modules[_text(name_node.child_by_field_name("alias"))] = _text(
                        name_node.child_by_field_name("name"))
                else:
                    dotted = _text(name_node)
                    out.modules.setdefault(dotted.split(".")[0], dotted.split(".")[0])
        return out

    def star_names(self, rel: str, depth: int = 0) -> set[str]:
        """What ``from rel import *`` binds: ``__all__`` when present, else the public top-level names."""
        if rel in self._stars:
            return self._stars[rel]
        self._stars[rel] = set()  # a cycle of star imports ends here
        src = self.reader.read(rel, quiet=True)
        m = _ALL.search(src.text) if src else None
        if m:
            names = set(re.findall(r"['\"](\w+)['\"]", m.group(1)))
        else:
            imp = self.python_imports(rel)
            names = set(self.top(rel)) | set(imp.names)
            if depth < MAX_DEPTH:
                for star in imp.stars:
                    names |= self.star_names(star, depth + 1)
            names = {n for n in names if not n.startswith("_")}
        self._stars[rel] = names
        return names

    def resolve(self, rel: str, name: str, depth: int = 0) -> Definition | None:
        """The repository definition ``name`` means in ``rel``: its own top level, its imports, star imports."""
        if depth > MAX_DEPTH or language_for(rel) is None:
            return None
        own = self.top(rel).get(name) if depth else None
        if own is not None:
            return own
        if language_for(rel) == "python":
            imp = self.python_imports(rel)
            if name in imp.names:
                path, real = imp.names[name]
                return self.resolve(path, real, depth + 1) if real else None
            for star in imp.stars:
                if name in self.star_names(star):
                    hit = self.resolve(star, name, depth + 1)
                    if hit is not None:
                        return hit
        else:
            for path, names in self._imported(rel):
                if name in names:
                    hit = self.top(path).get(name) or next((d for d in self.defs(path) if d.name == name), None)
                    if hit is not None:
                        return hit
        return self.top(rel).get(name) if depth == 0 else None

    def resolve_dotted(self, rel: str, chain: tuple[str, ...]) -> tuple[str, Definition] | None:
        """``mod.func`` / ``pkg.sub.Cls`` where the head is an imported Python module: (name, definition)."""
        if language_for(rel) != "python" or len(chain) < 2:
            return None
        imp = self.python_imports(rel)
        head, rest = chain[0], chain[1:]
        if head in imp.names and imp.names[head][1] is None:  # from pkg import module
            d = self.resolve(imp.names[head][0], rest[0], 1)
            return (rest[0], d) if d is not None else None
        if head not in imp.modules:
            return None
        for i in range(len(rest), 0, -1):  # the longest dotted prefix that is a repository module
            path = python_module_file(rel, "", ".".join([imp.modules[head], *rest[: i - 1]]), self._exists)
            if path:
                d = self.resolve(path, rest[i - 1], 1)
                return (rest[i - 1], d) if d is not None else None
        return None

    def fixture(self, rel: str, name: str) -> Definition | None:
        """The pytest fixture ``name`` seen from test file ``rel``: its own file, then conftest.py upwards."""
        files = [rel]
        here = PurePosixPath(rel).parent
        while True:
            files.append(str(here / "conftest.py") if str(here) != "." else "conftest.py")
            if str(here) == ".":
                break
            here = here.parent
        for path in files:
            src = self.reader.read(path, quiet=True)
            if src is None or "fixture" not in src.text:
                continue
            d = self.top(path).get(name)
            if d is not None and any("fixture" in src.line(n) for n in range(d.start_line, d.name_line + 1)):
                return d
        return None

    def imported_code(self, rel: str) -> list[tuple[str, Definition | None, str]]:
        """(name, definition, file) for what ``rel`` imports from the repository; definition None: a module."""
        out: list[tuple[str, Definition | None, str]] = []
        if language_for(rel) == "python":
            imp = self.python_imports(rel)
            for local, (path, real) in imp.names.items():
                d = self.resolve(path, real, 1) if real else None
                out.append((real or local, d, d.path if d else path))
            out += [("*", None, path) for path in imp.stars]
            for alias, module in imp.modules.items():
                path = python_module_file(rel, "", module, self._exists)
                if path:
                    out.append((alias, None, path))
            return out
        for path, names in self._imported(rel):
            defs = [d for n in sorted(names) if (d := self.top(path).get(n)) is not None]
            out += [(d.name, d, d.path) for d in defs] or [("*", None, path)]
        return out
