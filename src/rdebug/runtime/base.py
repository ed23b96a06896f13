"""The backend contract: load a model, stream a reply as typed events, cancel."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Protocol

from rdebug.events import ModelReady, ModelStats, RuntimeEvent


@dataclass
class ChatMessage:
    role: str  # "system", "user", "assistant"
    content: str


@dataclass
class Sampling:
    """Every sampling parameter, explicitly (never llama-cpp-python's defaults)."""

    temperature: float = 0.6
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.0
    repeat_penalty: float = 1.0
    seed: int | None = None


@dataclass(frozen=True)
class Variant:
    """One candidate's own prompt in a request for several: its messages and its reply's pre-filled start."""

    messages: list[ChatMessage]
    prefill: str = ""


@dataclass
class GenerationRequest:
    messages: list[ChatMessage]
    max_tokens: int = 2048  # answer + thinking
    thinking: bool = True  # ask the model to think (native or prompted)
    think_budget: int | None = None  # tokens of thinking before the thought is closed
    sampling: Sampling | None = None  # None: the catalog's recommendation for the model
    stop: list[str] = field(default_factory=list)
    explore: bool = False  # a retry: sample more widely (temperature at least RETRY_TEMPERATURE)
    n: int = 1  # candidates: replies to the same prompt, decoded together where the backend can
    prefill: str = ""  # the assistant turn starts with this text; the reply is its continuation
    choices: list[str] = field(default_factory=list)  # a one-step choice among these first tokens: ChoiceScores
    continuations: list[str] = field(default_factory=list)  # score these as the reply: ContinuationScores
    fim: tuple[str, str] | None = None  # (prefix, suffix): fill in the middle, no chat template (ModelProfile.fim)
    variants: list[Variant] = field(default_factory=list)  # candidate i asks variants[i % len] (``for_candidate``)


RETRY_TEMPERATURE = 0.5  # 0.7 made the 1.5B default write garbage on retries


def sampling_for(request: GenerationRequest, default: Sampling | None = None) -> Sampling | None:
    """The sampling to use: the request's, else ``default``; warmer when the request explores.

    None only when neither is given and the request does not explore (a server keeps its own defaults).
    """
    s = request.sampling or default
    if not request.explore:
        return s
    s = s or Sampling()
    return replace(s, temperature=RETRY_TEMPERATURE) if s.temperature < RETRY_TEMPERATURE else s


CANDIDATE_STEP = 0.1  # each further candidate samples this much hotter than the one before (cycling)


def candidate_sampling(base: Sampling, candidate: int) -> Sampling:
    """Candidate 0 samples as asked; the others hotter (RETRY_TEMPERATURE or one step above it: hotter
    made the 1.5B default write garbage) and each with its own seed, so that they differ."""
    if candidate == 0:
        return base
    hotter = max(base.temperature, RETRY_TEMPERATURE) + CANDIDATE_STEP * ((candidate - 1) % 2)
    seed = None if base.seed is None else (base.seed + 7919 * candidate) % (2**31 - 1)
    top_k = base.top_k if base.top_k > 1 else 40  # top_k 1 is greedy at any temperature
    return replace(base, temperature=round(hotter, 3), seed=seed, top_k=top_k)


def for_candidate(request: GenerationRequest, candidate: int) -> tuple[GenerationRequest, int]:
    """Candidate ``candidate``'s own one-reply request (its variant's prompt, if the request has variants) and
    its sampling index for ``candidate_sampling``: how many candidates before it asked the same prompt."""
    if not request.variants:
        return replace(request, n=1), candidate
    v = request.variants[candidate % len(request.variants)]
    return replace(request, n=1, messages=list(v.messages), prefill=v.prefill, variants=[]), \
        candidate // len(request.variants)


class Backend(Protocol):
    """A model backend. Not thread-safe: one caller at a time; ``cancel`` may be called from any thread."""

    name: str
    stats: ModelStats | None  # what load() reported (ModelReady.stats); None before

    def load(self) -> Iterator[RuntimeEvent]:
        """Yield ModelLoading events then ModelReady (or Error)."""
        ...

    def generate(self, request: GenerationRequest) -> Iterator[RuntimeEvent]:
        """Yield ThinkingDelta/AnswerDelta events, then Usage and Done (or Error)."""
        ...

    def cancel(self) -> None:
        """Stop the current generation promptly (< 250 ms); the model stays loaded."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` by the model's tokenizer (or an estimate)."""
        ...

    def close(self) -> None: ...


def ready_stats(events: Iterator[RuntimeEvent]) -> ModelReady | None:
    """Drain a load() stream and return its ModelReady, if any."""
    ready = None
    for ev in events:
        if isinstance(ev, ModelReady):
            ready = ev
    return ready
