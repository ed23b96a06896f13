"""Verify search candidates in a small pool of scratch copies, capped by count and wall time.

Each candidate is verified like any patch (``verify_patch``: a scratch copy, the failing command judged
test by test, then the regression suite). The failing command runs first, with pytest's ``-x`` when every
test failing before is a target (the first failure ends the run); the suite runs only when it passes.

Faster where it is proven safe (``rdebug.search.screen``): each worker keeps one scratch copy and screens a
candidate there first, running the failing tests alone (in a warm worker, plugin autoload off where the tests
run the same without it); only a candidate that passes the screen is verified as above.

A run is cut at a short limit, a few times the run before the patch. When the failing test hung before the patch
(the baseline timed out) every candidate that does not fix it hangs too: it is cut at ``HANG_SLOWDOWN`` times the
time the passing tests take (``Baseline.passing_s``), ``HANG_MIN_S`` at least, and its verdict says so
(``VerifyResult.cut``). A cut candidate is never verified; one that passes within the limit has passed.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.patch.judge import Judgement, judge
from rdebug.patch.verify import Baseline, TestRun, VerifyResult, tail, verify_patch
from rdebug.search.candidates import Candidate
from rdebug.search.screen import Screen, Slot, plan_screen

MIN_TIMEOUT_S = 5.0  # a candidate's test run may take this long at least …
SLOWDOWN = 5.0  # … or this many times the run before the patch (a mutation may loop forever)
UNKNOWN_TIMEOUT_S = 30.0  # until one run's time is known
HANG_MIN_S = 5.0  # the failing test hung before the patch: a candidate's run is cut after this long at least …
HANG_SLOWDOWN = 4.0  # … or this many times the passing tests' run (or the fastest candidate's run)


def cut_note(pool: "SearchPool") -> str:
    """", 7 cut after 5 s: the failing test hung before the patch" when runs were cut at the short limit."""
    if not pool.cut:
        return ""
    why = "the failing test hung before the patch" if pool.hung else "far slower than before the patch"
    return f", {pool.cut} cut after {pool._timeout():.3g} s: {why}"


def default_workers(cores: int | None = None) -> int:
    """Half the cores, at most 4: the rest stay free (on 2 cores: 1 worker)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(4, cores // 2))


@dataclass
class Tried:
    candidate: Candidate
    result: VerifyResult
    seconds: float
    screened: bool = False  # turned away by the screen (the failing tests alone, in a kept scratch copy)


def fast_command(command: Sequence[str], baseline: Baseline | None, targets: Sequence[str]) -> list[str]:
    """``command`` with ``-x`` for pytest when every test failing before is a target (stop at the first)."""
    from rdebug.patch.judge import matches
    from rdebug.patch.testreport import runner_of

    argv = list(command)
    if runner_of(argv) != "pytest" or "-x" in argv or "--exitfirst" in argv:
        return argv
    before = baseline.command if baseline is not None else None
    if before is None or before.outcomes is None:
        return argv
    failing = before.outcomes.failing()
    if targets and all(any(matches(t, f) for t in targets) for f in failing):
        return argv + ["-x"]
    return argv


class SearchPool:
    """``run(candidates)`` yields each ``Tried`` as it finishes, until the caller stops, a cap or cancel.

    ``screen``: screen candidates where that is proven safe (False: each verified as usual, as before)."""

    def __init__(self, root: Path, command: Sequence[str], *, regression_cmd: Sequence[str] | None,
                 baseline: Baseline | None, targets: Sequence[str], timeout_s: float, max_count: int,
                 max_seconds: float, workers: int | None = None, cancel: threading.Event | None = None,
                 screen: bool = True) -> None:
        self.root = root
        self.given = list(command)
        self.command = fast_command(command, baseline, targets)
        self.regression_cmd = list(regression_cmd) if regression_cmd else None
        self.baseline = baseline
        self.targets = list(targets)
        self.timeout_s = timeout_s
        self.max_count = max_count
        self.max_seconds = max_seconds
        self.workers = workers or default_workers()
        self.cancel = cancel or threading.Event()
        self.stop = threading.Event()  # ends the running verifications (cancel, a cap, or the caller)
        self.tried = 0
        self.capped: str | None = None  # "count" or "time" when a cap ended the search
        self.use_screen = screen
        self.screen: Screen | None = None  # how candidates are screened (None: each verified as usual)
        self.screened = 0  # candidates the screen turned away
        self.cut = 0  # candidates cut at the short limit
        self.hung = baseline is not None and baseline.timed_out  # the failing test hung before the patch
        before = baseline.command if baseline is not None else None
        self._reference = before.result.duration_s if before is not None and not before.result.timed_out else None
        if self.hung and baseline.passing_s is not None:
            self._reference = baseline.passing_s
        self._screen_ref = 0.0
        self._free: queue.SimpleQueue[Slot] = queue.SimpleQueue()
        self._slots: list[Slot] = []
        self._slots_lock = threading.Lock()

    def _timeout(self) -> float:
        """The limit of a run verified as usual."""
        if self._reference is None:
            return min(self.timeout_s, UNKNOWN_TIMEOUT_S)
        if self.hung:
            return min(self.timeout_s, max(HANG_MIN_S, HANG_SLOWDOWN * self._reference))
        return min(self.timeout_s, max(MIN_TIMEOUT_S, SLOWDOWN * self._reference))

    def _screen_timeout(self) -> float:
        return min(self.timeout_s, max(MIN_TIMEOUT_S, SLOWDOWN * self._screen_ref))

    def _cut(self, result: VerifyResult, timeout: float, screen: bool = False) -> VerifyResult:
        """A run stopped at the short limit, under the user's timeout, is cut: its verdict says so."""
        if result.timed_out and not result.cancelled and timeout < self.timeout_s:
            if self.hung:
                why = "the failing test hung before the patch"
            elif screen or self._reference is not None:
                why = f"{SLOWDOWN:g} times as long as the same run before the patch, {MIN_TIMEOUT_S:g} s at least"
            else:
                why = "the search's limit while no run's time is known"
            result.cut, result.verified = True, False
            result.reason = f"cut after {timeout:.3g} s: {why}"
            self.cut += 1
        return result

    def _verify(self, cand: Candidate) -> Tried:
        start = time.perf_counter()
        screened = False
        try:
            slot = self._slot() if self.screen is not None else None
            if slot is not None and slot.fits(cand.patch):
                result, screened = self._screened(slot, cand)
            else:
                if slot is not None:
                    self._release(slot)
                timeout = self._timeout()
                result = self._cut(verify_patch(self.root, cand.patch, self.command, timeout, self.regression_cmd,
                                                self.baseline, targets=self.targets, cancel=self.stop), timeout)
                seconds = time.perf_counter() - start
                if not result.timed_out and not result.cancelled and result.exit_code is not None:
                    self._reference = seconds if self._reference is None else min(self._reference, seconds)
        except RdebugError as exc:
            result = VerifyResult(False, None, exc.message, failures=1, reason=exc.message)
        return Tried(cand, result, time.perf_counter() - start, screened)

    def _screened(self, slot: Slot, cand: Candidate) -> tuple[VerifyResult, bool]:
        """Screen ``cand`` in ``slot``; verify it as usual when it passes."""
        timeout = self._screen_timeout()
        try:
            with slot.patched(cand.patch):
                run = slot.run(self.screen.argv, self.screen.env, timeout, self.stop)
        finally:
            self._release(slot)
        if run.result.cancelled:
            return VerifyResult(False, None, "verification cancelled", reason="cancelled", cancelled=True), True
        verdict = self._judge_screen(run)
        if not run.result.timed_out and run.result.exit_code is not None:
            self._screen_ref = min(self._screen_ref, run.result.duration_s) if self._screen_ref else \
                run.result.duration_s
        if not verdict.passed:
            self.screened += 1
            result = VerifyResult(False, run.result.exit_code, tail(run.output), timed_out=run.result.timed_out,
                                  failures=verdict.failures, reason=verdict.reason, checked=verdict.checked)
            return self._cut(result, timeout, screen=True), True
        timeout = self._timeout()
        result = verify_patch(self.root, cand.patch, self.command, timeout, self.regression_cmd, self.baseline,
                              targets=self.targets, cancel=self.stop)
        return self._cut(result, timeout), False

    def _judge_screen(self, run: TestRun) -> Judgement:
        if run.result.timed_out:
            return Judgement(False, "the command timed out", failures=1)
        verdict = judge(self.screen.before, run.outcomes, self.screen.ids)
        if verdict.passed and run.result.exit_code != 0:
            return Judgement(False, f"the command failed (exit code {run.result.exit_code})", failures=1,
                             checked=verdict.checked)
        return verdict

    def _slot(self) -> Slot | None:
        """A free kept scratch copy (a new one while there are fewer than workers); None when none can be made."""
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._slots_lock:
            if self.stop.is_set():
                return None
            try:
                slot = Slot(self.root, self.given)
            except (OSError, RdebugError):  # no kept copy: each candidate is verified as usual
                return None
            self._slots.append(slot)
        return slot

    def _release(self, slot: Slot) -> None:
        if slot.clean():
            self._free.put(slot)
            return
        with self._slots_lock:  # a run changed the copy: retired, a fresh one is made when needed
            self._slots.remove(slot)
        slot.close()

    def _prepare(self) -> None:
        """Plan the screen on a first kept copy (probes on the code before the patch)."""
        if not self.use_screen or self.hung or self.stop.is_set():
            return
        from rdebug.patch.testreport import runner_of

        before = self.baseline.command if self.baseline is not None else None
        if runner_of(self.given) != "pytest" or before is None or before.outcomes is None:
            return
        slot = self._slot()
        if slot is None:
            return
        try:
            self.screen = plan_screen(slot, self.given, self.baseline, self.targets, self._timeout(), self.stop)
        except (OSError, RdebugError):
            self.screen = None
        if self.screen is not None:
            self._screen_ref = self.screen.reference_s
        self._release(slot)

    def _close_slots(self) -> None:
        with self._slots_lock:
            slots, self._slots = self._slots, []
        for slot in slots:
            slot.close()

    def run(self, candidates: Sequence[Candidate]) -> Iterator[Tried]:
        deadline = time.monotonic() + self.max_seconds
        todo = list(candidates[: self.max_count])
        exhausted = False
        pending: set[Future] = set()
        watcher = threading.Thread(target=self._watch, args=(deadline,), daemon=True)
        watcher.start()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rdebug-search") as pool:
            try:
                self._prepare()
                while todo or pending:
                    while todo and len(pending) < self.workers and not self._stopped(deadline):
                        pending.add(pool.submit(self._verify, todo.pop(0)))
                    if not pending:
                        break
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        tried = fut.result()
                        if tried.result.cancelled:
                            continue
                        self.tried += 1
                        yield tried
                exhausted = True
            finally:
                self.stop.set()  # the caller stopped (a verified fix), a cap, or cancel: end the others
                for fut in pending:
                    fut.cancel()
                wait(pending)
                self._close_slots()
        if exhausted and len(candidates) > self.max_count and self.capped is None:  # a deadline stop says "time"
            self.capped = "count"

    def _stopped(self, deadline: float) -> bool:
        if self.cancel.is_set() or self.stop.is_set():
            return True
        if time.monotonic() >= deadline:
            self.capped = "time"
            self.stop.set()
            return True
        return False

    def _watch(self, deadline: float) -> None:
        """End the running verifications at the deadline or on cancel."""
        while not self.stop.is_set():
            if self.cancel.is_set() or time.monotonic() >= deadline:
                if not self.cancel.is_set():
                    self.capped = self.capped or "time"
                self.stop.set()
                return
            self.stop.wait(0.1)
