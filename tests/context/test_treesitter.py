"""Enclosing-function extraction for every supported language."""

from __future__ import annotations

import pytest

from rdebug.context.files import SourceFile
from rdebug.context.languages import language_for
from rdebug.context.treesitter import enclosing_function, parse_source, skeleton_lines

CASES = [
    # path, source, failing line, expected (name, start, end, class line)
    ("m.py", "import os\n\nclass A:\n    @staticmethod\n    def f(x):\n        y = g(x)\n        return y.h()\n\n"
             "def g(x):\n    return x\n", 6, ("f", 4, 7, 3)),
    ("m.js", "class A {\n  f(x) {\n    const y = g(x);\n    return y.h();\n  }\n}\nfunction g(x) {\n  return x;\n}\n",
     3, ("f", 2, 5, 1)),
    ("m.ts", "export function g(x: number): number {\n  const y: number = h(x);\n  return y * 2;\n}\n", 2,
     ("g", 1, 4, None)),
    ("m.tsx", "export const View = (p: Props) => {\n  const n = count(p);\n  return <div>{n}</div>;\n};\n", 2,
     ("View", 1, 4, None)),
    ("m.go", "package m\n\nfunc (s *S) F(x int) int {\n\ty := g(x)\n\treturn y\n}\n", 4, ("F", 3, 6, None)),
    ("m.rs", "struct S;\nimpl S {\n    fn f(&self) -> i32 {\n        let y = g(1);\n        y\n    }\n}\n", 4,
     ("f", 3, 6, 2)),
    ("A.java", "package p;\nclass A {\n  int f(int x) {\n    int y = g(x);\n    return y;\n  }\n}\n", 4,
     ("f", 3, 6, 2)),
    ("m.c", "#include <stdio.h>\nint f(int x) {\n  int y = g(x);\n  return y;\n}\n", 3, ("f", 2, 5, None)),
    ("m.cpp", "class A {\n public:\n  int f(int x) {\n    return g(x);\n  }\n};\n", 4, ("f", 3, 5, 1)),
]


@pytest.mark.parametrize("path,text,line,expected", CASES, ids=[c[0] for c in CASES])
def test_enclosing_function(path, text, line, expected):
    pf = parse_source(SourceFile(path, text, 0, len(text)))
    assert pf is not None and pf.lang == language_for(path)
    enc = enclosing_function(pf, line)
    name, start, end, class_line = expected
    assert (enc.name, enc.start_line, enc.end_line, enc.class_line) == (name, start, end, class_line)


@pytest.mark.parametrize("path,text,line,expected", CASES, ids=[c[0] for c in CASES])
def test_calls_inside_function(path, text, line, expected):
    pf = parse_source(SourceFile(path, text, 0, len(text)))
    _, start, end, _ = expected
    names = [n for n, _ in pf.calls_between(start, end)]
    assert names[0] in ("g", "h", "count")


def test_member_calls_are_flagged():
    src = "def f(o):\n    g(o)\n    o.h()\n"
    pf = parse_source(SourceFile("m.py", src, 0, len(src)))
    assert dict(pf.calls_between(1, 3)) == {"g": False, "h": True}


def test_module_level_line_has_no_enclosing_function():
    src = "x = 1\ny = x / 0\n"
    pf = parse_source(SourceFile("m.py", src, 0, len(src)))
    assert enclosing_function(pf, 2) is None


def test_jest_callback_spans_the_test_call():
    src = "describe('math', () => {\n  test('adds', () => {\n    expect(add(1, 2)).toBe(3);\n  });\n});\n"
    pf = parse_source(SourceFile("m.test.js", src, 0, len(src)))
    enc = enclosing_function(pf, 3)
    assert (enc.name, enc.start_line, enc.end_line) == ("test", 2, 4)


def test_c_definition_grows_from_declarator_to_function():
    src = "static int *g(int x);\nstatic int *g(int x) {\n  return 0;\n}\n"
    pf = parse_source(SourceFile("m.c", src, 0, len(src)))
    spans = sorted((d.start_line, d.end_line) for d in pf.definitions if d.name == "g")
    assert spans == [(1, 1), (2, 4)]


def test_skeleton_lines_are_signatures():
    src = "class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n\ndef h():\n    pass\n"
    pf = parse_source(SourceFile("m.py", src, 0, len(src)))
    assert skeleton_lines(pf.definitions) == [1, 2, 5, 8]


def test_unknown_extension_is_not_parsed():
    assert parse_source(SourceFile("notes.txt", "hello", 0, 5)) is None
