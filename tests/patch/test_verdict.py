"""'Verified' means the targeted failing tests ran and passed, judged test by test (issue 12, item 3).

Every reproduction here was reported "✓ verified" by the old verification (exit code 0).
"""

import json
import sys
import threading

import pytest

from helpers_patch import make_repo, snapshot
from helpers_verdict import (
    CALC,
    DELETE_TEST,
    EDIT_ASSERT,
    EXIT_IN_CONFTEST,
    EXIT_IN_MODULE,
    FIX,
    PROBLEM,
    SKIP_MARK,
    SKIP_MODULE,
    SUITE,
    calc_repo,
    search_replace,
)

from rdebug.cli import main
from rdebug.events import PatchVerified, VerificationStarted
from rdebug.intake.model import Problem
from helpers_patch import make_loop
from rdebug.runtime.fake import ScriptedBackend


def _run_loop(root, replies, command=SUITE, problem=PROBLEM, **kw):
    backend = ScriptedBackend(list(replies))
    loop = make_loop(problem, "## Problem\n...", backend, root, command, timeout_s=120, **kw)
    events = list(loop.run())
    return loop, backend, [e for e in events if isinstance(e, PatchVerified)]


@pytest.fixture
def calc(tmp_path):
    return calc_repo(tmp_path / "calc")


def test_a_correct_fix_is_verified_per_test(calc):
    loop, _, verdicts = _run_loop(calc, [FIX], attempts=1)
    best = loop.best
    assert best.verified and best.tests_pass and not best.edits_tests
    assert "tests/test_add.py::test_add passed" in best.reason and best.checked == "checked per test, from the junit report"
    assert verdicts[0].verified and verdicts[0].reason == best.reason


@pytest.mark.parametrize("reply, reason", [
    (EXIT_IN_MODULE, "no test results"),
    (SKIP_MODULE, "did not run: tests/test_add.py::test_add"),
], ids=["os-exit-in-module", "pytest-skip-module-level"])
def test_a_patch_that_stops_the_tests_is_not_verified(calc, reply, reason):
    before = snapshot(calc)
    loop, _, verdicts = _run_loop(calc, [reply], attempts=1)
    attempt = loop.attempts[0]
    assert not attempt.verified and not attempt.tests_pass and not attempt.edits_tests
    assert reason in attempt.reason and reason in verdicts[0].reason
    assert snapshot(calc) == before


@pytest.mark.parametrize("reply, edited, passes, reason", [
    (EDIT_ASSERT, ["tests/test_add.py"], True, "the tests pass only with edited tests"),
    (DELETE_TEST, ["tests/test_add.py"], False, "did not run: tests/test_add.py::test_add"),
    (EXIT_IN_CONFTEST, ["conftest.py"], False, "no test results"),
    (SKIP_MARK, ["tests/test_add.py"], False, "skipped (not passed): tests/test_add.py::test_add"),
], ids=["edits-assertion", "deletes-test-file", "os-exit-in-conftest", "mark-skip"])
def test_a_patch_that_edits_tests_is_never_verified(calc, reply, edited, passes, reason):
    loop, backend, verdicts = _run_loop(calc, [reply, FIX], attempts=2)
    first = loop.attempts[0]
    assert not first.verified and first.edits_tests == edited and first.tests_pass is passes
    assert reason in first.reason
    assert verdicts[0].edits_tests == edited and not verdicts[0].verified
    retry = backend.requests[1].messages[-1].content
    assert f"You edited the test file(s) {edited[0]}; fix the code instead" in retry
    assert loop.attempts[1].verified and loop.best is loop.attempts[1]


def test_the_fix_prompt_says_not_to_edit_tests(calc):
    _, backend, _ = _run_loop(calc, [FIX], attempts=1)
    system = backend.requests[0].messages[0].content
    assert "Do not\nedit the tests" in system and "define the expected behaviour" in system


THREE = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "geo.py": "def area(w, h):\n    return w + h\n",
    "text.py": "def shout(s):\n    return s.lower()\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
    "tests/test_geo.py": "from geo import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n",
    "tests/test_text.py": ("from text import shout\n\n\ndef test_shout():\n    assert shout('a') == 'A'\n\n\n"
                           "def test_shout_empty():\n    assert shout('') == ''\n"),
}
FIX_ADD = search_replace("calc.py", "    return a - b", "    return a + b")
FIX_ADD_BREAK_TEXT = FIX_ADD + "\n" + search_replace("text.py", "    return s.lower()", "    return None")


def test_three_failures_in_the_suite_one_fix_is_verified(tmp_path):
    root = make_repo(tmp_path / "three", THREE)
    problem = Problem("pytest", "AssertionError", "assert -1 == 5", test_id="tests/test_calc.py::test_add")
    loop, _, _ = _run_loop(root, [FIX_ADD], problem=problem, attempts=1)
    assert loop.best.verified, loop.best.reason


def test_three_failures_a_fix_that_breaks_a_passing_test_is_not_verified(tmp_path):
    root = make_repo(tmp_path / "three", THREE)
    problem = Problem("pytest", "AssertionError", "assert -1 == 5", test_id="tests/test_calc.py::test_add")
    loop, _, _ = _run_loop(root, [FIX_ADD_BREAK_TEXT], problem=problem, attempts=1)
    assert not loop.best.verified
    assert loop.best.regressions == ["tests/test_text.py::test_shout_empty"]


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")


def _fix(root, tmp_path, reply, *extra):
    replies = tmp_path / "reply.txt"
    replies.write_text(reply)
    return main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1",
                 "--no-regressions", *extra, "--", *SUITE])


def test_fix_cli_three_failures_one_fix_exits_0(tmp_path, cli_env, capsys):
    root = make_repo(tmp_path / "three", THREE)
    assert _fix(root, tmp_path, FIX_ADD, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verified"] and doc["problem"]["test_id"] == "tests/test_calc.py::test_add"
    assert "tests/test_calc.py::test_add passed" in doc["verdict"]


def test_fix_cli_yes_does_not_apply_a_test_edit(calc, tmp_path, cli_env, capsys):
    before = snapshot(calc)
    assert _fix(calc, tmp_path, EDIT_ASSERT, "--yes") == 1
    err = capsys.readouterr().err
    assert "best patch (edits tests: tests/test_add.py; NOT verified)" in err
    assert "--allow-test-edits" in err and "applied to" not in err
    assert snapshot(calc) == before


def test_fix_cli_json_marks_test_edits(calc, tmp_path, cli_env, capsys):
    assert _fix(calc, tmp_path, EDIT_ASSERT, "--json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["edits_tests"] == ["tests/test_add.py"] and not doc["verified"]
    assert doc["attempts"][0]["edits_tests"] == ["tests/test_add.py"] and doc["attempts"][0]["tests_pass"]


def test_fix_cli_allow_test_edits_applies_it(calc, tmp_path, cli_env, capsys):
    assert _fix(calc, tmp_path, EDIT_ASSERT, "--yes", "--allow-test-edits") == 0
    assert "applied to tests/test_add.py" in capsys.readouterr().err
    assert "== -1" in (calc / "tests" / "test_add.py").read_text()


UNITTEST_TEST = ("import unittest\n\nfrom calc import add\n\n\nclass TestAdd(unittest.TestCase):\n"
                 "    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n")
UNITTEST_SKIP = search_replace("calc.py", "def add(a, b):",
                               'import unittest\nraise unittest.SkipTest("later")\n\n\ndef add(a, b):')


def test_unittest_a_skipped_module_is_not_verified(tmp_path):
    root = make_repo(tmp_path / "ut", {"calc.py": CALC, "test_calc.py": UNITTEST_TEST})
    problem = Problem("unittest", "AssertionError", "-1 != 5", test_id="test_calc.TestAdd.test_add")
    command = [sys.executable, "-m", "unittest", "discover", "-p", "test_*.py"]
    loop, _, _ = _run_loop(root, [UNITTEST_SKIP, FIX], command=command, problem=problem, attempts=2)
    assert not loop.attempts[0].verified and "test_calc.TestAdd.test_add" in loop.attempts[0].reason
    assert loop.attempts[1].verified and loop.attempts[1].checked == "checked per test, from the unittest -v output"


def test_other_runners_say_only_the_exit_code_was_checked(calc):
    check = [sys.executable, "-c", "import calc; assert calc.add(2, 3) == 5"]
    loop, _, verdicts = _run_loop(calc, [FIX], command=check, attempts=1)
    assert loop.best.verified and "only the exit code was checked" in verdicts[0].checked


def test_cancel_stops_a_running_verification(calc):
    hang = [sys.executable, "-c", "import time; time.sleep(600)"]
    backend = ScriptedBackend([FIX])
    loop = make_loop(PROBLEM, "ctx", backend, calc, hang, timeout_s=900, attempts=1)
    seen: list = []
    started = threading.Event()

    def drive():
        for ev in loop.run():
            seen.append(ev)
            if isinstance(ev, VerificationStarted):
                started.set()

    worker = threading.Thread(target=drive, daemon=True)
    worker.start()
    assert started.wait(60)
    loop.cancel()
    worker.join(120)  # a liveness bound (the command would run 600 s), not a timing measurement
    assert not worker.is_alive()
    verdict = [e for e in seen if isinstance(e, PatchVerified)]
    assert verdict and not verdict[0].verified and verdict[0].reason == "cancelled"
