"""What the failing code reads without calling it (issue 22 §1): a ``@property`` read as ``self.pages``, a JavaScript
``get pages()``, the ``__eq__`` of a class the failing assertion compares, the ``__len__``/``__iter__`` of a class the
frame measures and iterates. Each is in the packed context with a callee's reason and among the suspicious lines
(below the frames' functions), and the search fixes a bug that lives in a property."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rdebug.cli import main
from rdebug.context import build as build_module
from rdebug.context.build import build_context
from rdebug.context.reads import read_definitions
from rdebug.intake.model import Frame, Problem
from rdebug.search.suspicious import CALLEE, FRAME_FUNCTION, suspicious_lines

PAGING = """class Paginator:
    def __init__(self, items, per_page):
        self.items = list(items)
        self.per_page = per_page

    @property
    def pages(self):
        return len(self.items) // self.per_page

    def page(self, number):
        if number > self.pages:
            raise IndexError(number)
        return self.items[(number - 1) * self.per_page:][:self.per_page]
"""
CATALOG = """from paging import Paginator

PAGER = Paginator([f"item-{i}" for i in range(25)], 10)


def listing(number):
    return PAGER.page(number)
"""
CATALOG_TEST = """import pytest

from catalog import listing


def test_first_page():
    assert listing(1)[0] == "item-0"


def test_last_page():
    assert listing(3) == ["item-20", "item-21", "item-22", "item-23", "item-24"]


def test_no_page_after_the_last():
    with pytest.raises(IndexError):
        listing(4)
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _problem(frames: list[tuple[str, int, str]], test_id: str, exception: str = "AssertionError",
             message: str = "assert 0", kind: str = "pytest") -> Problem:
    return Problem(kind=kind, exception=exception, message=message, test_id=test_id, raw=message,
                   frames=[Frame(path, line, fn, True) for path, line, fn in frames])


def _pages_problem() -> Problem:
    return _problem([("tests/test_catalog.py", 11, "test_last_page"), ("catalog.py", 7, "listing"),
                     ("paging.py", 12, "page")], "tests/test_catalog.py::test_last_page", "IndexError", "3")


def _scores(problem, ctx, path: str) -> dict[int, tuple[float, str]]:
    return {s.line: (s.score, s.why) for s in suspicious_lines(problem, ctx) if s.path == path}


def test_a_property_the_failing_method_reads_is_in_the_context_and_suspicious(tmp_path):
    root = _write(tmp_path, {"paging.py": PAGING, "catalog.py": CATALOG, "tests/test_catalog.py": CATALOG_TEST})
    problem = _pages_problem()
    ctx = build_context(problem, root)
    snips = [s for s in ctx.snippets if s.path == "paging.py" and "return len(self.items) // self.per_page" in s.text]
    assert snips and "definition of property Paginator.pages read by Paginator.page()" in snips[0].reason
    scores = _scores(problem, ctx, "paging.py")
    assert scores[8][0] <= CALLEE and scores[8][1] == "called by the failing code"
    assert scores[11][0] == FRAME_FUNCTION > scores[8][0]  # the frame's own function first
    assert scores[12][0] > FRAME_FUNCTION  # the failing line itself above all


def test_without_following_reads_the_property_is_missing(tmp_path, monkeypatch):
    """The problem the issue reports: reading `self.pages` runs the property, but only calls were followed."""
    root = _write(tmp_path, {"paging.py": PAGING, "catalog.py": CATALOG, "tests/test_catalog.py": CATALOG_TEST})
    monkeypatch.setattr(build_module, "read_definitions", lambda *a, **k: [])
    ctx = build_context(_pages_problem(), root)
    assert not any("// self.per_page" in s.text for s in ctx.snippets)
    assert 8 not in _scores(_pages_problem(), ctx, "paging.py")


def test_a_cached_property_the_test_reads_from_an_imported_module(tmp_path):
    root = _write(tmp_path, {
        "stock/__init__.py": "from .shelf import Shelf\n",
        "stock/shelf.py": "import functools\n\n\nclass Shelf:\n    def __init__(self, boxes):\n"
                          "        self.boxes = boxes\n\n    @functools.cached_property\n    def total(self):\n"
                          "        return sum(self.boxes[1:])\n",
        "stock/make.py": "from stock.shelf import Shelf\n\n\ndef shelf_of(*boxes):\n    return Shelf(list(boxes))\n",
        "tests/test_shelf.py": "from stock.make import shelf_of\n\n\ndef test_total():\n    s = shelf_of(1, 2)\n"
                               "    assert s.total == 3\n",
    })
    problem = _problem([("tests/test_shelf.py", 6, "test_total")], "tests/test_shelf.py::test_total")
    found = {r.name: r for r in read_definitions(problem, root, problem.frames, files=["stock/make.py"])}
    assert found["Shelf.total"].reason == "definition of property Shelf.total read on the failing line of test_total()"
    assert (found["Shelf.total"].start_line, found["Shelf.total"].end_line) == (8, 10)  # the decorator too
    ctx = build_context(problem, root)
    assert any(s.path == "stock/shelf.py" and "sum(self.boxes[1:])" in s.text for s in ctx.snippets)
    assert _scores(problem, ctx, "stock/shelf.py")[10][1] == "called by the failing code"


def test_a_property_read_away_from_the_failing_line_ranks_after_what_the_test_calls(tmp_path):
    """The test calls paginate() and fails on `page.items`; the `has_next` it reads on the next line is context, but
    the called function comes first (bench case 01)."""
    root = _write(tmp_path, {
        "paging.py": "class Page:\n    def __init__(self, items, number, pages):\n        self.items = items\n"
                     "        self.number = number\n        self.pages = pages\n\n    @property\n"
                     "    def has_next(self):\n        return self.number < self.pages\n\n\n"
                     "def paginate(items, number, per_page=2):\n    start = number * per_page\n"
                     "    return Page(items[start:start + per_page], number, 3)\n",
        "tests/test_paging.py": "from paging import paginate\n\n\ndef test_first():\n"
                                "    page = paginate([1, 2, 3], 1)\n    assert page.items == [1, 2]\n"
                                "    assert page.has_next\n",
    })
    problem = _problem([("tests/test_paging.py", 6, "test_first")], "tests/test_paging.py::test_first")
    ctx = build_context(problem, root)
    order = [s.reason for s in ctx.snippets if s.path == "paging.py"]
    assert order[0].startswith("definition of paginate() called from test_first()")
    assert "definition of property Page.has_next read by test_first()" in order[1]


def test_a_property_name_two_classes_share_needs_the_class(tmp_path):
    shapes = ("class Square:\n    def __init__(self, s):\n        self.s = s\n\n    @property\n    def area(self):\n"
              "        return self.s * 2\n\n\nclass Circle:\n    def __init__(self, r):\n        self.r = r\n\n"
              "    @property\n    def area(self):\n        return 3 * self.r * self.r\n")
    root = _write(tmp_path, {"shapes.py": shapes,
                             "test_a.py": "from shapes import Square\n\n\ndef test_a():\n    x = Square(3)\n"
                                          "    assert x.area == 9\n",
                             "test_b.py": "import shapes\n\n\ndef test_b(thing):\n    assert thing.area == 9\n"})
    a = _problem([("test_a.py", 6, "test_a")], "test_a.py::test_a")
    assert [r.name for r in read_definitions(a, root, a.frames) if "area" in r.name] == ["Square.area"]
    b = _problem([("test_b.py", 5, "test_b")], "test_b.py::test_b")
    assert not [r for r in read_definitions(b, root, b.frames) if "area" in r.name]  # which class: unknown


def test_a_javascript_getter_read_through_this(tmp_path):
    root = _write(tmp_path, {
        "src/paginator.js": "class Paginator {\n  constructor(items, perPage) {\n    this.items = items;\n"
                            "    this.perPage = perPage;\n  }\n\n  get pages() {\n"
                            "    return Math.floor(this.items.length / this.perPage);\n  }\n\n"
                            "  set pages(value) {\n    throw new Error('read only');\n  }\n\n"
                            "  page(n) {\n    if (n > this.pages) throw new RangeError(`page ${n}`);\n"
                            "    return this.items.slice((n - 1) * this.perPage, n * this.perPage);\n  }\n}\n\n"
                            "module.exports = { Paginator };\n",
        "test/paginator.test.js": "const { Paginator } = require('../src/paginator');\n\n"
                                  "test('last page', () => {\n  const p = new Paginator([1, 2, 3], 2);\n"
                                  "  expect(p.page(2)).toEqual([3]);\n});\n",
    })
    problem = _problem([("test/paginator.test.js", 5, None), ("src/paginator.js", 16, "page")],
                       "test/paginator.test.js::last page", "RangeError", "page 2", kind="jest")
    found = read_definitions(problem, root, problem.frames[::-1])
    assert [(r.name, r.start_line) for r in found] == [("Paginator.pages", 7)]  # the getter, not the setter
    assert found[0].reason == "definition of getter Paginator.pages read on the failing line of Paginator.page()"
    ctx = build_context(problem, root)
    assert any("Math.floor(this.items.length / this.perPage)" in s.text for s in ctx.snippets)
    assert _scores(problem, ctx, "src/paginator.js")[8][1] == "called by the failing code"


ROWS = """class Row:
    def __init__(self, name, qty):
        self.name = name
        self.qty = qty

    def __eq__(self, other):
        return isinstance(other, Row) and self.name == other.name

    def __repr__(self):
        return f"Row({self.name!r}, {self.qty!r})"


def parse(text):
    return [Row(*line.split(",")) for line in text.splitlines()]
"""


def test_eq_of_the_class_the_failing_assertion_compares(tmp_path):
    root = _write(tmp_path, {"rows.py": ROWS,
                             "tests/test_rows.py": "from rows import Row, parse\n\n\ndef test_parse():\n"
                                                   "    assert parse('a,1') != [Row('a', '2')]\n"})
    problem = _problem([("tests/test_rows.py", 5, "test_parse")], "tests/test_rows.py::test_parse",
                       message="assert [Row('a', '1')] != [Row('a', '2')]")
    found = {r.name: r for r in read_definitions(problem, root, problem.frames)}
    assert found["Row.__eq__"].reason == "definition of Row.__eq__ (Row compared by the failing assertion)"
    assert found["Row.__eq__"].priority > found["Row.__repr__"].priority  # compared, not shown
    ctx = build_context(problem, root)
    assert any("self.name == other.name" in s.text and "Row.__eq__" in s.reason for s in ctx.snippets)
    score, why = _scores(problem, ctx, "rows.py")[7]
    assert CALLEE - 0.1 < score <= CALLEE and why == "called by the failing code"


def test_len_and_iter_of_a_class_the_failing_function_measures(tmp_path):
    root = _write(tmp_path, {
        "basket.py": "class Basket:\n    def __init__(self, prices):\n        self.prices = prices\n\n"
                     "    def __len__(self):\n        return len(self.prices) - 1\n\n    def __iter__(self):\n"
                     "        return iter(self.prices)\n\n    def __str__(self):\n        return 'basket'\n",
        "report.py": "from basket import Basket\n\n\ndef mean(prices):\n    b = Basket(prices)\n"
                     "    return sum(p for p in b) / len(b)\n",
        "tests/test_report.py": "from report import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n",
    })
    problem = _problem([("tests/test_report.py", 5, "test_mean")], "tests/test_report.py::test_mean",
                       message="assert 4.0 == 2")
    problem.frames.append(Frame("report.py", 6, "mean", True))
    found = {r.name: r for r in read_definitions(problem, root, problem.frames[::-1])}  # failing frame first
    assert found["Basket.__len__"].reason == "definition of Basket.__len__ (Basket measured with len() by mean())"
    assert found["Basket.__iter__"].reason == "definition of Basket.__iter__ (Basket iterated by mean())"
    assert found["Basket.__str__"].priority < found["Basket.__len__"].priority
    ctx = build_context(problem, root)
    assert _scores(problem, ctx, "basket.py")[6][1] == "called by the failing code"


def test_the_rest_of_a_class_merged_with_the_failing_method_ranks_below_what_it_reads(tmp_path):
    """A class definition (called from a caller frame) that holds the failing method is merged with it: the
    method's lines stay a frame's function, the property it reads ranks next, the rest of the class after."""
    catalog = ("from paging import Paginator\n\n\ndef listing(number):\n"
               "    return Paginator(range(25), 10).page(number)\n")
    root = _write(tmp_path, {"paging.py": PAGING, "catalog.py": catalog, "tests/test_catalog.py": CATALOG_TEST})
    problem = _problem([("tests/test_catalog.py", 11, "test_last_page"), ("catalog.py", 5, "listing"),
                        ("paging.py", 12, "page")], "tests/test_catalog.py::test_last_page", "IndexError", "3")
    ctx = build_context(problem, root)
    merged = next(s for s in ctx.snippets if s.path == "paging.py" and "def page" in s.text)
    assert "definition of Paginator() called from listing()" in merged.reason
    scores = _scores(problem, ctx, "paging.py")
    assert scores[12][0] > scores[11][0] == FRAME_FUNCTION > scores[8][0] > scores[3][0]
    assert scores[3][1] == "called by the failing code"


CHECK = """from catalog import listing

assert listing(1)[0] == "item-0"
assert listing(3) == ["item-20", "item-21", "item-22", "item-23", "item-24"], listing(3)
try:
    listing(4)
except IndexError:
    pass
else:
    raise AssertionError("a page after the last")
"""


@pytest.mark.search
def test_the_search_fixes_a_bug_in_a_property(tmp_path, monkeypatch, capsys):
    """The user's report: page(n) checks the page count, the count is the bug (floor division), and the search
    never tried an edit in the property. A script as the failing command keeps each try fast."""
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = _write(tmp_path / "proj", {"paging.py": PAGING, "catalog.py": CATALOG, "check.py": CHECK})
    replies = tmp_path / "reply.txt"
    replies.write_text("<think>Hmm.</think>I am not sure what is wrong here.")
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1", "--search-first",
                 "--json", "--", sys.executable, "check.py"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verified"] is True and doc["source"] == "search"
    assert "+        return -(-len(self.items) // self.per_page)" in doc["patch"]
