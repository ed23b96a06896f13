"""A scripted stand-in for ``rdebug.session.DebugSession``: canned events with optional delays.

Used by the TUI tests, the benchmark and ``python tests/tui/demo_scripted.py``. A script is a
list of events plus markers: ``Pause(s)`` sleeps, ``Hang()`` blocks until ``cancel()``,
``Raise(exc)`` raises from the iterator (a crashing engine).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdebug.context.model import PackedContext, Snippet
from rdebug.errors import RdebugError
from rdebug.events import (
    AnswerDelta,
    AttemptStarted,
    ContextBuilt,
    Done,
    ModelLoading,
    ModelReady,
    ModelStats,
    PatchApplied,
    PatchProposed,
    PatchUndone,
    PatchVerified,
    ProblemFound,
    SessionEvent,
    Status,
    ThinkingDelta,
    Usage,
    VerificationStarted,
)
from rdebug.intake.model import Frame, Problem


@dataclass
class Pause:
    seconds: float


@dataclass
class Hang:
    """Block until the session is cancelled (a long generation), at most ``seconds``."""

    seconds: float = 30.0


@dataclass
class Raise:
    exc: BaseException


_DELTAS = (ThinkingDelta, AnswerDelta)


class VirtualClock:
    """A clock the scripted session advances by ``step`` per streamed token: deterministic timings."""

    def __init__(self, step: float = 0.05) -> None:
        self.t = 0.0
        self.step = step

    def __call__(self) -> float:
        return self.t


@dataclass
class ScriptedAttempt:
    index: int
    sample: int = 1
    diff: str | None = None
    verified: bool | None = None


@dataclass
class ScriptedSession:
    """Plays ``start`` on ``start()``, ``ask`` on ``ask()`` and ``rerun`` on ``rerun()``."""

    root: Path
    start_script: list = field(default_factory=list)
    ask_script: list = field(default_factory=list)
    rerun_script: list = field(default_factory=list)
    select_scripts: dict[int, list] = field(default_factory=dict)  # played once, the first time it is chosen
    token_delay: float = 0.0  # seconds slept after each delta event
    apply_error: str | None = None
    clock: VirtualClock | None = None
    thinking: bool = True
    think_budget: int | None = None
    calls: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.context: PackedContext | None = None
        self.attempts: list[ScriptedAttempt] = []
        self._cancel = threading.Event()
        self.hanging = threading.Event()  # set while blocked on a Hang()
        self._applied: list[str] | None = None
        self.closed = False

    # --- iterators ----------------------------------------------------------
    def _play(self, script: Iterable) -> Iterator[SessionEvent]:
        self._cancel.clear()
        for item in script:
            if self._cancel.is_set():
                yield Done("cancelled")
                return
            if isinstance(item, Pause):
                self._cancel.wait(item.seconds)
                continue
            if isinstance(item, Hang):
                self.hanging.set()
                self._cancel.wait(item.seconds)
                self.hanging.clear()
                if self._cancel.is_set():
                    yield Done("cancelled")
                    return
                continue
            if isinstance(item, Raise):
                raise item.exc
            self._track(item)
            yield item
            if self.clock is not None and isinstance(item, _DELTAS):
                self.clock.t += self.clock.step
            if self.token_delay and isinstance(item, _DELTAS):
                time.sleep(self.token_delay)

    def _track(self, event: object) -> None:
        if isinstance(event, ProblemFound):
            self.problems = [event.problem, *event.others]
        elif isinstance(event, ContextBuilt):
            self.context = event.context
        elif isinstance(event, AttemptStarted):
            self.attempts.append(ScriptedAttempt(event.attempt, event.sample))
        elif isinstance(event, PatchProposed) and self.attempts:
            self._attempt(event.attempt, event.sample).diff = event.diff
        elif isinstance(event, PatchVerified) and self.attempts:
            self._attempt(event.attempt, event.sample).verified = event.verified

    def _attempt(self, index: int, sample: int) -> ScriptedAttempt:
        """The latest attempt ``index``, candidate ``sample`` (the candidates of a round interleave)."""
        for attempt in reversed(self.attempts):
            if attempt.index == index and attempt.sample == sample:
                return attempt
        return self.attempts[-1]

    def start(self) -> Iterator[SessionEvent]:
        self.calls.append(("start",))
        return self._play(self.start_script)

    def select_problem(self, index: int) -> Iterator[SessionEvent]:
        self.calls.append(("select_problem", index))
        problem = self.problems[index]
        ctx = self.context or demo_context(problem)
        built = ContextBuilt(PackedContext(problem, ctx.snippets, ctx.budget_tokens, ctx.used_tokens))
        return self._play([built, *self.select_scripts.pop(index, [])])

    def set_context_files(self, include: list[str], exclude: list[str]) -> Iterator[SessionEvent]:
        self.calls.append(("set_context_files", list(include), list(exclude)))
        ctx = self.context
        if ctx is None:
            return self._play([])
        kept = [s for s in ctx.snippets if s.path not in exclude]
        for path in include:
            if not any(s.path == path for s in kept):
                kept.append(Snippet(path, 1, 1, "added by you", "", tokens=40))
        used = sum(s.tokens for s in kept)
        return self._play([ContextBuilt(PackedContext(ctx.problem, kept, ctx.budget_tokens, used, list(ctx.notes)))])

    def ask(self, text: str) -> Iterator[SessionEvent]:
        self.calls.append(("ask", text))
        return self._play(self.ask_script)

    def rerun(self) -> Iterator[SessionEvent]:
        self.calls.append(("rerun",))
        return self._play(self.rerun_script)

    # --- plain calls ---------------------------------------------------------
    def cancel(self) -> None:
        self.calls.append(("cancel",))
        self._cancel.set()

    def apply(self, attempt_index: int) -> PatchApplied:
        self.calls.append(("apply", attempt_index))
        if self.apply_error:
            raise RdebugError(self.apply_error)
        attempt = self.attempts[attempt_index] if attempt_index < len(self.attempts) else None
        files = ["calc/stats.py"] if attempt is None or attempt.diff is None else _diff_files(attempt.diff)
        self._applied = files
        return PatchApplied(files=files, backup_id="20261126-1200-1")

    def undo(self) -> PatchUndone:
        self.calls.append(("undo",))
        if self._applied is None:
            raise RdebugError("nothing to undo")
        files, self._applied = self._applied, None
        return PatchUndone(files=files, backup_id="20261126-1200-1")

    def close(self) -> None:
        self.calls.append(("close",))
        self.closed = True


def _diff_files(diff: str) -> list[str]:
    return [line[6:] for line in diff.splitlines() if line.startswith("+++ b/")]


# --- canned demo content ----------------------------------------------------
STATS_PY = '''"""Small statistics helpers."""


def total(values):
    return sum(values)


def mean(values):
    """The arithmetic mean of ``values``."""
    return total(values) / len(values)


def spread(values):
    return max(values) - min(values)
'''

TEST_STATS_PY = '''from calc.stats import mean


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_empty():
    assert mean([]) == 0
'''

DEMO_DIFF = '''--- a/calc/stats.py
+++ b/calc/stats.py
@@ -8,4 +8,6 @@ def total(values):
 def mean(values):
     """The arithmetic mean of ``values``."""
-    return total(values) / len(values)
+    if not values:
+        return 0
+    return total(values) / len(values)
'''

BAD_DIFF = '''--- a/calc/stats.py
+++ b/calc/stats.py
@@ -8,4 +8,4 @@ def total(values):
 def mean(values):
     """The arithmetic mean of ``values``."""
-    return total(values) / len(values)
+    return total(values) / max(len(values), 0)
'''

THINKING = (
    "The test calls mean([]) and expects 0. mean() divides total(values) by len(values), "
    "so an empty list gives ZeroDivisionError at calc/stats.py line 10.\n"
    "Options: raise a clearer error, or return 0 for an empty input. The test expects 0, "
    "so the fix is a guard before the division. total() is fine: sum([]) is 0.\n"
    "I should keep the docstring and change only mean()."
)

ANSWER = (
    "## Cause\n\n`mean()` divides by `len(values)`, which is **0** for an empty list.\n\n"
    "## Fix\n\nReturn `0` early when `values` is empty:\n\n"
    "```python\nif not values:\n    return 0\n```\n"
)


def make_demo_repo(root: Path) -> Path:
    """Write the demo project (a failing ``mean([])``) under ``root``."""
    (root / "calc").mkdir(parents=True, exist_ok=True)
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "calc" / "__init__.py").write_text("")
    (root / "calc" / "stats.py").write_text(STATS_PY)
    (root / "tests" / "test_stats.py").write_text(TEST_STATS_PY)
    return root


def demo_problem() -> Problem:
    frames = [
        Frame("tests/test_stats.py", 9, "test_mean_empty", in_repo=True),
        Frame("calc/stats.py", 10, "mean", in_repo=True),
    ]
    return Problem(
        kind="pytest",
        exception="ZeroDivisionError",
        message="division by zero",
        frames=frames,
        test_id="tests/test_stats.py::test_mean_empty",
    )


def demo_other_problem() -> Problem:
    return Problem(
        kind="pytest",
        exception="AssertionError",
        message="assert 4 == 3",
        frames=[Frame("tests/test_stats.py", 5, "test_mean", in_repo=True)],
        test_id="tests/test_stats.py::test_mean",
    )


def demo_context(problem: Problem, notes: list[str] | None = None) -> PackedContext:
    snippets = [
        Snippet("calc/stats.py", 8, 10, "frame 2: enclosing function mean()", "", tokens=412, marked_lines=[10]),
        Snippet("tests/test_stats.py", 8, 9, "frame 1: failing test", "", tokens=96, marked_lines=[9]),
        Snippet("calc/stats.py", 4, 5, "called by mean(): total()", "", tokens=58),
    ]
    return PackedContext(problem, snippets, budget_tokens=6000, used_tokens=566, notes=list(notes or []))


def words(text: str) -> list[str]:
    """Split into token-like pieces (words with their trailing space/newline)."""
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch in " \n":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def attempt_events(
    attempt: int, diff: str, verified: bool, thinking: str = THINKING, answer: str = ANSWER, seconds: float = 12.3
) -> list:
    think = [ThinkingDelta(w) for w in words(thinking)]
    reply = [AnswerDelta(w) for w in words(answer)]
    usage = Usage(prompt_tokens=1480, thinking_tokens=len(think), answer_tokens=len(reply), ttft_s=0.4,
                  tokens_per_s=31.5, seconds=seconds)
    output = "1 passed in 0.02s" if verified else "E   ZeroDivisionError: division by zero\n1 failed in 0.03s"
    return [
        AttemptStarted(attempt),
        *think,
        *reply,
        usage,
        PatchProposed(attempt, diff, ["calc/stats.py"]),
        VerificationStarted(attempt, ["pytest", "tests/test_stats.py::test_mean_empty"]),
        PatchVerified(attempt, verified, output),
    ]


def demo_stats() -> ModelStats:
    return ModelStats("qwen2.5-coder-1.5b-instruct", backend="cpu", n_ctx=8192, threads=4, load_s=1.2)


def demo_script(loading_steps: int = 5, two_attempts: bool = True, notes: list[str] | None = None) -> list:
    """A whole session: intake, context, model loading, one failed and one verified attempt."""
    problem = demo_problem()
    script: list = [
        Status("running pytest…"),
        ProblemFound(problem, others=[demo_other_problem()]),
        ContextBuilt(demo_context(problem, notes)),
    ]
    script += [ModelLoading(i / loading_steps, "loading model") for i in range(loading_steps + 1)]
    script.append(ModelReady(demo_stats()))
    if two_attempts:
        script += attempt_events(1, BAD_DIFF, False)
        script += attempt_events(2, DEMO_DIFF, True)
    else:
        script += attempt_events(1, DEMO_DIFF, True)
    script.append(Done("stop"))
    return script


def demo_factory(root: Path, **kwargs) -> Callable[[], ScriptedSession]:
    """A ``session_factory`` for ``RdebugApp`` playing :func:`demo_script`."""
    kwargs.setdefault("start_script", demo_script())
    return lambda: ScriptedSession(root, **kwargs)

