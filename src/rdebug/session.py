"""One debugging session as a stream of typed events, for any front end.

intake -> ProblemFound/NoProblem -> ContextBuilt -> ModelLoading/ModelReady ->
attempts (thinking, answer, patch, verification) -> Done | Error.
The generators block (they run tests and the model): front ends consume them off their UI thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from rdebug.config import Config
from rdebug.context.model import PackedContext
from rdebug.errors import ExitCode, ModelError, PatchError, RdebugError
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
from rdebug.job import Job, RoundOptions
from rdebug.pipeline import Pipeline, apply, gather, intake_note
from rdebug.rounds import CandidateRound


@dataclass
class ProblemWork:
    """One failure's own debugging state: its job, attempts and conversation."""

    job: Job | None = None
    attempts: list = field(default_factory=list)
    history: list = field(default_factory=list)


class DebugSession:
    """Drives the pipeline (intake, context, model, candidates); keeps what a UI needs to browse.

    Each failure has its own ``ProblemWork`` (job, attempts, conversation): ``select_problem`` switches
    to another and starts it, or resumes it where it was; ``job``, ``attempts`` and ``apply`` are the
    selected failure's.
    """

    def __init__(self, root: Path, cfg: Config, request, backend_factory: Callable | None = None) -> None:
        self.root = root
        self.cfg = cfg
        self.request = request  # rdebug.intake.model.IntakeRequest
        self.pipeline = Pipeline(cfg, backend_factory)
        self.intake = None  # IntakeResult
        self.problems: list[Problem] = []
        self.problem_index = 0
        self._work: dict[str, ProblemWork] = {}
        self.thinking = cfg.thinking
        self.think_budget = cfg.think_budget
        self._include: list[str] = []
        self._exclude: list[str] = []
        self._round: CandidateRound | None = None
        self._cancel = threading.Event()

    # --- public API ------------------------------------------------------
    @property
    def problem(self) -> Problem | None:
        return self.problems[self.problem_index] if self.problems else None

    @property
    def work(self) -> ProblemWork:
        """The selected failure's state (a blank one before any failure is known)."""
        key = self.problem.key if self.problem is not None else ""
        return self._work.setdefault(key, ProblemWork())

    @property
    def job(self) -> Job | None:
        return self.work.job

    @job.setter
    def job(self, job: Job | None) -> None:
        self.work.job = job

    @property
    def attempts(self) -> list:
        return self.work.attempts

    @property
    def _history(self) -> list:
        return self.work.history

    @_history.setter
    def _history(self, history: list) -> None:
        self.work.history = history

    @property
    def command(self) -> list[str] | None:
        return self.intake.command if self.intake else None

    @property
    def context(self) -> PackedContext | None:
        return self.job.context if self.job else None

    @property
    def backend(self):
        return self.pipeline.backend

    @property
    def model_ready(self) -> ModelReady | None:
        return self.pipeline.ready

    def start(self) -> Iterator[SessionEvent]:
        """Intake, context, model load and the repair loop (an intake failure is fatal: nothing to debug)."""
        yield from self._guard(self._start(), fatal_before_problem=True)

    def select_problem(self, index: int) -> Iterator[SessionEvent]:
        """Switch to failure ``index``: resume its state, or build its context and start repairing it."""
        if not 0 <= index < len(self.problems):
            yield Error(f"no failure number {index + 1}")
            return
        self.problem_index = index
        yield from self._guard(self._select())

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
        rnd, backend = self._round, self.pipeline.backend
        if rnd is not None:
            rnd.cancel()
        elif backend is not None:
            backend.cancel()

    def apply(self, attempt_index: int) -> PatchApplied:
        attempt = self._attempt(attempt_index)
        if attempt.patch is None or self.job is None:
            raise PatchError(f"attempt {attempt_index + 1} has no patch to apply")
        return apply(self.job, attempt.patch)

    def undo(self) -> PatchUndone:
        from rdebug.patch.apply import undo

        record = undo(self.root)
        return PatchUndone(files=list(record.files), backup_id=record.id)

    def close(self) -> None:
        self.cancel()
        self.pipeline.close()

    # --- steps -----------------------------------------------------------
    def _guard(self, events: Iterator[SessionEvent], fatal_before_problem: bool = False) -> Iterator[SessionEvent]:
        """Turn user-facing failures into an Error event; the session stays usable, except for a failure
        before any problem was found when ``fatal_before_problem`` (the headless command's exit code)."""
        self._cancel.clear()
        try:
            yield from events
        except RdebugError as exc:
            fatal = fatal_before_problem and not self.problems
            yield Error(exc.message, fatal=fatal, exit_code=exc.exit_code if fatal else None)

    def _start(self) -> Iterator[SessionEvent]:
        yield from self._intake()
        if not self.problems:
            yield Done()
            return
        yield from self._context_events()
        yield from self._repair()
        yield Done("cancelled" if self._cancel.is_set() else "stop")

    def _intake(self) -> Iterator[SessionEvent]:
        req = self.request
        note = intake_note(req)
        if note:
            yield Status(note)
        self.intake = gather(req)
        self.problems = list(self.intake.problems)
        self.problem_index = 0
        out = self.intake.command_result.output if self.intake.command_result else req.trace_text
        if not self.problems:
            yield NoProblem(self.intake.message or "all tests passed: nothing to debug")
            return
        yield ProblemFound(self.problems[0], others=self.problems[1:], command_output=out)

    def _context_events(self) -> Iterator[SessionEvent]:
        problem = self.problem
        if problem is None:
            return
        yield Status("building context …")
        self.job = self.pipeline.prepare(problem, self.root, self.command, test_cmd=self.request.test_cmd,
                                         include=self._include, exclude=self._exclude)
        yield ContextBuilt(self.job.context)

    def _select(self) -> Iterator[SessionEvent]:
        work = self.work
        if work.job is not None and work.attempts:
            yield ContextBuilt(work.job.context)  # resumed where it was
            return
        yield from self._context_events()
        yield from self._repair()
        yield Done("cancelled" if self._cancel.is_set() else "stop")

    def _load(self) -> Iterator[SessionEvent]:
        """The model's load events; a failed load is fatal (no model, no repair): exit code 3 headless."""
        shown = False
        try:
            for event in self.pipeline.load():
                if isinstance(event, Error):
                    shown = True
                    event = Error(event.message, fatal=True, exit_code=event.exit_code or ExitCode.MODEL)
                yield event
        except ModelError as exc:
            if not shown:  # the backend could not even be opened
                yield Error(exc.message, fatal=True, exit_code=exc.exit_code)
            raise

    def _repair(self, hint: str | None = None, question: bool = False) -> Iterator[SessionEvent]:
        try:
            yield from self._load()
        except ModelError:  # the Error event is out already
            return
        if self._cancel.is_set():
            return
        history = list(self._history)
        if hint:
            from rdebug.runtime.base import ChatMessage

            history.append(ChatMessage("user", hint))
        opts = RoundOptions.from_config(self.cfg, thinking=self.thinking, think_budget=self.think_budget,
                                        history=history, question=question)
        rnd = self.pipeline.candidates(self.job, opts)
        self._round = rnd
        try:
            yield from rnd.run()
        finally:
            self._round = None
        if rnd.fatal:
            self.pipeline.forget_model()
        work = self.work
        work.attempts.extend(rnd.attempts)
        work.history = list(rnd.history)

    def _ask(self, text: str) -> Iterator[SessionEvent]:
        from rdebug.prompts import is_question, question_turn

        if self.problem is None:
            # no failure yet: the question itself is the problem description
            from rdebug.intake.freetext import problem_from_text

            self.problems = [problem_from_text(text, self.root)]
            self.problem_index = 0
            yield ProblemFound(self.problems[0])
            yield from self._context_events()
            yield from self._repair()
        else:
            if self.job is None:
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
        selected = self.problem.key if self.problem is not None else None
        self.request = dataclasses.replace(self.request, command=list(cmd), trace_text=None, free_text=None)
        yield from self._intake()
        keys = [p.key for p in self.problems]
        if selected in keys:  # the selection stays on the same failure
            self.problem_index = keys.index(selected)
        if self.problems:
            yield from self._context_events()
        yield Done()

    def _attempt(self, index: int):
        if not 0 <= index < len(self.attempts):
            raise PatchError(f"no attempt number {index + 1}")
        return self.attempts[index]
