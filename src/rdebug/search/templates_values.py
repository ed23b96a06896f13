"""Fix templates on how a value is used, at the suspicious lines: a JavaScript array of promises used as an array
of values (``const xs = ids.map((id) => load(id))`` in an ``async`` function, then ``xs.filter(...)``) awaited
with ``Promise.all``."""

from __future__ import annotations

from typing import Any, Collection

from tree_sitter import Node

from rdebug.search import scope
from rdebug.search.scope import text

# the ``rdebug.search.templates.Edits`` of one file (not imported here: templates imports this module)
Edits = Any

# what reads an array's elements as values: a promise's ``.active`` is undefined, ``.filter`` keeps them all
ARRAY_READS = {"filter", "map", "find", "findIndex", "some", "every", "reduce", "forEach", "flatMap", "sort",
               "includes", "indexOf", "join", "length"}
CALLBACKS = {"arrow_function", "function_expression", "function"}


def _is_async(func: Node) -> bool:
    return any(c.type == "async" for c in func.children)


def _calls(body: Node, plain: Collection[str], sync_objects: Collection[str]) -> bool:
    """A callback's result is a call that may return a promise (``fetchProfile(id)``, ``db.get(id)``; not
    ``String(x)``, ``x.trim()``, ``Math.round(x)``): its expression body, or a ``return`` of its block."""
    if body.type == "statement_block":
        returns = [s.named_children[0] for s in body.named_children
                   if s.type == "return_statement" and s.named_children]
        return any(_calls(r, plain, sync_objects) for r in returns)
    while body.type == "parenthesized_expression" and body.named_children:
        body = body.named_children[0]
    if body.type == "new_expression":
        return text(body.child_by_field_name("constructor") or body) == "Promise"
    if body.type != "call_expression":
        return False
    return _may_be_async(body.child_by_field_name("function"), plain, sync_objects)


def _may_be_async(fn: Node | None, plain: Collection[str], sync_objects: Collection[str]) -> bool:
    """A function reference (``load``, ``this.store.get``) that is not a known synchronous one."""
    if fn is None or fn.type not in ("identifier", "member_expression"):
        return False
    prop = fn.child_by_field_name("property")
    obj = fn.child_by_field_name("object")
    name = text(prop if prop is not None else fn)
    return name not in plain and (obj is None or text(obj).split(".")[0] not in sync_objects)


def _promises(callback: Node, plain: Collection[str], sync_objects: Collection[str]) -> bool:
    """The mapped callback makes promises: it is async, or it returns a call (or is a function's name)."""
    if callback.type in CALLBACKS:
        body = callback.child_by_field_name("body")
        return _is_async(callback) or (body is not None and _calls(body, plain, sync_objects))
    return _may_be_async(callback, plain, sync_objects)


def _read_as_values(func: Node, name: str, after: int) -> bool:
    """``name`` is read as an array of values after byte ``after`` of ``func``: ``name.filter(...)``,
    ``name.length``, ``name[0]``, ``for (const x of name)``."""
    stack = [func]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type != "identifier" or text(node) != name or node.start_byte < after:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            prop = parent.child_by_field_name("property")
            if prop is not None and text(prop) in ARRAY_READS:
                return True
        elif parent.type == "subscript_expression" and parent.child_by_field_name("object") == node:
            return True
        elif parent.type == "for_in_statement" and parent.child_by_field_name("right") == node \
                and any(c.type == "of" for c in parent.children):
            return True
    return False


def promise_all(edits: Edits, node: Node, plain: Collection[str], sync_objects: Collection[str]) -> None:
    """``const xs = ids.map((id) => load(id))`` in an async function, ``xs`` then read as values ->
    ``const xs = await Promise.all(ids.map((id) => load(id)))``."""
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or value is None or name.type != "identifier" or value.type != "call_expression":
        return
    fn, args = value.child_by_field_name("function"), value.child_by_field_name("arguments")
    prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
    if prop is None or text(prop) != "map" or args is None:
        return
    given = [a for a in args.named_children if a.type != "comment"]
    func = scope.enclosing(node, scope.FUNCTIONS["javascript"])
    if not given or func is None or not _is_async(func) or not _promises(given[0], plain, sync_objects):
        return
    if not _read_as_values(func, text(name), node.end_byte):
        return
    new = f"await Promise.all({text(value)})"
    edits.replace(value, "promise-all", new, before=f"{text(name)} = {text(value)}", after=f"{text(name)} = {new}")

