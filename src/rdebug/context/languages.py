"""Languages rdebug understands: file extensions, tree-sitter grammars and tags queries."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tree_sitter import Language, Parser, Query

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".go": "go", ".rs": "rust", ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
}

# grammar module, function returning the language pointer, wheels whose tags.scm apply
_GRAMMARS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "python": ("tree_sitter_python", "language", ("tree_sitter_python",)),
    "javascript": ("tree_sitter_javascript", "language", ("tree_sitter_javascript",)),
    "typescript": ("tree_sitter_typescript", "language_typescript",
                   ("tree_sitter_javascript", "tree_sitter_typescript")),
    "tsx": ("tree_sitter_typescript", "language_tsx", ("tree_sitter_javascript", "tree_sitter_typescript")),
    "go": ("tree_sitter_go", "language", ("tree_sitter_go",)),
    "rust": ("tree_sitter_rust", "language", ("tree_sitter_rust",)),
    "java": ("tree_sitter_java", "language", ("tree_sitter_java",)),
    "c": ("tree_sitter_c", "language", ("tree_sitter_c",)),
    "cpp": ("tree_sitter_cpp", "language", ("tree_sitter_cpp",)),
}

# Our own patterns, added to the bundled tags.scm (which lack these) or used alone when it is missing.
_EXTRA_TAGS: dict[str, str] = {
    "python": """
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(call function: [(identifier) @name (attribute attribute: (identifier) @name)]) @reference.call
""",
    "javascript": """
(function_declaration name: (identifier) @name) @definition.function
(method_definition name: (property_identifier) @name) @definition.method
(class_declaration name: (_) @name) @definition.class
(call_expression function: [(identifier) @name (member_expression property: (property_identifier) @name)]) @reference.call
(new_expression constructor: (identifier) @name) @reference.call
""",
    "go": """
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(call_expression function: [(identifier) @name (selector_expression field: (field_identifier) @name)]) @reference.call
""",
    "rust": """
(function_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.class
(call_expression function: [(identifier) @name (field_expression field: (field_identifier) @name)]) @reference.call
(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(token_tree (identifier) @name . (token_tree) @reference.call (#match? @reference.call "^[(]"))
""",
    "java": """
(constructor_declaration name: (identifier) @name) @definition.method
(enum_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(method_declaration name: (identifier) @name) @definition.method
(class_declaration name: (identifier) @name) @definition.class
(method_invocation name: (identifier) @name) @reference.call
(object_creation_expression type: (type_identifier) @name) @reference.call
""",
    "c": """
(function_declarator declarator: (identifier) @name) @definition.function
(call_expression function: (identifier) @name) @reference.call
""",
    "cpp": """
(function_declarator declarator: (identifier) @name) @definition.function
(class_specifier name: (type_identifier) @name) @definition.class
(call_expression function: [(identifier) @name (field_expression field: (field_identifier) @name)
  (qualified_identifier name: (identifier) @name)]) @reference.call
""",
}
_EXTRA_TAGS["typescript"] = _EXTRA_TAGS["tsx"] = _EXTRA_TAGS["javascript"]

# Nodes that hold a function body: the enclosing-function walk stops at these.
FUNCTION_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition"}),
    "javascript": frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                             "generator_function_declaration", "generator_function"}),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal"}),
    "rust": frozenset({"function_item", "closure_expression"}),
    "java": frozenset({"method_declaration", "constructor_declaration", "lambda_expression"}),
    "c": frozenset({"function_definition"}),
    "cpp": frozenset({"function_definition", "lambda_expression"}),
}
FUNCTION_TYPES["typescript"] = FUNCTION_TYPES["tsx"] = FUNCTION_TYPES["javascript"]

# Containers whose first line is worth showing above a method ("class header line").
CLASS_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"class_definition"}),
    "javascript": frozenset({"class_declaration", "class"}),
    "go": frozenset(),
    "rust": frozenset({"impl_item", "trait_item", "mod_item"}),
    "java": frozenset({"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}),
    "c": frozenset(),
    "cpp": frozenset({"class_specifier", "struct_specifier", "namespace_definition"}),
}
CLASS_TYPES["typescript"] = CLASS_TYPES["tsx"] = CLASS_TYPES["javascript"] | {"abstract_class_declaration",
                                                                              "interface_declaration"}

# Nodes a definition capture grows to (C's tags capture the declarator, not the whole function).
DEFINITION_TYPES: dict[str, frozenset[str]] = {
    "c": frozenset({"function_definition", "declaration"}),
    "cpp": frozenset({"function_definition", "declaration", "field_declaration", "template_declaration"}),
    "javascript": frozenset({"lexical_declaration", "variable_declaration"}),
}
DEFINITION_TYPES["typescript"] = DEFINITION_TYPES["tsx"] = DEFINITION_TYPES["javascript"]

FENCES = {"tsx": "tsx", "cpp": "cpp", "c": "c"}


@dataclass(frozen=True)
class Grammar:
    name: str
    language: Language
    tags: Query  # captures @name with @definition.* / @reference.call


def language_for(path: str) -> str | None:
    """The language id of a file by extension, or None."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot > 0 else None


def fence_for(lang: str | None) -> str:
    return FENCES.get(lang or "", lang or "")


def is_source(path: str) -> bool:
    return language_for(path) is not None


def _bundled_tags(packages: tuple[str, ...]) -> str:
    parts = []
    for pkg in packages:
        try:
            parts.append((resources.files(pkg) / "queries" / "tags.scm").read_text(encoding="utf-8"))
        except (FileNotFoundError, ModuleNotFoundError, OSError):
            continue
    return "\n".join(parts)


@lru_cache(maxsize=None)
def grammar(lang: str) -> Grammar | None:
    """Load a grammar and its tags query (bundled tags.scm plus our extras; extras alone as a fallback)."""
    spec = _GRAMMARS.get(lang)
    if spec is None:
        return None
    module, fn, tag_pkgs = spec
    try:
        language = Language(getattr(importlib.import_module(module), fn)())
    except (ImportError, AttributeError, ValueError):
        return None
    extra = _EXTRA_TAGS[lang]
    try:
        query = Query(language, _bundled_tags(tag_pkgs) + "\n" + extra)
    except Exception:  # a bundled query this binding cannot compile: ours alone
        query = Query(language, extra)
    return Grammar(lang, language, query)


def parser(lang: str) -> Parser | None:
    g = grammar(lang)
    return Parser(g.language) if g else None
