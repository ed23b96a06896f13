"""The repair loop: ask for a fix, build and verify the patch, feed failures back, try again."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from rdebug.errors import RdebugError
from rdebug.events import (
    AnswerDelta,
    AttemptStarted,
    Done,
    Error,
    ModelStats,
    PatchProposed,
    PatchRejected,
    PatchVerified,
    SessionEvent,
    Status,
    profile_of,
    resolve_thinking,
    ThinkingDelta,
    Usage,
    VerificationStarted,
)
from rdebug.intake.model import Problem
from rdebug.patch.compose import build_patch
from rdebug.patch.diff import Patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.prompt import ASK, failed_feedback, fix_messages, rejected_feedback, test_edit_feedback
from rdebug.patch.testfiles import edited_tests, is_test_path
from rdebug.patch.unchanged import edits_below, unchanged_failure, unchanged_note
from rdebug.patch.verify import Baseline, run_baseline, verify_patch
from rdebug.runtime.base import ChatMessage, GenerationRequest


@dataclass
class Attempt:
    index: int  # 1-based attempt number
    sample: int = 1
    thinking: str = ""
    answer: str = ""
    patch: Patch | None = None
    verified: bool = False
    output_tail: str = ""
    rejected_reason: str | None = None
    usage: Usage | None = None
    regressions: list[str] = field(default_factory=list)
    failures: int | None = None  # failing tests after the patch; None when not run
    timed_out: bool = False
    command_passed: bool = False  # the failing command passed with this patch (regressions aside)
    repeat_of: int | None = None  # the earlier attempt whose patch this one repeats
    # test/fixture/conftest files the patch touches: it is then never ``verified`` on its own
    edits_tests: list[str] = field(default_factory=list)
    tests_pass: bool = False  # verification passed, test edits aside (``verified`` when it edits no test)
    reason: str = ""  # the verdict in one line: why not verified, or what was checked
    checked: str = ""  # how the tests were judged ("checked per test, from the junit report", or exit code only)

    def take(self, ev: object) -> bool:
        """Keep a streamed event's text or usage; False for any other event."""
        if isinstance(ev, ThinkingDelta):
            self.thinking += ev.text
        elif isinstance(ev, AnswerDelta):
            self.answer += ev.text
        elif isinstance(ev, Usage):
            self.usage = ev
        else:
            return False
        return True

    def to_json(self) -> dict:
        return {
            "attempt": self.index,
            "sample": self.sample,
            "patch": self.patch.diff if self.patch else None,
            "files": self.patch.paths if self.patch else [],
            "verified": self.verified,
            "output_tail": self.output_tail,
            "rejected_reason": self.rejected_reason,
            "regressions": list(self.regressions),
            "edits_tests": list(self.edits_tests),
            "tests_pass": self.tests_pass,
            "verdict": self.reason,
            "checked": self.checked,
        }


CUT_SHORT = {
    "repetition": "the model kept repeating itself, so its reply was stopped",
    "length": "the reply hit the token limit (raise max_tokens)",
}


def rank(attempt: Attempt) -> tuple:
    """Sort key, best first: verified, then passing only with test edits, then fewer failures, then the
    smallest diff."""
    failures = attempt.failures if attempt.failures is not None else 1 << 30
    size = attempt.patch.changed_lines if attempt.patch else 1 << 30
    return (not attempt.verified, not attempt.tests_pass, attempt.patch is None, failures, size, attempt.index,
            attempt.sample)


class Candidates:
    """Attempts produced so far, the best of them, and the cancel flag: a repair loop, or a whole round."""

    attempts: list[Attempt]

    def __init__(self) -> None:
        self._cancel = threading.Event()

    @property
    def best(self) -> Attempt | None:
        with_patch = [a for a in self.attempts if a.patch is not None]
        return min(with_patch, key=rank) if with_patch else None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def model_stats(backend) -> ModelStats | None:
    """The loaded model's stats (``stats`` is an attribute on some backends, a method on others)."""
    stats = getattr(backend, "stats", None)
    if callable(stats):
        stats = stats()
    return stats if isinstance(stats, ModelStats) else None


def _looks_like_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return is_test_path(path) or "test" in name.lower()


class RepairLoop(Candidates):
    """``run()`` yields events; afterwards ``attempts``, ``best`` and ``history`` (turns after the prefix).

    ``question``: the last turn of ``history`` is a follow-up question; the reply is an answer, and a
    patch only when it holds an edit (no rejection and no retries otherwise).
    """

    def __init__(
        self,
        problem: Problem,
        context_text: str,
        backend,
        root: Path,
        command: Sequence[str] | None,
        *,
        attempts: int = 3,
        samples: int = 1,
        timeout_s: float = 300,
        regression_cmd: Sequence[str] | None = None,
        thinking: bool | None = None,
        think_budget: int | None = None,
        max_tokens: int = 2048,
        expected_hashes: Mapping[str, str | None] | None = None,
        history: Sequence[ChatMessage] = (),
        verify: bool = True,
        question: bool = False,
        targets: Sequence[str] | None = None,
    ) -> None:
        self.problem = problem
        self.context_text = context_text
        self.backend = backend
        self.root = Path(root)
        self.command = list(command) if command else None
        # a follow-up question gets one reply; it is verified only when it holds a fix
        self.question = question
        self.max_attempts = 1 if question else max(1, attempts)
        self.samples = 1 if question else max(1, samples)
        self.timeout_s = timeout_s
        self.regression_cmd = list(regression_cmd) if regression_cmd else None
        self.thinking = thinking
        self.think_budget = think_budget
        self.max_tokens = max_tokens
        self.expected_hashes = dict(expected_hashes or {})
        self.verify = verify
        self.attempts: list[Attempt] = []
        self.edit_format = "search-replace"  # set from the model's stats when the loop runs
        self.history: list[ChatMessage] = list(history)
        # the failing tests a patch must make pass (None: the problem's test; else those failing before)
        self.targets = list(targets) if targets is not None else [problem.test_id] if problem.test_id else []
        self._baseline: Baseline | None = None
        super().__init__()

    def cancel(self) -> None:
        self._cancel.set()
        self.backend.cancel()

    def _candidates(self) -> list[str]:
        paths = [f.path for f in self.problem.repo_frames] + list(self.problem.seeds) + list(self.expected_hashes)
        return list(dict.fromkeys(p for p in paths if ":" not in p))

    def _example_path(self) -> str:
        """A real file for the prompt's example: the innermost in-repo frame outside the tests."""
        paths = self._candidates()
        code = [p for p in paths if not _looks_like_test(p)]
        inner = [f.path for f in reversed(self.problem.repo_frames) if f.path in code]
        return (inner or code or paths or ["path/to/file.py"])[0]

    def run(self) -> Iterator[SessionEvent]:
        stats = model_stats(self.backend)
        profile = profile_of(stats)
        self.edit_format = profile.edit_format
        self.thinking = resolve_thinking(self.thinking, stats)
        prefix = fix_messages(
            self.context_text, profile.thinking_mode, self.thinking, system=profile.system_prompt,
            example_path=self._example_path(), edit_format=self.edit_format,
        )
        turns = list(self.history)
        if turns and turns[-1].role == "assistant":
            turns.append(ChatMessage("user", "That did not fix it. " + ASK))
        # Retries do not show the model its own earlier reply (small models copy it verbatim): the
        # next user turn summarises what was tried and how it failed. The prefix, and so the KV cache,
        # stays shared.
        notes: list[str] = []
        messages = prefix + turns
        picked: Attempt | None = None
        for number in range(1, self.max_attempts + 1):
            batch: list[Attempt] = []
            for sample in range(1, self.samples + 1):
                if self.cancelled:
                    self.history = turns
                    return
                attempt = Attempt(number, sample)
                self.attempts.append(attempt)
                batch.append(attempt)
                yield AttemptStarted(number, sample)
                fatal = yield from self._generate(attempt, messages)
                if fatal or self.cancelled:
                    self.history = turns
                    return
                yield from self._evaluate(attempt)
                if attempt.verified:
                    break
            picked = min(batch, key=rank)
            if any(a.verified for a in batch) or not self.verify or number == self.max_attempts:
                break
            if picked.patch is not None and not self.command:
                break  # nothing can tell whether it worked: feedback would be guesswork
            notes.append(self._feedback(picked))
            messages = prefix + turns + [ChatMessage("user", "\n\n".join(notes[-2:]))]
        if picked is not None:
            turns = turns + [ChatMessage("assistant", picked.answer.strip() or "(no answer)")]
        self.history = turns

    def _feedback(self, attempt: Attempt) -> str:
        if attempt.patch is None:
            return rejected_feedback([attempt.rejected_reason or "no usable edit"], self.edit_format)
        if attempt.edits_tests:
            return test_edit_feedback(attempt.edits_tests, self.edit_format)
        site = None
        if not attempt.regressions and not attempt.timed_out:
            site = unchanged_failure(self.problem, attempt.output_tail, self.root)
        # a fix whose edits never ran before the error is only named (shown its diff, a small model
        # rewrites the same idea); any other is shown, to be corrected
        hide = site is not None and edits_below(site, attempt.patch)
        text = failed_feedback(self.command or [], attempt.output_tail, attempt.regressions, attempt.timed_out,
                               diff=None if hide else attempt.patch.diff, edit_format=self.edit_format,
                               note=self._note(attempt, site))
        if attempt.repeat_of is not None:
            text = (f"You proposed the same fix as in attempt {attempt.repeat_of} again; it was already "
                    f"tested and fails. Do not repeat it.\n{text}")
        return text

    def _note(self, attempt: Attempt, site) -> str:
        """What the output shows about the patch: the verdict when the output alone does not say it."""
        notes = [unchanged_note(site, attempt.patch)] if site else []
        if attempt.reason and attempt.command_passed and not attempt.regressions:
            notes.insert(0, f"The test run exited 0, but: {attempt.reason}.")
        return "\n".join(notes)

    def _generate(self, attempt: Attempt, messages: list[ChatMessage]) -> Iterator[SessionEvent]:
        """Stream one reply into ``attempt``; returns True when the backend failed fatally."""
        request = GenerationRequest(
            messages=list(messages), max_tokens=self.max_tokens, thinking=self.thinking,
            think_budget=self.think_budget, explore=attempt.index > 1 or attempt.sample > 1,
        )
        try:
            for ev in self.backend.generate(request):
                if attempt.take(ev):
                    pass
                elif isinstance(ev, Done):  # the caller emits Done once for the whole session
                    if ev.reason in CUT_SHORT:
                        yield Status(f"attempt {attempt.index}: {CUT_SHORT[ev.reason]}")
                    continue
                elif isinstance(ev, Error):
                    attempt.rejected_reason = ev.message
                    yield ev
                    if ev.fatal:
                        return True
                    continue
                yield ev
        except RdebugError as exc:
            attempt.rejected_reason = exc.message
            yield Error(exc.message, fatal=True)
            return True
        return False

    def _evaluate(self, attempt: Attempt) -> Iterator[SessionEvent]:
        n, s = attempt.index, attempt.sample
        if attempt.rejected_reason:  # the backend reported a (non-fatal) error
            yield PatchRejected(n, attempt.rejected_reason, s)
            return
        if not attempt.answer.strip() and not attempt.thinking.strip():
            attempt.rejected_reason = "the reply is empty"
        else:
            parsed = parse_edits(attempt.answer)
            if not parsed.edits and attempt.thinking:  # the model never closed its thought
                from_thought = parse_edits(attempt.thinking)
                if from_thought.edits and not from_thought.problems:
                    parsed = from_thought
            if parsed.problems:
                attempt.rejected_reason = "; ".join(parsed.problems)
            else:
                built = build_patch(self.root, parsed.edits, self._candidates(), self.expected_hashes)
                attempt.patch = built.patch
                attempt.rejected_reason = "; ".join(built.problems) or None
        if attempt.patch is None and self.question:
            attempt.rejected_reason = None  # an answer without a fix is what a question asks for
            return
        if attempt.patch is None:
            yield PatchRejected(n, attempt.rejected_reason or "no usable edit", s)
            return
        attempt.edits_tests = edited_tests(attempt.patch.paths, self.problem)
        yield PatchProposed(n, attempt.patch.diff, attempt.patch.paths, s, edits_tests=list(attempt.edits_tests))
        if not self.verify or not self.command:
            return
        same = next((a for a in self.attempts if a is not attempt and a.patch is not None and a.output_tail
                     and a.patch.diff == attempt.patch.diff), None)
        if same is not None:  # small models repeat a failed fix verbatim: no second test run for it
            attempt.repeat_of = same.index
            attempt.verified, attempt.failures, attempt.timed_out = same.verified, same.failures, same.timed_out
            attempt.output_tail, attempt.regressions = same.output_tail, list(same.regressions)
            attempt.command_passed, attempt.tests_pass = same.command_passed, same.tests_pass
            attempt.reason, attempt.checked = same.reason, same.checked
            yield PatchVerified(n, same.verified, f"(the same patch as attempt {same.index}, not run again)\n"
                                + same.output_tail, list(same.regressions), s, list(attempt.edits_tests),
                                same.tests_pass, same.reason, same.checked)
            return
        yield VerificationStarted(n, list(self.command), s)
        try:
            if self._baseline is None:
                baseline = run_baseline(self.root, self.command, self.regression_cmd, self.timeout_s, self._cancel)
                if self.cancelled:
                    yield PatchVerified(n, False, "verification cancelled", [], s, list(attempt.edits_tests),
                                        reason="cancelled")
                    return
                self._baseline = baseline
            result = verify_patch(self.root, attempt.patch, self.command, self.timeout_s, self.regression_cmd,
                                  self._baseline, targets=self.targets, cancel=self._cancel)
        except RdebugError as exc:
            attempt.output_tail = exc.message
            attempt.failures = 1
            attempt.reason = exc.message
            yield PatchVerified(n, False, exc.message, [], s, list(attempt.edits_tests), reason=exc.message)
            return
        if result.cancelled:
            yield PatchVerified(n, False, result.output_tail, [], s, list(attempt.edits_tests), reason="cancelled")
            return
        attempt.tests_pass = result.verified
        attempt.verified = result.verified and not attempt.edits_tests
        attempt.output_tail = result.output_tail
        attempt.regressions = result.regressions
        attempt.failures = result.failures
        attempt.timed_out = result.timed_out
        attempt.command_passed = result.exit_code == 0 and not result.timed_out
        attempt.reason, attempt.checked = result.reason, result.checked
        if attempt.edits_tests:
            edited = ", ".join(attempt.edits_tests)
            attempt.reason = (f"edits tests ({edited}): the tests pass only with edited tests" if result.verified
                              else f"edits tests ({edited}); {result.reason}")
        yield PatchVerified(n, attempt.verified, result.output_tail, result.regressions, s,
                            list(attempt.edits_tests), attempt.tests_pass, attempt.reason, attempt.checked)
