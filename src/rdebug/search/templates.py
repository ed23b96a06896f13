"""Fix templates from the repair literature (TBar's fix patterns, Gamma): edits a little larger or more
idiomatic than ``operators``' token edits, at the suspicious lines: ``min`` <-> ``max``, a missing ``await``,
``copy.deepcopy`` for a shallow copy, ``± 1`` on a call's argument, ``^ & |``, the caught exception class here;
the function- and block-level ones (a mutable default, a dropped exception, a missing return or break) in
``templates_flow``; ``Promise.all`` for an array of promises in ``templates_values``. Python
and JavaScript/TypeScript; each template's edits are one ``Mutation`` of its kind."""

from __future__ import annotations

import bisect

from tree_sitter import Node

from rdebug.search import scope, templates_flow, templates_values
from rdebug.search.fold import fold_text
from rdebug.search.mutation import Mutation
from rdebug.search.scope import text

PY_EXCEPTIONS = ("KeyError", "IndexError", "ValueError", "TypeError", "AttributeError", "LookupError", "Exception")
BITWISE = {"^": ("&", "|"), "&": ("|", "^"), "|": ("&", "^"), "<<": (">>",), ">>": ("<<",), ">>>": ("<<",)}
AUG_BITWISE = {f"{op}=": tuple(f"{n}=" for n in news) for op, news in BITWISE.items()}
LITERALS = {"integer", "float", "string", "number", "concatenated_string", "tuple", "list", "dictionary"}
# calls whose arguments are not positions (no ± 1), or which are never awaited
PLAIN_CALLS = {
    "print", "len", "str", "repr", "int", "float", "bool", "isinstance", "issubclass", "getattr", "setattr",
    "hasattr", "type", "id", "format", "open", "iter", "super", "sorted", "reversed", "list", "dict", "set",
    "tuple", "enumerate", "zip", "map", "filter", "any", "all", "sum", "min", "max", "abs", "round", "append",
    "extend", "add", "update", "join", "split", "strip", "lower", "upper", "startswith", "endswith", "replace",
    "items", "keys", "values", "encode", "decode", "info", "debug", "warning", "error", "exception", "log", "warn",
    "push", "forEach", "filter", "reduce", "includes", "indexOf", "toString", "toFixed", "trim", "toUpperCase",
    "toLowerCase", "startsWith", "endsWith", "then", "catch", "finally", "String", "Number", "Boolean",
    "parseInt", "parseFloat", "require", "structuredClone", "deepcopy", "copy",
}
SYNC_OBJECTS = {"console", "Math", "JSON", "Object", "Array", "Number", "String", "os", "re", "json", "math",
                "logging", "logger", "log", "sys", "copy", "time"}
ARG_TYPES = {"identifier", "attribute", "member_expression", "subscript", "subscript_expression"}
NUMERIC_OPS = {"+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "//="}
NUMBERS = {"integer", "float", "number"}


def _line(node: Node) -> int:
    return node.start_point[0] + 1


class Edits:
    """The templates' edits of one file, at its suspicious ``lines`` (1-based)."""

    def __init__(self, path: str, data: bytes, lang: str, lines: set[int], root: Node) -> None:
        self.path, self.data, self.lang, self.lines, self.root = path, data, lang, lines, root
        self.py = lang == "python"
        self.out: list[Mutation] = []
        self._sorted = sorted(lines)
        self._seen: set[tuple] = set()
        self._numeric: dict[tuple[int, int], set[str]] = {}
        self._copy_import: tuple[str, tuple[tuple[int, int, str], ...]] | None = None

    def at(self, node: Node) -> bool:
        return _line(node) in self.lines

    def within(self, node: Node, *prefer: int) -> int | None:
        """The line an edit of ``node`` (a function, a block) is reported at: the first of ``prefer`` that is
        suspicious, else the first suspicious line inside ``node``; None when it holds none."""
        for line in prefer:
            if line in self.lines:
                return line
        i = bisect.bisect_left(self._sorted, node.start_point[0] + 1)
        return self._sorted[i] if i < len(self._sorted) and self._sorted[i] <= node.end_point[0] + 1 else None

    def span(self, start: int, end: int, kind: str, new: str, line: int, before: str | None = None,
             after: str | None = None, extra: tuple[tuple[int, int, str], ...] = ()) -> None:
        old = self.data[start:end].decode("utf-8", errors="replace")
        key = (start, end, new, extra)
        if (new == old and not extra) or key in self._seen:
            return
        self._seen.add(key)
        self.out.append(Mutation(self.path, line, kind, start, end, new, old if before is None else before,
                                 new if after is None else after, extra))

    def replace(self, node: Node, kind: str, new: str, line: int | None = None, **label) -> None:
        self.span(node.start_byte, node.end_byte, kind, new, line or _line(node), **label)

    def indent(self, node: Node) -> str | None:
        """The whitespace before ``node`` on its line, or None when code precedes it there."""
        start = self.data.rfind(b"\n", 0, node.start_byte) + 1
        lead = self.data[start:node.start_byte].decode("utf-8", errors="replace")
        return lead if not lead.strip() else None

    def numeric(self, node: Node) -> set[str]:
        """The names the function around ``node`` uses as numbers (cached per function)."""
        func = scope.enclosing(node, scope.FUNCTIONS[self.lang]) or self.root
        key = (func.start_byte, func.end_byte)
        if key not in self._numeric:
            self._numeric[key] = _numeric_names(func)
        return self._numeric[key]

    def copy_import(self) -> tuple[str, tuple[tuple[int, int, str], ...]]:
        """How this Python file calls deepcopy, and the span adding ``import copy`` if it lacks one."""
        if self._copy_import is None:
            self._copy_import = _copy_import(self.root, self.data)
        return self._copy_import


def mutations(path: str, data: bytes, lang: str, root: Node, lines: set[int]) -> list[Mutation]:
    """Every template edit at ``lines`` of one parsed file (``lang``: "python" or "javascript")."""
    edits = Edits(path, data, lang, lines, root)
    functions = scope.FUNCTIONS[lang]
    stack = [root]
    while stack:
        node = stack.pop()
        if edits.within(node) is None or node.type in ("type", "type_annotation"):
            continue  # no suspicious line inside; an annotation (`int | None` is no bitwise or)
        if node.type in functions:
            templates_flow.function(edits, node)
        elif node.type in ("except_clause", "catch_clause"):
            templates_flow.handler(edits, node)
        elif node.type == "if_statement":
            templates_flow.missing_break(edits, node)
        if edits.at(node):
            _visit(edits, node)
        stack.extend(reversed(node.children))
    return edits.out


def _visit(edits: Edits, node: Node) -> None:
    t = node.type
    if t == "comparison_operator":
        is_literal(edits, node)
    elif t in ("call", "call_expression"):
        call(edits, node)
    elif t in ("binary_operator", "binary_expression", "augmented_assignment", "augmented_assignment_expression"):
        bitwise(edits, node)
    elif t in ("object", "array", "dictionary"):
        spread_copy(edits, node)
    elif t == "except_clause":
        exception_class(edits, node)
    elif t == "variable_declarator" and not edits.py:
        templates_values.promise_all(edits, node, PLAIN_CALLS, SYNC_OBJECTS)


def is_literal(edits: Edits, node: Node) -> None:
    """``x is 1`` -> ``x == 1`` (identity of a literal is an accident of interning); ``x == None`` -> ``is``."""
    operands = node.named_children
    for op in (c for c in node.children if not c.is_named):
        if op.type in ("is", "is not") and any(o.type in LITERALS for o in operands):
            edits.replace(op, "is-literal", "==" if op.type == "is" else "!=", edits.within(node, _line(op)))
        elif op.type in ("==", "!=") and any(o.type == "none" for o in operands):
            edits.replace(op, "is-literal", "is" if op.type == "==" else "is not", edits.within(node, _line(op)))


def bitwise(edits: Edits, node: Node) -> None:
    op = node.child_by_field_name("operator")
    if op is None:
        return
    table = AUG_BITWISE if "assignment" in node.type else BITWISE
    for new in table.get(op.type, ()):
        edits.replace(op, "bitwise", new, edits.within(node, _line(op)))


def _callee(node: Node) -> tuple[Node | None, str, str]:
    """A call's function node, its plain name (``append`` of ``xs.append``) and its object's text."""
    fn = node.child_by_field_name("function")
    if fn is None:
        return None, "", ""
    prop = fn.child_by_field_name("attribute") or fn.child_by_field_name("property")
    obj = fn.child_by_field_name("object")
    return fn, text(prop if prop is not None else fn), text(obj) if obj is not None else ""


def _positional(args: Node) -> list[Node]:
    return [a for a in args.named_children if a.type != "comment"]


def call(edits: Edits, node: Node) -> None:
    fn, name, obj = _callee(node)
    args = node.child_by_field_name("arguments")
    if fn is None or args is None or args.type not in ("argument_list", "arguments"):
        return
    min_max(edits, fn, name, obj)
    append_extend(edits, fn, name, args)
    deepcopy(edits, node, fn, name, obj, args)
    missing_await(edits, node, name, obj)
    call_arg_off_by_one(edits, node, name, args)


def min_max(edits: Edits, fn: Node, name: str, obj: str) -> None:
    swap = {"min": "max", "max": "min"}.get(name)
    if swap is None or (obj and obj != "Math") or (not obj and not edits.py):
        return
    target = fn.child_by_field_name("property") if obj else fn
    call_node = fn.parent
    if target is not None and call_node is not None:
        new_call = f"{obj}.{swap}" if obj else swap
        edits.replace(target, "min-max", swap, before=text(call_node),
                      after=new_call + text(call_node)[len(text(fn)):])


def append_extend(edits: Edits, fn: Node, name: str, args: Node) -> None:
    prop = fn.child_by_field_name("attribute" if edits.py else "property")
    given = _positional(args)
    if prop is None or len(given) != 1:
        return
    if edits.py and name in ("append", "extend"):
        swap = "extend" if name == "append" else "append"
        edits.replace(prop, "append-extend", swap, before=f".{name}(", after=f".{swap}(")
    elif not edits.py and name == "push":
        arg = given[0]
        if arg.type == "spread_element" and arg.named_children:
            edits.replace(arg, "append-extend", text(arg.named_children[0]))
        elif arg.type != "spread_element":
            edits.replace(arg, "append-extend", f"...{text(arg)}")


def deepcopy(edits: Edits, node: Node, fn: Node, name: str, obj: str, args: Node) -> None:
    """A shallow copy of data whose nested parts are changed later: copy it all."""
    given = _positional(args)
    source: Node | None = None
    if edits.py:
        if fn.type == "identifier" and name in ("dict", "list") and len(given) == 1 and given[0].type in ARG_TYPES:
            source = given[0]
        elif name == "copy" and obj == "copy" and len(given) == 1:
            source = given[0]
        elif name == "copy" and obj and not given:
            source = fn.child_by_field_name("object")
        if source is not None:
            call_name, extra = edits.copy_import()
            edits.replace(node, "deepcopy", f"{call_name}({text(source)})", extra=extra)
        return
    if text(fn) == "Object.assign" and len(given) == 2 and text(given[0]).replace(" ", "") == "{}":
        source = given[1]
    elif name == "slice" and obj and not given:
        source = fn.child_by_field_name("object")
    if source is not None:
        edits.replace(node, "deepcopy", f"structuredClone({text(source)})")


def spread_copy(edits: Edits, node: Node) -> None:
    """``{...x}``, ``[...x]`` (JavaScript) and ``{**x}`` (Python) -> a deep copy."""
    parts = [c for c in node.named_children if c.type != "comment"]
    if len(parts) != 1 or parts[0].type not in ("spread_element", "dictionary_splat") or not parts[0].named_children:
        return
    source = text(parts[0].named_children[0])
    if edits.py:
        call_name, extra = edits.copy_import()
        edits.replace(node, "deepcopy", f"{call_name}({source})", extra=extra)
    else:
        edits.replace(node, "deepcopy", f"structuredClone({source})")


def _async_function(node: Node, lang: str) -> bool:
    func = scope.enclosing(node, scope.FUNCTIONS[lang])
    return func is not None and any(c.type == "async" for c in func.children)


def _awaited(node: Node, lang: str) -> bool:
    """Whether ``node`` is (inside) an awaited expression of its function."""
    cur = node.parent
    while cur is not None and cur.type not in scope.FUNCTIONS[lang]:
        if cur.type in ("await", "await_expression"):
            return True
        cur = cur.parent
    return False


def missing_await(edits: Edits, node: Node, name: str, obj: str) -> None:
    if name in PLAIN_CALLS or obj.split(".")[0] in SYNC_OBJECTS or not _async_function(node, edits.lang):
        return
    if _awaited(node, edits.lang):
        return
    parent = node.parent
    chained = parent is not None and parent.type in ("attribute", "member_expression", "subscript",
                                                     "subscript_expression", "call", "call_expression")
    new = f"(await {text(node)})" if chained else f"await {text(node)}"
    edits.replace(node, "missing-await", new)


def call_arg_off_by_one(edits: Edits, node: Node, name: str, args: Node) -> None:
    """``binsearch(xs, lo, mid)`` -> ``binsearch(xs, lo, mid + 1)``: a position passed on, one off. (Range,
    slice and the like are ``operators``' bounds.)"""

    if name in PLAIN_CALLS or name in scope.BOUND_CALLS:
        return
    numeric = edits.numeric(node)
    for arg in _positional(args):
        value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
        if value is None or value.type not in ARG_TYPES or text(value) not in numeric:
            continue
        for sign in ("+", "-"):
            edits.replace(value, "call-arg-off-by-one", fold_text(f"{text(value)} {sign} 1"))


def _is_number(value: Node | None, annotation: Node | None) -> bool:
    """A number literal, arithmetic (``(lo + hi) // 2``), or an ``int``/``float`` annotation."""
    if annotation is not None and text(annotation) in ("int", "float"):
        return True
    if value is None:
        return False
    return value.type in NUMBERS or (value.type in ("binary_operator", "binary_expression")
                                     and any(c.type in NUMERIC_OPS for c in value.children))


def _numeric_names(func: Node) -> set[str]:
    """Names ``func`` uses as numbers: an operand of arithmetic or of an ordering, a name assigned a number or a
    sum, a parameter typed ``int`` or defaulting to a number, a ``range`` loop's variable (``mid``, ``lo``; not
    ``name``, nor a dict's key)."""
    out: set[str] = set()
    stack = [func]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        t, field = node.type, node.child_by_field_name
        op = field("operator")
        if op is not None and op.type in NUMERIC_OPS and t in _OPERATIONS:
            out.update(text(c) for c in (field("left"), field("right")) if c is not None and c.type in ARG_TYPES)
        elif t == "comparison_operator" and any(c.type in ("<", "<=", ">", ">=") for c in node.children):
            out.update(text(c) for c in node.named_children if c.type in ARG_TYPES)
        elif t == "for_statement" and text(field("right") or node).startswith("range("):
            target = field("left")
            if target is not None and target.type == "identifier":
                out.add(text(target))
        elif t in _BINDINGS:
            name = field("left") or field("name") or (node.named_children[0] if node.named_children else None)
            if name is not None and name.type in ARG_TYPES and _is_number(field("right") or field("value"),
                                                                          field("type")):
                out.add(text(name))
    return out


_OPERATIONS = {"binary_operator", "binary_expression", "augmented_assignment", "augmented_assignment_expression"}
_BINDINGS = {"assignment", "variable_declarator", "default_parameter", "typed_default_parameter", "typed_parameter",
             "assignment_pattern"}


def _exception_names(edits: Edits) -> list[str]:
    """The builtin exceptions swapped in, and the exception classes this file defines."""
    names = list(PY_EXCEPTIONS)
    for node in edits.root.named_children:
        cls = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
        if cls is None or cls.type != "class_definition":
            continue
        bases = cls.child_by_field_name("superclasses")
        name = cls.child_by_field_name("name")
        if name is not None and bases is not None and any(text(b).endswith(("Error", "Exception"))
                                                          for b in bases.named_children):
            names.append(text(name))
    return names


def exception_class(edits: Edits, node: Node) -> None:
    """``except KeyError`` -> ``except LookupError`` and the other common classes."""
    caught = next((c for c in node.named_children if c.type != "block"), None)
    if caught is not None and caught.type == "as_pattern":
        caught = caught.named_children[0] if caught.named_children else None
    if caught is None:
        return
    names = _exception_names(edits)
    parts = caught.named_children if caught.type in ("tuple", "parenthesized_expression") else [caught]
    for part in parts:
        if part.type != "identifier" or not text(part).endswith(("Error", "Exception")):
            continue
        for other in names:
            if other != text(part):
                edits.replace(part, "exception-class", other, _line(node))


def _copy_import(root: Node, data: bytes) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """(``copy.deepcopy`` or ``deepcopy``, the span adding ``import copy`` after the docstring and
    ``__future__`` imports when the module imports neither)."""
    insert_at: int | None = None
    for i, node in enumerate(root.named_children):
        t = text(node)
        if node.type == "import_statement" and any(text(n) == "copy" for n in node.named_children):
            return "copy.deepcopy", ()
        if node.type == "import_from_statement" and t.startswith("from copy import") and "deepcopy" in t:
            return "deepcopy", ()
        docstring = i == 0 and node.type == "expression_statement" and node.named_children \
            and node.named_children[0].type == "string"
        if insert_at is None and node.type not in ("comment", "future_import_statement") and not docstring:
            insert_at = data.rfind(b"\n", 0, node.start_byte) + 1
    if insert_at is None:
        tail = b"" if not data or data.endswith(b"\n") else b"\n"
        return "copy.deepcopy", ((len(data), len(data), tail.decode() + "import copy\n"),)
    return "copy.deepcopy", ((insert_at, insert_at, "import copy\n"),)
