"""Issue 22 §5: candidates screened in a kept scratch copy (the failing tests alone, a warm worker, plugin autoload
off where proven safe); only a candidate that passes the screen is verified as usual."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from rdebug.intake.model import CommandResult
from rdebug.patch.testreport import TestOutcomes
from rdebug.patch.verify import TestRun, run_baseline
from rdebug.search import screen as screen_module
from rdebug.search.candidates import candidates
from rdebug.search.pool import SearchPool
from rdebug.search.screen import NO_AUTOLOAD, Slot, screen_argv
from rdebug.search.suspicious import SuspiciousLine
from rdebug.search.warm import WarmWorker, warm_python

LIMITS = "def within(value, limit):\n    return value < limit\n\n\ndef scale(x):\n    return x * 100 + 1 - 2\n"
TESTS = """\
from limits import scale, within


def test_below():
    assert within(2, 3)


def test_edge():
    assert within(3, 3), "within(3, 3) is False"


def test_scale():
    assert scale(1) == 99
"""
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_limits.py"]
FIX = "`<` → `<=` in limits.py:2"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _project(root: Path, tests: str = TESTS) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    (root / "limits.py").write_text(LIMITS)
    (root / "tests" / "test_limits.py").write_text(tests)
    return root


def _search(root: Path, command=PYTEST, **kw):
    baseline = run_baseline(root, command, None, 60)
    cands = candidates(root, [SuspiciousLine("limits.py", n, 1.0 - n / 100, "test") for n in range(1, 7)])
    pool = SearchPool(root, command, regression_cmd=None, baseline=baseline, targets=[], timeout_s=60,
                      max_count=50, max_seconds=300, workers=1, **kw)
    return pool, cands


@pytest.fixture
def no_env_autoload(monkeypatch):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def test_screen_argv_runs_the_failing_tests_alone(tmp_path):
    root = _project(tmp_path / "p")
    ids = ["tests/test_limits.py::test_edge"]
    assert screen_argv(PYTEST, ids, root) == PYTEST[:-1] + ids
    argv = ["pytest", "-c", "pytest.ini", "-k", "edge", "--tb=short", "tests", "tests/test_limits.py::test_below"]
    assert screen_argv(argv, ids, root) == ["pytest", "-c", "pytest.ini", "-k", "edge", "--tb=short", *ids]
    assert screen_argv([sys.executable, "check.py"], ids, root) is None
    assert warm_python(PYTEST) == sys.executable and warm_python(["pytest", "-q"]) is None


def test_the_screen_finds_the_fix_verifies_it_as_usual_and_leaves_no_trace(tmp_path, no_env_autoload):
    root = _project(tmp_path / "p")
    before = _tree(root)
    pool, cands = _search(root)
    made: list[Slot] = []
    real_slot = pool._slot

    def tracked():
        slot = real_slot()
        if slot is not None and slot not in made:
            made.append(slot)
        return slot
    pool._slot = tracked
    tried = []
    for t in pool.run(cands):
        tried.append(t)
        if t.result.verified:
            break
    assert pool.screen is not None and pool.screen.ids == ["tests/test_limits.py::test_edge"]
    assert pool.screen.env == NO_AUTOLOAD  # these tests run the same without the venv's plugins
    assert made and made[0].worker is not None  # a warm worker ran the screens
    found = tried[-1]
    assert found.candidate.label == FIX and found.result.verified and not found.screened
    assert "junit" in found.result.checked and "3 tests ran" in found.result.reason  # the full command, as usual
    assert all(t.screened and not t.result.verified for t in tried[:-1]) and pool.screened == len(tried) - 1
    assert _tree(root) == before and not list(root.rglob("__pycache__"))
    assert all(not slot.path.exists() for slot in made)  # the kept copies are removed at the end


def test_screened_results_match_verifying_each_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # quick runs both ways
    root = _project(tmp_path / "p")
    verdicts = {}
    for screen in (True, False):
        pool, cands = _search(root, screen=screen)
        cands = cands[:4] + [c for c in cands if c.label == FIX]
        verdicts[screen] = {t.candidate.label: t.result.verified for t in pool.run(cands)}
    assert verdicts[True] == verdicts[False] and verdicts[True][FIX]


def test_a_command_of_failing_tests_alone_is_compared_on_their_files(tmp_path, no_env_autoload):
    root = _project(tmp_path / "p")
    pool, cands = _search(root, [*PYTEST[:-1], "tests/test_limits.py::test_edge"])
    found = next(t for t in pool.run(cands) if t.result.verified)
    assert found.candidate.label == FIX
    assert pool.screen is not None and pool.screen.env == NO_AUTOLOAD
    assert pool.screen.notes[0] == "plugin autoload off: the tests ran the same without it"


def test_plugin_autoload_stays_on_when_the_tests_need_a_plugin(tmp_path, no_env_autoload):
    pytest.importorskip("anyio")  # its pytest plugin gives the anyio_backend fixture
    tests = TESTS + "\n\ndef test_plugin(anyio_backend):\n    assert anyio_backend\n"
    root = _project(tmp_path / "p", tests)
    pool, cands = _search(root)
    cands = [c for c in cands if c.mutation.line == 2][:2]
    tried = list(pool.run(cands))
    assert pool.screen is not None and pool.screen.env == {}
    assert "plugin autoload kept" in pool.screen.notes[0]
    assert {t.candidate.label: t.result.verified for t in tried}.get(FIX, True)


def test_a_test_that_writes_into_the_tree_gets_no_kept_copy(tmp_path, no_env_autoload):
    tests = TESTS.replace('def test_edge():\n', 'def test_edge():\n    open("trace.txt", "a").write("x")\n')
    root = _project(tmp_path / "p", tests)
    pool, cands = _search(root)
    found = next(t for t in pool.run(cands) if t.result.verified)
    assert pool.screen is None and found.candidate.label == FIX  # verified as usual, each in a fresh copy
    assert not (root / "trace.txt").exists()


def test_a_kept_copy_is_restored_after_each_candidate(tmp_path):
    root = _project(tmp_path / "p")
    cand = next(c for c in candidates(root, [SuspiciousLine("limits.py", 2, 1.0, "t")]) if c.label == FIX)
    slot = Slot(root)
    try:
        assert slot.fits(cand.patch)
        with slot.patched(cand.patch) as path:
            assert "value <= limit" in (path / "limits.py").read_text()
        assert (slot.path / "limits.py").read_text() == LIMITS and slot.clean()
        (slot.path / "stray.txt").write_text("left by a test")
        assert not slot.clean()
    finally:
        slot.close()
    assert not slot.path.exists()


def test_a_hanging_screen_is_cut_and_its_process_group_killed(tmp_path, no_env_autoload):
    root = _project(tmp_path / "p")
    pidfile = tmp_path / "child.pid"
    (root / "tests" / "test_hang.py").write_text(
        "import subprocess, sys, time\n\n\ndef test_hang():\n"
        "    p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"    open({str(pidfile)!r}, 'w').write(str(p.pid))\n    while True:\n        time.sleep(0.01)\n")
    slot = Slot(root, PYTEST)
    try:
        assert isinstance(slot.worker, WarmWorker)
        start = time.monotonic()
        run = slot.run([*PYTEST[:-1], "tests/test_hang.py"], NO_AUTOLOAD, 3, None)
        assert run.result.timed_out and run.result.exit_code is None and time.monotonic() - start < 30
        assert "test_hang" in run.output  # the stacks faulthandler printed at the SIGABRT
        deadline = time.monotonic() + 5
        while _alive(int(pidfile.read_text())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(int(pidfile.read_text()))
        again = slot.run(PYTEST, NO_AUTOLOAD, 60, None)  # the worker serves the next run
        assert again.outcomes is not None and again.outcomes.failing() == {"tests/test_limits.py::test_edge"}
    finally:
        slot.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return not any(line.startswith("State:") and "Z" in line for line in fh)
    except FileNotFoundError:
        return False


def test_the_warm_worker_imports_the_project_fresh_each_run(tmp_path, no_env_autoload):
    root = _project(tmp_path / "p")
    slot = Slot(root, PYTEST)
    try:
        first = slot.run(PYTEST, NO_AUTOLOAD, 60, None)
        (slot.path / "limits.py").write_text(LIMITS.replace("value < limit", "value <= limit"))
        second = slot.run(PYTEST, NO_AUTOLOAD, 60, None)
        assert first.outcomes.failing() and not second.outcomes.failing()
        assert slot.worker.runs == 2 and os.getpid() != slot.worker.proc.pid
    finally:
        slot.close()


def test_a_screen_exit_code_zero_without_the_target_proves_nothing(tmp_path):
    pool = SearchPool(tmp_path, PYTEST, regression_cmd=None, baseline=None, targets=[], timeout_s=60, max_count=1,
                      max_seconds=60)
    pool.screen = screen_module.Screen(["x"], ["tests/test_limits.py::test_edge"],
                                       TestOutcomes({"tests/test_limits.py::test_edge": "failed"}, "junit report"))
    ran_other = TestRun(CommandResult(["x"], 0, "", 0.1), TestOutcomes({"tests/test_limits.py::test_below": "passed"},
                                                                       "junit report"), "pytest")
    assert not pool._judge_screen(ran_other).passed
    passed = TestRun(CommandResult(["x"], 0, "", 0.1), TestOutcomes({"tests/test_limits.py::test_edge": "passed"},
                                                                    "junit report"), "pytest")
    assert pool._judge_screen(passed).passed
