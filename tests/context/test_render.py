"""The prompt text and the Rich view of a packed context."""

from __future__ import annotations

from rich.console import Console

from rdebug.context.model import PackedContext, Snippet
from rdebug.context.render import format_for_prompt, format_snippet, render_context, trim_raw
from rdebug.intake.model import Frame, Problem


def ctx():
    p = Problem(kind="python", exception="KeyError", message="'x'", test_id="tests/test_a.py::test_a",
                frames=[Frame("app/a.py", 3, "f", True), Frame("/usr/lib/python3/json.py", 9, "g", external=True)],
                raw="Traceback (most recent call last):\nKeyError: 'x'\n")
    code = Snippet("app/a.py", 1, 4, "failing frame app/a.py:3: f()", "def f(d):\n    y = 1\n    return d['x']\n",
                   tokens=20, priority=100, marked_lines=[3], language="python")
    gap = Snippet("app/b.py", 1, 10, "module skeleton (signatures only)", "class B:\ndef h():", tokens=5,
                  priority=40, language="python", kind="skeleton", line_numbers=[1, 10])
    diff = Snippet("git:diff app/a.py", 0, 0, "uncommitted changes", "-    return d.get('x')\n+    return d['x']",
                   tokens=9, priority=70, kind="diff")
    return PackedContext(p, [code, diff, gap], 6000, 120, notes=["git: no commits yet"],
                         dropped=[Snippet("c.py", 1, 2, "definition of c()", "x", tokens=9000)])


def test_prompt_text_has_problem_and_marked_snippets():
    text = format_for_prompt(ctx())
    assert text.startswith("## Problem\n")
    assert "Exception: KeyError" in text and "Failing test: tests/test_a.py::test_a" in text
    assert "  app/a.py:3 in f" in text and "/usr/lib/python3/json.py:9 in g (external)" in text
    assert "### app/a.py (lines 1-4) — failing frame app/a.py:3: f()" in text
    assert "```python\n  1 | def f(d):\n  2 |     y = 1\n>>3 |     return d['x']\n" in text
    assert "### git:diff app/a.py — uncommitted changes\n```diff\n" in text
    assert "KeyError: 'x'" in text.split("## Code context")[0]


def test_gaps_in_line_numbers_are_shown():
    s = ctx().snippets[2]
    assert "    | ...\n" in format_snippet(s) and " 1 | class B:" in format_snippet(s)


def test_fence_grows_when_code_has_backticks():
    s = Snippet("README.md.py", 1, 1, "r", "x = '```'", language="python")
    assert "````python" in format_snippet(s)


def test_trim_raw_keeps_the_tail():
    raw = "\n".join(f"line {i}" for i in range(500))
    out = trim_raw(raw)
    assert out.startswith("[... earlier output trimmed ...]") and out.endswith("line 499")
    assert trim_raw("short\n") == "short"


def test_render_context_in_a_terminal():
    console = Console(width=100, record=True, color_system=None)
    console.print(render_context(ctx()))
    out = console.export_text()
    assert "KeyError: 'x'" in out and "app/a.py:1-4" in out and "120/6000" in out
    assert "note: git: no commits yet" in out and "dropped: definition of c()" in out
