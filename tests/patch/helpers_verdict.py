"""Repositories and replies for the verification-verdict tests (each reply fooled the old verification)."""

from __future__ import annotations

import sys
from pathlib import Path

from helpers_patch import make_repo

from rdebug.intake.model import Frame, Problem

CALC = "def add(a, b):\n    return a - b\n"
OPS = "def sub(a, b):\n    return a - b\n"
TEST_ADD = ("from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
            "def test_add_zero():\n    assert add(0, 0) == 0\n")
TEST_SUB = "from ops import sub\n\n\ndef test_sub():\n    assert sub(3, 1) == 2\n"
TARGET = "tests/test_add.py::test_add"
PROBLEM = Problem("pytest", "AssertionError", "assert -1 == 5",
                  [Frame("tests/test_add.py", 5, "test_add", in_repo=True)], test_id=TARGET)
SUITE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


def calc_repo(root: Path, **extra: str) -> Path:
    """One failing test (test_add) among passing ones; the suite is the command."""
    files = {"calc.py": CALC, "ops.py": OPS, "tests/test_add.py": TEST_ADD, "tests/test_sub.py": TEST_SUB}
    return make_repo(root, {**files, **extra})


def search_replace(path: str, search: str, replace: str, why: str = "Here is the fix.") -> str:
    return f"{why}\n\n{path}\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n"


FIX = search_replace("calc.py", "def add(a, b):\n    return a - b", "def add(a, b):\n    return a + b")
EDIT_ASSERT = search_replace("tests/test_add.py", "    assert add(2, 3) == 5", "    assert add(2, 3) == -1")
DELETE_TEST = ("The test is obsolete.\n\n```diff\n--- a/tests/test_add.py\n+++ /dev/null\n@@ -1,9 +0,0 @@\n"
               + "".join(f"-{line}\n" for line in TEST_ADD.splitlines()) + "```\n")
EXIT_IN_MODULE = search_replace("calc.py", "def add(a, b):", "import os\nos._exit(0)\n\n\ndef add(a, b):")
EXIT_IN_CONFTEST = search_replace("conftest.py", "", "import os\nos._exit(0)")
SKIP_MODULE = search_replace("calc.py", "def add(a, b):",
                             'import pytest\npytest.skip("later", allow_module_level=True)\n\n\ndef add(a, b):')
SKIP_MARK = search_replace("tests/test_add.py", "def test_add():",
                           "import pytest\n\n\n@pytest.mark.skip\ndef test_add():")
