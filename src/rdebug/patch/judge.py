"""Judge a test run after a patch against the run before it, test by test.

Verified means: the targeted failing tests were collected, ran and passed (missing, skipped, xfail or
deselected is not passed); every test that passed before still passes; tests that already failed and
are not targeted may keep failing; no fewer tests ran. Without per-test outcomes only the exit code
can be checked, and the verdict says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from rdebug.patch.testreport import FAILED, ERROR, PASSED, SKIPPED, TestOutcomes

EXIT_CODE_ONLY = "only the exit code was checked: this runner gives no per-test report"
SHOWN = 5


@dataclass
class Judgement:
    passed: bool
    reason: str = ""  # one line: why not, or what was checked
    regressions: list[str] = field(default_factory=list)  # tests that passed before and do not now
    failures: int = 0  # targeted tests not passing + regressions (for ranking)
    checked: str = ""  # how: "checked per test, from the junit report" or EXIT_CODE_ONLY


def _split(test_id: str) -> tuple[tuple[str, ...], str | None]:
    """Name parts and parameter of a test id in any runner's spelling (``a/b.py::C::t[x]`` → a b C t, x)."""
    tid = test_id.strip()
    param = None
    m = re.search(r"\[(.*)\]$", tid)
    if m:
        tid, param = tid[: m.start()], m.group(1)
    tid = re.sub(r"\.py(?=::|$)", "", tid)
    m = re.match(r"^(\w+) \(([\w.]+)\)$", tid)  # unittest: test_x (pkg.mod.Cls)
    if m:
        tid = m.group(2) if m.group(2).endswith("." + m.group(1)) else f"{m.group(2)}.{m.group(1)}"
    return tuple(p for p in re.split(r"::|/|\.", tid) if p), param


def matches(target: str, test_id: str) -> bool:
    """Whether report id ``test_id`` is (a case of) ``target``; the ids may differ by a leading folder."""
    t, t_param = _split(target)
    e, e_param = _split(test_id)
    if not t or (t_param is not None and t_param != e_param):
        return False
    n = len(t)
    if "::" not in target and target.endswith(".py"):  # a whole file: every test in it
        return any(e[k:k + n] == t for k in range(len(e) - n + 1))
    return len(e) >= n and e[-n:] == t


def _listed(ids: Sequence[str]) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def _targets(targets: Sequence[str], before: TestOutcomes | None, fallback: bool) -> list[str]:
    """The targets that name tests of the run before; else (``fallback``) the tests failing before."""
    if before is None:
        return list(targets)
    known = [t for t in targets if any(matches(t, tid) for tid in before.tests)]
    if known:
        return known
    return sorted(before.failing()) if fallback else []


def judge(before: TestOutcomes | None, after: TestOutcomes | None, targets: Sequence[str] = (), *,
          fallback_to_failing: bool = True) -> Judgement:
    """Compare per-test outcomes; ``after`` None or empty: no report, so not verified."""
    how = f"checked per test, from the {after.source}" if after is not None else ""
    if after is None or not after.tests:
        return Judgement(False, "no test results: the run reported no tests (did the code exit early, "
                                "or were the tests removed?)", failures=1, checked=how)
    wanted = _targets(targets, before, fallback_to_failing)
    problems: list[str] = []
    missing, skipped, failing = [], [], []
    for target in wanted:
        hits = [o for tid, o in after.tests.items() if matches(target, tid)]
        if not hits:
            missing.append(target)
        elif any(o in (FAILED, ERROR) for o in hits):
            failing.append(target)
        elif any(o == SKIPPED for o in hits):
            skipped.append(target)
    if failing:
        problems.append(f"still failing: {_listed(failing)}")
    if missing:
        problems.append(f"did not run: {_listed(missing)}")
    if skipped:
        problems.append(f"skipped (not passed): {_listed(skipped)}")
    before_tests = before.tests if before is not None else {}
    regressions = sorted(tid for tid, o in before_tests.items() if o == PASSED and after.tests.get(tid) != PASSED)
    targeted = {tid for tid in after.tests for t in wanted if matches(t, tid)}
    # already failing before and not targeted: may keep failing; anything else failing now is new
    new_failing = sorted(tid for tid in after.failing() - targeted if before_tests.get(tid) not in (FAILED, ERROR))
    regressions = sorted(set(regressions) | set(new_failing))
    if regressions:
        problems.append(f"passed before, not now: {_listed(regressions)}")
    if before is not None and after.ran < before.ran:
        problems.append(f"fewer tests ran: {before.ran} before, {after.ran} after")
    failures = len(failing) + len(missing) + len(skipped) + len(regressions)
    if problems:
        return Judgement(False, "; ".join(problems), regressions, max(1, failures), how)
    shown = _listed(wanted) if wanted else "the tests"
    return Judgement(True, f"{shown} passed; nothing that passed before fails ({after.ran} tests ran)", [], 0, how)


def judge_exit_code(exit_code: int | None, timed_out: bool) -> Judgement:
    ok = exit_code == 0 and not timed_out
    return Judgement(ok, "" if ok else "the command failed", failures=0 if ok else 1, checked=EXIT_CODE_ONLY)
