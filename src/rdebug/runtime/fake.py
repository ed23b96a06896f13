"""A scripted backend: streams canned raw replies through the splitter (tests, UI, replays)."""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterator

from rdebug.events import (
    AnswerDelta,
    ChoiceScores,
    ContinuationScores,
    Done,
    ModelLoading,
    ModelProfile,
    ModelReady,
    ModelStats,
    RuntimeEvent,
    ThinkingDelta,
    Usage,
)
from rdebug.runtime.base import GenerationRequest
from rdebug.runtime.splitter import ThinkingSplitter


def estimate_tokens(text: str) -> int:
    """A rough token count (about 4 characters per token) for backends without a tokenizer."""
    return (len(text) + 3) // 4 if text else 0


def chunk_text(text: str, size: int = 6) -> list[str]:
    """Cut ``text`` into small pieces, as a model would stream it."""
    return [text[i : i + size] for i in range(0, len(text), size)]


class ScriptedBackend:
    """Replies ``replies[0]``, ``replies[1]``, … on successive ``generate`` calls; the last repeats."""

    name = "fake"

    def __init__(
        self,
        replies: list[str],
        delay_s: float = 0.0,
        thinking_mode: str = "think-tags",
        starts_in_thought: bool = False,
        chunk_size: int = 6,
    ) -> None:
        if not replies:
            raise ValueError("ScriptedBackend needs at least one reply")
        self.replies = list(replies)
        self.delay_s = delay_s
        self.thinking_mode = thinking_mode
        self.starts_in_thought = starts_in_thought
        self.chunk_size = chunk_size
        self.calls = 0
        self.requests: list[GenerationRequest] = []  # what each generate() was asked
        self.choice_requests: list[GenerationRequest] = []  # one-step choices (``GenerationRequest.choices``)
        # what a choice answers (None: every option alike); a function of the request answers by its prompt
        self.choice_scores: list[float] | Callable[[GenerationRequest], list[float]] | None = None
        self.continuation_scores: list[float] | Callable[[GenerationRequest], list[float]] | None = None  # None: no
        # scores, as a backend that cannot score texts
        self._cancel = threading.Event()
        self.stats: ModelStats | None = None  # set by load()

    def make_stats(self) -> ModelStats:
        return ModelStats(model=self.name, backend=self.name, profile=self.profile())

    def profile(self) -> ModelProfile:
        """The defaults, with this script's thinking mode."""
        return ModelProfile(thinking_mode=self.thinking_mode)

    def load(self) -> Iterator[RuntimeEvent]:
        yield ModelLoading(1.0, "scripted replies")
        self.stats = self.make_stats()
        yield ModelReady(self.stats)

    def generate(self, request: GenerationRequest) -> Iterator[RuntimeEvent]:
        self._cancel.clear()
        if request.continuations:  # texts scored as the reply: ``continuation_scores``, else none (as a server)
            self.choice_requests.append(request)
            got = self.continuation_scores
            scores = got(request) if callable(got) else got
            if scores is not None:
                yield ContinuationScores(list(scores)[:len(request.continuations)], [1] * len(request.continuations))
            yield Done("stop")
            return
        if request.choices:  # a one-step choice consumes no scripted reply: ``choice_scores``, else no preference
            self.choice_requests.append(request)
            n = len(request.choices)
            scores = self.choice_scores(request) if callable(self.choice_scores) else self.choice_scores
            yield ChoiceScores(list(scores or [1.0 / n] * n)[:n])
            yield Done("stop")
            return
        self.requests.append(request)
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        prompt_tokens = sum(estimate_tokens(m.content) for m in request.messages)
        splitter = ThinkingSplitter(self.thinking_mode, self.starts_in_thought, keep_leading=bool(request.prefill))
        start = time.perf_counter()
        first: float | None = None
        thinking = answer = 0
        reason = "stop"
        for piece in chunk_text(reply, self.chunk_size):
            if self.delay_s:
                self._cancel.wait(self.delay_s)
            if self._cancel.is_set():
                reason = "cancelled"
                break
            for ev in splitter.feed(piece):
                if first is None:
                    first = time.perf_counter() - start
                if isinstance(ev, ThinkingDelta):
                    thinking += estimate_tokens(ev.text)
                else:
                    answer += estimate_tokens(ev.text)
                yield ev
        for ev in splitter.flush():
            if isinstance(ev, ThinkingDelta):
                thinking += estimate_tokens(ev.text)
            elif isinstance(ev, AnswerDelta):
                answer += estimate_tokens(ev.text)
            yield ev
        seconds = time.perf_counter() - start
        total = thinking + answer
        yield Usage(
            prompt_tokens=prompt_tokens,
            thinking_tokens=thinking,
            answer_tokens=answer,
            ttft_s=first if first is not None else seconds,
            tokens_per_s=total / seconds if seconds > 0 else 0.0,
            seconds=seconds,
        )
        yield Done(reason)

    def cancel(self) -> None:
        self._cancel.set()

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        pass
