"""Which files of a patch are tests, fixtures or test configuration (a patch there is never verified)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable

from rdebug.intake.model import Problem

TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec", "specs", "fixtures", "__fixtures__", "testdata",
             "test_data", "__snapshots__", "__mocks__", "e2e"}
PY_KINDS = ("pytest", "unittest", "python")
TEST_FILES = {"conftest.py", "tests.py", "pytest.ini"}
_NAME_RE = re.compile(
    r"""^(?:test_.+\.py|.+_tests?\.py
        |.+_test\.go
        |.+\.(?:test|spec)\.[cm]?[jt]sx?
        |.+(?:Test|Tests|IT)\.(?:java|kt|scala)
        |.+_(?:spec|test)\.rb|test_.+\.rb
        |test_.+\.(?:c|cc|cpp)|.+_test\.(?:c|cc|cpp|rs)
        |.+\.snap)$""",
    re.X,
)


def is_test_path(path: str) -> bool:
    """Whether a repo-relative path names a test, a fixture or a conftest (by its name and folders)."""
    parts = PurePosixPath(path).parts
    if not parts:
        return False
    name = parts[-1]
    if name in TEST_FILES or _NAME_RE.match(name):
        return True
    return any(p.lower() in TEST_DIRS for p in parts[:-1])


def failing_test_files(problem: Problem | None) -> set[str]:
    """Files that hold the failing test: the file part of its id, the frame running the test function."""
    if problem is None:
        return set()
    out: set[str] = set()
    tid = problem.test_id or ""
    if "::" in tid:
        head = tid.split("::", 1)[0]
        if "." in PurePosixPath(head).name:
            out.add(head)
    name = re.split(r"::|\.|/", tid.split("[")[0])[-1] if tid else ""
    if problem.kind not in PY_KINDS:  # elsewhere a test may share its file with the code (Rust, C)
        return out
    for frame in problem.repo_frames:
        if name and frame.function == name:
            out.add(frame.path)
    return out


def edited_tests(paths: Iterable[str], problem: Problem | None = None) -> list[str]:
    """The paths among ``paths`` that are tests, fixtures or conftest files (sorted)."""
    own = failing_test_files(problem)
    return sorted(p for p in paths if is_test_path(p) or p in own or any(p.endswith("/" + o) for o in own))
