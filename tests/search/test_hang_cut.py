"""Issue 22 §4: when the failing test hangs, a candidate that does not fix it is cut after a few times the passing
tests' time (not the user's timeout), its verdict says so, and the fix is verified as usual."""

from __future__ import annotations

import dataclasses
import sys
import time

import pytest

from rdebug.intake.detect import PYTEST_ARGS, with_hang_dump
from rdebug.patch.verify import run_baseline
from rdebug.search import pool as pool_module
from rdebug.search.candidates import candidates
from rdebug.search.pool import SearchPool
from rdebug.search.suspicious import SuspiciousLine

SCHED = """\
def loop_forever(jobs):
    done = 0
    while done < len(jobs):
        if jobs[done]:
            done += 0
    return done
"""
TEST = """\
from jobqueue import loop_forever


def test_fine():
    assert True


class TestLoop:
    def test_loop(self):
        assert loop_forever([1, 2]) == 2
"""
BASELINE_TIMEOUT = 5  # the hang before the patch: what it costs once
USER_TIMEOUT = 60  # what each hanging candidate would cost without the cut
FIX = "`0` → `1` in jobqueue.py:5"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The project and its runs before the patch (the hang costs its timeout once for the module)."""
    root = tmp_path_factory.mktemp("hang") / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "jobqueue.py").write_text(SCHED)
    (root / "tests" / "test_sched.py").write_text(TEST)
    (root / "tests" / "conftest.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n")
    command = with_hang_dump([sys.executable, *PYTEST_ARGS], BASELINE_TIMEOUT)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        baseline = run_baseline(root, command, None, BASELINE_TIMEOUT)
    return root, command, baseline


@pytest.fixture
def hanging(project, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # quick pytest starts: the hang is what counts
    monkeypatch.setattr(pool_module, "HANG_MIN_S", 1.0)
    root, command, baseline = project
    cands = candidates(root, [SuspiciousLine("jobqueue.py", n, 1.0 - n / 100, "test") for n in (3, 4, 5)])
    return root, command, dataclasses.replace(baseline), cands


def _pool(root, command, baseline, **kw) -> SearchPool:
    return SearchPool(root, command, regression_cmd=None, baseline=baseline, targets=[], timeout_s=USER_TIMEOUT,
                      max_count=50, max_seconds=600, workers=1, **kw)


def test_the_baseline_names_the_hung_test_and_times_the_others(hanging):
    _root, _command, baseline, _cands = hanging
    assert baseline.timed_out
    assert baseline.hung == ["tests/test_sched.py::TestLoop::test_loop"]
    assert baseline.rest is not None and baseline.rest.outcomes.tests == {"tests/test_sched.py::test_fine": "passed"}
    assert baseline.passing_s is not None and baseline.passing_s < BASELINE_TIMEOUT


def test_candidates_that_hang_are_cut_early_and_say_so(hanging):
    root, command, baseline, cands = hanging
    wrong = [c for c in cands if c.label != FIX]
    assert len(wrong) >= 6
    pool = _pool(root, command, baseline)
    start = time.monotonic()
    tried = list(pool.run(wrong))
    elapsed = time.monotonic() - start
    assert len(tried) == len(wrong) and not any(t.result.verified for t in tried)
    cut = [t for t in tried if t.result.cut]
    assert len(cut) >= 4 and pool.cut == len(cut)  # `<=`, `done ± 1`, `not jobs[done]`, `-=` loop forever
    for t in cut:
        assert t.result.timed_out and not t.result.verified
        assert t.result.reason.startswith("cut after ") and "the failing test hung before the patch" in t.result.reason
    assert all(not t.result.cut for t in tried if not t.result.timed_out)
    note = pool_module.cut_note(pool)  # what the search's status line adds (the TUI's and fix's status)
    assert note.startswith(f", {len(cut)} cut after ") and note.endswith("the failing test hung before the patch")
    assert elapsed < len(cut) * USER_TIMEOUT / 4  # generous: each cut costs seconds, not the user's 60 s


def test_the_fix_of_a_hanging_test_is_verified_and_not_cut(hanging):
    root, command, baseline, cands = hanging
    fix = next(c for c in cands if c.label == FIX)
    hangs = [c for c in cands if c.label in ("`<` → `<=` in jobqueue.py:3", "`+=` → `-=` in jobqueue.py:5")]
    pool = _pool(root, command, baseline)
    tried = list(pool.run([*hangs, fix]))
    by_label = {t.candidate.label: t.result for t in tried}
    assert all(by_label[c.label].cut for c in hangs)
    result = by_label[FIX]
    assert result.verified and not result.cut and not result.timed_out
    assert "cut" not in result.reason


def test_a_hang_without_a_known_passing_time_is_cut_once_a_candidate_finishes(hanging):
    root, command, baseline, cands = hanging
    baseline.rest = None  # the run without the hung test is unknown: a finished candidate's time stands in
    fast_fail = next(c for c in cands if c.label == "`<` → `>` in jobqueue.py:3")
    hang = next(c for c in cands if c.label == "`+=` → `-=` in jobqueue.py:5")
    pool = _pool(root, command, baseline)
    assert pool._timeout() == pool_module.UNKNOWN_TIMEOUT_S
    tried = list(pool.run([fast_fail, hang]))
    assert not tried[0].result.timed_out and tried[1].result.cut
    assert pool._timeout() < pool_module.UNKNOWN_TIMEOUT_S
