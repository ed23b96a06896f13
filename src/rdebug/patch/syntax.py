"""tree-sitter helpers for patches: which grammar, does it parse, where are the definitions."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from tree_sitter import Language, Node, Parser

# extension -> (grammar module, language function)
GRAMMARS: dict[str, tuple[str, str]] = {
    ".py": ("tree_sitter_python", "language"),
    ".pyi": ("tree_sitter_python", "language"),
    ".js": ("tree_sitter_javascript", "language"),
    ".mjs": ("tree_sitter_javascript", "language"),
    ".cjs": ("tree_sitter_javascript", "language"),
    ".jsx": ("tree_sitter_javascript", "language"),
    ".ts": ("tree_sitter_typescript", "language_typescript"),
    ".tsx": ("tree_sitter_typescript", "language_tsx"),
    ".go": ("tree_sitter_go", "language"),
    ".rs": ("tree_sitter_rust", "language"),
    ".java": ("tree_sitter_java", "language"),
    ".c": ("tree_sitter_c", "language"),
    ".h": ("tree_sitter_c", "language"),
    ".cc": ("tree_sitter_cpp", "language"),
    ".cpp": ("tree_sitter_cpp", "language"),
    ".cxx": ("tree_sitter_cpp", "language"),
    ".hpp": ("tree_sitter_cpp", "language"),
}

FUNCTION_TYPES = {
    "function_definition", "function_declaration", "method_definition", "method_declaration",
    "function_item", "constructor_declaration", "generator_function_declaration",
}
CLASS_TYPES = {"class_definition", "class_declaration", "impl_item", "interface_declaration", "class_specifier"}
WRAPPERS = {"decorated_definition", "export_statement", "template_declaration"}


@dataclass
class Definition:
    name: str  # qualified: "Cart.total"
    start_line: int  # 0-based, the first line (decorators included)
    end_line: int  # 0-based, inclusive
    column: int  # indentation column of the first line


@lru_cache(maxsize=None)
def _language(ext: str) -> Language | None:
    spec = GRAMMARS.get(ext)
    if spec is None:
        return None
    try:
        module = importlib.import_module(spec[0])
    except ImportError:
        return None
    return Language(getattr(module, spec[1])())


def language_for(path: str) -> Language | None:
    return _language(PurePosixPath(path).suffix.lower())


def parse(path: str, text: str) -> Node | None:
    """The syntax tree root of ``text`` parsed as ``path``'s language, or None when unsupported."""
    lang = language_for(path)
    if lang is None:
        return None
    return Parser(lang).parse(text.encode("utf-8")).root_node


def first_error_line(path: str, text: str) -> int | None:
    """1-based line of the first syntax error, None when it parses (or the language is unsupported).

    Python is also compiled: tree-sitter accepts an ``if …:`` with no block after it at the end of a file.
    """
    root = parse(path, text)
    if root is None:
        return None
    if not root.has_error:
        return _python_error_line(text) if path.endswith((".py", ".pyi")) else None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_error or c.is_missing]))
    return root.start_point[0] + 1


def _python_error_line(text: str) -> int | None:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our business
            ast.parse(text)
    except SyntaxError as exc:
        return exc.lineno or 1
    except (ValueError, RecursionError, MemoryError):  # null bytes, absurd nesting: leave it to tree-sitter
        return None
    return None


def _name(node: Node) -> str | None:
    named = node.child_by_field_name("name")
    if named is None and node.type == "impl_item":
        named = node.child_by_field_name("type")
    if named is not None:
        return named.text.decode("utf-8", "replace")
    declarator = node.child_by_field_name("declarator")  # C/C++: declarator -> function_declarator -> name
    while declarator is not None:
        if declarator.type in {"identifier", "field_identifier", "qualified_identifier", "destructor_name"}:
            return declarator.text.decode("utf-8", "replace")
        declarator = declarator.child_by_field_name("declarator")
    return None


def definitions(path: str, text: str) -> list[Definition]:
    """Functions and methods (qualified by their classes), outermost first; classes themselves excluded."""
    root = parse(path, text)
    if root is None:
        return []
    out: list[Definition] = []

    def visit(node: Node, prefix: str) -> None:
        for child in node.children:
            inner: Node | None = child
            if child.type in WRAPPERS:
                inner = next((c for c in child.named_children if c.type in FUNCTION_TYPES | CLASS_TYPES), None)
            if inner is None:
                continue
            if inner.type in FUNCTION_TYPES:
                name = _name(inner)
                if name:
                    out.append(Definition(prefix + name, child.start_point[0], inner.end_point[0],
                                          child.start_point[1]))
            elif inner.type in CLASS_TYPES:
                visit(inner.child_by_field_name("body") or inner, f"{prefix}{_name(inner) or '?'}.")

    visit(root, "")
    return out
