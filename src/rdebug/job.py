"""What a candidate round works on and with: the ``Job`` (one problem, ready to repair), the ``RoundOptions``,
the ``CandidateSource`` protocol every source follows (the model's loop, the search, its near-miss pass), and
the ``Attempt`` each source produces (``source`` says which), with how attempts rank.

This module sits below the sources and the pipeline: they import it, it imports none of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from rdebug.config import Config
from rdebug.context.model import PackedContext
from rdebug.events import AnswerDelta, ModelStats, SessionEvent, ThinkingDelta, Usage
from rdebug.intake.model import Problem
from rdebug.patch.diff import Patch
from rdebug.patch.normalize import normalized_diff
from rdebug.runtime.base import Backend, ChatMessage

if TYPE_CHECKING:
    from rdebug.facts.stage import CallRecordResult
    from rdebug.facts.spectrum import SuspiciousLine
    from rdebug.patch.verify import SharedBaseline


@dataclass
class Job:
    """One problem, ready for the candidate stage: what the model sees and how a patch is verified."""

    root: Path
    problem: Problem
    context: PackedContext
    prompt_text: str  # the context as the prompt shows it
    hashes: dict[str, str | None]  # the files the context shows, as they were: a patch applies only to those
    command: list[str] | None  # reproduces the failure; None: patches cannot be verified
    regression_cmd: list[str] | None = None
    timeout_s: float = 300.0
    suspicious: list["SuspiciousLine"] = field(default_factory=list)  # the spectrum's lines, most suspicious first
    baseline: "SharedBaseline | None" = None  # the runs before any patch, shared by one round's sources
    calls: "CallRecordResult | None" = None  # the failing test's call record (``calls`` on), as the context shows it

    def shared_baseline(self) -> "SharedBaseline":
        """The runs before any patch for this job's command and suite (run once, when first needed)."""
        from rdebug.patch.verify import SharedBaseline

        return SharedBaseline(self.root, self.command, self.regression_cmd, self.timeout_s)

    def with_baseline(self) -> "Job":
        """A copy whose sources share one set of runs before any patch (one per round)."""
        return replace(self, baseline=self.shared_baseline())


@dataclass
class RoundOptions:
    """How one candidate round runs (the settings of the same names)."""

    attempts: int = 3
    samples: int = 1
    all_candidates: bool = False  # every candidate is verified and ranked (else the first verified ends it)
    thinking: bool | None = None  # None: the model's default
    think_budget: int | None = None
    max_tokens: int = 2048
    verify: bool = True
    question: bool = False  # the last turn of ``history`` is a follow-up question: one reply
    history: list[ChatMessage] = field(default_factory=list)
    search: bool = True  # the mutation search (rdebug.search)
    search_max: int = 300
    search_seconds: float = 60.0
    search_beside: bool = True  # the search runs while the model decodes (else before it)
    templates: bool = True  # the search tries fix templates besides single-token edits
    compare: bool = True  # several verified fixes: a differing input, then the model scores them (search.pick)
    precheck: bool = True  # a model candidate is statically checked before its test run
    resample: bool = True  # a reply repeating a tried fix (or changing nothing) is resampled, not an attempt
    focus: bool = True  # function-format models rewrite chosen functions, their first line pre-filled
    localize: bool = True  # the model ranks those functions first (their names scored)
    spread: int = 3  # a focused attempt rewrites the top this many functions, decoded together
    infill: bool = False  # the model fills masked lines of the chosen function; the search's pool verifies
    fim: bool = True  # infill with the model's fill-in-the-middle tokens where it has them

    @classmethod
    def from_config(cls, cfg: Config, **overrides) -> "RoundOptions":
        """The settings of the same names (every field but the round's own: verify, question, history)."""
        names = {f.name for f in fields(cls)} & Config.keys()
        return replace(cls(**{n: getattr(cfg, n) for n in names}), **overrides)

    @property
    def searching(self) -> bool:
        """Whether a round with these options runs the search (it needs verification, not a question)."""
        return self.search and self.verify and not self.question


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
    source: str = "model"  # which source produced it: "model" or "search"
    label: str = ""  # how a search candidate was found ("found by search: `<` → `<=` in paging.py:14")
    kind: str = ""  # a search candidate's edit kind (rdebug.search.mutation.KINDS)
    precheck: tuple[str, ...] = ()  # what the static pre-check found: the patch was rejected without a test run
    difference: str = ""  # several verified fixes: the input on which they differ (or that none was found)

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
            "source": self.source,
            **({"label": self.label, "kind": self.kind} if self.source != "model" else {}),
            **({"difference": self.difference} if self.difference else {}),
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


class CandidateSource(Protocol):
    """Produces candidate fixes (``Attempt``), each verified as it comes; made by a ``SourceFactory``."""

    attempts: list[Attempt]
    history: list[ChatMessage]

    def run(self) -> Iterator[SessionEvent]: ...

    def cancel(self) -> None: ...


SourceFactory = Callable[[Job, Backend, RoundOptions], CandidateSource]


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
