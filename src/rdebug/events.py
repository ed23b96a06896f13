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
    thinking_mode: str = "prompted"  # "think-tags", "harmony", "command-r", "prompted", "none"
    extra: dict[str, Any] = field(default_factory=dict)
    device: str = ""  # the device llama.cpp put the layers on ("CUDA0 (NVIDIA H200)"); "" on the CPU
    gpu_layers_total: int = 0  # layers llama.cpp could offload (blocks + output), as its log says

    @property
    def thinks_by_default(self) -> bool:
        """Whether requests think unless told otherwise (catalog ``think_default``)."""
        return bool(self.extra.get("think_default", True))


def resolve_thinking(flag: bool | None, stats: "ModelStats | None") -> bool:
    """The user's thinking setting, else the loaded model's default."""
    if flag is not None:
        return flag
    return stats.thinks_by_default if stats is not None else True


@dataclass
class ModelReady:
    stats: ModelStats


@dataclass
class ThinkingDelta:
    text: str


@dataclass
class AnswerDelta:
    text: str


@dataclass
class Usage:
    prompt_tokens: int
    thinking_tokens: int
    answer_tokens: int
    ttft_s: float
    tokens_per_s: float
    cached_tokens: int = 0  # prompt tokens reused from the KV cache
    seconds: float = 0.0


@dataclass
class Done:
    reason: str = "stop"  # "stop", "length", "repetition" (stopped in a loop), "cancelled"


@dataclass
class Error:
    message: str
    fatal: bool = False  # the engine cannot continue (e.g. no model)


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


RuntimeEvent = Union[ModelLoading, ModelReady, ThinkingDelta, AnswerDelta, Usage, Done, Error]
SessionEvent = Union[
    RuntimeEvent,
    Status,
    ProblemFound,
    NoProblem,
    ContextBuilt,
    AttemptStarted,
    PatchProposed,
    PatchRejected,
    VerificationStarted,
    PatchVerified,
    PatchApplied,
    PatchUndone,
]
