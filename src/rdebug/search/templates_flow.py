"""Function- and block-level fix templates: a mutable default argument (``groups=[]``), a caught exception
dropped (``return None`` after a retry loop, ``except E: pass``, a JavaScript ``catch`` that swallows), a
function that forgets to return its last expression, and a loop's ``if`` missing its ``break``. Each fires when
any line of the function (of the handler, of the ``if``) is suspicious."""

from __future__ import annotations

from typing import Any, Iterator

from tree_sitter import Node

from rdebug.search import scope
from rdebug.search.scope import text

# each function takes the ``rdebug.search.templates.Edits`` of one file (not imported here: templates imports
# this module)
Edits = Any

MUTABLE_VALUES = {"list", "dictionary", "set"}
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter"}
LOOPS = {"for_statement", "while_statement", "for_in_statement", "do_statement"}
JUMPS = {"break_statement", "continue_statement", "return_statement", "raise_statement", "throw_statement"}
ASSIGNMENTS = {"assignment", "augmented_assignment", "assignment_expression", "augmented_assignment_expression"}
# calls made for their effect: a function ending in one does not forget to return it
SIDE_EFFECTS = {
    "print", "append", "extend", "insert", "add", "update", "remove", "discard", "clear", "sort", "reverse",
    "write", "writelines", "flush", "close", "sleep", "send", "put", "info", "debug", "warning", "error",
    "exception", "critical", "log", "warn", "push", "unshift", "splice", "forEach", "delete", "setdefault",
    "__init__", "fail", "exit", "emit", "dispatch", "resolve", "reject", "setTimeout", "start", "wait",
}
NOT_RETURNING = {"__init__", "__post_init__", "__setattr__", "__delattr__", "__set__", "setUp", "tearDown",
                 "constructor"}


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _statements(block: Node) -> list[Node]:
    return [c for c in block.named_children if c.type != "comment"]


def _descendants(func: Node, types: set[str], lang: str) -> Iterator[Node]:
    """Nodes of ``types`` in ``func``, not in the functions nested in it."""
    stack = list(reversed(func.named_children))
    while stack:
        node = stack.pop()
        if node.type in scope.FUNCTIONS[lang]:
            continue
        if node.type in types:
            yield node
        stack.extend(reversed(node.named_children))


def _enclosing_loop(node: Node, lang: str) -> Node | None:
    """The loop ``node`` is in, within its function (None past a JavaScript ``switch``, whose break is its own)."""
    cur = node.parent
    while cur is not None and cur.type not in scope.FUNCTIONS[lang]:
        if cur.type in LOOPS:
            return cur
        if cur.type == "switch_statement":
            return None
        cur = cur.parent
    return None


def _returns_nothing(stmt: Node) -> bool:
    """``pass``, ``return``, ``return None``, ``return null;``, ``return undefined;``."""
    if stmt.type == "pass_statement":
        return True
    if stmt.type != "return_statement":
        return False
    values = [c for c in stmt.named_children if c.type != "comment"]
    return not values or (len(values) == 1 and (values[0].type in ("none", "null", "undefined")
                                                or text(values[0]) == "undefined"))


def _is_docstring(stmt: Node) -> bool:
    return stmt.type == "expression_statement" and bool(stmt.named_children) \
        and stmt.named_children[0].type in ("string", "concatenated_string")


def function(edits: Edits, func: Node) -> None:
    if edits.py:
        mutable_default(edits, func)
    reraise_after_loop(edits, func)
    missing_return(edits, func)


# --- a mutable default argument ---------------------------------------------------------------------------
def _mutable(value: Node) -> bool:
    if value.type in MUTABLE_VALUES:
        return True
    fn = value.child_by_field_name("function") if value.type == "call" else None
    return fn is not None and text(fn).split(".")[-1] in MUTABLE_CALLS


def _uses(body: Node, name: str) -> list[int]:
    """The lines of ``body`` naming ``name``, in order."""
    out: set[int] = set()
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and text(node) == name:
            out.add(_line(node))
        stack.extend(node.named_children)
    return sorted(out)


def mutable_default(edits: Edits, func: Node) -> None:
    """``def f(self, name, groups=[])`` -> ``groups=None`` and ``if groups is None: groups = []`` first in the
    body (after its docstring): one edit from the default to that statement."""
    params, body = func.child_by_field_name("parameters"), func.child_by_field_name("body")
    stmts = _statements(body) if body is not None and body.type == "block" else []
    if params is None or not stmts:
        return
    ind = edits.indent(stmts[0])
    if ind is None:
        return  # the body on the def's line
    doc = _is_docstring(stmts[0])
    for param in params.named_children:
        name, value = param.child_by_field_name("name"), param.child_by_field_name("value")
        if param.type not in ("default_parameter", "typed_default_parameter") or name is None or value is None \
                or not _mutable(value):
            continue
        n, v = text(name), text(value)
        guard = f"if {n} is None:\n{ind}    {n} = {v}"
        if doc and len(stmts) == 1:
            end, tail = stmts[0].end_byte, f"\n{ind}{guard}"
        else:
            end, tail = stmts[1 if doc else 0].start_byte, f"{guard}\n{ind}"
        line = edits.within(func, *_uses(body, n), _line(func))
        if line is None:
            return
        middle = edits.data[value.end_byte:end].decode("utf-8", errors="replace")
        edits.span(value.start_byte, end, "mutable-default", "None" + middle + tail, line, before=f"{n}={v}",
                   after=f"{n}=None; if {n} is None: {n} = {v}")


# --- a caught exception dropped ---------------------------------------------------------------------------
def _alias(handler: Node, py: bool) -> str | None:
    """The name an ``except E as exc`` / ``catch (exc)`` binds."""
    if not py:
        param = handler.child_by_field_name("parameter")
        return text(param) if param is not None and param.type == "identifier" else None
    for child in handler.children:
        if child.type == "as_pattern":
            alias = child.child_by_field_name("alias")
            return text(alias).strip() if alias is not None else None
    seen_as = False
    for child in handler.children:
        if child.type == "as":
            seen_as = True
        elif seen_as and child.is_named:
            return text(child)
    return None


def _stored(handler: Node, alias: str, lang: str) -> str | None:
    """The variable the handler keeps the exception in (``last = exc``)."""
    for node in _descendants(handler, {"assignment", "assignment_expression"}, lang):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and text(right) == alias \
                and left.type in ("identifier", "attribute", "member_expression"):
            return text(left)
    return None


def _next_statement(node: Node) -> Node | None:
    sib = node.next_named_sibling
    while sib is not None and sib.type == "comment":
        sib = sib.next_named_sibling
    return sib


def reraise_after_loop(edits: Edits, func: Node) -> None:
    """A retry loop keeps the last error (``last = exc``) and then returns nothing: raise it instead."""
    body = func.child_by_field_name("body")
    word, end = ("raise", "") if edits.py else ("throw", ";")
    for handler in _descendants(func, {"except_clause", "catch_clause"}, edits.lang):
        alias = _alias(handler, edits.py)
        stored = _stored(handler, alias, edits.lang) if alias else None
        loop = _enclosing_loop(handler, edits.lang)
        if stored is None or loop is None:
            continue
        after = _next_statement(loop)
        new = f"{word} {stored}{end}"
        if after is not None and _returns_nothing(after):
            line = edits.within(func, _line(after), _line(handler))
            if line is not None:
                edits.replace(after, "reraise", new, line)
        elif after is None and loop.parent == body and (ind := edits.indent(loop)) is not None:
            line = edits.within(func, _line(handler))
            if line is not None:
                edits.span(loop.end_byte, loop.end_byte, "reraise", f"\n{ind}{new}", line,
                           before="(the end of the loop)", after=new)


def handler(edits: Edits, node: Node) -> None:
    """``except E: pass`` / ``return None`` -> ``raise``; a JavaScript ``catch (e)`` that swallows -> ``throw e``."""
    block = next((c for c in node.named_children if c.type in ("block", "statement_block")), None)
    if block is None:
        return
    stmts = _statements(block)
    if edits.py:
        if len(stmts) == 1 and _returns_nothing(stmts[0]):
            line = edits.within(node, _line(stmts[0]), _line(node))
            if line is not None:
                edits.replace(stmts[0], "reraise", "raise", line)
        return
    alias = _alias(node, False)
    if alias is None or any(s.type == "throw_statement" for s in stmts):
        return
    line = edits.within(node, *(_line(s) for s in stmts), _line(node))
    if line is None:
        return
    new = f"throw {alias};"
    if not stmts:
        edits.replace(block, "reraise", f"{{ {new} }}", line)
    elif _returns_nothing(stmts[-1]):
        edits.replace(stmts[-1], "reraise", new, line)
    elif stmts[-1].type != "return_statement" and (ind := edits.indent(stmts[-1])) is not None:
        last = stmts[-1]
        edits.span(last.end_byte, last.end_byte, "reraise", f"\n{ind}{new}", line, before=text(last),
                   after=f"{text(last)} {new}")


# --- a missing return of the last expression --------------------------------------------------------------
def _effect_call(expr: Node) -> bool:
    """A call made for its effect (``print(x)``, ``xs.append(x)``, ``console.log(x)``)."""
    if expr.type in ("await", "await_expression") and expr.named_children:
        expr = expr.named_children[0]
    if expr.type not in ("call", "call_expression"):
        return False
    fn = expr.child_by_field_name("function")
    if fn is None:
        return True
    prop = fn.child_by_field_name("attribute") or fn.child_by_field_name("property")
    name = text(prop if prop is not None else fn)
    return name in SIDE_EFFECTS or text(fn).startswith(("console.", "logging.", "logger.", "log.", "self.assert"))


def missing_return(edits: Edits, func: Node) -> None:
    """A function whose last statement is a bare expression (not an assignment, not an effect's call):
    ``return`` it."""
    body, name = func.child_by_field_name("body"), func.child_by_field_name("name")
    if body is None or body.type not in ("block", "statement_block") or "generator" in func.type:
        return
    if (name is not None and text(name) in NOT_RETURNING) or any(c.type == "set" for c in func.children):
        return
    if next(_descendants(func, {"yield", "yield_expression"}, edits.lang), None) is not None:
        return
    stmts = _statements(body)
    last = stmts[-1] if stmts else None
    if last is None or last.type != "expression_statement" or not last.named_children or _is_docstring(last):
        return
    expr = last.named_children[0]
    if expr.type in ASSIGNMENTS or expr.type in ("update_expression", "yield", "ellipsis") or _effect_call(expr):
        return
    if expr.type == "unary_expression" and text(expr).startswith(("delete", "void")):
        return
    line = edits.within(func, _line(last))
    if line is not None:
        edits.replace(last, "missing-return", f"return {text(last)}", line)


# --- a missing break --------------------------------------------------------------------------------------
def missing_break(edits: Edits, node: Node) -> None:
    """In a loop, an ``if`` whose block ends by assigning (``found = item``) and never leaves the loop: ``break``
    after the assignment (the first match kept, not the last)."""
    cons = node.child_by_field_name("consequence")
    if cons is None or _enclosing_loop(node, edits.lang) is None:
        return
    block = cons.type in ("block", "statement_block")
    stmts = _statements(cons) if block else [cons]
    if not stmts or any(s.type in JUMPS for s in stmts):
        return
    last = stmts[-1]
    if last.type != "expression_statement" or not last.named_children or last.named_children[0].type not in ASSIGNMENTS:
        return
    line = edits.within(node, _line(last), _line(node))
    if line is None:
        return
    word = "break" if edits.py else "break;"
    after = f"{text(last).rstrip(';')}; {word}"
    if not block and not edits.py:
        edits.replace(last, "missing-break", f"{{ {text(last)} {word} }}", line)
        return
    ind = edits.indent(last)
    new = f"\n{ind}{word}" if ind is not None else ("; break" if edits.py else " break;")
    edits.span(last.end_byte, last.end_byte, "missing-break", new, line, before=text(last), after=after)
