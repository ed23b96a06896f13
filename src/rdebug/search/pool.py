"""Verify search candidates in a small pool of scratch copies, capped by count and wall time.

Each candidate is verified like any patch (``verify_patch``: a scratch copy, the failing command judged
test by test, then the regression suite). The failing command runs first, with pytest's ``-x`` when every
test failing before is a target (the first failure ends the run); the suite runs only when it passes.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.patch.verify import Baseline, VerifyResult, verify_patch
from rdebug.search.candidates import Candidate

MIN_TIMEOUT_S = 5.0  # a candidate's test run may take this long at least …
SLOWDOWN = 5.0  # … or this many times the run before the patch (a mutation may loop forever)
UNKNOWN_TIMEOUT_S = 30.0  # until one run's time is known


def default_workers(cores: int | None = None) -> int:
    """Half the cores, at most 4: the rest stay free (on 2 cores: 1 worker)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(4, cores // 2))


@dataclass
class Tried:
    candidate: Candidate
    result: VerifyResult
    seconds: float


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
    """``run(candidates)`` yields each ``Tried`` as it finishes, until the caller stops, a cap or cancel."""

    def __init__(self, root: Path, command: Sequence[str], *, regression_cmd: Sequence[str] | None,
                 baseline: Baseline | None, targets: Sequence[str], timeout_s: float, max_count: int,
                 max_seconds: float, workers: int | None = None, cancel: threading.Event | None = None) -> None:
        self.root = root
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
        before = baseline.command if baseline is not None else None
        self._reference = before.result.duration_s if before is not None and not before.result.timed_out else None

    def _timeout(self) -> float:
        if self._reference is None:
            return min(self.timeout_s, UNKNOWN_TIMEOUT_S)
        return min(self.timeout_s, max(MIN_TIMEOUT_S, SLOWDOWN * self._reference))

    def _verify(self, cand: Candidate, timeout: float) -> Tried:
        start = time.perf_counter()
        try:
            result = verify_patch(self.root, cand.patch, self.command, timeout, self.regression_cmd,
                                  self.baseline, targets=self.targets, cancel=self.stop)
        except RdebugError as exc:
            result = VerifyResult(False, None, exc.message, failures=1, reason=exc.message)
        seconds = time.perf_counter() - start
        if not result.timed_out and not result.cancelled and result.exit_code is not None:
            self._reference = seconds if self._reference is None else min(self._reference, seconds)
        return Tried(cand, result, seconds)

    def run(self, candidates: Sequence[Candidate]) -> Iterator[Tried]:
        deadline = time.monotonic() + self.max_seconds
        queue = list(candidates[: self.max_count])
        exhausted = False
        pending: set[Future] = set()
        watcher = threading.Thread(target=self._watch, args=(deadline,), daemon=True)
        watcher.start()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rdebug-search") as pool:
            try:
                while queue or pending:
                    while queue and len(pending) < self.workers and not self._stopped(deadline):
                        pending.add(pool.submit(self._verify, queue.pop(0), self._timeout()))
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
        if exhausted and len(candidates) > self.max_count:
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
