"""Constant folding of the search's edits (issue 22 §3): an edit reads as a person would write it, never
``1 - 1`` (``0``), ``x + 0`` (``x``), ``n + 1 - 1`` or ``(n - 1) + 1`` (``n``). Works on the text of Python and
JavaScript expressions; only a trailing chain of ``± integer`` terms is folded, which keeps the meaning."""

from __future__ import annotations

import re

from tree_sitter import Node

_TAIL = re.compile(r"(?<![\w.])(\d+)\s*$")
_SIGN = re.compile(r"([+-])\s*$")
_OPERAND_END = re.compile(r"[\w)\]]$")  # not a string: JavaScript's `"v" + 1 + 1` is "v11"
_EXPONENT = re.compile(r"(?<![\w.])\d+(\.\d*)?[eE]$")
_NUMBER = re.compile(r"(-?\d+)|\((-\s*\d+)\)")  # `3`, `-1`, `(-1)`
_ADDITIVE = {"binary_operator", "binary_expression"}
# operators binding looser than + and - (or tokens that end an expression): a parenthesised group holding one
# at its top level keeps its parentheses
_LOOSE = re.compile(r"[<>=!,?:&|^;]|\b(and|or|not|in|is|if|else|lambda|await|yield|typeof|instanceof)\b")


def _split(expr: str) -> tuple[str, list[int]]:
    """``n + 1 - 2`` -> (``n``, [1, -2]): the expression without its trailing ``± integer`` terms."""
    base, terms = expr.strip(), []
    while True:
        num = _TAIL.search(base)
        if num is None:
            break
        head = base[: num.start()]
        sign = _SIGN.search(head)
        if sign is None:
            break
        rest = head[: sign.start()].rstrip()
        if not rest or not _OPERAND_END.search(rest) or _EXPONENT.search(rest):
            break  # a unary sign (`x * -1`), an exponent (`1e-5`)
        terms.insert(0, int(num.group(1)) * (1 if sign.group(1) == "+" else -1))
        base = rest
    return base, terms


def _wrapped(expr: str) -> bool:
    """Whether one pair of parentheses encloses all of ``expr``."""
    if not (expr.startswith("(") and expr.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(expr):
        depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
        if depth == 0 and i < len(expr) - 1:
            return False
    return True


def _top_level(expr: str) -> str:
    """``expr`` with everything inside brackets and strings blanked out."""
    out, depth, quote = [], 0, ""
    for ch in expr:
        if quote:
            quote = "" if ch == quote else quote
            out.append(" ")
        elif ch in "\"'`":
            quote = ch
            out.append(" ")
        else:
            depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
            out.append(ch if depth == 0 and ch not in ")]}" else " ")
    return "".join(out)


def fold_text(expr: str) -> str:
    """``expr`` with its trailing ``± integer`` terms summed: ``1 - 1`` -> ``0``, ``x + 0`` -> ``x``,
    ``(n - 1) + 1`` -> ``n``, ``(i + 1)`` -> ``(i + 1)``; anything else unchanged."""
    s = expr.strip()
    outer = _wrapped(s)
    inner = s[1:-1].strip() if outer else s
    base, terms = _split(inner)
    if _wrapped(base) and not _LOOSE.search(_top_level(base[1:-1])):
        deeper, more = _split(base[1:-1])
        if more:
            base, terms = deeper, more + terms
    number = _NUMBER.fullmatch(base)
    if not terms or (len(terms) == 1 and terms[0] and not number):
        return expr  # nothing to fold: `n - 1`
    net = sum(terms)
    if number:
        result = str(int((number.group(1) or number.group(2)).replace(" ", "")) + net)
    elif net == 0:
        result = base
    else:
        result = f"{base} {'+' if net > 0 else '-'} {abs(net)}"
    if outer and " " in _top_level(result).strip():
        result = f"({result})"
    return result


def _is_additive(node: Node | None) -> bool:
    if node is None or node.type not in _ADDITIVE:
        return False
    op = node.child_by_field_name("operator")
    return op is not None and op.type in ("+", "-")


def _splice(parent: Node, child: Node, new: str) -> str:
    data = parent.text or b""
    start, end = child.start_byte - parent.start_byte, child.end_byte - parent.start_byte
    return (data[:start] + new.encode("utf-8") + data[end:]).decode("utf-8", errors="replace")


def fold_edit(node: Node, replacement: str) -> tuple[Node, str]:
    """The edit "``node`` -> ``replacement``" folded: the replacement's own constants summed, and where the node
    is an operand of ``± integer`` (``n`` in ``n + 1`` becoming ``(n - 1)``), the enclosing sum folded instead,
    the edit widened to it."""
    cur, new = node, fold_text(replacement)
    while _is_additive(cur.parent):
        parent = cur.parent
        spliced = _splice(parent, cur, new)
        folded = fold_text(spliced)
        if folded == spliced:
            break
        cur, new = parent, folded
    return cur, new
