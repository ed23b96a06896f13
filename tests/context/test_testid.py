"""Finding the failing test from its id in each ecosystem."""

from __future__ import annotations

import pytest
from ctxutil import write

from rdebug.context.files import FileReader
from rdebug.context.symbols import DefinitionFinder, TagsIndex
from rdebug.context.testid import locate_test, parse_test_id


@pytest.mark.parametrize("tid,name,path,classes,title", [
    ("tests/test_x.py::TestC::test_y[1-2]", "test_y", "tests/test_x.py", ["TestC"], None),
    ("tests/test_x.py::test_y", "test_y", "tests/test_x.py", [], None),
    ("test_y (pkg.mod.TestC.test_y)", "test_y", "pkg/mod.py", ["TestC"], None),
    ("pkg.mod.TestC.test_y", "test_y", "pkg/mod.py", ["TestC"], None),
    ("TestAdd", "TestAdd", None, [], None),
    ("TestAdd/negative", "TestAdd", None, [], None),
    ("tests::it_works", "it_works", None, [], None),
    ("com.acme.CalcTest#adds", "adds", "com/acme/CalcTest.java", ["CalcTest"], None),
    ("math › adds two numbers", None, None, [], "adds two numbers"),
])
def test_parse_test_id(tid, name, path, classes, title):
    t = parse_test_id(tid)
    assert (t.name, t.path, t.classes, t.title) == (name, path, classes, title)


FILES = {
    "tests/test_x.py": "class TestC:\n    def test_y(self):\n        assert 1 == 2\n\n\n"
                       "def test_y():\n    assert 2 == 3\n",
    "calc/add_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n"
                        "\tif Add(1, 2) != 4 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n",
    "src/lib.rs": "pub fn add(a: i32) -> i32 { a }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n"
                  "    fn it_works() {\n        assert_eq!(super::add(2), 4);\n    }\n}\n",
    "src/test/java/com/acme/CalcTest.java": "package com.acme;\n\nclass CalcTest {\n  @Test\n"
                                            "  void adds() {\n    assertEquals(4, 2 + 1);\n  }\n}\n",
    "web/math.test.js": "describe('math', () => {\n  it('adds two numbers', () => {\n"
                        "    expect(1 + 1).toBe(3);\n  });\n});\n",
}


@pytest.mark.parametrize("tid,path,start,end", [
    ("tests/test_x.py::TestC::test_y", "tests/test_x.py", 2, 3),
    ("tests/test_x.py::test_y", "tests/test_x.py", 6, 7),
    ("TestAdd", "calc/add_test.go", 5, 9),
    ("tests::it_works", "src/lib.rs", 6, 8),
    ("com.acme.CalcTest#adds", "src/test/java/com/acme/CalcTest.java", 4, 7),
    ("math › adds two numbers", "web/math.test.js", 2, 4),
    ("math adds two numbers", "web/math.test.js", 2, 4),
])
def test_locate_test(tmp_path, tid, path, start, end):
    write(tmp_path, FILES)
    finder = DefinitionFinder(TagsIndex.for_root(tmp_path), FileReader(tmp_path), False, search_s=5.0)
    loc = locate_test(finder, tid, [])
    assert (loc.path, loc.start_line, loc.end_line) == (path, start, end)
    assert "failing test" in loc.label


def test_unknown_test_is_none(tmp_path):
    write(tmp_path, FILES)
    finder = DefinitionFinder(TagsIndex.for_root(tmp_path), FileReader(tmp_path), False, search_s=5.0)
    assert locate_test(finder, "tests/test_x.py::test_missing", []) is None
