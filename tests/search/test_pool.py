"""The search's verification pool: scratch copies only (the user's tree is never written), caps, ordering."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from rdebug.intake.model import Frame, Problem
from rdebug.patch.verify import run_baseline
from rdebug.search.candidates import candidates
from rdebug.search.pool import SearchPool, default_workers, fast_command
from rdebug.search.suspicious import SuspiciousLine, suspicious_lines

LIMITS = "def within(value, limit):\n    return value < limit\n\n\ndef scale(x):\n    return x * 100 + 1 - 2\n"
CHECK = "import limits; assert limits.within(3, 3), 'within(3, 3) is False'"


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "limits.py").write_text(LIMITS)
    return root


def _all_lines(path: str, n: int) -> list[SuspiciousLine]:
    return [SuspiciousLine(path, i, 1.0 - i / 100, "test") for i in range(1, n + 1)]


def _pool(root: Path, command: list[str], **kw) -> SearchPool:
    baseline = run_baseline(root, command, None, 30)
    return SearchPool(root, command, regression_cmd=None, baseline=baseline, targets=[], timeout_s=30,
                      workers=1, **kw)


def test_the_pool_finds_the_fix_and_never_writes_to_the_users_tree(tmp_path):
    root = _repo(tmp_path)
    before = _tree_digest(root)
    cands = candidates(root, _all_lines("limits.py", 6))
    assert cands[0].mutation.line == 2  # the most suspicious line first
    pool = _pool(root, [sys.executable, "-c", CHECK], max_count=50, max_seconds=120)
    verified = next(t for t in pool.run(cands) if t.result.verified)
    assert verified.candidate.label == "`<` → `<=` in limits.py:2"
    assert _tree_digest(root) == before
    assert not list(root.rglob("__pycache__"))


def test_the_count_cap_stops_the_search(tmp_path):
    root = _repo(tmp_path)
    cands = candidates(root, _all_lines("limits.py", 6))
    cands = [c for c in cands if c.mutation.line == 6]  # none of these fixes it
    assert len(cands) > 3
    pool = _pool(root, [sys.executable, "-c", CHECK], max_count=3, max_seconds=120)
    assert not any(t.result.verified for t in pool.run(cands))
    assert pool.tried == 3 and pool.capped == "count"


def test_the_time_cap_stops_the_search(tmp_path):
    root = _repo(tmp_path)
    cands = candidates(root, _all_lines("limits.py", 6))
    slow = [sys.executable, "-c", "import time; time.sleep(30)"]
    pool = _pool(root, slow, max_count=300, max_seconds=0.5)
    tried = list(pool.run(cands))
    assert pool.capped == "time"
    assert len(tried) < len(cands)


def test_suspicious_lines_skip_tests_and_rank_the_failing_frame_first():
    problem = Problem("pytest", "AssertionError", frames=[
        Frame("tests/test_paging.py", 9, "test_page", in_repo=True), Frame("paging.py", 14, "page", in_repo=True)])
    lines = suspicious_lines(problem, None)
    assert [(s.path, s.line) for s in lines] == [("paging.py", 14)]


def test_pytest_stops_at_the_first_failure_only_when_all_failures_are_targets():
    assert fast_command(["ls"], None, []) == ["ls"]
    assert default_workers(2) == 1 and default_workers(16) == 4
