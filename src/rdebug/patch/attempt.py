"""One candidate fix (``Attempt``), how candidates rank, and what a round of them tells the next one."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdebug.events import AnswerDelta, ModelStats, ThinkingDelta, Usage
from rdebug.patch.diff import Patch
from rdebug.patch.normalize import normalized_diff


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
    agreement: int = 1  # candidates of its round that proposed the same patch (itself included)
    failures: int | None = None  # failing tests after the patch; None when not run
    timed_out: bool = False
    command_passed: bool = False  # the failing command passed with this patch (regressions aside)
    repeat_of: int | None = None  # the earlier attempt whose patch this one repeats
    # test/fixture/conftest files the patch touches: it is then never ``verified`` on its own
    edits_tests: list[str] = field(default_factory=list)
    tests_pass: bool = False  # verification passed, test edits aside (``verified`` when it edits no test)
    reason: str = ""  # the verdict in one line: why not verified, or what was checked
    checked: str = ""  # how the tests were judged ("checked per test, from the junit report", or exit code only)
    preferred: bool = False  # the model chose it among several verified search fixes

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
            "state": self.state,
            "agreement": self.agreement,
        }

    @property
    def state(self) -> str:
        """One word for a candidate: verified, failed, rejected, stopped (another was verified first) or
        proposed (not run)."""
        if self.verified:
            return "verified"
        if (self.rejected_reason or "").startswith("stopped") or self.reason.startswith("not run"):
            return "stopped"
        if self.patch is None:
            return "rejected"
        return "failed" if self.output_tail or self.failures is not None else "proposed"


CUT_SHORT = {
    "repetition": "the model kept repeating itself, so its reply was stopped",
    "length": "the reply hit the token limit (raise max_tokens)",
}


def rank(attempt: Attempt) -> tuple:
    """Sort key, best first: verified, then passing only with test edits, then fewer failures, then the one
    the model preferred, then the smallest diff, then agreement (a patch several candidates proposed)."""
    failures = attempt.failures if attempt.failures is not None else 1 << 30
    size = attempt.patch.changed_lines if attempt.patch else 1 << 30
    return (not attempt.verified, not attempt.tests_pass, attempt.patch is None, failures, not attempt.preferred,
            size, -attempt.agreement, attempt.index, attempt.sample)


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


def sample_label(attempt: Attempt) -> str:
    return f" (candidate {attempt.sample})" if attempt.sample > 1 else ""


def note_agreement(batch: list[Attempt]) -> None:
    keys = [normalized_diff(a.patch.diff) if a.patch is not None else None for a in batch]
    for attempt, key in zip(batch, keys):
        attempt.agreement = max(1, keys.count(key)) if key is not None else 1


def round_note(batch: list[Attempt], picked: Attempt, most: int = 2, lines: int = 12) -> str:
    """What the round's other candidates tried (their distinct failed patches, briefly), for the feedback."""
    seen = {normalized_diff(picked.patch.diff)} if picked.patch is not None else set()
    others: list[str] = []
    for attempt in batch:
        if attempt is picked or attempt.patch is None or attempt.verified:
            continue
        key = normalized_diff(attempt.patch.diff)
        if key in seen:
            continue
        seen.add(key)
        body = [ln for ln in attempt.patch.diff.splitlines() if ln.startswith(("+", "-"))
                and not ln.startswith(("+++", "---"))][:lines]
        others.append("\n".join(body) + f"\n({attempt.reason or 'the test still fails'})")
        if len(others) == most:
            break
    if not others:
        return ""
    return "\n\nOther fixes tried at the same time also failed; do not repeat them:\n" + "\n\n".join(others)
