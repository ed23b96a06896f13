"""A one-step choice in the worker (issue 21 §3): the prompt is evaluated (its KV prefix reused, as for a
reply), and the logits of the reply's first position are read for the first token of each option; their
softmax over the options alone is what a grammar allowing only those options would sample from. No token is
generated, so the choice costs one prompt evaluation (mostly cached) and no decoding."""

from __future__ import annotations

import math
import time
from typing import Any

from rdebug.events import ChoiceScores, Done, Usage
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
