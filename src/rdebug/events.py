"""The typed events of one debugging session, consumed by any front end.

The runtime yields the model events (``ModelLoading`` .. ``Done``/``Error``); the
session adds intake, context and patch events around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from rdebug.context.model import PackedContext
from rdebug.intake.model import Problem


# --- runtime events -------------------------------------------------------
@dataclass
class ModelLoading:
    progress: float  # 0.0 .. 1.0
    message: str = ""
    # the model's defaults, known from the catalog before it loads (None: not said)
    think_default: bool | None = None
    default_think_budget: int | None = None


@dataclass(frozen=True)
class ModelProfile:
    """What a model can do and how to ask it: filled once by the backend (from the catalog), read by all.

    The defaults here are the only defaults: a backend that knows nothing leaves them.
    """

    edit_format: str = "search-replace"  # how fixes are asked for: "search-replace" or "function"
    system_prompt: bool = True  # the chat template has a system role (else it is folded into the user turn)
    thinking_mode: str = "prompted"  # "think-tags", "harmony", "command-r", "prompted", "none"
    think_default: bool = True  # requests think unless told otherwise
    default_think_budget: int | None = None  # thinking tokens before the thought is closed (None: no limit)
    parallel_sequences: int = 1  # replies the backend can decode together in one batch
    source: str = ""  # where the model file came from ("catalog", "path", …), informational
    fim: bool = False  # the tokenizer has fill-in-the-middle tokens (GenerationRequest.fim works)

    @classmethod
    def from_entry(cls, entry: Any, source: str = "", default_think_budget: int | None = None,
                   thinking_mode: str | None = None, parallel_sequences: int = 1, fim: bool = False) -> "ModelProfile":
        """The profile a catalog entry (``rdebug.runtime.catalog.CatalogEntry``) describes."""
        return cls(edit_format=entry.edit_format, system_prompt=entry.system_prompt,
                   thinking_mode=thinking_mode or entry.thinking, think_default=entry.think_default,
                   default_think_budget=default_think_budget, parallel_sequences=parallel_sequences,
                   source=source, fim=fim)


@dataclass
class ModelStats:
    model: str  # display name
    path: str | None = None
    backend: str = "cpu"  # "cpu", "cuda", "metal", "vulkan", "remote", "replay", "fake"
    gpu_layers: int = 0  # layers actually offloaded
    n_ctx: int = 0
    n_ctx_train: int = 0
    threads: int | None = None
    load_s: float = 0.0
    profile: ModelProfile = field(default_factory=ModelProfile)
    extra: dict[str, Any] = field(default_factory=dict)  # informational only (pid, n_batch, chat_template, …)
    device: str = ""  # the device llama.cpp put the layers on ("CUDA0 (NVIDIA H200)"); "" on the CPU
    gpu_layers_total: int = 0  # layers llama.cpp could offload (blocks + output), as its log says

    @property
    def thinking_mode(self) -> str:
        return self.profile.thinking_mode


def profile_of(stats: "ModelStats | None") -> ModelProfile:
    """The loaded model's profile, or the defaults when nothing is loaded."""
    return stats.profile if stats is not None else ModelProfile()


def resolve_thinking(flag: bool | None, stats: "ModelStats | None") -> bool:
    """The user's thinking setting, else the loaded model's default."""
    return flag if flag is not None else profile_of(stats).think_default


@dataclass
class ModelReady:
    stats: ModelStats


@dataclass
class ThinkingDelta:
    text: str
    candidate: int = 0  # which of the replies decoded together (0: the first, or the only one)


@dataclass
class AnswerDelta:
    text: str
    candidate: int = 0


@dataclass
class Usage:
    prompt_tokens: int
    thinking_tokens: int
    answer_tokens: int
    ttft_s: float
    tokens_per_s: float
    cached_tokens: int = 0  # prompt tokens reused from the KV cache
    seconds: float = 0.0
    threads: int = 0  # decoding threads at the end (fewer than the cores while other processes are busy)
    candidate: int = 0


@dataclass
class ChoiceScores:
    """A one-step choice (``GenerationRequest.choices``): each option's probability from the logits of the reply's
    first position, renormalised over the options (what a grammar allowing only them would sample from)."""

    probs: list[float]


@dataclass
class ContinuationScores:
    """Texts scored as the reply (``GenerationRequest.continuations``): each one's log-probability under the model
    and its number of tokens, in the request's order."""

    logprobs: list[float]
    tokens: list[int]


@dataclass
class Done:
    reason: str = "stop"  # "stop", "length", "repetition" (stopped in a loop), "cancelled"
    candidate: int = 0  # with several candidates, each ends with its own Done


@dataclass
class Error:
    message: str
    fatal: bool = False  # the engine cannot continue (e.g. no model)
    exit_code: int | None = None  # for a fatal error: the exit code the headless command would give


# --- session events -------------------------------------------------------
@dataclass
class Status:
    """A short progress note ("running pytest…")."""

    message: str


@dataclass
class ProblemFound:
    problem: Problem
    others: list[Problem] = field(default_factory=list)  # further failures, selectable
    command_output: str | None = None


@dataclass
class NoProblem:
    """The test command passed: nothing to debug."""

    message: str


@dataclass
class ContextBuilt:
    context: PackedContext


@dataclass
class AttemptStarted:
    attempt: int  # 1-based
    sample: int = 1
    source: str = "model"  # which candidate source: "model" or "search"
    label: str = ""  # how a non-model candidate was found ("found by search: `<` → `<=` in paging.py:14")


@dataclass
class PatchProposed:
    attempt: int
    diff: str  # unified diff, repo-relative paths
    files: list[str] = field(default_factory=list)
    sample: int = 1
    edits_tests: list[str] = field(default_factory=list)  # test/fixture/conftest files it touches


@dataclass
class PatchRejected:
    """The reply had no usable edit (malformed, ambiguous, unsafe); the loop may go on."""

    attempt: int
    reason: str
    sample: int = 1


@dataclass
class AttemptResampled:
    """A candidate's reply repeated a fix already tried (or changed nothing): it is no attempt; its view is
    cleared and a fresh sample streams into it."""

    attempt: int
    reason: str
    sample: int = 1


@dataclass
class FixesCompared:
    """Several verified fixes disagree: the input on which their results differ (or that none was found), shown
    with the attempt the search reported first."""

    attempt: int
    text: str


@dataclass
class VerificationStarted:
    attempt: int
    command: list[str]
    sample: int = 1


@dataclass
class PatchVerified:
    attempt: int
    verified: bool
    output_tail: str = ""
    regressions: list[str] = field(default_factory=list)
    sample: int = 1
    # test/fixture/conftest files the patch touches: such a patch is never verified on its own
    edits_tests: list[str] = field(default_factory=list)
    tests_pass: bool | None = None  # the tests pass with the patch (test edits aside); None: not known
    reason: str = ""  # one line: why it is not verified, or what was checked
    checked: str = ""  # how: "checked per test, from the junit report", or that only the exit code was checked


@dataclass
class PatchApplied:
    files: list[str]
    backup_id: str


@dataclass
class PatchUndone:
    files: list[str]
    backup_id: str


RuntimeEvent = Union[ModelLoading, ModelReady, ThinkingDelta, AnswerDelta, Usage, ChoiceScores, ContinuationScores,
                     Done, Error]
SessionEvent = Union[
    RuntimeEvent,
    Status,
    ProblemFound,
    NoProblem,
    ContextBuilt,
    AttemptStarted,
    AttemptResampled,
    FixesCompared,
    PatchProposed,
    PatchRejected,
    VerificationStarted,
    PatchVerified,
    PatchApplied,
    PatchUndone,
]
