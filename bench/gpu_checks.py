"""The checks of the one-shot GPU check (``gpu_check.py``), each through rdebug's own backend (``LlamaBackend``,
a worker process per load): offload, greedy outputs, cancel during prompt processing, parallel sequences, and
the fall back to the CPU. ``run_checks`` writes each result into the report as it goes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gpu_check import Report


def load(model: Path, **opts):
    """A loaded LlamaBackend (or the Error), with the Status notes it said."""
    from rdebug.events import Error, ModelReady, Status
    from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions

    b = LlamaBackend(model, LlamaOptions(ctx=opts.pop("ctx", 4096), **opts))
    notes, error = [], None
    for ev in b.load():
        if isinstance(ev, Status):
            notes.append(ev.message)
        elif isinstance(ev, Error):
            error = ev.message
        elif isinstance(ev, ModelReady):
            pass
    return b, notes, error


def stats_of(b) -> dict:
    s = b.stats
    return {"backend": s.backend, "gpu_layers": s.gpu_layers, "gpu_layers_total": s.gpu_layers_total,
            "device": s.device, "n_ctx": s.n_ctx, "flash_attn": s.extra.get("flash_attn"),
            "flash_attn_resolved": s.extra.get("flash_attn_resolved"), "load_s": round(s.load_s, 2)}


def greedy_text(b, tokens: int = 24) -> str:
    from rdebug.events import AnswerDelta, ThinkingDelta
    from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling

    greedy = Sampling(temperature=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=1)
    req = GenerationRequest([ChatMessage("user", "Explain the failing test in one line.")], max_tokens=tokens,
                            thinking=False, sampling=greedy)
    return "".join(e.text for e in b.generate(req) if isinstance(e, (AnswerDelta, ThinkingDelta)))


def run_checks(report: Report, model: Path) -> None:
    import llama_cpp

    from rdebug.commands.doctor import collect
    from rdebug.config import Config

    gpu = bool(llama_cpp.llama_supports_gpu_offload())
    report.doc["llama_cpp"] = {"version": llama_cpp.__version__, "file": llama_cpp.__file__, "gpu_offload": gpu}
    no_gpu = "this llama-cpp-python build has no GPU offload (CPU build)"

    doc = collect(Config(), resolve=False)
    gpus = [d for d in doc.get("devices", []) if d["kind"] in ("gpu", "igpu")]
    if gpu:
        report.put("doctor", "ok" if doc.get("gpu_offload") and gpus else "failed", devices=doc.get("devices"))
    else:
        report.put("doctor", "skipped", reason=no_gpu, devices=doc.get("devices"))

    texts: dict[str, str] = {}
    for kv in ("f16", "q8_0"):
        b, notes, error = load(model, kv_type=kv)
        if error:
            report.put(f"load_{kv}", "failed", error=error, notes=notes)
            continue
        st = stats_of(b)
        texts[kv] = greedy_text(b)
        if kv == "f16":
            if gpu:
                full = st["gpu_layers"] == st["gpu_layers_total"] > 0 and st["backend"] == "cuda"
                report.put("offload", "ok" if full else "failed", **st, notes=notes)
            else:
                report.put("offload", "skipped", reason=no_gpu, **st)
        b.close()
    if gpu:
        b, notes, error = load(model, gpu_layers=0)
        if error:
            report.put("load_cpu_layers", "failed", error=error)
        else:
            texts["gpu_layers=0"] = greedy_text(b)
            b.close()
    same = len(set(texts.values())) == 1 and len(texts) >= 2 and all(texts.values())
    report.put("greedy", "ok" if same else "failed", texts=texts,
               **({} if gpu else {"note": "f16 vs q8_0 KV on the CPU only; the GPU runs were skipped: " + no_gpu}))

    check_cancel(report, model)
    check_parallel(report, model, gpu)

    if gpu:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # the worker processes inherit it
        try:
            b, notes, error = load(model)
            if error:
                report.put("no_devices", "failed", error=error)
            else:
                st = stats_of(b)
                report.put("no_devices", "ok" if st["backend"] == "cpu" and st["gpu_layers"] == 0 else "failed",
                           **st, notes=notes)
                b.close()
        finally:
            del os.environ["CUDA_VISIBLE_DEVICES"]
    else:
        report.put("no_devices", "skipped", reason=no_gpu)


def check_parallel(report: Report, model: Path, gpu: bool, k: int = 4, tokens: int = 24) -> None:
    """k candidates in one batch (runtime/parallel.py): all stream and end; candidate 1 (greedy) matches the
    single reply; the aggregate tokens/s beside the single reply's."""
    from rdebug.events import AnswerDelta, Done, Error, ThinkingDelta, Usage
    from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling

    b, _, error = load(model, parallel=k)  # k sequences in the KV cache (the config's ``samples``)
    if error:
        report.put("parallel", "failed", error=error)
        return
    greedy = Sampling(temperature=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=1)
    messages = [ChatMessage("user", "Explain the failing test in one line.")]
    try:
        t0 = time.perf_counter()
        single = greedy_text(b, tokens)
        single_s = time.perf_counter() - t0
        texts, usages, dones, errors = [""] * k, [0] * k, [None] * k, []
        t0 = time.perf_counter()
        for e in b.generate(GenerationRequest(messages, max_tokens=tokens, thinking=False, sampling=greedy, n=k)):
            c = getattr(e, "candidate", 0)
            if isinstance(e, (AnswerDelta, ThinkingDelta)):
                texts[c] += e.text
            elif isinstance(e, Usage):
                usages[c] = e.thinking_tokens + e.answer_tokens
            elif isinstance(e, Done):
                dones[c] = e.reason
            elif isinstance(e, Error):
                errors.append(e.message)
        batch_s = time.perf_counter() - t0
    finally:
        b.close()
    ok = all(texts) and all(d is not None and d != "cancelled" for d in dones)
    report.put("parallel", "ok" if ok else "failed", k=k, device="gpu" if gpu else "cpu", done=dones, errors=errors,
               tokens=usages, first_matches_single=texts[0] == single,
               single_tok_s=round(tokens / single_s, 1) if single_s else None,
               batch_tok_s=round(sum(usages) / batch_s, 1) if batch_s else None)


def check_cancel(report: Report, model: Path) -> None:
    """Cancel while a ~7000-token prompt is being processed: the reply ends "cancelled", with no tokens."""
    from rdebug.events import AnswerDelta, Done, ModelLoading, ThinkingDelta
    from rdebug.runtime.base import ChatMessage, GenerationRequest

    b, _, error = load(model, ctx=8192)
    if error:
        report.put("cancel", "failed", error=error)
        return
    prompt = "\n".join(f"def function_{i}(x):\n    return x * {i} + {i % 7}" for i in range(300))
    req = GenerationRequest([ChatMessage("user", prompt)], max_tokens=64, thinking=False)
    n_prompt = b.count_tokens(prompt)
    stop = threading.Event()

    def keep_cancelling() -> None:  # generate() clears the flag when it starts: set it until the reply ends
        while not stop.wait(0.002):
            b.cancel()

    t0 = time.perf_counter()
    thread = threading.Thread(target=keep_cancelling, daemon=True)
    thread.start()
    try:
        events = [e for e in b.generate(req) if not isinstance(e, ModelLoading)]
    finally:
        stop.set()
        thread.join()
    seconds = time.perf_counter() - t0
    done = next((e for e in events if isinstance(e, Done)), None)
    tokens = sum(1 for e in events if isinstance(e, (AnswerDelta, ThinkingDelta)))
    reason = done.reason if done else None
    ok = reason == "cancelled" and tokens == 0  # stopped inside the prompt's evaluation, before any token
    report.put("cancel", "ok" if ok else "failed", reason=reason, prompt_tokens=n_prompt, deltas=tokens,
               seconds=round(seconds, 2))
    b.close()
