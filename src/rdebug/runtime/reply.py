"""One reply's token rules, shared by the single and the batched decoding loops: text pieces, the
thinking/answer split, counts, stop strings, token and context limits, loops, the think budget."""

from __future__ import annotations

import codecs
import ctypes
from dataclasses import dataclass
from typing import Any

from rdebug.events import AnswerDelta, ThinkingDelta, Usage
from rdebug.runtime.base import GenerationRequest
from rdebug.runtime.repetition import LoopGuard
from rdebug.runtime.splitter import CLOSE_THOUGHT, ThinkingSplitter


def token_piece(st: Any, token: int, special: bool, buf: Any) -> bytes:
    """A token's bytes (``st``: the worker's ``Loaded``)."""
    from llama_cpp import llama_cpp as C

    n = C.llama_token_to_piece(st.llm._model.vocab, token, buf, len(buf), 0, special)
    if n < 0:
        buf = ctypes.create_string_buffer(-n)
        n = C.llama_token_to_piece(st.llm._model.vocab, token, buf, len(buf), 0, special)
    return buf.raw[:n]


@dataclass
class Step:
    """What one sampled token decided: a stop reason (None: go on) and tokens to feed before the next."""

    stop: str | None = None
    inject: list[int] | None = None


class ReplyState:
    """The events and counts of one reply as its tokens arrive (one per sequence when decoding several).

    ``limit``: the positions this sequence may reach (prompt + generated), below the context's end.
    """

    def __init__(self, st: Any, req: GenerationRequest, prompt_len: int, starts_in_thought: bool,
                 max_new: int, limit: int) -> None:
        from llama_cpp import llama_cpp as C

        self.C, self.st, self.req = C, st, req
        self.mode = st.options.thinking_mode
        self.splitter = ThinkingSplitter(self.mode, starts_in_thought=starts_in_thought,
                                         keep_leading=bool(req.prefill))
        self.special = self.mode != "none"  # thinking markers may be special tokens (harmony, command-r, <think>)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.vocab = st.llm._model.vocab
        self.buf = ctypes.create_string_buffer(64)
        self.prompt_len, self.max_new, self.limit = prompt_len, max_new, limit
        self.generated: list[int] = []
        self.out: list[Any] = []  # events not sent yet
        self.n_think = self.n_answer = self.pending = 0
        self.tail = ""
        self.looping = LoopGuard()

    def step(self, token: int) -> Step:
        """Take one sampled token: its text becomes events; says whether the reply ends here."""
        inject: list[int] | None = None
        self.generated.append(token)
        splitter = self.splitter
        if self.C.llama_vocab_is_eog(self.vocab, token):
            text = token_piece(self.st, token, True, self.buf).decode("utf-8", "replace")
            if not (self.mode == "harmony" and text == "<|end|>" and splitter.in_thought):
                return Step("stop")
            inject = self.st.llm.tokenize(b"<|start|>assistant", add_bos=False, special=True)
            events = splitter.feed("<|end|><|start|>assistant")
        else:
            text = self.decoder.decode(token_piece(self.st, token, self.special, self.buf))
            events = splitter.feed(text)
        self.pending += 1  # a token whose text is only held back (a partial marker) counts with the next one
        if events or splitter.in_thought:
            if splitter.in_thought or isinstance(events[-1], ThinkingDelta):
                self.n_think += self.pending
            else:
                self.n_answer += self.pending
            self.pending = 0
        self.out.extend(events)
        if self.req.stop:
            self.tail = (self.tail + text)[-256:]
            if any(stop in self.tail for stop in self.req.stop):
                return Step("stop")
        if (self.n_think + self.n_answer + self.pending >= self.max_new
                or self.prompt_len + len(self.generated) >= self.limit):
            return Step("length")
        stuck = self.looping.feed(text)
        close = CLOSE_THOUGHT.get(self.mode)
        if stuck and not (splitter.in_thought and close):
            return Step("repetition")
        over_budget = self.req.think_budget is not None and self.n_think >= self.req.think_budget
        if inject is None and splitter.in_thought and (over_budget or stuck):  # a looping thought is closed
            if stuck:
                self.looping = LoopGuard()
            if close:
                inject = self.st.llm.tokenize(close.encode("utf-8"), add_bos=False, special=True)
                self.out.extend(splitter.feed(close))
        if inject:
            self.generated += inject
        return Step(None, inject)

    def finish(self) -> None:
        """The reply ended: flush what the decoder and the splitter held back, and count it."""
        self.out.extend(self.splitter.feed(self.decoder.decode(b"", final=True)))
        tail_events = self.splitter.flush()
        self.out.extend(tail_events)
        if self.splitter.in_thought or (tail_events and isinstance(tail_events[-1], ThinkingDelta)):
            self.n_think += self.pending
        else:
            self.n_answer += self.pending
        self.pending = 0

    def take_events(self) -> list[Any]:
        out, self.out = self.out, []
        return out

    def usage(self, ttft_s: float, decode_s: float, seconds: float, cached: int, threads: int,
              candidate: int = 0) -> Usage:
        n_gen = self.n_think + self.n_answer
        return Usage(
            prompt_tokens=self.prompt_len, thinking_tokens=self.n_think, answer_tokens=self.n_answer,
            ttft_s=ttft_s, tokens_per_s=(n_gen - 1) / decode_s if n_gen > 1 and decode_s > 0 else 0.0,
            cached_tokens=max(cached, 0), seconds=seconds, threads=threads, candidate=candidate,
        )


def merge_deltas(events: list[Any]) -> list[Any]:
    """Adjacent deltas of the same kind and candidate joined (fewer, larger messages)."""
    merged: list[Any] = []
    for ev in events:
        last = merged[-1] if merged else None
        if (last is not None and type(ev) is type(last) and isinstance(ev, (ThinkingDelta, AnswerDelta))
                and ev.candidate == last.candidate):
            merged[-1] = type(ev)(last.text + ev.text, ev.candidate)
        else:
            merged.append(ev)
    return merged
