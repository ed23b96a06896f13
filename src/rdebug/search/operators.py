"""Mutation operators over a tree-sitter tree (Python and JavaScript/TypeScript): the small edits tried at
suspicious lines. Each edit is one ``Mutation``; the caller dedupes, orders and verifies them."""

from __future__ import annotations

from pathlib import PurePosixPath

from tree_sitter import Node

from rdebug.search import scope
from rdebug.search.fold import fold_edit
from rdebug.search.mutation import Mutation
from rdebug.search.scope import text

LANGS = {".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
         ".jsx": "javascript", ".ts": "typescript", ".tsx": "tsx"}

COMPARE = {"<": ("<=", ">"), "<=": ("<", ">="), ">": (">=", "<"), ">=": (">", "<="), "==": ("!=",),
           "!=": ("==",), "is": ("==", "is not"), "is not": ("!=", "is"), "in": ("not in",), "not in": ("in",),
           "===": ("!==",), "!==": ("===",)}
STRICT = {"==": "===", "!=": "!=="}
ARITH = {"+": ("-",), "-": ("+",), "*": ("/",), "/": ("*", "//"), "//": ("/",), "%": ("//",)}
JS_ARITH = {"+": ("-",), "-": ("+",), "*": ("/",), "/": ("*",), "%": ("/",)}
AUGMENTED = {"+=": ("-=",), "-=": ("+=",), "*=": ("/=",), "/=": ("*=", "//="), "//=": ("/=",)}
LOGIC = {"and": "or", "or": "and", "&&": "||", "||": "&&"}
FLIP = {"True": "False", "False": "True", "true": "false", "false": "true"}
PRIMARY = {"identifier", "integer", "float", "number", "attribute", "member_expression", "call", "call_expression",
           "subscript", "subscript_expression", "parenthesized_expression", "string", "true", "false", "none",
           "this", "property_identifier"}
BOUND_CALLS = scope.BOUND_CALLS
SCALES = (10, 100, 1000)
MAX_NAMES = 8  # other locals tried in place of one name


def language_of(path: str) -> str | None:
    return LANGS.get(PurePosixPath(path).suffix.lower())


def _parser(lang: str):
    from rdebug.context.languages import parser

    return parser(lang)


def mutations(path: str, source: str, lines: set[int], templates: bool = True) -> list[Mutation]:
    """Every edit the operators (and, with ``templates``, the fix templates) make on ``lines`` (1-based) of one
    file, in source order."""
    lang = language_of(path)
    if lang is None:
        return []
    p = _parser(lang)
    if p is None:
        return []
    from rdebug.search import templates as fix_templates

    data = source.encode("utf-8")
    family = "python" if lang == "python" else "javascript"
    walker = _Walker(path, data, family, lines)
    root = p.parse(data).root_node
    walker.walk(root)
    return walker.out + (fix_templates.mutations(path, data, family, root, lines) if templates else [])


def _line(node: Node) -> int:
    return node.start_point[0] + 1


class _Walker:
    def __init__(self, path: str, data: bytes, lang: str, lines: set[int]) -> None:
        self.path, self.data, self.lang, self.lines = path, data, lang, lines
        self.py = lang == "python"
        self.out: list[Mutation] = []
        self._scopes: dict[tuple[int, int], tuple[dict[str, str], set[str]]] = {}  # function -> (roles, called)
        self._fields: dict[tuple[int, int], set[str]] = {}  # class span -> self./this. fields

    # --- plumbing ---------------------------------------------------------------------------------------
    def add(self, node: Node, kind: str, replacement: str, before: str | None = None, after: str | None = None,
            line: int | None = None) -> None:
        if before is None and after is None:  # `1 - 1` reads `0`, `(n - 1) + 1` reads `n`
            node, replacement = fold_edit(node, replacement)
        old = text(node)
        if replacement == old:
            return
        self.out.append(Mutation(self.path, line or _line(node), kind, node.start_byte, node.end_byte, replacement,
                                 old if before is None else before, replacement if after is None else after))

    def add_span(self, start: Node, end: Node, kind: str, replacement: str, before: str, after: str) -> None:
        self.out.append(Mutation(self.path, _line(start), kind, start.start_byte, end.end_byte, replacement,
                                 before, after))

    def walk(self, root: Node) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            if _script_check(node, self.lang):
                continue  # a script's own check (`assert total == 3` at the top level): the test, not the code
            if _line(node) in self.lines or any(_line(c) in self.lines for c in node.children if not c.is_named):
                self.visit(node)
            stack.extend(reversed(node.children))

    def visit(self, node: Node) -> None:
        t = node.type
        if t in ("comparison_operator", "binary_operator", "binary_expression", "boolean_operator"):
            self.operators(node)
        elif t in ("augmented_assignment", "augmented_assignment_expression"):
            op = node.child_by_field_name("operator")
            for new in AUGMENTED.get(text(op), ()) if op is not None else ():
                if self.py or new != "//=":
                    self.add(op, "arithmetic", new)
        elif t in ("not_operator", "unary_expression"):
            self.negation(node)
        elif t in ("true", "false") or (t == "identifier" and text(node) in ("True", "False")):
            self.add(node, "boolean", FLIP[text(node)])
        elif t in ("integer", "number"):
            self.constant(node)
        elif t in ("call", "call_expression"):
            self.call(node)
        elif t in ("if_statement", "elif_clause", "while_statement"):
            self.condition(node)
        elif t in ("slice",):
            for child in node.named_children:
                self.bound(child)
        elif t in ("subscript", "subscript_expression"):
            index = node.child_by_field_name("subscript" if self.py else "index")
            if index is not None and index.type not in ("slice", "string", "template_string"):
                self.bound(index)
        elif t == "return_statement":
            self.returned(node)
        if t == "identifier":
            self.identifier(node)

    # --- operators --------------------------------------------------------------------------------------
    def operators(self, node: Node) -> None:
        ops = [c for c in node.children if not c.is_named]
        for op in ops:
            o = op.type
            if o in COMPARE:
                for new in COMPARE[o]:
                    self.add(op, "comparison", new, line=_line(op))
                if not self.py and o in STRICT:
                    self.add(op, "strict-equality", STRICT[o], line=_line(op))
            elif o in LOGIC:
                self.add(op, "boolean", LOGIC[o], line=_line(op))
            elif o in (ARITH if self.py else JS_ARITH):
                for new in (ARITH if self.py else JS_ARITH)[o]:
                    self.add(op, "arithmetic", new, line=_line(op))
                if o == "//":
                    self.ceil_division(node)
        if len(ops) != 1 or ops[0].type not in ARITH:
            return
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return
        if ops[0].type in ("+", "-") and right.type in ("integer", "number") and text(right) == "1":
            self.add(node, "off-by-one", text(left))  # drop a ± 1
        for operand in (left, right):  # an operand off by one: (number - 1) * per_page
            if operand.type in ("identifier", "attribute", "member_expression"):
                self.plus_minus_one(operand, wrap=True)

    def ceil_division(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            self.add(node, "ceil-division", f"-(-{_paren(left)} // {_paren(right)})")

    def negation(self, node: Node) -> None:
        arg = node.child_by_field_name("argument")
        op = node.child_by_field_name("operator")
        if arg is None or (op is not None and text(op) != "!"):
            return
        inner = text(arg)
        if arg.type == "parenthesized_expression" and self.py:
            inner = inner[1:-1].strip()
        self.add(node, "negation", inner)

    def condition(self, node: Node) -> None:
        cond = node.child_by_field_name("condition")
        if cond is None:
            return
        if self.py:
            if cond.type != "not_operator":
                self.add(cond, "negation", f"not {_paren(cond)}")
        elif cond.type == "parenthesized_expression" and cond.named_children:
            inner = cond.named_children[0]
            if not (inner.type == "unary_expression" and text(inner).startswith("!")):
                self.add(inner, "negation", f"!{_paren(inner)}")

    def constant(self, node: Node) -> None:
        raw = text(node)
        if not raw.isdigit():
            return
        value = int(raw)
        news = ["1"] if value == 0 else ["0"] if value == 1 else []
        if value:
            news += [str(value * k) for k in SCALES] + [str(value // k) for k in SCALES if value % k == 0]
        for new in dict.fromkeys(news):
            self.add(node, "constant", new)

    def plus_minus_one(self, node: Node, wrap: bool = False) -> None:
        shown = text(node) if wrap else _paren(node)
        for sign in ("-", "+"):
            new = f"{shown} {sign} 1"
            self.add(node, "off-by-one", f"({new})" if wrap else new)

    def bound(self, node: Node) -> None:
        """A range/slice bound or an index: ± 1, or without the term it subtracts."""
        if node.type in ("binary_operator", "binary_expression"):
            op = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op is not None and left is not None and right is not None and text(op) in ("+", "-"):
                if text(right) != "1":
                    self.add(node, "drop-term", text(left))
                return  # `x ± 1` loses its 1 as any binary operation does
        if node.type in ("string", "template_string", "keyword_argument", "list_splat", "spread_element"):
            return
        self.plus_minus_one(node)

    def call(self, node: Node) -> None:
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if fn is None or args is None:
            return
        positional = [a for a in args.named_children
                      if a.type not in ("keyword_argument", "list_splat", "dictionary_splat", "spread_element", "comment")]
        name = text(fn.child_by_field_name("attribute" if self.py else "property") or fn)
        if name in BOUND_CALLS:
            for arg in positional:
                self.bound(arg)
        for a, b in zip(positional, positional[1:]):
            between = self.data[a.end_byte:b.start_byte].decode("utf-8", errors="replace")
            self.add_span(a, b, "swap-args", f"{text(b)}{between}{text(a)}", f"{text(a)}, {text(b)}",
                          f"{text(b)}, {text(a)}")
        if self.py:
            return
        if name == "sort" and fn.type == "member_expression" and not args.named_children:
            for body in ("a - b", "b - a"):
                self.add(args, "numeric-sort", f"((a, b) => {body})", ".sort()", f".sort((a, b) => {body})")
        if text(fn) == "Math.floor":
            prop = fn.child_by_field_name("property")
            if prop is not None:
                self.add(prop, "ceil-division", "ceil", "Math.floor", "Math.ceil")

    # --- names ------------------------------------------------------------------------------------------
    def _scope(self, node: Node) -> tuple[dict[str, str], set[str]]:
        """The enclosing function's locals (name -> role) and the names it calls (cached per function)."""
        func = scope.enclosing(node, scope.FUNCTIONS[self.lang])
        key = (func.start_byte, func.end_byte) if func is not None else (-1, -1)
        if key not in self._scopes:
            self._scopes[key] = (scope.local_roles(func, self.lang), scope.called_names(func))
        return self._scopes[key]

    def _receiver_fields(self, node: Node) -> set[str]:
        cls = scope.enclosing(node, scope.CLASSES[self.lang])
        if cls is None:
            return set()
        key = (cls.start_byte, cls.end_byte)
        if key not in self._fields:
            self._fields[key] = scope.receiver_fields(cls, self.lang)
        return self._fields[key]

    def returned(self, node: Node) -> None:
        value = node.named_children[0] if node.named_children else None
        if value is None or value.type != "identifier":
            return
        names, called = self._scope(node)
        for name in [n for n in names if n != text(value) and n not in called][:MAX_NAMES]:
            self.add(value, "return", name)

    def identifier(self, node: Node) -> None:
        parent = node.parent
        if parent is None or _declares(node, parent):
            return
        name = text(node)
        if parent.type in ("call", "call_expression") and parent.child_by_field_name("function") == node:
            return
        if parent.type in ("attribute", "member_expression") and parent.child_by_field_name("object") != node:
            return
        if parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
            return
        if name in self._receiver_fields(node) and name not in scope.SKIP_NAMES:
            self.add(node, "receiver", f"{scope.RECEIVER[self.lang]}.{name}")
        if parent.type == "return_statement" or _is_target(node):
            return
        names, called = self._scope(node)
        if name not in names:
            return
        role = names[name]  # a loop variable for another loop variable, a parameter for a parameter
        for other in [n for n, r in names.items() if r == role and n != name and n not in called][:MAX_NAMES]:
            self.add(node, "variable", other)


def _script_check(node: Node, lang: str) -> bool:
    """An assertion outside any function (``assert …``, ``assert.equal(…)``, ``console.assert(…)``): what a
    script run as the failing command checks. One inside a function (a precondition) is code, and mutated."""
    if node.type == "assert_statement":
        pass
    elif node.type == "call_expression":
        fn = node.child_by_field_name("function")
        name = text(fn) if fn is not None else ""
        if not (name == "assert" or name.startswith("assert.") or name == "console.assert"):
            return False
    else:
        return False
    return scope.enclosing(node, scope.FUNCTIONS[lang]) is None


def _paren(node: Node) -> str:
    return text(node) if node.type in PRIMARY else f"({text(node)})"


_PATTERNS = {"pattern_list", "tuple_pattern", "list_pattern", "array_pattern", "object_pattern"}
_TARGETS = {"assignment": "left", "augmented_assignment": "left", "for_statement": "left", "for_in_clause": "left",
            "assignment_expression": "left", "augmented_assignment_expression": "left", "for_in_statement": "left"}


def _is_target(node: Node) -> bool:
    """Whether ``node`` is assigned to (``x = …``, ``x += …``, ``for x in …``)."""
    cur = node
    while cur.parent is not None and cur.parent.type in _PATTERNS:
        cur = cur.parent
    parent = cur.parent
    return parent is not None and parent.type in _TARGETS and parent.child_by_field_name(_TARGETS[parent.type]) == cur


def _declares(node: Node, parent: Node) -> bool:
    """A name being declared (a parameter, a def/class name, an import, ``let x``): not an expression."""
    if parent.type in ("type", "parameters", "lambda_parameters", "formal_parameters", "typed_parameter",
                       "import_statement", "import_from_statement", "dotted_name", "aliased_import",
                       "global_statement", "nonlocal_statement", "import_specifier", "import_clause"):
        return True
    if parent.type in ("default_parameter", "typed_default_parameter", "variable_declarator", "function_definition",
                       "class_definition", "function_declaration", "class_declaration", "method_definition",
                       "assignment_pattern"):
        return parent.child_by_field_name("name") == node or parent.child_by_field_name("left") == node
    if parent.type == "arrow_function":
        return parent.child_by_field_name("parameter") == node
    return False
