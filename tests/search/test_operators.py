"""Each edit kind of the mutation search on a tiny Python and JavaScript fixture."""

from __future__ import annotations

import pytest

from rdebug.search.mutation import OPERATOR_KINDS
from rdebug.search.operators import mutations


def _edits(path: str, src: str, lines: set[int] | None = None) -> set[tuple[str, str]]:
    lines = lines or set(range(1, src.count("\n") + 2))
    return {(m.kind, m.apply(src.encode()).decode()) for m in mutations(path, src, lines)}


def _found(path: str, src: str, kind: str, fragment: str) -> bool:
    return any(k == kind and fragment in new for k, new in _edits(path, src))


PY = [
    ("comparison", "def f(a, b):\n    return a < b\n", "return a <= b"),
    ("comparison", "def f(x):\n    return x is None\n", "return x == None"),
    ("arithmetic", "def f(p, q):\n    return p + q\n", "return p - q"),
    ("arithmetic", "def f(p, q):\n    return p // q\n", "return p / q"),
    ("arithmetic", "def f(t, x):\n    t += x\n    return t\n", "t -= x"),
    ("boolean", "def f(a, b):\n    return a and b\n", "return a or b"),
    ("boolean", "def f(d):\n    d.popitem(last=True)\n", "last=False"),
    ("negation", "def f(ok):\n    if not ok:\n        return 1\n", "if ok:"),
    ("negation", "def f(ok):\n    if ok:\n        return 1\n", "if not ok:"),
    ("off-by-one", "def f(s, n):\n    return s[1:n]\n", "s[1:n + 1]"),
    ("off-by-one", "def f(n):\n    return list(range(n - 1))\n", "range(n)"),
    ("off-by-one", "def f(number, per_page):\n    start = number * per_page\n    return start\n",
     "start = (number - 1) * per_page"),
    ("drop-term", "def f(xs, size):\n    return list(range(0, len(xs) - size, size))\n",
     "range(0, len(xs), size)"),
    ("constant", "def f(x):\n    return x * 100\n", "return x * 1\n"),
    ("constant", "def f(x):\n    return x * 0\n", "return x * 1\n"),
    ("constant", "def f(x):\n    return x * 100\n", "return x * 10000\n"),
    ("ceil-division", "def f(a, b):\n    return a // b\n", "return -(-a // b)"),
    ("swap-args", "def f(a, b):\n    return g(a, b)\n", "return g(b, a)"),
    ("variable", "def f(values, weights):\n    total = 0\n    for value, weight in zip(values, weights):\n"
                 "        total += value\n    return total\n", "total += weight"),
    ("return", "def clamp(value, low, high):\n    if value < low:\n        return low\n    return low\n",
     "    return value\n"),
    ("receiver", "class Limiter:\n    def __init__(self):\n        self.count = 0\n\n    def reset(self):\n"
                 "        count = 0\n", "        self.count = 0\n"),
]

JS = [
    ("comparison", "function f(a, b) {\n  return a < b;\n}\n", "return a <= b;"),
    ("strict-equality", "function f(a, b) {\n  return a == b;\n}\n", "return a === b;"),
    ("arithmetic", "function f(a, b) {\n  return a + b;\n}\n", "return a - b;"),
    ("boolean", "function f(a, b) {\n  return a && b;\n}\n", "return a || b;"),
    ("boolean", "function f() {\n  return g(true);\n}\n", "g(false)"),
    ("negation", "function f(ok) {\n  if (!ok) return 1;\n}\n", "if (ok)"),
    ("off-by-one", "function f(items, n) {\n  for (let i = 0; i < items.length - 1; i += n) {}\n}\n",
     "i < items.length;"),
    ("off-by-one", "function f(xs, i) {\n  return xs[i];\n}\n", "xs[i + 1]"),
    ("constant", "function f(ms) {\n  return ms / 1000;\n}\n", "ms / 1;"),
    ("ceil-division", "function f(a, b) {\n  return Math.floor(a / b);\n}\n", "Math.ceil(a / b)"),
    ("swap-args", "function f(a, b) {\n  return g(a, b);\n}\n", "g(b, a)"),
    ("variable", "function f(a, b) {\n  const c = a * 2;\n  return c + a;\n}\n", "return c + b;"),
    ("return", "function f(xs) {\n  return xs.reduce((acc, expense) => {\n    acc += expense;\n"
               "    return expense;\n  }, 0);\n}\n", "    return acc;\n"),
    ("receiver", "class C {\n  constructor() { this.count = 0; }\n  reset() {\n    count = 0;\n  }\n}\n",
     "    this.count = 0;\n"),
    ("numeric-sort", "function top(xs) {\n  return [...xs].sort().reverse();\n}\n", ".sort((a, b) => a - b)"),
]


@pytest.mark.parametrize("kind,src,fragment", PY, ids=[f"{k}-{i}" for i, (k, _s, _f) in enumerate(PY)])
def test_python_edit_kinds(kind: str, src: str, fragment: str) -> None:
    assert _found("m.py", src, kind, fragment), sorted(_edits("m.py", src))


@pytest.mark.parametrize("kind,src,fragment", JS, ids=[f"{k}-{i}" for i, (k, _s, _f) in enumerate(JS)])
def test_javascript_edit_kinds(kind: str, src: str, fragment: str) -> None:
    assert _found("m.js", src, kind, fragment), sorted(_edits("m.js", src))


def test_every_kind_is_covered_by_a_fixture() -> None:
    assert {k for k, _s, _f in PY + JS} == set(OPERATOR_KINDS)  # the templates: tests/search/test_templates.py


def test_only_the_given_lines_are_mutated() -> None:
    src = "def f(a, b):\n    x = a < b\n    y = a > b\n    return x, y\n"
    assert {m.line for m in mutations("m.py", src, {3})} == {3}


def test_the_label_names_the_edit_and_the_place() -> None:
    m = next(m for m in mutations("paging.py", "def f(a, b):\n    return a < b\n", {2}) if m.after == "<=")
    assert m.label == "`<` → `<=` in paging.py:2"


def test_unknown_languages_give_no_edits() -> None:
    assert mutations("notes.txt", "a < b\n", {1}) == []
