"""The worker's token loop: render the chat template, reuse the KV prefix, sample, split, batch deltas."""

from __future__ import annotations

import codecs
import ctypes
import random
import time
from typing import Any

from rdebug.events import AnswerDelta, Done, Error, ThinkingDelta, Usage
from rdebug.runtime.base import GenerationRequest, Sampling, sampling_for
from rdebug.runtime.repetition import LoopGuard
from rdebug.runtime.messages import Batch, GenerateCmd
from rdebug.runtime.splitter import CLOSE_THOUGHT, ThinkingSplitter
from rdebug.runtime.worker import Loaded

FLUSH_S = 0.03  # send batched deltas at most this often


def render_prompt(st: Loaded, request: GenerationRequest, extra: dict[str, Any]) -> tuple[str, list[int], bool]:
    """(prompt text, tokens, starts_in_thought) for a request, via the GGUF chat template."""
    messages = [{"role": m.role, "content": m.content} for m in request.messages]
    kwargs = {"enable_thinking": request.thinking, **extra}
    prompt = st.formatter(messages=messages, **kwargs).prompt
    add_bos = st.add_bos and not (st.bos_text and prompt.startswith(st.bos_text))
    tokens = st.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)
    opened = st.options.thinking_mode in ("think-tags", "prompted") and prompt.rstrip().endswith("<think>")
    return prompt, tokens, opened


def common_prefix(a: Any, b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class _Abort:
    """llama.cpp's abort callback, installed only while the prompt is evaluated (it runs per graph node)."""

    def __init__(self, st: Loaded, cancel: Any) -> None:
        from llama_cpp import llama_cpp as C

        self.C, self.st = C, st
        st.abort_cb = C.ggml_abort_callback(lambda _data: cancel.is_set())

    def __enter__(self) -> None:
        self.C.llama_set_abort_callback(self.st.llm.ctx, self.st.abort_cb, None)

    def __exit__(self, *exc: Any) -> None:
        self.C.llama_set_abort_callback(self.st.llm.ctx, self.st.null_cb, None)


def _piece(st: Loaded, token: int, special: bool, buf: Any) -> bytes:
    from llama_cpp import llama_cpp as C

    n = C.llama_token_to_piece(st.llm._model.vocab, token, buf, len(buf), 0, special)
    if n < 0:
        buf = ctypes.create_string_buffer(-n)
        n = C.llama_token_to_piece(st.llm._model.vocab, token, buf, len(buf), 0, special)
    return buf.raw[:n]


def adapt_threads(st: Loaded) -> None:
    """Give cores to other busy processes (or take them back): llama.cpp's spinning threads collapse when
    a core they need is taken (runtime/threads.py)."""
    share = st.cpu_share
    if share is None:
        return
    n = share.update()
    if n is None:
        return
    from llama_cpp import llama_cpp as C

    batch = max(1, (st.options.threads_batch or st.options.threads) - (share.max_threads - n))
    C.llama_set_n_threads(st.llm.ctx, n, batch)


def run_generation(st: Loaded, cmd: GenerateCmd, conn: Any, cancel: Any) -> None:
    from llama_cpp import llama_cpp as C

    t0 = time.perf_counter()
    req = cmd.request
    s = sampling_for(req) or Sampling()
    llm = st.llm
    mode = st.options.thinking_mode
    _, tokens, in_thought = render_prompt(st, req, cmd.template_kwargs)
    room = st.n_ctx - len(tokens)
    if room < 8:
        conn.send(Batch([Error(
            f"the prompt ({len(tokens)} tokens) does not fit the context ({st.n_ctx} tokens); "
            "lower --budget or raise --ctx")]))
        return
    max_new = min(req.max_tokens, room)
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), len(tokens) - 1)
    llm.set_seed(s.seed if s.seed is not None else random.randrange(1, 2**31 - 1))
    splitter = ThinkingSplitter(mode, starts_in_thought=in_thought)
    special = mode != "none"  # thinking markers may be special tokens (harmony, command-r, some <think>)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    vocab = llm._model.vocab
    buf = ctypes.create_string_buffer(64)

    def start(seq: list[int]) -> Any:
        return llm.generate(
            seq, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, typical_p=1.0, temp=s.temperature,
            repeat_penalty=s.repeat_penalty, frequency_penalty=0.0, presence_penalty=0.0, mirostat_mode=0, reset=True,
        )

    gen = start(tokens)
    generated: list[int] = []
    out: list[Any] = []
    n_think = n_answer = pending = 0
    reason = "stop"
    first_s: float | None = None
    tail = ""
    looping = LoopGuard()
    adapt_threads(st)
    try:
        with _Abort(st, cancel):
            try:
                token = next(gen)
            except RuntimeError:
                if not cancel.is_set():
                    raise
                token = None
        first_s = time.perf_counter() - t0
        t_first = time.perf_counter()
        last_flush = t_first
        while token is not None:
            if cancel.is_set():
                reason = "cancelled"
                break
            inject: list[int] | None = None
            generated.append(token)
            if C.llama_vocab_is_eog(vocab, token):
                text = _piece(st, token, True, buf).decode("utf-8", "replace")
                if not (mode == "harmony" and text == "<|end|>" and splitter.in_thought):
                    break
                inject = llm.tokenize(b"<|start|>assistant", add_bos=False, special=True)
                events = splitter.feed("<|end|><|start|>assistant")
            else:
                text = decoder.decode(_piece(st, token, special, buf))
                events = splitter.feed(text)
            pending += 1  # a token whose text is only held back (a partial marker) counts with the next one
            if events or splitter.in_thought:
                if splitter.in_thought or isinstance(events[-1], ThinkingDelta):
                    n_think += pending
                else:
                    n_answer += pending
                pending = 0
            out.extend(events)
            if req.stop:
                tail = (tail + text)[-256:]
                if any(stop in tail for stop in req.stop):
                    break
            if n_think + n_answer + pending >= max_new or len(tokens) + len(generated) >= st.n_ctx - 8:
                reason = "length"
                break
            stuck = looping.feed(text)
            if stuck and not (splitter.in_thought and CLOSE_THOUGHT.get(mode)):
                reason = "repetition"
                break
            over_budget = req.think_budget is not None and n_think >= req.think_budget
            if inject is None and splitter.in_thought and (over_budget or stuck):  # a looping thought is closed
                if stuck:
                    looping = LoopGuard()
                close = CLOSE_THOUGHT.get(mode)
                if close:
                    inject = llm.tokenize(close.encode("utf-8"), add_bos=False, special=True)
                    out.extend(splitter.feed(close))
            now = time.perf_counter()
            if out and now - last_flush >= FLUSH_S:
                conn.send(Batch(_merge(out)))
                out, last_flush = [], now
            adapt_threads(st)
            if inject:  # continue on a new generator: the KV prefix is reused, only the new tokens are evaluated
                gen.close()
                generated += inject
                gen = start(tokens + generated)
            token = next(gen)
        if token is None:
            reason = "cancelled"
    finally:
        gen.close()
    out.extend(splitter.feed(decoder.decode(b"", final=True)))
    tail_events = splitter.flush()
    out.extend(tail_events)
    if splitter.in_thought or (tail_events and isinstance(tail_events[-1], ThinkingDelta)):
        n_think += pending
    else:
        n_answer += pending
    end = time.perf_counter()
    n_gen = n_think + n_answer
    decode_s = end - t_first if first_s is not None else 0.0
    out.append(Usage(
        prompt_tokens=len(tokens), thinking_tokens=n_think, answer_tokens=n_answer,
        ttft_s=first_s if first_s is not None else end - t0,
        tokens_per_s=(n_gen - 1) / decode_s if n_gen > 1 and decode_s > 0 else 0.0,
        cached_tokens=max(cached, 0), seconds=end - t0,
        threads=st.cpu_share.threads if st.cpu_share is not None else st.options.threads,
    ))
    out.append(Done(reason))
    conn.send(Batch(_merge(out)))


def _merge(events: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for ev in events:
        if merged and type(ev) is type(merged[-1]) and isinstance(ev, (ThinkingDelta, AnswerDelta)):
            merged[-1] = type(ev)(merged[-1].text + ev.text)
        else:
            merged.append(ev)
    return merged
