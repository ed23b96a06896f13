"""The spectrum: Ochiai on a hand-made spectrum, the plugin's per-test lines on a tiny project, the user's tree
untouched, bad input skipped with a reason, the cache."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
import threading
import time
from pathlib import Path


from rdebug.facts.spectrum import (
    SpectrumTask, SuspiciousFunction, TracedTest, _traced_run, line_counts, ochiai, rank_functions, run_spectrum,
    spectrum_command, suspicious_lines,
)

CALC = '''\
def add(a, b):
    return a + b


def mean(xs):
    total = 0
    for x in xs:
        total = add(total, x)
    if len(xs) > 2:
        return total / (len(xs) - 1)
    return total / len(xs)


class Box:
    def area(self, w, h):
        side = w * h
        return side
'''

TESTS = '''\
from calc import Box, add, mean


def test_add():
    assert add(1, 2) == 3


def test_mean_two():
    assert mean([1, 3]) == 2


def test_mean_three():
    assert mean([1, 2, 3]) == 2
'''


def make_project(root: Path, tests: str = TESTS) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(tests)
    return root


def pytest_cmd(*extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "tests"]


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


# --- scoring ----------------------------------------------------------------------------------------------
def test_ochiai_on_a_hand_made_spectrum():
    a, b, c = ("m.py", 1), ("m.py", 2), ("m.py", 3)
    runs = [TracedTest("t1", True, frozenset({a, b})), TracedTest("t2", True, frozenset({a})),
            TracedTest("t3", False, frozenset({b, c})), TracedTest("t4", False, frozenset({a, b, c}))]
    counts = line_counts(runs)
    assert counts == {a: (2, 1), b: (1, 2), c: (0, 2)}
    lines = suspicious_lines(counts, total_failed=2)
    assert [(s.line, s.score) for s in lines] == [(1, round(2 / math.sqrt(2 * 3), 4)), (2, round(1 / math.sqrt(6), 4))]
    assert ochiai(0, 5, 2) == 0.0 and ochiai(1, 0, 1) == 1.0


def test_functions_score_by_their_best_line_and_say_why(tmp_path):
    (tmp_path / "calc.py").write_text(CALC)
    counts = {("calc.py", 2): (1, 2), ("calc.py", 6): (1, 1), ("calc.py", 10): (1, 0), ("calc.py", 17): (0, 3)}
    fns = rank_functions(tmp_path, counts, total_failed=1, total_passed=12)
    assert [(f.name, f.start, f.end, f.score) for f in fns] == [("mean", 5, 11, 1.0), ("add", 1, 2, 0.5774)]
    assert fns[0].failing_runs == 1 and fns[0].passing_runs == 0
    fn = SuspiciousFunction("calc.py", "mean", 5, 11, 0.87, 1, 1, 12)
    assert fn.reason == "run by the failing test and by 1 of 12 passing tests, Ochiai 0.87"
    two = SuspiciousFunction("calc.py", "mean", 5, 11, 0.5, 2, 3, 12, total_failing=3)
    assert two.reason == "run by 2 of 3 failing tests and by 3 of 12 passing tests, Ochiai 0.50"


# --- the plugin -------------------------------------------------------------------------------------------
def test_plugin_records_each_tests_lines_and_outcome(tmp_path):
    root = make_project(tmp_path / "proj")
    runs, skipped, _ = _traced_run(root, pytest_cmd(), 60, None)
    assert skipped is None
    by_id = {r.test_id: r for r in runs}
    assert set(by_id) == {"tests/test_calc.py::test_add", "tests/test_calc.py::test_mean_two",
                          "tests/test_calc.py::test_mean_three"}
    assert by_id["tests/test_calc.py::test_add"].lines == {("calc.py", 2)}
    assert not by_id["tests/test_calc.py::test_mean_two"].failed
    assert by_id["tests/test_calc.py::test_mean_two"].lines == {("calc.py", n) for n in (2, 6, 7, 8, 9, 11)}
    failing = by_id["tests/test_calc.py::test_mean_three"]
    assert failing.failed and failing.lines == {("calc.py", n) for n in (2, 6, 7, 8, 9, 10)}
    assert not any(p.startswith("tests/") for r in runs for p, _ in r.lines)  # test files are not recorded


def test_spectrum_ranks_the_buggy_function_first_and_leaves_the_tree_untouched(tmp_path):
    root = make_project(tmp_path / "proj")
    before = tree_digest(root)
    spectrum = run_spectrum(root, pytest_cmd(), use_cache=False)
    assert spectrum.skipped is None
    assert (spectrum.total_failing, spectrum.total_passing) == (1, 2)
    assert spectrum.lines[0].path == "calc.py" and spectrum.lines[0].line == 10 and spectrum.lines[0].score == 1.0
    assert spectrum.functions[0].name == "mean"
    assert tree_digest(root) == before


# --- bad input --------------------------------------------------------------------------------------------
def test_a_command_that_is_not_pytest_is_skipped_with_a_reason(tmp_path):
    root = make_project(tmp_path / "proj")
    spectrum = run_spectrum(root, [sys.executable, "-m", "unittest", "discover"])
    assert spectrum.skipped and "not a pytest command" in spectrum.skipped and not spectrum.functions
    assert run_spectrum(root, None).skipped == "no test command is known"
    assert "spectrum skipped:" in spectrum.note


def test_the_suite_is_run_when_it_is_pytest_else_the_failing_command():
    failing, suite, unittest = ["pytest", "tests/test_a.py"], ["python", "-m", "pytest"], ["python", "-m", "unittest"]
    assert spectrum_command(failing, suite) == suite
    assert spectrum_command(failing, unittest) == failing
    assert spectrum_command(None, None) is None


def test_missing_pytest_and_all_passing_are_skipped_with_a_reason(tmp_path):
    root = make_project(tmp_path / "proj")
    missing = run_spectrum(root, [str(tmp_path / "nowhere" / "pytest"), "-q"], use_cache=False)
    assert missing.skipped and "command not found" in missing.skipped
    no_module = run_spectrum(root, [sys.executable, "-S", "-m", "pytest", "tests"], use_cache=False)  # no site
    assert no_module.skipped and no_module.skipped.startswith("no test ran under the tracer (exit code")
    (root / "tests" / "test_calc.py").write_text(TESTS.replace("mean([1, 2, 3]) == 2", "mean([1, 2, 3]) == 3"))
    passing = run_spectrum(root, pytest_cmd(), use_cache=False)
    assert passing.skipped == "no test failed under the tracer"


def test_a_hanging_suite_is_stopped_and_skipped(tmp_path):
    root = make_project(tmp_path / "proj", TESTS + "\n\ndef test_hangs():\n    import time\n    time.sleep(600)\n")
    spectrum = run_spectrum(root, pytest_cmd(), timeout_s=3, use_cache=False)
    assert spectrum.skipped and "ran past 3 s" in spectrum.skipped


def test_the_background_task_stops_when_cancelled(tmp_path):
    root = make_project(tmp_path / "proj", TESTS + "\n\ndef test_hangs():\n    import time\n    time.sleep(600)\n")
    task = SpectrumTask(root, pytest_cmd(), timeout_s=60).start()
    time.sleep(0.5)
    task.cancel()
    assert task.result(timeout=30).skipped == "cancelled"
    assert isinstance(task.cancel_event, threading.Event)


# --- cache ------------------------------------------------------------------------------------------------
def test_second_call_is_a_cache_hit_until_a_file_changes(tmp_path):
    root = make_project(tmp_path / "proj")
    first = run_spectrum(root, pytest_cmd())
    second = run_spectrum(root, pytest_cmd())
    assert not first.cached and second.cached and second.seconds == 0.0
    assert second.lines == first.lines and second.functions == first.functions
    (root / "calc.py").write_text(CALC.replace("(len(xs) - 1)", "len(xs)"))
    assert run_spectrum(root, pytest_cmd()).skipped == "no test failed under the tracer"


def test_cache_follows_the_git_state(tmp_path):
    root = make_project(tmp_path / "proj")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(git + args, cwd=root, check=True, capture_output=True)
    assert not run_spectrum(root, pytest_cmd()).cached
    assert run_spectrum(root, pytest_cmd()).cached
    (root / "notes.py").write_text("X = 1\n")  # an untracked file changes the state
    assert not run_spectrum(root, pytest_cmd()).cached
