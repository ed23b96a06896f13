"""Names a mutation may use at a node: the enclosing function's locals, the class's ``self.``/``this.`` fields."""

from __future__ import annotations

from tree_sitter import Node

FUNCTIONS = {
    "python": {"function_definition", "lambda"},
    "javascript": {"function_declaration", "function_expression", "arrow_function", "method_definition",
                   "generator_function_declaration", "generator_function"},
}
CLASSES = {"python": {"class_definition"}, "javascript": {"class_declaration", "class"}}
RECEIVER = {"python": "self", "javascript": "this"}
SKIP_NAMES = {"self", "cls", "this", "None", "True", "False", "undefined", "arguments"}
# where a binding's names sit: the node type -> its fields that bind
_PY_BINDERS = {
    "parameters": None, "lambda_parameters": None, "default_parameter": ("name",), "typed_parameter": None,
    "typed_default_parameter": ("name",), "assignment": ("left",), "augmented_assignment": ("left",),
    "for_statement": ("left",), "for_in_clause": ("left",), "as_pattern_target": None,
}
_JS_BINDERS = {
    "formal_parameters": None, "variable_declarator": ("name",), "for_in_statement": ("left",),
    "catch_clause": ("parameter",), "assignment_pattern": ("left",),
}


def text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace") if node.text is not None else ""


def enclosing(node: Node, types: set[str]) -> Node | None:
    cur = node.parent
    while cur is not None and cur.type not in types:
        cur = cur.parent
    return cur


def _identifiers(node: Node) -> list[str]:
    """Plain identifiers bound by a pattern (``a``, ``a, b``, ``[a, b]``, ``{a, b}``, ``x: int``)."""
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [text(node)]
    if node.type in ("attribute", "subscript", "member_expression", "subscript_expression", "type"):
        return []
    out: list[str] = []
    for child in node.named_children:
        if child.type not in ("type", "type_annotation"):
            out += _identifiers(child)
    return out


def _binder_names(node: Node, lang: str) -> list[str]:
    binders = _PY_BINDERS if lang == "python" else _JS_BINDERS
    if node.type not in binders:
        return []
    fields = binders[node.type]
    if fields is None:
        return _identifiers(node)
    out: list[str] = []
    for name in fields:
        target = node.child_by_field_name(name)
        if target is not None:
            out += _identifiers(target)
    return out


_PARAMS = {"parameters", "lambda_parameters", "default_parameter", "typed_parameter", "typed_default_parameter",
           "formal_parameters", "assignment_pattern"}
_LOOPS = {"for_statement", "for_in_clause", "for_in_statement"}


def role_of(binder: Node) -> str:
    """A binding's role: "parameter", "loop" (a loop variable) or "local"."""
    return "parameter" if binder.type in _PARAMS else "loop" if binder.type in _LOOPS else "local"


def local_roles(func: Node | None, lang: str) -> dict[str, str]:
    """Parameters and variables bound in ``func`` (not in nested functions) -> their role, in order of
    appearance (a name's first binding gives its role)."""
    if func is None:
        return {}
    nested = FUNCTIONS[lang]
    found: dict[str, str] = {}
    if func.type == "arrow_function":
        param = func.child_by_field_name("parameter")
        if param is not None:
            found[text(param)] = "parameter"
    stack = list(reversed(func.named_children))
    while stack:
        node = stack.pop()
        if node.type in nested and node is not func:
            continue
        for name in _binder_names(node, lang):
            found.setdefault(name, role_of(node))
        stack.extend(reversed(node.named_children))
    return {n: r for n, r in found.items() if n not in SKIP_NAMES}


def local_names(func: Node | None, lang: str) -> list[str]:
    """Parameters and variables bound in ``func`` (not in nested functions), in order of appearance."""
    return list(local_roles(func, lang))


def called_names(func: Node | None) -> set[str]:
    """Names ``func`` calls as plain functions (``f(x)``): not data to swap in."""
    out: set[str] = set()
    if func is None:
        return out
    stack = [func]
    while stack:
        node = stack.pop()
        if node.type in ("call", "call_expression"):
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                out.add(text(fn))
        stack.extend(node.named_children)
    return out


def receiver_fields(cls: Node | None, lang: str) -> set[str]:
    """The fields a class uses through ``self.x``/``this.x``."""
    out: set[str] = set()
    if cls is None:
        return out
    member = "attribute" if lang == "python" else "member_expression"
    field = "attribute" if lang == "python" else "property"
    stack = [cls]
    while stack:
        node = stack.pop()
        if node.type == member:
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name(field)
            if obj is not None and prop is not None and text(obj) == RECEIVER[lang]:
                out.add(text(prop))
        stack.extend(node.named_children)
    return out


# calls whose arguments are bounds or positions (± 1 on them is the operators' off-by-one, not a call-argument edit)
BOUND_CALLS = frozenset({"range", "slice", "substring", "substr", "splice", "islice", "insert", "pop"})
