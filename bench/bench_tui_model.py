"""Benchmark: the TUI on a real model, side by side with the headless engine (figures only).

One worker process, one greedy prompt. Pairs of runs, in alternating order (headless then TUI, TUI
then headless, ...): the engine's stream consumed headless, and the same stream rendered by the app.
Then a few TUI runs while ``d`` (re-render the patch view) is pressed every 200 ms. Prints tokens/s
at the engine (first to last delta) and on screen (first delta to the flush that showed the last
token), the ratio on screen / headless as the median of the pairs and pooled over all runs (target
>= 0.95; one run varies by about 5 % on this machine, so several pairs are needed), the same with key
presses, and key latency p50/p95 while streaming (target p95 < 100 ms). ``--threads`` sets the model
threads of the headless side and ``--ui-threads`` those of the TUI side (default: all cores for
both). The app renders on the same cores, and llama.cpp's threads stall when one of them is
descheduled.

    python bench/bench_tui_model.py                                   # SmolLM2-135M (test model)
    python bench/bench_tui_model.py --model qwen2.5-coder-1.5b-instruct --tokens 200
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tui"), str(ROOT / "bench"), str(ROOT / "tests" / "tui")]

from bench_tui import SIZE, BenchApp, pct  # noqa: E402
from rdebug import events as ev  # noqa: E402
from rdebug.config import Config  # noqa: E402
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling  # noqa: E402
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions  # noqa: E402
from rdebug.runtime.sources import resolve_model  # noqa: E402
from rdebug.runtime.threads import default_threads  # noqa: E402
from scripted import demo_context, demo_problem, make_demo_repo  # noqa: E402

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0, seed=1)
PROMPT = ("Explain step by step, in detail, how a hash map handles collisions, resizing and deletion, "
          "with examples in Python.")


class TimedApp(BenchApp):
    """Records (when, deltas shown) after each flush that showed more of the stream."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[tuple[float, int]] = []

    async def flush(self) -> None:
        await super().flush()
        count = sum(self.showing["stream"][1:3])  # the thinking and answer deltas shown
        if count and (not self.shown or self.shown[-1][1] != count):
            self.shown.append((time.perf_counter(), count))


class ModelSession:
    """A session stand-in whose ``start()`` is one real generation (the app needs only this much)."""

    def __init__(self, root: Path, backend: LlamaBackend, request: GenerationRequest) -> None:
        self.root, self.backend, self.request = root, backend, request
        self.thinking, self.think_budget = None, None
        self.delta_times: list[float] = []
        self.tokens = 0
        self.settle_s = 1.5

    def start(self) -> Iterator[object]:
        problem = demo_problem()
        yield ev.ProblemFound(problem)
        yield ev.ContextBuilt(demo_context(problem))
        yield ev.ModelReady(self.backend.stats)
        # a real session loads the model for seconds before it generates: the app has settled by then
        time.sleep(self.settle_s)
        yield ev.AttemptStarted(1)
        yield from consume(self.backend, self.request, self)
        yield ev.Done()

    def cancel(self) -> None:
        self.backend.cancel()

    def close(self) -> None:
        pass


def consume(backend: LlamaBackend, request: GenerationRequest, into) -> Iterator[object]:
    """Yield the stream's deltas, stamping when each arrives and counting tokens from Usage."""
    for event in backend.generate(request):
        if isinstance(event, (ev.AnswerDelta, ev.ThinkingDelta)):
            into.delta_times.append(time.perf_counter())
            yield event
        elif isinstance(event, ev.Usage):
            into.tokens = event.answer_tokens + event.thinking_tokens
            yield event


class Headless:
    def __init__(self) -> None:
        self.delta_times: list[float] = []
        self.tokens = 0


def headless_run(backend: LlamaBackend, request: GenerationRequest) -> float:
    sink = Headless()
    for _ in consume(backend, request, sink):
        pass
    return sink.tokens / (sink.delta_times[-1] - sink.delta_times[0])


async def tui_run(repo: Path, backend: LlamaBackend, request: GenerationRequest,
                  press_every: float | None) -> tuple[float, float, list[float], float]:
    """(engine tok/s, on-screen tok/s, key latencies in ms, UI CPU share of one core) for one stream."""
    session = ModelSession(repo, backend, request)
    app = TimedApp(lambda: session, clock=time.perf_counter)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.perf_counter() + 600
        cpu0 = None
        while time.perf_counter() < deadline:
            view = app.showing["stream"][0]
            if cpu0 is None and session.delta_times:  # this process is the app (the model has its own)
                cpu0, wall0 = time.process_time(), time.perf_counter()
            if view is not None:
                if view.finished and not app.busy and len(app.buffer) == 0:
                    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
                    await app.flush_now()
                    break
                if not view.finished and press_every:
                    before, t = len(app.action_at), time.perf_counter()
                    await pilot.press("d")
                    if len(app.action_at) > before:
                        latencies.append((app.action_at[-1] - t) * 1000)
            await asyncio.sleep(press_every or 0.1)
        await pilot.press("q")
    engine = session.tokens / (session.delta_times[-1] - session.delta_times[0])
    # on screen: from the first delta's arrival to the flush that showed the last characters
    shown = app.shown
    total = shown[-1][1]
    done_at = next(t for t, n in shown if n >= total)
    ui = session.tokens / (done_at - session.delta_times[0])
    return engine, ui, latencies, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m-instruct")
    ap.add_argument("--tokens", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=6, help="headless/TUI pairs, in alternating order")
    ap.add_argument("--key-rounds", type=int, default=2, help="TUI runs with a key press every 200 ms")
    ap.add_argument("--threads", type=int, default=None, help="model threads, headless side")
    ap.add_argument("--ui-threads", type=int, default=None, help="model threads, TUI side")
    a = ap.parse_args(argv)
    path = str(resolve_model(a.model, Config(model=a.model)).path)
    head_threads = a.threads or default_threads()
    ui_threads = a.ui_threads or a.threads or default_threads()
    backend = LlamaBackend(path, LlamaOptions(ctx=4096, threads=head_threads))
    [e for e in backend.load() if isinstance(e, ev.ModelReady)]
    ui_backend = backend
    if ui_threads != head_threads:
        ui_backend = LlamaBackend(path, LlamaOptions(ctx=4096, threads=ui_threads))
        [e for e in ui_backend.load() if isinstance(e, ev.ModelReady)]
    request = GenerationRequest([ChatMessage("user", PROMPT)], max_tokens=a.tokens, sampling=GREEDY, thinking=False)
    print(f"model: {path}, {a.tokens} tokens per stream; threads: headless {head_threads}, TUI {ui_threads}")
    for _ in range(2):  # warm the KV cache and the pages of the weights: the first runs are slower
        headless_run(backend, request)
        if ui_backend is not backend:
            headless_run(ui_backend, request)
    heads, uis, pressed, keys, engines, cpus = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_demo_repo(Path(tmp) / "repo")
        for i in range(a.rounds):  # pairs in alternating order (AB BA ...): drift hits both sides alike
            for side in (("head", "tui") if i % 2 == 0 else ("tui", "head")):
                if side == "head":
                    heads.append(headless_run(backend, request))
                else:
                    engine, ui, _, cpu = asyncio.run(tui_run(repo, ui_backend, request, None))
                    uis.append(ui)
                    engines.append(engine)
                    cpus.append(cpu)
        for _ in range(a.key_rounds):
            _, ui, lat, _ = asyncio.run(tui_run(repo, ui_backend, request, 0.2))
            pressed.append(ui)
            keys += lat
    backend.close()
    ui_backend.close()
    ratios = [u / h for u, h in zip(uis, heads)]
    # pooled: both sides' mean seconds per token over all rounds (each stream has the same tokens)
    pooled = statistics.mean(1 / h for h in heads) / statistics.mean(1 / u for u in uis)
    print(f"headless engine: {statistics.median(heads):.1f} tok/s (median of {len(heads)})")
    print(f"on screen through the TUI: {statistics.median(uis):.1f} tok/s (median of {len(uis)})")
    print(f"ratio on screen / headless: median of pairs {statistics.median(ratios):.3f}, pooled {pooled:.3f} "
          f"(pairs {', '.join(f'{r:.3f}' for r in ratios)}; target >= 0.95)")
    print(f"with a key every 200 ms: {statistics.median(pressed):.1f} tok/s on screen, "
          f"{statistics.median(pressed) / statistics.median(heads):.3f} of the headless median")
    print(f"the engine's own speed while the app renders: {statistics.median(engines):.1f} tok/s; the app's "
          f"process used {100 * statistics.median(cpus):.1f}% of one core while streaming")
    print(f"key latency while streaming: p50 {pct(keys, 0.5):.1f} ms, p95 {pct(keys, 0.95):.1f} ms "
          f"({len(keys)} presses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
