"""Which repository files a file imports, per language."""

from __future__ import annotations

import pytest

from rdebug.context.imports import imported_files

FILES = {"pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py", "pkg/sub/b.py", "src/lib/mod.rs", "src/util.rs",
         "src/main/java/com/x/Util.java", "include/calc.h", "include/calc.c", "web/lib/sum.ts",
         "web/lib/index.js", "calc/add.go"}


@pytest.mark.parametrize("rel,text,lang,expected", [
    ("pkg/sub/b.py", "from ..a import f, g as h\nfrom . import sibling\nimport pkg.a\n", "python",
     {"pkg/a.py": {"f", "g"}}),
    ("pkg/sub/b.py", "from pkg.sub import b\n", "python", {"pkg/sub/__init__.py": {"b"}}),
    ("src/main.rs", "mod util;\nuse crate::lib::mod;\n", "rust", {"src/util.rs": set()}),
    ("src/test/java/com/x/UtilTest.java", "package com.x;\nimport com.x.Util;\n", "java",
     {"src/main/java/com/x/Util.java": set()}),
    ("main.c", '#include "include/calc.h"\n#include <stdio.h>\n', "c",
     {"include/calc.h": set(), "include/calc.c": set()}),
    ("web/app.ts", "import { total } from './lib/sum';\nconst x = require('./lib');\n", "typescript",
     {"web/lib/sum.ts": {"total"}, "web/lib/index.js": set()}),
    ("cmd/main.go", 'package main\n\nimport (\n\t"fmt"\n\t"example.com/m/calc"\n)\n', "go", {"calc/": set()}),
])
def test_imported_files(rel, text, lang, expected):
    got = dict(imported_files(rel, text, lang, FILES.__contains__, go_module="example.com/m"))
    for path, names in expected.items():
        assert path in got and names <= got[path]
