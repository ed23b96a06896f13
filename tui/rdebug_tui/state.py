"""What the TUI shows, folded from the engine's events (no Textual here: unit-testable)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdebug import events as ev
from rdebug.context.model import PackedContext
from rdebug.intake.model import Problem

BUDGET_STEPS: list[int | None] = [None, 256, 512, 1024, 2048, 4096, 8192]


@dataclass
class WorkerDone:
    """Pushed by the TUI's worker after an engine call ends (``error`` set when it raised)."""

    label: str
    error: str | None = None
    crashed: bool = False  # an unexpected exception, not an RdebugError
    exit_code: int = 1


@dataclass
class AttemptView:
    attempt: int | None  # None: a follow-up reply not (yet) tied to an attempt
    sample: int = 1
    question: str | None = None  # the follow-up that produced it
    thinking: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    think_start: float | None = None
    think_end: float | None = None
    usage: ev.Usage | None = None
    diff: str | None = None
    files: list[str] = field(default_factory=list)
    rejected: str | None = None
    verify: str = "none"  # "none", "verifying", "verified", "failed"
    verify_command: list[str] = field(default_factory=list)
    output_tail: str = ""
    regressions: list[str] = field(default_factory=list)
    finished: bool = False
    edits_tests: list[str] = field(default_factory=list)  # test files the patch touches (apply asks twice)
    tests_pass: bool = False  # verification passed, test edits aside
    reason: str = ""  # the verdict in one line
    cancelled: bool = False  # the user stopped it (Esc) before it finished
    applied: bool = False  # its patch is in the user's files now (u undoes)
    found_by: str = ""  # who proposed it when not the model ("found by search: `<` → `<=` in paging.py:14")
    candidates: int = 1  # the candidates of its round (decoded together)
    decode_end: float | None = None  # when its reply ended (its Usage arrived)
    difference: str = ""  # several verified fixes: the input on which they differ (or that none was found)
    resampled: str = ""  # why its last reply was replaced by a fresh sample (a repeat, or no change)

    def reset_reply(self, why: str) -> None:
        """A fresh sample replaces the reply (it was no attempt): its text, patch and verdict start over."""
        self.thinking, self.answer, self.diff, self.files, self.rejected = [], [], None, [], None
        self.verify, self.output_tail, self.regressions, self.reason = "none", "", [], ""
        self.usage, self.decode_end, self.resampled = None, None, why

    @property
    def label(self) -> str:
        if self.found_by:
            return self.found_by
        if self.attempt is None:
            return "Follow-up"
        # loops after a follow-up count from 1 again: the label tells them apart
        label = f"Follow-up · attempt {self.attempt}" if self.question else f"Attempt {self.attempt}"
        return label + (f" · candidate {self.sample}" if self.candidates > 1 or self.sample > 1 else "")

    @property
    def thinking_tokens(self) -> int:
        return self.usage.thinking_tokens if self.usage else len(self.thinking)

    @property
    def answer_started(self) -> bool:
        return self.think_end is not None

    def thought_seconds(self, now: float) -> float:
        if self.think_start is None:
            return 0.0
        end = self.think_end if self.think_end is not None else now
        return max(0.0, end - self.think_start)

    def tokens_per_s(self, now: float) -> float | None:
        if self.usage:
            return self.usage.tokens_per_s
        secs = self.thought_seconds(now)
        return len(self.thinking) / secs if secs > 0 else None


@dataclass
class Board:
    """One failure's own view: its context, attempt views, the one shown and the one streaming."""

    context: PackedContext | None = None
    attempts: list[AttemptView] = field(default_factory=list)
    selected: int = -1
    live: AttemptView | None = None
    round: list[AttemptView] = field(default_factory=list)  # the latest round's candidates (live: the first)


@dataclass
class UiState:
    """Everything the panels render; ``apply`` folds one event in (``at``: when it arrived).

    Each failure has its own ``Board`` (keyed like the engine's, by test id or title); ``attempts``,
    ``selected``, ``live`` and ``context`` are the shown board's.
    """

    thinking_on: bool | None = None  # None: the model's default
    think_budget: int | None = None
    status: str = ""
    problems: list[Problem] = field(default_factory=list)  # the main failure first, then the others
    problem_index: int = 0
    no_problem: str | None = None
    boards: dict[str, Board] = field(default_factory=dict)
    shown_key: str = ""  # the board shown (kept when all tests pass: the applied fix stays in view)
    resolved: list[str] = field(default_factory=list)  # failures that passed on a re-run
    applied: AttemptView | None = None  # the view whose patch was applied last (u undoes it)
    pending_apply: AttemptView | None = None  # the view an apply in flight is for
    loading: float | None = None  # model load progress while loading
    loading_message: str = ""
    stats: ev.ModelStats | None = None
    model_defaults: ev.ModelLoading | None = None  # the catalog's defaults, before the model is ready
    last_usage: ev.Usage | None = None
    fatal: str | None = None
    fatal_code: int | None = None
    error: str | None = None
    done_reason: str | None = None

    # --- the shown failure's board ---------------------------------------------------------------
    @property
    def board(self) -> Board:
        return self.boards.setdefault(self.shown_key, Board())

    @property
    def attempts(self) -> list[AttemptView]:
        return self.board.attempts

    @property
    def selected(self) -> int:
        return self.board.selected

    @selected.setter
    def selected(self, value: int) -> None:
        self.board.selected = value

    @property
    def live(self) -> AttemptView | None:
        """The attempt receiving deltas."""
        return self.board.live

    @live.setter
    def live(self, view: AttemptView | None) -> None:
        self.board.live = view

    @property
    def context(self) -> PackedContext | None:
        return self.board.context

    def failure_marks(self) -> tuple[str, ...]:
        """Each failure's state, for the failures list."""
        marks = []
        for problem in self.problems:
            board = self.boards.get(problem.key)
            views = board.attempts if board is not None else []
            if not views:
                marks.append("")
            elif any(v.applied for v in views):
                marks.append("applied")
            elif any(v.verify == "verified" for v in views):
                marks.append("✓ verified")
            elif board.live is not None:
                marks.append("working…")
            else:
                marks.append(f"{len(views)} attempt{'s' if len(views) != 1 else ''}, no fix")
        return tuple(marks)

    def select_problem(self, index: int) -> None:
        """Show failure ``index`` (its own board, as it was left)."""
        if 0 <= index < len(self.problems):
            self.problem_index = index
            self.shown_key = self.problems[index].key
            self.status = ""

    def _found(self, problems: list[Problem]) -> None:
        """A new list of failures (start, re-run): the selection stays on the same failure if it is there."""
        old = self.shown_key
        keys = [p.key for p in problems]
        self.problems, self.no_problem = problems, None
        self.problem_index = keys.index(old) if old in keys else 0
        if old and old not in keys and old in self.boards and self.boards[old].attempts:
            self.resolved.append(old)
            self.status = f"{old} passes now"
        new = keys[self.problem_index]
        if not old and new not in self.boards and old in self.boards:
            self.boards[new] = self.boards.pop(old)  # a follow-up typed before any failure was known
        self.shown_key = new

    @property
    def problem(self) -> Problem | None:
        return self.problems[self.problem_index] if 0 <= self.problem_index < len(self.problems) else None

    @property
    def all_pass(self) -> bool:
        """The tests pass and there is no fix of ours to show: only re-run, help and quit make sense."""
        return self.no_problem is not None and not self.attempts

    @property
    def current(self) -> AttemptView | None:
        return self.attempts[self.selected] if 0 <= self.selected < len(self.attempts) else None

    def select(self, step: int) -> bool:
        """Move the selection by ``step``; False when it would leave the list."""
        target = self.selected + step
        if not 0 <= target < len(self.attempts):
            return False
        self.selected = target
        return True

    def apply_index(self, view: AttemptView) -> int:
        """``view``'s position among the engine's attempts (views tied to an attempt number)."""
        return [v for v in self.attempts if v.attempt is not None].index(view)

    @property
    def thinking_effective(self) -> bool:
        """Whether the next request thinks: the user's toggle, else the loaded model's default."""
        if self.stats is None and self.thinking_on is None and self.model_defaults is not None:
            return bool(self.model_defaults.think_default)  # the model is still loading
        return ev.resolve_thinking(self.thinking_on, self.stats)

    def bump_budget(self, step: int) -> None:
        i = BUDGET_STEPS.index(self.think_budget) if self.think_budget in BUDGET_STEPS else 0
        self.think_budget = BUDGET_STEPS[max(0, min(len(BUDGET_STEPS) - 1, i + step))]

    def begin_followup(self, question: str) -> None:
        self._new_view(AttemptView(None, question=question))

    def _new_view(self, view: AttemptView) -> AttemptView:
        self.attempts.append(view)
        self.selected = len(self.attempts) - 1
        self.live = view
        return view

    def _view_for(self, attempt: int, sample: int) -> AttemptView:
        for view in reversed(self.attempts):
            if view.attempt == attempt and view.sample == sample:
                return view
        return self._live()

    def _live(self, candidate: int = 0) -> AttemptView:
        """The view receiving candidate ``candidate``'s deltas (0, or one not known: the live view)."""
        mates = self.board.round
        if 0 < candidate < len(mates) and mates[0] is self.live:
            return mates[candidate]
        return self.live if self.live is not None else self._new_view(AttemptView(None))

    def apply(self, event: object, at: float) -> None:  # noqa: C901 - one branch per event type
        if isinstance(event, ev.ThinkingDelta):
            view = self._live(event.candidate)
            if view.think_start is None:
                view.think_start = at
            view.thinking.append(event.text)
        elif isinstance(event, ev.AnswerDelta):
            view = self._live(event.candidate)
            if view.think_end is None:
                view.think_end = at
                if view.think_start is None:
                    view.think_start = at
            view.answer.append(event.text)
        elif isinstance(event, ev.Status):
            self.status = event.message
        elif isinstance(event, (ev.ProblemFound, ev.NoProblem, ev.ModelReady, ev.AttemptStarted,
                                ev.ContextBuilt, ev.Done)):
            self.status = ""  # a progress note ("building context …") ends with the next step
            self._apply_session(event, at)
        else:
            self._apply_session(event, at)

    def _apply_session(self, event: object, at: float) -> None:  # noqa: C901
        if isinstance(event, ev.ProblemFound):
            self._found([event.problem, *event.others])
        elif isinstance(event, ev.NoProblem):
            if self.shown_key and self.board.attempts:
                self.resolved.append(self.shown_key)
            self.no_problem, self.problems, self.problem_index = event.message, [], 0
        elif isinstance(event, ev.ContextBuilt):
            self.board.context = event.context
        elif isinstance(event, ev.ModelLoading):
            self.loading, self.loading_message = event.progress, event.message
            if event.think_default is not None:
                self.model_defaults = event
        elif isinstance(event, ev.ModelReady):
            self.loading, self.stats = None, event.stats
        elif isinstance(event, ev.AttemptStarted):
            self._start_attempt(event, at)
        elif isinstance(event, ev.Usage):
            view = self._live(event.candidate)
            view.usage = self.last_usage = event
            view.decode_end = at
            if view.think_end is None:
                view.think_end = at
        elif isinstance(event, ev.PatchProposed):
            view = self._view_for(event.attempt, event.sample)
            view.diff, view.files = event.diff, list(event.files)
            view.edits_tests = list(event.edits_tests)
            if view.think_end is None:
                view.think_end = at
        elif isinstance(event, ev.PatchRejected):
            self._view_for(event.attempt, event.sample).rejected = event.reason
        elif isinstance(event, ev.AttemptResampled):
            self._view_for(event.attempt, event.sample).reset_reply(event.reason)
        elif isinstance(event, ev.FixesCompared):
            self._view_for(event.attempt, 1).difference = event.text
        elif isinstance(event, ev.VerificationStarted):
            view = self._view_for(event.attempt, event.sample)
            view.verify, view.verify_command = "verifying", list(event.command)
        elif isinstance(event, ev.PatchVerified):
            view = self._view_for(event.attempt, event.sample)
            view.verify = "verified" if event.verified else "failed"
            view.output_tail, view.regressions = event.output_tail, list(event.regressions)
            view.edits_tests = list(event.edits_tests) or view.edits_tests
            view.tests_pass, view.reason = bool(event.tests_pass), event.reason
        elif isinstance(event, ev.Done):
            self._finish_live(at, cancelled=event.reason == "cancelled")
            self.done_reason = event.reason
        elif isinstance(event, ev.Error):
            self.loading = None
            if event.fatal:
                self.fatal, self.fatal_code, self.status = event.message, event.exit_code, ""
            else:
                self.error = event.message
        elif isinstance(event, ev.PatchApplied):
            if self.applied is not None:
                self.applied.applied = False
            self.applied, self.pending_apply = self.pending_apply, None
            if self.applied is not None:
                self.applied.applied = True
            self.status = f"applied to {', '.join(event.files)} · u undoes"
        elif isinstance(event, ev.PatchUndone):
            if self.applied is not None:
                self.applied.applied = False
            self.applied = None
            self.status = f"undone: {', '.join(event.files)} restored"

    def _start_attempt(self, event: ev.AttemptStarted, at: float) -> None:
        live, mates = self.live, self.board.round
        if live is not None and live.attempt is None and not live.thinking and not live.answer:
            live.attempt, live.sample = event.attempt, event.sample  # a follow-up became an attempt
            self.selected = next(i for i, v in enumerate(self.attempts) if v is live)
            self.board.round = [live]
            return
        if live is not None and mates and mates[0] is live and live.attempt == event.attempt \
                and event.sample == mates[-1].sample + 1 and not event.label:
            # the next candidate of the round: a view of its own; the panels stay on the first
            view = AttemptView(event.attempt, event.sample, question=live.question)
            self.attempts.append(view)
            mates.append(view)
            for mate in mates:
                mate.candidates = len(mates)
            return
        self._finish_live(at)
        self.board.round = [self._new_view(AttemptView(event.attempt, event.sample, found_by=event.label or ""))]

    def _finish_live(self, at: float, cancelled: bool = False) -> None:
        """The stream ended (the session's Done, or the next attempt): every candidate of the round ends."""
        live = self.live
        views = self.board.round if self.board.round and self.board.round[0] is live else [live]
        for view in views:
            if view is None or view.finished:
                continue
            if view.think_start is not None and view.think_end is None:
                view.think_end = at
            if view.think_start is not None and view.decode_end is None:
                view.decode_end = at
            view.finished = True
            view.cancelled = cancelled and (view is live or view.verify in ("none", "verifying"))
        winner = next((v for v in views if v is not None and v.verify == "verified"), None)
        if winner is not None and live is not None and self.current is live:  # the user stayed on the first
            self.selected = next(i for i, v in enumerate(self.attempts) if v is winner)
        self.live = None
