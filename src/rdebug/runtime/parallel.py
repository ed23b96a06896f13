"""Several replies to one prompt decoded together in one llama.cpp batch (the worker side).

On a CPU, decoding one sequence reads every weight per token; a batch of k sequences reads them once per
step for all k, so k candidates cost far less than k replies one after another. The prompt is evaluated
once on sequence 0 (reusing the KV prefix of the previous turn), its cells are shared with sequences
1..k-1 (``llama_memory_seq_cp``; the cache is unified), and each step decodes one token per live sequence.
Each sequence has its own sampler (temperature, seed: ``candidate_sampling``) and its own ``ReplyState``
(stops, limits, loops, think budget); one that ends sends its Usage and Done at once and frees its cells.
Afterwards only the prompt stays cached on sequence 0, so the next turn's prefix is reused as usual.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from rdebug.events import Done, Status
from rdebug.runtime.base import Sampling, candidate_sampling, sampling_for
from rdebug.runtime.generation import (
    FLUSH_S, _Abort, adapt_threads, common_prefix, prompt_too_long, render_prompt,
)
from rdebug.runtime.loaded import Loaded
from rdebug.runtime.messages import Batch, GenerateCmd
from rdebug.runtime.reply import ReplyState, merge_deltas

MIN_REPLY_TOKENS = 512  # fewer candidates when the context cannot give each this many tokens


def fit_candidates(wanted: int, n_seq: int, room: int, max_tokens: int) -> int:
    """How many candidates the context holds: each gets ``min(max_tokens, MIN_REPLY_TOKENS)`` at least."""
    each = max(1, min(max_tokens, MIN_REPLY_TOKENS))
    return max(1, min(wanted, n_seq, (room - 8) // each))


def _sampler(llm: Any, s: Sampling) -> Any:
    """The same sampler chain ``Llama.generate`` builds, with this candidate's seed."""
    llm.set_seed(s.seed if s.seed is not None else random.randrange(1, 2**31 - 1))
    return llm._init_sampler(top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, typical_p=1.0, temp=s.temperature,
                             repeat_penalty=s.repeat_penalty, frequency_penalty=0.0, presence_penalty=0.0,
                             mirostat_mode=0)


@dataclass
class _Seq:
    """One candidate's decoding state."""

    index: int
    reply: ReplyState
    sampler: Any
    token: int = -1  # sampled, not decoded yet
    pos: int = 0  # the next position to decode at
    out_at: int = -1  # its logits' row in the last batch
    ended: str | None = None
    end_s: float = 0.0


class _BatchBuffer:
    """A ``llama_batch`` filled token by token (one sequence id each)."""

    def __init__(self, C: Any, capacity: int) -> None:
        self.C, self.capacity = C, capacity
        self.batch = C.llama_batch_init(capacity, 0, 1)
        self.n = 0

    def add(self, token: int, pos: int, seq: int, logits: bool) -> int:
        b, n = self.batch, self.n
        b.token[n], b.pos[n], b.n_seq_id[n], b.logits[n] = token, pos, 1, logits
        b.seq_id[n][0] = seq
        self.n += 1
        return n

    def decode(self, ctx: Any) -> int:
        self.batch.n_tokens = self.n
        rc = self.C.llama_decode(ctx, self.batch)
        self.n = 0
        return rc

    def free(self) -> None:
        self.C.llama_batch_free(self.batch)


def run_parallel(st: Loaded, cmd: GenerateCmd, conn: Any, cancel: Any) -> None:
    from llama_cpp import llama_cpp as C

    t0 = time.perf_counter()
    req = cmd.request
    base = sampling_for(req) or Sampling()
    llm = st.llm
    ctx = llm.ctx
    _, tokens, in_thought = render_prompt(st, req, cmd.template_kwargs)
    n_prompt = len(tokens)
    room = st.n_ctx - n_prompt
    if room < 8:
        conn.send(Batch([prompt_too_long(n_prompt, st.n_ctx)]))
        return
    k = fit_candidates(req.n, st.n_seq, room, req.max_tokens)
    if k < req.n:
        held = "the model was loaded for" if k == st.n_seq else "the context holds"
        conn.send(Batch([Status(f"{k} of {req.n} candidates: {held} no more")]))
    per_seq = (room - 8) // k
    mem = C.llama_get_memory(ctx)
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), n_prompt - 1)
    for i in range(1, st.n_seq):  # only sequence 0 (the cached prefix) is kept from earlier turns
        C.llama_memory_seq_rm(mem, i, -1, -1)
    llm.n_tokens = cached
    adapt_threads(st)
    try:
        with _Abort(st, cancel):
            llm.eval(tokens[cached:])
    except RuntimeError:
        if not cancel.is_set():
            raise
        conn.send(Batch([Done("cancelled", candidate=i) for i in range(k)]))
        return
    first_s = time.perf_counter() - t0
    seqs: list[_Seq] = []
    for i in range(k):
        if i:
            C.llama_memory_seq_cp(mem, 0, i, -1, -1)
        reply = ReplyState(st, req, n_prompt, in_thought, min(req.max_tokens, per_seq), n_prompt + per_seq)
        seq = _Seq(i, reply, _sampler(llm, candidate_sampling(base, i)), pos=n_prompt)
        seq.token = C.llama_sampler_sample(seq.sampler.sampler, ctx, -1)
        seqs.append(seq)
    threads = st.cpu_share.threads if st.cpu_share is not None else st.options.threads
    t_first = last_flush = time.perf_counter()
    buf = _BatchBuffer(C, capacity=k * 64)
    out: list[Any] = []

    def end(seq: _Seq, reason: str) -> None:
        seq.ended, seq.end_s = reason, time.perf_counter()
        seq.reply.finish()
        if seq.index:  # free its cells for the others (sequence 0 keeps the prompt for the next turn)
            C.llama_memory_seq_rm(mem, seq.index, -1, -1)
        else:
            C.llama_memory_seq_rm(mem, 0, n_prompt, -1)
        out.extend(_tagged(seq.reply.take_events(), seq.index))
        now = time.perf_counter()
        out.append(seq.reply.usage(first_s, now - t_first, now - t0, cached, threads, candidate=seq.index))
        out.append(Done(reason, candidate=seq.index))

    try:
        live = list(seqs)
        while live:
            if cancel.is_set():
                for seq in live:
                    end(seq, "cancelled")
                break
            for seq in live:
                step = seq.reply.step(seq.token)
                if step.stop:
                    end(seq, step.stop)
                    continue
                feed = [seq.token] + (step.inject or [])
                for j, token in enumerate(feed):
                    seq.out_at = buf.add(token, seq.pos, seq.index, j == len(feed) - 1)
                    seq.pos += 1
                for token in step.inject or []:
                    C.llama_sampler_accept(seq.sampler.sampler, token)
                out.extend(_tagged(seq.reply.take_events(), seq.index))
            live = [seq for seq in live if seq.ended is None]
            now = time.perf_counter()
            if out and (now - last_flush >= FLUSH_S or any(isinstance(ev, Done) for ev in out)):
                conn.send(Batch(merge_deltas(out)))
                out, last_flush = [], now
            if not live:
                break
            with _Abort(st, cancel):  # a k-token step takes long: cancel aborts it inside llama.cpp
                rc = buf.decode(ctx)
            if rc != 0:  # 1: no room left in the cache; 2: aborted; < 0: an error
                if rc < 0:
                    raise RuntimeError(f"llama_decode failed ({rc})")
                for seq in live:
                    end(seq, "cancelled" if cancel.is_set() else "length")
                break
            for seq in live:
                seq.token = C.llama_sampler_sample(seq.sampler.sampler, ctx, seq.out_at)
            adapt_threads(st)
    finally:
        buf.free()
        for seq in seqs:
            seq.sampler.close()
        for i in range(1, k):
            C.llama_memory_seq_rm(mem, i, -1, -1)
        C.llama_memory_seq_rm(mem, 0, n_prompt, -1)
        llm.n_tokens = n_prompt  # the prompt stays cached; the logits are not its own: evaluate again
        llm._requires_eval = True
    conn.send(Batch(merge_deltas(out)))


def _tagged(events: list[Any], candidate: int) -> list[Any]:
    for ev in events:
        ev.candidate = candidate
    return events
