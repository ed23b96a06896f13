"""The condition above a raise, evaluated with the values the trace printed (context/guards.py)."""

from __future__ import annotations

from pathlib import Path

from rdebug.context.build import build_context
from rdebug.context.guards import guard_fact
from rdebug.context.render import format_for_prompt
from rdebug.intake.parse import parse_failures
from rdebug.intake.pathmap import PathMapper

from ctxutil import write

TRACE = Path(__file__).resolve().parent.parent / "fixtures" / "traces" / "pytest" / "showlocals.txt"
PAGING = '''"""Split the invoice list into pages for the customer portal."""
import math


class PageOutOfRange(Exception):
    """A page number below 1 or past the last page."""


def page(rows: list, number: int, size: int = 10) -> list:
    """The rows on page `number` (1-based); the last page may be shorter than `size`."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    pages = math.ceil(len(rows) / size)
    if not 1 <= number < pages:
        raise PageOutOfRange(f"page {number} of {pages}")
    start = (number - 1) * size
    return rows[start:start + size]
'''


def test_the_condition_that_raised_is_evaluated():
    fact = guard_fact(PAGING, "paging.py", 15, [("rows", "['a', ...]"), ("number", "3"), ("pages", "3")])
    assert fact == ("paging.py:15 raised under the condition on line 14: `not 1 <= number < pages` is True "
                    "with number = 3, pages = 3, so the raise ran.")


def test_elif_calls_and_strings():
    src = ("def f(name, items):\n"
           "    if name == 'x':\n"
           "        return 1\n"
           "    elif len(items) > 2 and name not in ('a', 'b'):\n"
           "        raise KeyError(name)\n")
    fact = guard_fact(src, "f.py", 5, [("name", "'c'"), ("items", "[1, 2, 3]")])
    assert fact is not None and "`len(items) > 2 and name not in ('a', 'b')` is True" in fact
    assert "name = 'c', items = [1, 2, 3]" in fact


def test_unknown_or_shortened_values_name_the_condition_without_a_verdict():
    src = "def f(obj, n):\n    if obj.size > n:\n        raise ValueError(n)\n"
    fact = guard_fact(src, "f.py", 3, [("obj", "<Box object at 0x7f>"), ("n", "4")])
    assert fact == "f.py:3 raised under the condition on line 2: `obj.size > n`, with n = 4."
    # a list pytest shortened is not taken for the whole list
    src = "def f(rows):\n    if len(rows) < 3:\n        raise ValueError()\n"
    assert guard_fact(src, "f.py", 3, [("rows", "[1, 2, ...]")]) is None


def test_no_fact_without_a_guarded_raise_or_when_the_values_disagree():
    src = "def f(n):\n    if n > 1:\n        n += 1\n    raise ValueError(n)\n"
    assert guard_fact(src, "f.py", 4, [("n", "3")]) is None  # the raise is not under the if
    src = "def f(n):\n    if n > 1:\n        raise ValueError(n)\n"
    assert guard_fact(src, "f.py", 3, [("n", "0")]) is None  # n changed after the check
    assert guard_fact("def f(:\n", "f.py", 1, [("n", "0")]) is None
    assert guard_fact("def f(n):\n    if n / 0:\n        raise ValueError\n", "f.py", 3, [("n", "1")]) \
        == "f.py:3 raised under the condition on line 2: `n / 0`, with n = 1."


def test_the_fact_reaches_the_prompt(tmp_path):
    write(tmp_path, {"paging.py": PAGING, "tests/test_invoices.py": "from paging import page\n"})
    (problem,) = PathMapper(tmp_path).map(parse_failures(TRACE.read_text()))
    ctx = build_context(problem, tmp_path)
    assert ctx.facts == ["paging.py:15 raised under the condition on line 14: `not 1 <= number < pages` is "
                         "True with number = 3, pages = 3, so the raise ran."]
    prompt = format_for_prompt(ctx)
    assert "## What the values in the trace show\n- paging.py:15 raised" in prompt
    assert ctx.to_json()["facts"] == ctx.facts
