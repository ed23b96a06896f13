"""The worker's token loop: render the chat template, reuse the KV prefix, sample, split, batch deltas."""

from __future__ import annotations

import random
import time
from typing import Any

from rdebug.events import Done, Error
from rdebug.runtime.base import GenerationRequest, Sampling, sampling_for
from rdebug.runtime.loaded import Loaded, fim_tokens
from rdebug.runtime.messages import Batch, GenerateCmd
from rdebug.runtime.reply import ReplyState, merge_deltas

FLUSH_S = 0.03  # send batched deltas at most this often


def render_prompt(st: Loaded, request: GenerationRequest, extra: dict[str, Any]) -> tuple[str, list[int], bool]:
    """(prompt text, tokens, starts_in_thought) for a request, via the GGUF chat template; a fill-in-the-middle
    request (``request.fim``) is the model's FIM tokens around the prefix and the suffix instead."""
    if request.fim is not None:
        return fim_prompt(st, *request.fim)
    messages = [{"role": m.role, "content": m.content} for m in request.messages]
    kwargs = {"enable_thinking": request.thinking, **extra}
    prompt = st.formatter(messages=messages, **kwargs).prompt + request.prefill
    add_bos = st.add_bos and not (st.bos_text and prompt.startswith(st.bos_text))
    tokens = st.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)
    opened = st.options.thinking_mode in ("think-tags", "prompted") and prompt.rstrip().endswith("<think>")
    return prompt, tokens, opened


def fim_prompt(st: Loaded, prefix: str, suffix: str) -> tuple[str, list[int], bool]:
    pre, suf, mid = fim_tokens(st.llm)
    tok = st.llm.tokenize
    tokens = [pre, *tok(prefix.encode("utf-8"), add_bos=False, special=False), suf,
              *tok(suffix.encode("utf-8"), add_bos=False, special=False), mid]
    return prefix, tokens, False


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
    """One reply (``request.n`` > 1 goes to ``rdebug.runtime.parallel``): the high-level ``Llama.generate``
    (prefix reuse, its sampler), the token rules of ``ReplyState``, deltas sent every ``FLUSH_S``."""
    t0 = time.perf_counter()
    req = cmd.request
    s = sampling_for(req) or Sampling()
    llm = st.llm
    _, tokens, in_thought = render_prompt(st, req, cmd.template_kwargs)
    room = st.n_ctx - len(tokens)
    if room < 8:
        conn.send(Batch([prompt_too_long(len(tokens), st.n_ctx)]))
        return
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), len(tokens) - 1)
    llm.set_seed(s.seed if s.seed is not None else random.randrange(1, 2**31 - 1))
    reply = ReplyState(st, req, len(tokens), in_thought, min(req.max_tokens, room), st.n_ctx - 8)

    def start(seq: list[int]) -> Any:
        return llm.generate(
            seq, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, typical_p=1.0, temp=s.temperature,
            repeat_penalty=s.repeat_penalty, frequency_penalty=0.0, presence_penalty=0.0, mirostat_mode=0, reset=True,
        )

    gen = start(tokens)
    reason = "stop"
    first_s: float | None = None
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
            step = reply.step(token)
            if step.stop:
                reason = step.stop
                break
            now = time.perf_counter()
            if reply.out and now - last_flush >= FLUSH_S:
                conn.send(Batch(merge_deltas(reply.take_events())))
                last_flush = now
            adapt_threads(st)
            if step.inject:  # continue on a new generator: the KV prefix is reused, only the new tokens are evaluated
                gen.close()
                gen = start(tokens + reply.generated)
            token = next(gen)
        if token is None:
            reason = "cancelled"
    finally:
        gen.close()
    reply.finish()
    end = time.perf_counter()
    decode_s = end - t_first if first_s is not None else 0.0
    threads = st.cpu_share.threads if st.cpu_share is not None else st.options.threads
    reply.out.append(reply.usage(first_s if first_s is not None else end - t0, decode_s, end - t0, cached, threads))
    reply.out.append(Done(reason))
    conn.send(Batch(merge_deltas(reply.take_events())))


def prompt_too_long(n_prompt: int, n_ctx: int) -> Error:
    return Error(f"the prompt ({n_prompt} tokens) does not fit the context ({n_ctx} tokens); "
                 "lower --budget or raise --ctx")
