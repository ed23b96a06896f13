"""The code under test is in the context when the test names it without calling it (issue 12, item 7).

Each repository keeps the module under test in its own file; the test passes the function to a helper, to
assertRaises, to a parametrize list, gets it from a fixture, imports it with `*` or through a package, or
only pytest's `where` line names it.
"""

from __future__ import annotations

from ctxutil import write

from rdebug.context.build import build_context
from rdebug.context.files import FileReader
from rdebug.context.references import Resolver, where_names
from rdebug.context.symbols import TagsIndex
from rdebug.intake.model import Frame, Problem


def _problem(test_file: str, line: int, test_id: str, *, helper_line: int | None = None, message: str = "assert 0",
             raw: str = "") -> Problem:
    frames = [Frame(test_file, line, test_id.split("::")[-1], True)]
    if helper_line is not None:
        frames.append(Frame(test_file, helper_line, None, True))
    return Problem(kind="pytest", exception="AssertionError", message=message, frames=frames, test_id=test_id,
                   raw=raw or message)


def _has(ctx, path: str, text: str) -> bool:
    return any(s.path == path and text in s.text for s in ctx.snippets)


def _reason(ctx, path: str) -> str:
    return "; ".join(s.reason for s in ctx.snippets if s.path == path)


def test_function_passed_to_a_helper_with_star_import(tmp_path):
    write(tmp_path, {
        "solution.py": "def sum_list(xs):\n    total = 0\n    for x in xs[1:]:\n        total += x\n    return total\n",
        "test_solution.py": "from solution import *\n\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n\n\n"
                            "def test_check():\n    check(sum_list)\n",
    })
    ctx = build_context(_problem("test_solution.py", 9, "test_solution.py::test_check", helper_line=5), tmp_path)
    assert _has(ctx, "solution.py", "def sum_list(xs):")
    assert "definition of sum_list() referenced from test_check()" in _reason(ctx, "solution.py")


def test_assert_raises_with_from_package_import(tmp_path):
    write(tmp_path, {
        "textparse/__init__.py": "from .core import parse\n",
        "textparse/core.py": "def parse(text):\n    try:\n        return int(text)\n    except ValueError:\n        return 0\n",
        "tests/test_parse.py": "import unittest\n\nfrom textparse import parse\n\n\nclass ParseTest(unittest.TestCase):\n"
                               "    def test_bad(self):\n        self.assertRaises(ValueError, parse, 'x')\n",
    })
    p = _problem("tests/test_parse.py", 8, "tests/test_parse.py::ParseTest::test_bad", message="AssertionError: "
                 "ValueError not raised by parse")
    ctx = build_context(p, tmp_path)
    assert _has(ctx, "textparse/core.py", "def parse(text):")


def test_parametrize_list_of_functions(tmp_path):
    write(tmp_path, {
        "shapes.py": "def area_square(x):\n    return x * 2\n\n\ndef area_circle(r):\n    return 3.14159 * r * r\n",
        "test_shapes.py": "import pytest\n\nfrom shapes import area_square, area_circle\n\n\n"
                          "@pytest.mark.parametrize('fn,x,exp', [(area_square, 3, 9), (area_circle, 1, 3.14159)])\n"
                          "def test_area(fn, x, exp):\n    assert abs(fn(x) - exp) < 1e-3\n",
    })
    ctx = build_context(_problem("test_shapes.py", 8, "test_shapes.py::test_area[area_square-3-9]"), tmp_path)
    assert _has(ctx, "shapes.py", "def area_square(x):") and _has(ctx, "shapes.py", "def area_circle(r):")


def test_fixture_in_conftest_returns_the_object_under_test(tmp_path):
    write(tmp_path, {
        "stack.py": "class Stack:\n    def __init__(self):\n        self.items = [None]\n\n"
                    "    def __len__(self):\n        return len(self.items)\n",
        "tests/conftest.py": "import pytest\n\nfrom stack import Stack\n\n\n@pytest.fixture\ndef stack():\n"
                             "    return Stack()\n",
        "tests/test_stack.py": "def test_empty(stack, tmp_path):\n    assert len(stack) == 0\n",
    })
    ctx = build_context(_problem("tests/test_stack.py", 2, "tests/test_stack.py::test_empty"), tmp_path)
    assert _has(ctx, "tests/conftest.py", "def stack():")
    assert "fixture used by test_empty()" in _reason(ctx, "tests/conftest.py")
    assert _has(ctx, "stack.py", "class Stack:")


def test_fixture_in_the_test_file(tmp_path):
    write(tmp_path, {
        "cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n\n\ndef make_cart():\n"
                   "    return Cart()\n",
        "test_cart.py": "import pytest\nfrom cart import make_cart\n\n\n@pytest.fixture\ndef cart():\n"
                        "    return make_cart()\n\n\ndef test_empty(cart):\n    assert cart.items == [1]\n",
    })
    ctx = build_context(_problem("test_cart.py", 11, "test_cart.py::test_empty"), tmp_path)
    assert _has(ctx, "test_cart.py", "def cart():") and _has(ctx, "cart.py", "def make_cart():")
    assert _has(ctx, "cart.py", "class Cart:")  # what the code under test calls, one level down


def test_star_import_respects_dunder_all(tmp_path):
    write(tmp_path, {
        "mathx.py": "__all__ = ['double']\n\n\ndef double(x):\n    return x + x + 1\n\n\ndef hidden(x):\n    return x\n",
        "test_mathx.py": "from mathx import *\n\n\ndef test_all():\n    assert list(map(double, [1, 2])) == [2, 4]\n"
                         "    assert hidden\n",
    })
    ctx = build_context(_problem("test_mathx.py", 5, "test_mathx.py::test_all"), tmp_path)
    assert _has(ctx, "mathx.py", "def double(x):")
    assert not _has(ctx, "mathx.py", "def hidden(x):")  # not exported by __all__
    res = Resolver(TagsIndex.for_root(tmp_path), FileReader(tmp_path))
    assert res.star_names("mathx.py") == {"double"}


def test_star_import_without_dunder_all_skips_private_names(tmp_path):
    write(tmp_path, {"m.py": "import os\n\n\ndef pub():\n    pass\n\n\ndef _priv():\n    pass\n\n\nclass K:\n"
                             "    def meth(self):\n        pass\n"})
    res = Resolver(TagsIndex.for_root(tmp_path), FileReader(tmp_path))
    assert res.star_names("m.py") == {"pub", "K"}


def test_module_alias_attribute_passed_to_a_helper(tmp_path):
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/ops.py": "def clamp(x, lo, hi):\n    return max(lo, x)\n",
        "tests/test_ops.py": "import pkg.ops as ops\n\n\ndef check(fn):\n    assert fn(5, 0, 3) == 3\n\n\n"
                             "def test_clamp():\n    check(ops.clamp)\n",
    })
    ctx = build_context(_problem("tests/test_ops.py", 9, "tests/test_ops.py::test_clamp", helper_line=5), tmp_path)
    assert _has(ctx, "pkg/ops.py", "def clamp(x, lo, hi):")


def test_pytest_where_line_names_the_function(tmp_path):
    write(tmp_path, {
        "stats.py": "def lookup(name):\n    return globals()[name]\n\n\ndef median(xs):\n    xs = sorted(xs)\n"
                    "    return xs[len(xs) // 2]\n",
        "test_stats.py": "from stats import lookup\n\n\ndef test_median():\n    assert lookup('median')([1, 2]) == 1.5\n",
    })
    message = ("assert 2 == 1.5\n +  where 2 = <function median at 0x7f02ef5804a0>([1, 2])\n"
               " +    where <function median at 0x7f02ef5804a0> = lookup('median')")
    ctx = build_context(_problem("test_stats.py", 5, "test_stats.py::test_median", message=message), tmp_path)
    assert _has(ctx, "stats.py", "def median(xs):")
    assert "definition of median() named in the assertion" in _reason(ctx, "stats.py")


def test_where_names():
    strong, every = where_names("E  assert [[1]] == 7\nE   +  where [[1]] = list(<filter object at 0x7f>)\n"
                                "E   +    where <filter object at 0x7f> = filter(median, [[1]])\n"
                                "E   +  and   3 = <bound method Stack.size of <s.Stack object at 0x1>>()\n"
                                "E   +  where 'x' = name('a b')")
    assert {"list", "filter", "Stack", "size", "name"} <= set(strong) and "median" not in strong
    assert "median" in every and "a" not in every and "b" not in every


def test_context_without_code_under_test_gets_the_imported_module(tmp_path):
    write(tmp_path, {
        "solution.py": "def sum_list(xs):\n    return sum(xs[1:])\n",
        "test_solution.py": "import solution\n\n\ndef test_dynamic():\n    fn = getattr(solution, 'sum_' + 'list')\n"
                            "    assert fn([1, 2]) == 3\n",
    })
    ctx = build_context(_problem("test_solution.py", 6, "test_solution.py::test_dynamic"), tmp_path)
    assert _has(ctx, "solution.py", "def sum_list(xs):")
    assert "module imported by test_solution.py" in _reason(ctx, "solution.py")


def test_local_names_are_not_followed(tmp_path):
    write(tmp_path, {
        "solution.py": "def value():\n    return 1\n",
        "test_solution.py": "from solution import value\n\n\ndef check(value):\n    assert value == 2\n\n\n"
                            "def test_v():\n    check(3)\n",
    })
    ctx = build_context(_problem("test_solution.py", 9, "test_solution.py::test_v", helper_line=5), tmp_path)
    assert "referenced from" not in _reason(ctx, "solution.py")


def test_rust_function_passed_to_a_helper(tmp_path):
    lib = ("pub fn median(xs: &[i32]) -> i32 {\n    xs[0]\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
           "    fn check(f: fn(&[i32]) -> i32) {\n        assert_eq!(f(&[3, 1, 2]), 2);\n    }\n\n"
           "    #[test]\n    fn median_odd() {\n        check(median);\n    }\n}\n")
    write(tmp_path, {"src/lib.rs": lib})
    p = Problem(kind="rust", exception="panic", message="assertion `left == right` failed",
                frames=[Frame("src/lib.rs", 10, None, True)], test_id="tests::median_odd")
    ctx = build_context(p, tmp_path)
    assert _has(ctx, "src/lib.rs", "pub fn median")


def test_javascript_function_passed_to_a_helper(tmp_path):
    write(tmp_path, {
        "src/parse.js": "export function parseNum(s) {\n  return Number(s) || 0;\n}\n",
        "test/parse.test.js": "import { parseNum } from '../src/parse';\n\nfunction check(fn) {\n"
                              "  expect(fn('x')).toBeNaN();\n}\n\ntest('rejects words', () => {\n  check(parseNum);\n});\n",
    })
    p = Problem(kind="jest", message="expect(received).toBeNaN()", test_id="rejects words",
                frames=[Frame("test/parse.test.js", 4, "check", True), Frame("test/parse.test.js", 8, None, True)])
    ctx = build_context(p, tmp_path)
    assert _has(ctx, "src/parse.js", "export function parseNum(s)")
