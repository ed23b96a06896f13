"""One debugging session as a stream of typed events, for any front end.

intake -> ProblemFound/NoProblem -> ContextBuilt -> ModelLoading/ModelReady ->
attempts (thinking, answer, patch, verification) -> Done | Error.
The generators block (they run tests and the model): front ends consume them off their UI thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterator

from rdebug.config import Config
from rdebug.context.model import PackedContext
from rdebug.errors import PatchError, RdebugError
from rdebug.events import (
    ContextBuilt,
    Done,
    Error,
    ModelReady,
    NoProblem,
    PatchApplied,
    PatchUndone,
    ProblemFound,
    SessionEvent,
    Status,
)
from rdebug.intake.model import Problem
from rdebug.patch.diff import file_hashes


class DebugSession:
    """Drives intake, context, model and the repair loop; keeps what a UI needs to browse."""

    def __init__(self, root: Path, cfg: Config, request, backend_factory: Callable | None = None) -> None:
        self.root = root
        self.cfg = cfg
        self.request = request  # rdebug.intake.collect.IntakeRequest
        self._backend_factory = backend_factory
        self.backend = None
        self.model_ready: ModelReady | None = None
        self.intake = None  # IntakeResult
        self.problems: list[Problem] = []
        self.problem_index = 0
        self.context: PackedContext | None = None
        self.attempts: list = []
        self.thinking = cfg.thinking
        self.think_budget = cfg.think_budget
        self._include: list[str] = []
        self._exclude: list[str] = []
        self._hashes: dict[str, str | None] = {}
        self._history: list = []
        self._loop = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()

    # --- public API ------------------------------------------------------
    @property
    def problem(self) -> Problem | None:
        return self.problems[self.problem_index] if self.problems else None

    @property
    def command(self) -> list[str] | None:
        return self.intake.command if self.intake else None

    def start(self) -> Iterator[SessionEvent]:
        """Intake, context, model load and the repair loop."""
        yield from self._guard(self._start())

    def select_problem(self, index: int) -> Iterator[SessionEvent]:
        if not 0 <= index < len(self.problems):
            yield Error(f"no failure number {index + 1}")
            return
        self.problem_index = index
        self._history = []
        yield from self._guard(self._context_events())

    def set_context_files(self, include: list[str], exclude: list[str]) -> Iterator[SessionEvent]:
        self._include, self._exclude = list(include), list(exclude)
        yield from self._guard(self._context_events())

    def ask(self, text: str) -> Iterator[SessionEvent]:
        """A follow-up question or hint; reuses the conversation (and so the KV cache)."""
        yield from self._guard(self._ask(text))

    def rerun(self) -> Iterator[SessionEvent]:
        """Re-run the failing command (after an apply, for instance)."""
        yield from self._guard(self._rerun())

    def cancel(self) -> None:
        self._cancel.set()
        loop, backend = self._loop, self.backend
        if loop is not None:
            loop.cancel()
        elif backend is not None:
            backend.cancel()

    def apply(self, attempt_index: int) -> PatchApplied:
        from rdebug.patch.apply import apply_patch

        attempt = self._attempt(attempt_index)
        if attempt.patch is None:
            raise PatchError(f"attempt {attempt_index + 1} has no patch to apply")
        record = apply_patch(self.root, attempt.patch, self._hashes)
        return PatchApplied(files=list(record.files), backup_id=record.id)

    def undo(self) -> PatchUndone:
        from rdebug.patch.apply import undo

        record = undo(self.root)
        return PatchUndone(files=list(record.files), backup_id=record.id)

    def close(self) -> None:
        self.cancel()
        if self.backend is not None:
            try:
                self.backend.close()
            finally:
                self.backend = None

    # --- steps -----------------------------------------------------------
    def _guard(self, events: Iterator[SessionEvent]) -> Iterator[SessionEvent]:
        """Turn user-facing failures into an Error event; the session stays usable."""
        self._cancel.clear()
        try:
            yield from events
        except RdebugError as exc:
            yield Error(exc.message, fatal=False)

    def _start(self) -> Iterator[SessionEvent]:
        yield from self._intake()
        if not self.problems:
            yield Done()
            return
        yield from self._context_events()
        yield from self._repair()
        yield Done("cancelled" if self._cancel.is_set() else "stop")

    def _intake(self) -> Iterator[SessionEvent]:
        from rdebug.intake.collect import gather

        req = self.request
        if req.command:
            yield Status(f"running {' '.join(req.command)} …")
        elif req.trace_text is None and req.free_text is None:
            yield Status("running the tests …")
        self.intake = gather(req)
        self.problems = list(self.intake.problems)
        self.problem_index = 0
        out = self.intake.command_result.output if self.intake.command_result else req.trace_text
        if not self.problems:
            yield NoProblem(self.intake.message or "all tests passed: nothing to debug")
            return
        yield ProblemFound(self.problems[0], others=self.problems[1:], command_output=out)

    def _context_events(self) -> Iterator[SessionEvent]:
        from rdebug.context.build import build_context

        problem = self.problem
        if problem is None:
            return
        yield Status("building context …")
        counter = self.backend.count_tokens if self.backend is not None else None
        self.context = build_context(
            problem, self.root, budget=self.cfg.budget, count_tokens=counter,
            include=self._include, exclude=self._exclude,
        )
        self._hashes = file_hashes(self.root, [s.path for s in self.context.snippets])
        yield ContextBuilt(self.context)

    def _ensure_backend(self) -> Iterator[SessionEvent]:
        if self.backend is not None and self.model_ready is not None:
            return
        factory = self._backend_factory
        if factory is None:
            from rdebug.runtime import open_backend as factory
        self.backend = factory(self.cfg)
        for ev in self.backend.load():
            if isinstance(ev, ModelReady):
                self.model_ready = ev
            yield ev
            if isinstance(ev, Error):
                self.backend = None
                raise _Stop()

    def _repair(self, hint: str | None = None, question: bool = False) -> Iterator[SessionEvent]:
        from rdebug.context.render import format_for_prompt
        from rdebug.patch.loop import RepairLoop

        try:
            yield from self._ensure_backend()
        except _Stop:
            return
        if self._cancel.is_set():
            return
        history = list(self._history)
        if hint:
            from rdebug.runtime.base import ChatMessage

            history.append(ChatMessage("user", hint))
        loop = RepairLoop(
            self.problem,
            format_for_prompt(self.context),
            self.backend,
            self.root,
            self.command,
            attempts=self.cfg.attempts,
            samples=self.cfg.samples,
            timeout_s=self.cfg.timeout,
            thinking=self.thinking,
            think_budget=self.think_budget,
            max_tokens=self.cfg.max_tokens,
            expected_hashes=self._hashes,
            history=history,
            regression_cmd=self._regression_cmd(),
            question=question,
        )
        self._loop = loop
        try:
            for ev in loop.run():
                yield ev
                if isinstance(ev, Error) and ev.fatal:
                    self.backend = None
                    self.model_ready = None
        finally:
            self._loop = None
        self.attempts.extend(loop.attempts)
        self._history = list(getattr(loop, "history", history))

    def _regression_cmd(self) -> list[str] | None:
        """The project's test command, to catch regressions (None when it is the failing command)."""
        from rdebug.intake.detect import detect_test_command

        cmd = self.request.test_cmd or detect_test_command(self.root)
        return None if not cmd or cmd == self.command else list(cmd)

    def _ask(self, text: str) -> Iterator[SessionEvent]:
        from rdebug.patch.prompt import is_question, question_turn

        if self.problem is None:
            # no failure yet: the question itself is the problem description
            from rdebug.intake.freetext import problem_from_text

            self.problems = [problem_from_text(text, self.root)]
            self.problem_index = 0
            yield ProblemFound(self.problems[0])
            yield from self._context_events()
            yield from self._repair()
        else:
            if self.context is None:
                yield from self._context_events()
            if is_question(text):  # answered once; verified only if the reply holds a fix
                yield from self._repair(hint=question_turn(text), question=True)
            else:  # a hint: the repair loop again, with the hint as the next turn
                yield from self._repair(hint=text)
        yield Done("cancelled" if self._cancel.is_set() else "stop")

    def _rerun(self) -> Iterator[SessionEvent]:
        import dataclasses

        cmd = self.command
        if not cmd:
            yield Error("no command to re-run: this failure came from a trace or text")
            return
        self.request = dataclasses.replace(self.request, command=list(cmd), trace_text=None, free_text=None)
        yield from self._intake()
        if self.problems:
            yield from self._context_events()
        yield Done()

    def _attempt(self, index: int):
        if not 0 <= index < len(self.attempts):
            raise PatchError(f"no attempt number {index + 1}")
        return self.attempts[index]


class _Stop(Exception):
    """Internal: the model could not be loaded; the Error event was already yielded."""
