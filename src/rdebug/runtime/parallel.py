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
from rdebug.runtime.base import GenerationRequest, Sampling, candidate_sampling, for_candidate, sampling_for
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


@dataclass
class _Prompt:
    """One distinct prompt of the batch (a variant): its candidates' own request and its tokens."""

    request: GenerationRequest
    tokens: list[int]
    in_thought: bool


def _prompts(st: Loaded, cmd: GenerateCmd) -> list[_Prompt]:
    """The batch's distinct prompts, variant by variant (one when the request has no variants)."""
    req = cmd.request
    out = []
    for i in range(max(1, min(req.n, len(req.variants)))):
        own, _ = for_candidate(req, i)
        _, tokens, in_thought = render_prompt(st, own, cmd.template_kwargs)
        out.append(_Prompt(own, tokens, in_thought))
    return out


def _shared_length(prompts: list[_Prompt]) -> int:
    """Tokens every prompt starts with, leaving each at least one of its own (its logits sample its first
    token); a single prompt is shared whole."""
    if len(prompts) == 1:
        return len(prompts[0].tokens)
    n = min(common_prefix(prompts[0].tokens, p.tokens) for p in prompts[1:])
    return min(n, min(len(p.tokens) for p in prompts) - 1)


def _eval_own(C: Any, ctx: Any, tokens: list[int], start: int, seq: int, n_batch: int) -> int:
    """Evaluate ``tokens[start:]`` on sequence ``seq`` in chunks of ``n_batch``; the last one's logits are
    row ``n - 1`` of the last batch. Returns llama_decode's code (0: fine)."""
    buf = _BatchBuffer(C, capacity=n_batch)
    try:
        for at in range(start, len(tokens), n_batch):
            chunk = tokens[at:at + n_batch]
            for j, token in enumerate(chunk):
                buf.add(token, at + j, seq, at + j == len(tokens) - 1)
            rc = buf.decode(ctx)
            if rc != 0:
                return rc
        return 0
    finally:
        buf.free()


def run_parallel(st: Loaded, cmd: GenerateCmd, conn: Any, cancel: Any) -> None:
    from llama_cpp import llama_cpp as C

    t0 = time.perf_counter()
    req = cmd.request
    base = sampling_for(req) or Sampling()
    llm = st.llm
    ctx = llm.ctx
    prompts = _prompts(st, cmd)
    shared = _shared_length(prompts)
    tokens = prompts[0].tokens
    own = sum(len(p.tokens) - shared for p in prompts)  # cells of the prompts' own parts
    room = st.n_ctx - shared - own
    if room < 8:
        conn.send(Batch([prompt_too_long(shared + own, st.n_ctx)]))
        return
    k = fit_candidates(req.n, st.n_seq, room, req.max_tokens)
    if k < req.n:
        held = "the model was loaded for" if k == st.n_seq else "the context holds"
        conn.send(Batch([Status(f"{k} of {req.n} candidates: {held} no more")]))
    per_seq = (room - 8) // k
    mem = C.llama_get_memory(ctx)
    cached = min(common_prefix(llm.input_ids[: llm.n_tokens], tokens), shared - 1 if len(prompts) == 1 else shared)
    for i in range(1, st.n_seq):  # only sequence 0 (the cached prefix) is kept from earlier turns
        C.llama_memory_seq_rm(mem, i, -1, -1)
    C.llama_memory_seq_rm(mem, 0, cached, -1)
    llm.n_tokens = cached
    adapt_threads(st)
    seqs: list[_Seq] = []
    try:
        with _Abort(st, cancel):
            if shared > cached:
                llm.eval(tokens[cached:shared])
            for d, prompt in enumerate(prompts[:k]):  # each variant's own part, then its candidates
                if len(prompts) > 1:
                    if d:
                        C.llama_memory_seq_cp(mem, 0, d, 0, shared)
                    rc = _eval_own(C, ctx, prompt.tokens, shared, d, max(1, llm.n_batch))
                    if rc != 0:
                        raise RuntimeError(f"llama_decode failed ({rc})")
                n_prompt = len(prompt.tokens)
                for i in range(d, k, len(prompts)):
                    if i != d:
                        C.llama_memory_seq_cp(mem, d, i, -1, -1)
                    _, repeat = for_candidate(req, i)
                    reply = ReplyState(st, prompt.request, n_prompt, prompt.in_thought, min(req.max_tokens, per_seq),
                                       n_prompt + per_seq)
                    seq = _Seq(i, reply, _sampler(llm, candidate_sampling(base, repeat)), pos=n_prompt)
                    seq.token = C.llama_sampler_sample(seq.sampler.sampler, ctx, -1)
                    seqs.append(seq)
    except RuntimeError:
        for seq in seqs:
            seq.sampler.close()
        for i in range(1, st.n_seq):
            C.llama_memory_seq_rm(mem, i, -1, -1)
        C.llama_memory_seq_rm(mem, 0, min(llm.n_tokens, shared), -1)
        llm.n_tokens = min(llm.n_tokens, shared)
        if not cancel.is_set():
            raise
        conn.send(Batch([Done("cancelled", candidate=i) for i in range(k)]))
        return
    seqs.sort(key=lambda seq: seq.index)
    first_s = time.perf_counter() - t0
    threads = st.cpu_share.threads if st.cpu_share is not None else st.options.threads
    t_first = last_flush = time.perf_counter()
    buf = _BatchBuffer(C, capacity=k * 64)
    out: list[Any] = []

    def end(seq: _Seq, reason: str) -> None:
        seq.ended, seq.end_s = reason, time.perf_counter()
        seq.reply.finish()
        if seq.index:  # free its cells for the others (sequence 0 keeps the shared prompt for the next turn)
            C.llama_memory_seq_rm(mem, seq.index, -1, -1)
        else:
            C.llama_memory_seq_rm(mem, 0, shared, -1)
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
        C.llama_memory_seq_rm(mem, 0, shared, -1)
        llm.n_tokens = shared  # the shared prompt stays cached; the logits are not its own: evaluate again
        llm._requires_eval = True
    conn.send(Batch(merge_deltas(out)))


def _tagged(events: list[Any], candidate: int) -> list[Any]:
    for ev in events:
        ev.candidate = candidate
    return events
