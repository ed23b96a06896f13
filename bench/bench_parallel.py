"""Candidates decoded together (figures printed, nothing asserted), side by side on one model and prompt.

    python bench/bench_parallel.py                                   # the default model (1.5B)
    python bench/bench_parallel.py --model smollm2-135m-instruct --ks 1,2,4

Rounds alternate (bare, k=1, k=2, ... then the reverse order) so machine noise spreads evenly.
Printed per k: aggregate decode tok/s (all candidates' tokens ÷ the decoding time), the ratio to the engine's
k=1, and the wall time of the whole request against k=1's. Targets on 2 cores with the default model:
k=4 >= 2.5x k=1 aggregate; the engine's k=1 >= 0.98x a bare llama-cpp-python streaming loop.
Then the cancel latency of a k-candidate request while it decodes (target < 250 ms until every candidate's
Done has arrived).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runtime import bare_llama, bare_throughput  # noqa: E402

from rdebug.config import Config  # noqa: E402
from rdebug.events import AnswerDelta, Done, ModelReady, Usage  # noqa: E402
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling  # noqa: E402
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions  # noqa: E402
from rdebug.runtime.sources import resolve_model  # noqa: E402

PROMPT = ("Here is a Python function with a bug:\n\ndef paginate(items, page, size):\n"
          "    start = page * size\n    return items[start:start + size]\n\n"
          "The test calls paginate(list(range(10)), 1, 3) and expects [0, 1, 2]. Explain the bug step by step, "
          "then write the fixed function and three more tests for it.")
SAMPLING = Sampling(temperature=0.3, top_p=0.9, top_k=20, min_p=0.0, repeat_penalty=1.0, seed=11)


def engine_round(b: LlamaBackend, k: int, tokens: int) -> tuple[float, float]:
    """(aggregate decode tok/s, wall seconds) of one request for k candidates, all kept to ``tokens``."""
    req = GenerationRequest([ChatMessage("user", PROMPT)], max_tokens=tokens, sampling=SAMPLING, thinking=False,
                            n=k)
    t0 = time.perf_counter()
    usages = [e for e in b.generate(req) if isinstance(e, Usage)]
    wall = time.perf_counter() - t0
    generated = sum(u.thinking_tokens + u.answer_tokens for u in usages)
    decode_s = max(u.seconds - u.ttft_s for u in usages)
    return (generated - len(usages)) / decode_s if decode_s > 0 else 0.0, wall


def cancel_latency_ms(b: LlamaBackend, k: int, after_tokens: int = 20) -> float:
    """Milliseconds from ``cancel()`` to the last candidate's Done, cancelled while all k decode."""
    req = GenerationRequest([ChatMessage("user", PROMPT)], max_tokens=1000, sampling=SAMPLING, thinking=False, n=k)
    decoding, done_at = threading.Event(), []
    seen = [0]

    def consume() -> None:
        for ev in b.generate(req):
            if isinstance(ev, AnswerDelta):
                seen[0] += 1
                if seen[0] >= after_tokens:
                    decoding.set()
            elif isinstance(ev, Done):
                done_at.append(time.perf_counter())
        decoding.set()

    t = threading.Thread(target=consume)
    t.start()
    decoding.wait(300)
    t0 = time.perf_counter()
    b.cancel()
    t.join(60)
    return (max(done_at) - t0) * 1000 if len(done_at) == k else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="qwen2.5-coder-1.5b-instruct")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--tokens", type=int, default=96, help="tokens per candidate")
    ap.add_argument("--ks", default="1,2,4,8")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-bare", action="store_true", help="skip the bare llama-cpp-python loop")
    a = ap.parse_args()
    ks = sorted({int(x) for x in a.ks.split(",")} | {1})
    path = str(resolve_model(a.model, Config(model=a.model)).path)
    print(f"model: {path}\nthreads: {a.threads}, n_ctx: {a.ctx}, {a.tokens} tokens per candidate, "
          f"{a.rounds} alternating rounds")
    b = LlamaBackend(path, LlamaOptions(ctx=a.ctx, threads=a.threads, threads_batch=a.threads, parallel=max(ks),
                                        adapt_threads=False))
    ready = [e for e in b.load() if isinstance(e, ModelReady)][0]
    print(f"engine: {ready.stats.profile.parallel_sequences} sequences, repack {ready.stats.extra.get('repack')}")
    bare = None if a.no_bare else bare_llama(path, a.ctx, a.threads)
    prompt_text = None
    if bare is not None:
        prompt_text = b.render(GenerationRequest([ChatMessage("user", PROMPT)], thinking=False)).prompt
    engine_round(b, 1, 8)  # warm
    rates: dict[str, list[float]] = {f"k={k}": [] for k in ks}
    walls: dict[str, list[float]] = {f"k={k}": [] for k in ks}
    if bare is not None:
        rates["bare"] = []
    try:
        for r in range(a.rounds):
            order = (["bare"] if bare is not None else []) + [f"k={k}" for k in ks]
            for name in (order if r % 2 == 0 else list(reversed(order))):
                if name == "bare":
                    rates[name].append(bare_throughput(bare, prompt_text, a.tokens))
                    continue
                rate, wall = engine_round(b, int(name[2:]), a.tokens)
                rates[name].append(rate)
                walls[name].append(wall)
        cancels = {k: statistics.median(cancel_latency_ms(b, k) for _ in range(3)) for k in ks if k > 1}
    finally:
        b.close()
    one = statistics.median(rates["k=1"])
    wall_one = statistics.median(walls["k=1"])
    if bare is not None:
        print(f"bare llama-cpp-python   {statistics.median(rates['bare']):6.1f} tok/s")
        print(f"engine k=1 / bare       {one / statistics.median(rates['bare']):.2f}x  (target >= 0.98)")
    for k in ks:
        rate, wall = statistics.median(rates[f"k={k}"]), statistics.median(walls[f"k={k}"])
        print(f"k={k:<2} aggregate {rate:6.1f} tok/s  {rate / one:.2f}x k=1   request {wall:5.1f} s "
              f"({wall / wall_one:.2f}x k=1's time for {k} candidates)")
    print("targets: k=4 >= 2.5x k=1 aggregate (2 cores, default model)")
    for k, ms in cancels.items():
        print(f"cancel while k={k} decode: every candidate done after {ms:.0f} ms (median of 3; target < 250)")


if __name__ == "__main__":
    main()
