"""A one-step choice in the worker (issue 21 §3): the prompt is evaluated (its KV prefix reused, as for a
reply), and the logits of the reply's first position are read for the first token of each option; their
softmax over the options alone is what a grammar allowing only those options would sample from. No token is
generated, so the choice costs one prompt evaluation (mostly cached) and no decoding.

Continuations (``GenerationRequest.continuations``) are scored the same way: each text's log-probability as the
reply, its tokens evaluated in one batch after the prompt (a result the model expects scores high)."""

from __future__ import annotations

import math
import time
from typing import Any

from rdebug.events import ChoiceScores, ContinuationScores, Done, Usage
from rdebug.runtime.generation import _Abort, common_prefix, prompt_too_long, render_prompt
from rdebug.runtime.loaded import Loaded
from rdebug.runtime.messages import Batch, GenerateCmd


def option_tokens(llm: Any, options: list[str]) -> list[int]:
    """The first token of each option, as it would follow the prompt."""
    return [llm.tokenize(o.encode("utf-8"), add_bos=False, special=False)[0] for o in options]


def last_logits(llm: Any, ids: list[int]) -> list[float]:
    """The logits of the last decoded position for token ``ids`` (llama.cpp keeps only that row)."""
    from llama_cpp import llama_cpp as C

    row = C.llama_get_logits_ith(llm.ctx, -1)
    return [float(row[i]) for i in ids]


def softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def run_choice(st: Loaded, cmd: GenerateCmd, conn: Any, cancel: Any) -> None:
    t0 = time.perf_counter()
    req = cmd.request
    llm = st.llm
    _, tokens, _ = render_prompt(st, req, cmd.template_kwargs)
    if st.n_ctx - len(tokens) < 8:
        conn.send(Batch([prompt_too_long(len(tokens), st.n_ctx)]))
        return
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), len(tokens) - 1)
    ids = option_tokens(llm, req.choices)
    gen = llm.generate(tokens, top_k=1, top_p=1.0, min_p=0.0, typical_p=1.0, temp=0.0, repeat_penalty=1.0,
                       frequency_penalty=0.0, presence_penalty=0.0, mirostat_mode=0, reset=True)
    try:
        with _Abort(st, cancel):
            next(gen)  # evaluates the prompt; the sampled token itself is not kept
        probs = softmax(last_logits(llm, ids))
    except RuntimeError:
        if not cancel.is_set():
            raise
        conn.send(Batch([Done("cancelled")]))
        return
    finally:
        gen.close()
    took = time.perf_counter() - t0
    usage = Usage(prompt_tokens=len(tokens), thinking_tokens=0, answer_tokens=0, ttft_s=took, tokens_per_s=0.0,
                  cached_tokens=cached)
    conn.send(Batch([ChoiceScores(probs), usage, Done("stop")]))


MAX_CONTINUATION = 256  # tokens of one continuation scored at most


def continuation_logprob(llm: Any, prompt: list[int], full: list[int]) -> tuple[float, int]:
    """The log-probability of ``full``'s tokens after its common prefix with ``prompt`` (evaluated already, in the
    KV cache), and how many tokens that is. The tokens from the prefix's last one on are decoded in one batch with
    logits at every position; the cache is left at the prompt."""
    import numpy as np
    from llama_cpp import llama_cpp as C

    k = max(1, common_prefix(prompt, full))
    rest = full[k - 1:k + MAX_CONTINUATION]  # row i of their logits predicts rest[i + 1]
    if len(rest) < 2:
        return 0.0, 0
    llm.n_tokens = k - 1
    llm._ctx.kv_cache_seq_rm(-1, k - 1, -1)
    llm._batch.set_batch(batch=rest[:-1], n_past=k - 1, logits_all=True)
    llm._ctx.decode(llm._batch)
    n_vocab = llm.n_vocab()
    total = 0.0
    for i, token in enumerate(rest[1:]):
        row = np.ctypeslib.as_array(C.llama_get_logits_ith(llm.ctx, i), shape=(n_vocab,)).astype(np.float64)
        top = row.max()
        total += float(row[token] - top - np.log(np.exp(row - top).sum()))
    llm.input_ids[k - 1:k - 1 + len(rest) - 1] = rest[:-1]
    llm.n_tokens = k  # the cache holds the prompt's first k tokens, then this continuation's
    return total, len(rest) - 1


def run_continuations(st: Loaded, cmd: GenerateCmd, conn: Any, cancel: Any) -> None:
    """Score ``request.continuations`` as the reply's text: ``ContinuationScores`` (no token is sampled)."""
    t0 = time.perf_counter()
    req = cmd.request
    llm = st.llm
    prompt_text, tokens, _ = render_prompt(st, req, cmd.template_kwargs)
    if st.n_ctx - len(tokens) < MAX_CONTINUATION + 8:
        conn.send(Batch([prompt_too_long(len(tokens), st.n_ctx)]))
        return
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), len(tokens) - 1)
    add_bos = st.add_bos and not (st.bos_text and prompt_text.startswith(st.bos_text))  # as render_prompt
    scores: list[float] = []
    counts: list[int] = []
    try:
        with _Abort(st, cancel):
            gen = llm.generate(tokens, top_k=1, top_p=1.0, min_p=0.0, typical_p=1.0, temp=0.0, repeat_penalty=1.0,
                               frequency_penalty=0.0, presence_penalty=0.0, mirostat_mode=0, reset=True)
            try:
                next(gen)  # evaluates the prompt (its cached prefix reused)
            finally:
                gen.close()
            for text in req.continuations:
                full = llm.tokenize((prompt_text + text).encode("utf-8"), add_bos=add_bos, special=True)
                score, n = continuation_logprob(llm, tokens, full)
                scores.append(score)
                counts.append(n)
    except RuntimeError:
        if not cancel.is_set():
            raise
        conn.send(Batch([Done("cancelled")]))
        return
    took = time.perf_counter() - t0
    usage = Usage(prompt_tokens=len(tokens), thinking_tokens=0, answer_tokens=sum(counts), ttft_s=took,
                  tokens_per_s=0.0, cached_tokens=cached)
    conn.send(Batch([ContinuationScores(scores, counts), usage, Done("stop")]))
