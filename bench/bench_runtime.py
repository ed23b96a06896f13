"""Runtime benchmarks (figures printed, nothing asserted), each side by side on one model and prompt.

    python bench/bench_runtime.py                  # SmolLM2-135M (the test model)
    python bench/bench_runtime.py --model qwen2.5-coder-1.5b-instruct

1. decode throughput through the rdebug worker ÷ a bare llama-cpp-python streaming loop (target >= 0.98)
2. TTFT of a follow-up turn ÷ the cold first turn (KV prefix reuse; target <= 0.25)
3. cancel latency during decoding and during prompt processing (target < 250 ms)
4. worker start -> ready time
5. RSS of the engine process, worker excluded, in a fresh subprocess (target < 150 MB)
6. --contended: decode tok/s idle, beside a CPU-bound process, and beside another llama.cpp process using
   every core, with fixed threads (the old behaviour) and with threads adapted to the other processes'
   CPU share (the default), alternating; targets on 2 cores: >= 0.45x of the idle speed beside a busy
   core, >= 0.30x beside another llama.cpp process, >= 0.95x of the fixed-thread idle speed when idle
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time

from rdebug.config import Config
from rdebug.events import Done, ModelReady, Usage
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions
from rdebug.runtime.sources import resolve_model

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0, seed=1)
STORY = "Write a long, detailed story about a programmer who hunts a bug in a parser. Use many paragraphs."


def code_context(n: int) -> str:
    return "Here is the code:\n" + "\n".join(f"def handler_{i}(req):\n    return req.get('k{i}', {i})" for i in range(n))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def bare_llama(path: str, n_ctx: int, threads: int):
    import llama_cpp
    from llama_cpp import llama_cpp as C

    from rdebug.runtime.load_settings import LoadSettings

    remembered = LoadSettings().get(path)
    if remembered is not None and not remembered.repack:  # this build crashes here with extra buffer types
        original = C.llama_model_default_params

        def without_extra_bufts():
            params = original()
            params.use_extra_bufts = False
            return params

        C.llama_model_default_params = without_extra_bufts

    gpu = llama_cpp.llama_supports_gpu_offload()
    return llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_batch=512, n_ubatch=512, n_threads=threads,
                           n_threads_batch=threads, n_gpu_layers=-1 if gpu else 0, flash_attn=gpu, verbose=False)


def bare_throughput(llm, prompt: str, tokens: int) -> float:
    """Decode tokens/s of a plain llama-cpp-python streaming loop (same prompt, sampling, context, threads)."""
    toks = llm.tokenize(prompt.encode(), add_bos=False, special=True)
    times = []
    for _chunk in llm.create_completion(toks, max_tokens=tokens, temperature=0.0, top_k=1, top_p=1.0, min_p=0.0,
                                        repeat_penalty=1.0, seed=1, stream=True):
        times.append(time.perf_counter())
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def engine_usage(b: LlamaBackend, req: GenerationRequest) -> Usage:
    return [e for e in b.generate(req) if isinstance(e, Usage)][0]


def cancel_latency(b: LlamaBackend, req: GenerationRequest, after_s: float) -> float:
    done_at: list[float] = []

    def consume() -> None:
        for ev in b.generate(req):
            if isinstance(ev, Done):
                done_at.append(time.perf_counter())

    t = threading.Thread(target=consume)
    t.start()
    time.sleep(after_s)
    t0 = time.perf_counter()
    b.cancel()
    t.join(30)
    return (done_at[0] - t0) * 1000 if done_at else float("nan")


RSS_CHILD = """
import json, sys
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions
from rdebug.runtime.base import ChatMessage, GenerationRequest
b = LlamaBackend(sys.argv[1], LlamaOptions(ctx=2048, threads=int(sys.argv[2])))
list(b.load())
list(b.generate(GenerationRequest([ChatMessage("user", "Say hi.")], max_tokens=16)))
rss = hwm = 0
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"): rss = int(line.split()[1]) / 1024
    if line.startswith("VmHWM:"): hwm = int(line.split()[1]) / 1024
b.close()
print(json.dumps({"rss_mb": rss, "hwm_mb": hwm}))
"""


BUSY = "while True: pass"
OTHER_LLAMA = """
import sys, llama_cpp
from llama_cpp import llama_cpp as C
original = C.llama_model_default_params
def params():
    p = original(); p.use_extra_bufts = False; return p
C.llama_model_default_params = params
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=2048, n_threads=int(sys.argv[2]), verbose=False)
while True:
    for _ in llm.create_completion("Once upon a time", max_tokens=1500, stream=True, temperature=0.8):
        pass
"""


def capped_tok_s(b: LlamaBackend, req: GenerationRequest, limit_s: float = 60.0) -> float:
    """Decode tok/s of one reply; a reply still running after ``limit_s`` is cancelled (its rate so far)."""
    timer = threading.Timer(limit_s, b.cancel)
    timer.start()
    try:
        usage = engine_usage(b, req)
    finally:
        timer.cancel()
    return usage.tokens_per_s


def contended(path: str, threads: int, tokens: int, rounds: int) -> None:
    """[6] fixed threads vs adapted threads, idle and beside other CPU work, alternating (AB, BA, ...)."""
    req = GenerationRequest([ChatMessage("user", STORY)], max_tokens=tokens, sampling=GREEDY, thinking=False)
    sides = {name: LlamaBackend(path, LlamaOptions(ctx=2048, threads=threads, threads_batch=threads,
                                                  adapt_threads=adapt))
             for name, adapt in (("fixed", False), ("adapted", True))}
    for b in sides.values():
        [e for e in b.load() if isinstance(e, ModelReady)]
        engine_usage(b, req)  # warm
    results: dict[str, dict[str, list[float]]] = {}
    contenders = {"idle": None, "busy core": [sys.executable, "-c", BUSY],
                  "other llama.cpp": [sys.executable, "-c", OTHER_LLAMA, path, str(threads)]}
    try:
        for scenario, argv in contenders.items():
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if argv else None
            time.sleep(5 if scenario == "other llama.cpp" else 0.5)
            got: dict[str, list[float]] = {"fixed": [], "adapted": []}
            for r in range(rounds):
                order = ("fixed", "adapted") if r % 2 == 0 else ("adapted", "fixed")
                for name in order:
                    got[name].append(capped_tok_s(sides[name], req))
            if proc is not None:
                proc.kill()
                proc.wait()
            results[scenario] = got
    finally:
        for b in sides.values():
            b.close()
    idle = statistics.median(results["idle"]["fixed"])
    print(f"[6] contended decoding, {threads} threads, {tokens} tokens, {rounds} alternating rounds (median tok/s):")
    for scenario, got in results.items():
        fixed, adapted = statistics.median(got["fixed"]), statistics.median(got["adapted"])
        print(f"    {scenario:<16} fixed {fixed:6.1f} ({fixed / idle:.2f}x idle)   "
              f"adapted {adapted:6.1f} ({adapted / idle:.2f}x idle)")
    print("    targets: adapted >= 0.45x beside a busy core, >= 0.30x beside another llama.cpp, "
          ">= 0.95x idle")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2-135m-instruct")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--contended", action="store_true", help="only [6]: decoding beside other CPU work")
    a = ap.parse_args()
    path = str(resolve_model(a.model, Config(model=a.model)).path)
    print(f"model: {path}\nthreads: {a.threads}, n_ctx: {a.ctx}")
    if a.contended:
        contended(path, a.threads, a.tokens, a.rounds)
        return

    t0 = time.perf_counter()
    b = LlamaBackend(path, LlamaOptions(ctx=a.ctx, threads=a.threads))
    ready = [e for e in b.load() if isinstance(e, ModelReady)][0]
    start_ready = time.perf_counter() - t0
    print(f"\n[4] worker start -> ready: {start_ready:.2f} s (llama load {ready.stats.load_s:.2f} s, backend {ready.stats.backend})")

    story = GenerationRequest([ChatMessage("user", STORY)], max_tokens=a.tokens, sampling=GREEDY, thinking=False)
    prompt = b.render(story).prompt
    bare_llm = bare_llama(path, a.ctx, a.threads)  # idle while the worker runs, and the reverse
    engine, bare = [], []
    for _ in range(a.rounds):  # interleaved, so that load from other processes hits both sides alike
        engine.append(engine_usage(b, story).tokens_per_s)
        bare.append(bare_throughput(bare_llm, prompt, a.tokens))
    bare_llm.close()
    ratios = sorted(e / r for e, r in zip(engine, bare))
    print(f"[1] decode throughput: engine {max(engine):.1f} tok/s, bare llama-cpp-python {max(bare):.1f} tok/s; "
          f"best/best {max(engine) / max(bare):.3f}, median pairwise {statistics.median(ratios):.3f} (target >= 0.98)")

    ctx_text = code_context(60)
    turn1 = GenerationRequest([ChatMessage("user", ctx_text + "\nWhat does handler_3 return?")], max_tokens=16,
                              sampling=GREEDY, thinking=False)
    list(b.generate(GenerationRequest([ChatMessage("user", "warm up")], max_tokens=1, sampling=GREEDY)))
    u1 = engine_usage(b, turn1)
    history = [*turn1.messages, ChatMessage("assistant", "It returns req.get('k3', 3).")]
    turn2 = GenerationRequest([*history, ChatMessage("user", "And handler_7?")], max_tokens=16, sampling=GREEDY,
                              thinking=False)
    u2 = engine_usage(b, turn2)
    print(f"[2] TTFT cold first turn {u1.ttft_s * 1000:.0f} ms ({u1.prompt_tokens} prompt tokens), follow-up "
          f"{u2.ttft_s * 1000:.0f} ms ({u2.cached_tokens} cached of {u2.prompt_tokens}); ratio "
          f"{u2.ttft_s / u1.ttft_s:.3f} (target <= 0.25)")

    long_req = GenerationRequest([ChatMessage("user", STORY)], max_tokens=4000, sampling=GREEDY, thinking=False)
    decode_ms = [cancel_latency(b, long_req, 0.6) for _ in range(5)]
    big = GenerationRequest([ChatMessage("user", code_context(120) + "\nSummarise.")], max_tokens=64, sampling=GREEDY)
    prompt_ms = [cancel_latency(b, big, 0.15) for _ in range(3)]
    print(f"[3] cancel latency while decoding: median {statistics.median(decode_ms):.0f} ms, max {max(decode_ms):.0f} ms;"
          f" during prompt processing: median {statistics.median(prompt_ms):.0f} ms, max {max(prompt_ms):.0f} ms"
          " (target < 250 ms)")
    b.close()

    out = subprocess.run([sys.executable, "-c", RSS_CHILD, path, str(a.threads)], capture_output=True, text=True)
    try:
        rss = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"[5] engine process RSS after a generation through the worker: {rss['rss_mb']:.0f} MB "
              f"(peak {rss['hwm_mb']:.0f} MB; target < 150 MB)")
    except (IndexError, ValueError):
        print(f"[5] RSS child failed: {out.stderr.strip()[-500:]}")


if __name__ == "__main__":
    main()
