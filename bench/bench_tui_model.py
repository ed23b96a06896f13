"""Benchmark: the TUI on a real model, side by side with the headless engine (figures only).

One worker process, one greedy prompt, alternating runs: the engine's stream consumed headless; the
same stream rendered by the app; and rendered again while ``d`` (re-render the patch view) is pressed
every 200 ms. Prints tokens/s at the engine (first to last delta) and on screen (first delta to last
token shown), the ratio on screen / headless (target >= 0.95), the same with key presses, and key
latency p50/p95 while streaming (target p95 < 100 ms). ``--threads`` sets the model threads of the
headless side and ``--ui-threads`` those of the TUI side (default: all cores for both). The app
renders on the same cores, and llama.cpp's threads stall when one of them is descheduled.

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
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tui"), str(ROOT / "bench")]

from bench_tui import SIZE, BenchApp, pct  # noqa: E402
from rdebug import events as ev  # noqa: E402
from rdebug.config import Config  # noqa: E402
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling  # noqa: E402
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions  # noqa: E402
from rdebug.runtime.sources import resolve_model  # noqa: E402
from rdebug.runtime.threads import default_threads  # noqa: E402
from rdebug_tui.scripted import demo_context, demo_problem, make_demo_repo  # noqa: E402

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0, seed=1)
PROMPT = ("Explain step by step, in detail, how a hash map handles collisions, resizing and deletion, "
          "with examples in Python.")


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
    app = BenchApp(lambda: session, clock=time.perf_counter)
    shown: list[tuple[float, int]] = []  # (when, characters on screen)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.perf_counter() + 600
        cpu0 = None
        while time.perf_counter() < deadline:
            view = app._shown_view
            if cpu0 is None and session.delta_times:  # this process is the app (the model has its own)
                cpu0, wall0 = time.process_time(), time.perf_counter()
            if view is not None:
                count = sum(map(len, view.answer)) + sum(map(len, view.thinking))
                if not shown or shown[-1][1] != count:
                    shown.append((time.perf_counter(), count))
                if view.finished and not app.busy and len(app.buffer) == 0:
                    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
                    await app.flush_now()
                    break
                if not view.finished and press_every:
                    before, t = len(app.action_at), time.perf_counter()
                    await pilot.press("d")
                    if len(app.action_at) > before:
                        latencies.append((app.action_at[-1] - t) * 1000)
            await asyncio.sleep(press_every or 0.05)
        await pilot.press("q")
    engine = session.tokens / (session.delta_times[-1] - session.delta_times[0])
    # on screen: from the first delta's arrival to the moment the last characters were shown
    total = shown[-1][1]
    done_at = next(t for t, n in shown if n >= total)
    ui = session.tokens / (done_at - session.delta_times[0])
    return engine, ui, latencies, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m-instruct")
    ap.add_argument("--tokens", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
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
    headless_run(backend, request)  # warm the KV cache: both sides then start from the same state
    headless_run(ui_backend, request)
    heads, uis, pressed, keys, engines, cpus = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_demo_repo(Path(tmp) / "repo")
        for _ in range(a.rounds):  # interleaved, so load changes hit every variant alike
            heads.append(headless_run(backend, request))
            engine, ui, _, cpu = asyncio.run(tui_run(repo, ui_backend, request, None))
            uis.append(ui)
            engines.append(engine)
            cpus.append(cpu)
            _, ui, lat, _ = asyncio.run(tui_run(repo, ui_backend, request, 0.2))
            pressed.append(ui)
            keys += lat
    backend.close()
    ui_backend.close()
    ratios = [u / h for u, h in zip(uis, heads)]
    with_keys = [u / h for u, h in zip(pressed, heads)]
    print(f"headless engine: {statistics.median(heads):.1f} tok/s (median of {len(heads)})")
    print(f"on screen through the TUI: {statistics.median(uis):.1f} tok/s; with a key every 200 ms "
          f"{statistics.median(pressed):.1f} tok/s")
    print(f"ratio on screen / headless: median {statistics.median(ratios):.3f} "
          f"(all {', '.join(f'{r:.3f}' for r in ratios)}; target >= 0.95); with keys "
          f"{statistics.median(with_keys):.3f}")
    print(f"the engine's own speed while the app renders: {statistics.median(engines):.1f} tok/s; the app's "
          f"process used {100 * statistics.median(cpus):.1f}% of one core while streaming")
    print(f"key latency while streaming: p50 {pct(keys, 0.5):.1f} ms, p95 {pct(keys, 0.95):.1f} ms "
          f"({len(keys)} presses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
