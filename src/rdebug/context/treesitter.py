"""Parsing one file with tree-sitter: definitions, calls, the function enclosing a line."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, QueryCursor, Tree

from rdebug.context.files import SourceFile
from rdebug.context.languages import CLASS_TYPES, DEFINITION_TYPES, FUNCTION_TYPES, grammar, language_for, parser

_DECORATED = {"decorated_definition"}
_MEMBER_TYPES = {"attribute", "member_expression", "selector_expression", "field_expression"}


@dataclass(frozen=True)
class Definition:
    """A named definition; lines are 1-based and inclusive. ``name_line`` holds the signature."""

    name: str
    kind: str  # "function", "method", "class", "interface", "type", "module", "constant", ...
    path: str
    start_line: int
    end_line: int
    name_line: int

    def to_row(self) -> list:
        return [self.name, self.kind, self.start_line, self.end_line, self.name_line]

    @classmethod
    def from_row(cls, path: str, row: list) -> "Definition":
        name, kind, start, end, name_line = row
        return cls(name, kind, path, start, end, name_line)


@dataclass(frozen=True)
class Enclosing:
    """The function around a line (or a callback's call), plus the header line of its class if any."""

    name: str | None
    start_line: int
    end_line: int
    class_name: str | None = None
    class_line: int | None = None


@dataclass
class ParsedFile:
    source: SourceFile
    lang: str
    tree: Tree
    definitions: list[Definition]
    calls: list[tuple[str, int, bool]]  # (callee name, 1-based line, called as obj.name), source order

    def calls_between(self, start: int, end: int) -> list[tuple[str, bool]]:
        """Distinct (callee name, member call) on lines ``start..end``, first occurrence first."""
        seen: dict[str, bool] = {}
        for name, line, member in self.calls:
            if start <= line <= end:
                seen[name] = seen.get(name, True) and member
        return list(seen.items())


def _text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace") if node.text is not None else ""


def _grow(node: Node, lang: str) -> Node:
    """A definition capture grown to its whole definition (declarator → function, decorator included)."""
    types = DEFINITION_TYPES.get(lang, frozenset())
    cur = node
    for _ in range(4):
        parent = cur.parent
        if parent is None:
            break
        if parent.type in types or parent.type in _DECORATED:
            cur = parent
            if parent.type in _DECORATED:
                break
        elif parent.type.endswith("declarator"):
            cur = parent
        else:
            break
    return cur if cur.type in types or cur.type in _DECORATED else node


def parse_source(src: SourceFile) -> ParsedFile | None:
    """Parse a file whose language we know; None for other files."""
    lang = language_for(src.path)
    g = grammar(lang) if lang else None
    p = parser(lang) if g else None
    if g is None or p is None:
        return None
    tree = p.parse(src.text.encode("utf-8", errors="replace"))
    defs: dict[tuple, Definition] = {}
    calls: dict[tuple[str, int, bool], None] = {}
    for _, caps in QueryCursor(g.tags).matches(tree.root_node):
        names = caps.get("name")
        if not names:
            continue
        name_node = names[0]
        def_key = next((k for k in caps if k.startswith("definition.")), None)
        if def_key is not None:
            node = _grow(caps[def_key][0], lang)
            d = Definition(_text(name_node), def_key.split(".", 1)[1], src.path, node.start_point[0] + 1,
                           node.end_point[0] + 1, name_node.start_point[0] + 1)
            key = (d.name, d.start_line, d.end_line)
            if key not in defs or d.kind == "method":
                defs[key] = d
        elif "reference.call" in caps:
            for n in names:
                member = n.parent is not None and n.parent.type in _MEMBER_TYPES
                if n.parent is not None and n.parent.type == "token_tree":  # a Rust macro's `name(...)`
                    nxt, prev = n.next_sibling, n.prev_sibling
                    if nxt is None or nxt.type != "token_tree":  # `format!(..)`: `!` sits between
                        continue
                    member = prev is not None and prev.type == "."
                calls.setdefault((_text(n), n.start_point[0] + 1, member), None)
    ordered = sorted(defs.values(), key=lambda d: (d.start_line, -d.end_line))
    call_list = sorted(calls, key=lambda c: c[1])
    return ParsedFile(src, lang, tree, ordered, call_list)


def _node_at_line(pf: ParsedFile, line: int) -> Node | None:
    text = pf.source.line(line)
    if not text.strip():
        return None
    col = len(text.encode("utf-8")) - len(text.lstrip().encode("utf-8"))
    end = len(text.rstrip().encode("utf-8"))
    return pf.tree.root_node.descendant_for_point_range((line - 1, col), (line - 1, max(col, end - 1)))


def _function_name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    if name is not None:
        return _text(name)
    if node.parent is not None and node.parent.type == "variable_declarator":
        n = node.parent.child_by_field_name("name")
        return _text(n) if n is not None else None
    if node.type == "function_definition":  # C/C++: the name sits inside the declarator
        decl = node.child_by_field_name("declarator")
        while decl is not None and decl.child_by_field_name("declarator") is not None:
            decl = decl.child_by_field_name("declarator")
        return _text(decl) if decl is not None else None
    return None


def enclosing_function(pf: ParsedFile, line: int) -> Enclosing | None:
    """The function containing ``line`` (innermost spanning 3+ lines), or None at module level."""
    node = _node_at_line(pf, line)
    ftypes = FUNCTION_TYPES.get(pf.lang, frozenset())
    found: list[Node] = []
    while node is not None:
        if node.type in ftypes:
            found.append(node)
        node = node.parent
    if not found:
        return None
    func = next((f for f in found if f.end_point[0] - f.start_point[0] >= 2), found[0])
    name = _function_name(func)
    span: Node = func
    if name is None and func.parent is not None and func.parent.type == "arguments":
        call = func.parent.parent  # a callback such as it("works", () => {...}): show the whole call
        if call is not None and func.start_point[0] - call.start_point[0] <= 2:
            span = call
            fn = call.child_by_field_name("function")
            name = _text(fn) if fn is not None else None
    if func.parent is not None and func.parent.type in _DECORATED:
        span = func.parent
    class_name = class_line = None
    ctypes = CLASS_TYPES.get(pf.lang, frozenset())
    up = span.parent
    while up is not None:
        if up.type in ctypes:
            n = up.child_by_field_name("name") or up.child_by_field_name("type")
            class_name = _text(n) if n is not None else None
            class_line = up.start_point[0] + 1
            break
        up = up.parent
    return Enclosing(name, span.start_point[0] + 1, span.end_point[0] + 1, class_name, class_line)


def skeleton_lines(definitions: list[Definition]) -> list[int]:
    """Signature lines (classes, functions, methods, types) of a module, sorted."""
    keep = {"function", "method", "class", "interface", "type", "module", "macro"}
    return sorted({d.name_line for d in definitions if d.kind in keep})
