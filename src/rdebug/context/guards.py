"""What the trace's values say about a raise: the condition that sent the code there, evaluated.

pytest prints a frame's arguments, and its locals with ``-l``. When the failing line of a Python
frame is a ``raise`` directly under an ``if``/``elif``, and the names in that condition have plain
literal values in the trace, the condition is evaluated here (a small evaluator of literals,
comparisons, boolean and arithmetic operators and ``len``/``abs``/``min``/``max``; nothing of the
user's code runs). The fact ("line 14: `not 1 <= number < pages` is True with number = 3, pages = 3")
points the model at the check that decided to raise, which small models otherwise skip past.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

from rdebug.intake.model import Frame, Problem

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
        ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_UNARY = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos}
_CALLS = {"len": len, "abs": abs, "min": min, "max": max}


class _Unknown(Exception):
    """The condition uses something the trace has no plain value for."""


def _eval(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        raise _Unknown(node.id)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, env))
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        return _BIN[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, env) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, env)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_eval(e, env) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else set(items) if isinstance(node, ast.Set) else items
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS
            and node.func.id not in env and not node.keywords):
        return _CALLS[node.func.id](*(_eval(a, env) for a in node.args))
    raise _Unknown(type(node).__name__)


def _literal(text: str) -> Any:
    """A value as pytest printed it, if it is a whole literal (``...`` marks a shortened repr)."""
    if "..." in text:
        raise ValueError("shortened")
    return ast.literal_eval(text)


def _guard_of(tree: ast.AST, line: int) -> ast.If | None:
    """The ``if``/``elif`` whose block holds, directly, the ``raise`` on ``line``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and any(isinstance(s, ast.Raise) and s.lineno == line for s in node.body):
            return node
    return None


def guard_fact(source: str, path: str, line: int, values: list[tuple[str, str]]) -> str | None:
    """One sentence on the condition that led to the ``raise`` at ``path:line``, or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    guard = _guard_of(tree, line)
    if guard is None:
        return None
    names = sorted({n.id for n in ast.walk(guard.test) if isinstance(n, ast.Name)},
                   key=lambda n: [v[0] for v in values].index(n) if n in dict(values) else len(values))
    env: dict[str, Any] = {}
    for name, text in values:
        if name in names:
            try:
                env[name] = _literal(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                pass
    shown = [f"{n} = {dict(values)[n]}" for n in names if n in env]
    if not shown:
        return None
    condition = ast.get_source_segment(source, guard.test) or ast.unparse(guard.test)
    where = f"{path}:{line} raised under the condition on line {guard.lineno}: `{condition}`"
    try:
        result = _eval(guard.test, env)
    except (_Unknown, ArithmeticError, TypeError, ValueError, RecursionError):
        return f"{where}, with {', '.join(shown)}."
    if not result:  # the values changed after the check: saying so would mislead more than help
        return None
    return f"{where} is True with {', '.join(shown)}, so the raise ran."


def failing_frame(problem: Problem) -> Frame | None:
    """The innermost repository frame of a Python failure, if the trace printed its values."""
    frame = next((f for f in reversed(problem.frames) if f.in_repo), None)
    if frame is None or not frame.values or not frame.line or not frame.path.endswith(".py"):
        return None
    return frame
