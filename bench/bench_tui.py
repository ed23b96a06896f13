"""Benchmark: the TUI under a scripted engine streaming at a given rate.

Prints: time to first paint of a real launch in a pseudo-terminal (process start to the first
frame) and headless time to on_mount / first idle; key-press latency (p50/p95) while streaming;
stream throughput through the TUI vs the scripted source; and key latency / flush cost at the start
vs the end of a long (default 20,000-token) thinking stream. Figures only, no pass/fail.

Usage: python bench/bench_tui.py [--rate TOK_PER_S] [--tokens N] [--long N] [--long-rate TOK_PER_S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tui"), str(ROOT / "tests" / "tui")]  # tests/tui: the scripted session

from rdebug import events as ev  # noqa: E402
from rdebug_tui.app import RdebugApp  # noqa: E402
from scripted import ScriptedSession, demo_context, demo_problem, demo_stats, make_demo_repo  # noqa: E402

SIZE = (120, 40)
WORDS = ("the test calls mean with an empty list so len is zero and the division fails; "
         "a guard before it returns the expected value\n").split(" ")


class BenchApp(RdebugApp):
    """Records when actions run and how long each flush takes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mounted_at: float | None = None
        self.action_at: list[float] = []
        self.flush_cost: list[tuple[float, float]] = []  # (when, seconds)
        self.shown_at: dict[int, float] = {}  # thinking chunks shown -> when

    def on_mount(self) -> None:  # Textual also runs RdebugApp.on_mount
        self.mounted_at = time.perf_counter()

    def action_toggle_diff(self) -> None:
        self.action_at.append(time.perf_counter())
        super().action_toggle_diff()

    async def flush(self) -> None:
        start = time.perf_counter()
        await super().flush()
        end = time.perf_counter()
        self.flush_cost.append((start, end - start))
        self.shown_at[self.showing["stream"][1]] = end  # (view, thinking deltas shown, answer deltas, ended)


def thinking_script(tokens: int) -> list:
    problem = demo_problem()
    deltas = [ev.ThinkingDelta(WORDS[i % len(WORDS)] + ("" if WORDS[i % len(WORDS)].endswith("\n") else " "))
              for i in range(tokens)]
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
            ev.AttemptStarted(1), *deltas, ev.AnswerDelta("done"), ev.Done()]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


HELLO = """from textual.app import App
from textual.widgets import Footer, Static
class Hello(App):
    BINDINGS = [("q", "quit", "quit")]
    def compose(self):
        yield Static("Problem")
        yield Footer()
Hello().run()
"""


def first_paint_pty(argv: list[str], cwd: Path | None = None, markers=(b"Problem", b"quit"),
                    timeout: float = 20.0) -> float | None:
    """Seconds from spawning ``argv`` in a pty until the screen shows every marker."""
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT / 'tui'}", TERM="xterm-256color",
               COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]), RDEBUG_CONFIG=os.devnull)
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                            start_new_session=True)
    os.close(slave)
    seen, found = b"", None
    try:
        while time.perf_counter() - start < timeout and found is None:
            ready, _, _ = select.select([master], [], [], 0.01)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if all(m in seen for m in markers):
                    found = time.perf_counter() - start
    finally:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)
    return found


def launch_figures(tmp: Path, runs: int = 7) -> None:
    """Median launch-to-first-frame of: a bare Textual app (this machine's floor), the TUI on a
    scripted engine, the real ``rdebug`` command in a project (replayed model, so no model load), and
    ``rdebug demo`` (the README's command: the default model starts loading in the background).

    Our sources are byte-compiled first, as ``pip install`` does (this checkout runs from source).
    """
    import compileall

    for folder in ("src", "tui", "tests/tui"):
        compileall.compile_dir(str(ROOT / folder), quiet=1)
    hello = tmp / "hello.py"
    hello.write_text(HELLO)
    project = make_demo_repo(tmp / "launch-project")
    reply = tmp / "reply.txt"
    reply.write_text("No idea yet.")
    real = [sys.executable, "-c", "from rdebug_tui.entry import main; raise SystemExit(main())",
            "--backend", f"replay:{reply}"]
    cases = {
        "bare Textual app (floor)": ([sys.executable, str(hello)], None),
        "tests/tui/demo_scripted.py": ([sys.executable, str(ROOT / "tests" / "tui" / "demo_scripted.py"), "--fast"],
                                       None),
        "rdebug in a project": (real, project),
        "rdebug demo": (real[:3] + ["demo"], tmp),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs):  # interleaved, so load changes hit every variant alike
        for name, (argv, cwd) in cases.items():
            if name == "rdebug demo":
                argv = argv + ["--dir", str(tmp / f"demo-{run}")]  # a new project each time
            got = first_paint_pty(argv, cwd)
            if got is not None:
                times[name].append(got)
    for name, values in times.items():
        shown = f"{statistics.median(values):.2f} s median of {len(values)}" if values else "timeout"
        print(f"launch to first frame, {name}: {shown}")


async def headless_startup(repo: Path) -> tuple[float, float]:
    start = time.perf_counter()
    session = ScriptedSession(repo, start_script=thinking_script(10))
    app = BenchApp(lambda: session, clock=time.perf_counter)
    async with app.run_test(size=SIZE) as pilot:
        ready = time.perf_counter()
        await pilot.press("q")
    return (app.mounted_at or ready) - start, ready - start


async def stream_run(repo: Path, tokens: int, rate: float, press_every: float) -> dict:
    """Stream ``tokens`` thinking tokens at ``rate``/s while pressing ``d``; returns the figures."""
    session = ScriptedSession(repo, start_script=thinking_script(tokens), token_delay=1.0 / rate)
    app = BenchApp(lambda: session, clock=time.perf_counter)
    latencies: list[tuple[float, float]] = []  # (when, seconds)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.perf_counter() + tokens / rate * 3 + 30
        while time.perf_counter() < deadline:
            view, thinking_shown, _, _ = app.showing["stream"]
            if view is not None and view.finished and thinking_shown >= tokens:
                break
            if view is not None and not view.finished:
                before = len(app.action_at)
                t = time.perf_counter()
                await pilot.press("d")
                if len(app.action_at) > before:
                    latencies.append((t, app.action_at[-1] - t))
            await asyncio.sleep(press_every)
        await pilot.press("q")
    first = app.state.attempts[0]
    # the source's pace: arrival stamps of the first and last thinking tokens (put right after each yield)
    source_s = (first.think_end or 0) - (first.think_start or 0)
    shown_all = min((t for n, t in app.shown_at.items() if n >= tokens), default=float("nan"))
    ui_s = shown_all - (first.think_start or 0)
    return {"latencies": latencies, "flush_cost": app.flush_cost, "source_s": source_s, "ui_s": ui_s,
            "flushes": app.flushes}


def report_stream(name: str, tokens: int, rate: float, res: dict) -> None:
    lat = [s * 1000 for _, s in res["latencies"]]
    print(f"{name}: {tokens} tokens at {rate:.0f} tok/s, {res['flushes']} flushes")
    print(f"  key latency while streaming: p50 {pct(lat, 0.5):.1f} ms, p95 {pct(lat, 0.95):.1f} ms "
          f"({len(lat)} presses)")
    ratio = res["source_s"] / res["ui_s"] if res["ui_s"] > 0 else float("nan")
    print(f"  throughput: source {tokens / res['source_s']:.0f} tok/s, through the TUI "
          f"{tokens / res['ui_s']:.0f} tok/s, ratio {ratio:.3f}")


def report_growth(res: dict) -> None:
    lat = res["latencies"]
    cost = res["flush_cost"]
    if len(lat) < 10 or len(cost) < 10:
        print("  (too few samples for early/late comparison)")
        return
    tenth = max(1, len(lat) // 10)
    early, late = [s * 1000 for _, s in lat[:tenth]], [s * 1000 for _, s in lat[-tenth:]]
    ctenth = max(1, len(cost) // 10)
    c_early, c_late = [s * 1000 for _, s in cost[:ctenth]], [s * 1000 for _, s in cost[-ctenth:]]
    print(f"  key latency first 10% p95 {pct(early, 0.95):.1f} ms vs last 10% p95 {pct(late, 0.95):.1f} ms")
    print(f"  flush cost first 10% median {statistics.median(c_early):.2f} ms vs last 10% median "
          f"{statistics.median(c_late):.2f} ms (p95 {pct(c_early, 0.95):.2f} vs {pct(c_late, 0.95):.2f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=60.0, help="tokens/s of the normal stream")
    parser.add_argument("--tokens", type=int, default=600, help="tokens in the normal stream")
    parser.add_argument("--long", type=int, default=20000, help="tokens in the long thinking stream")
    parser.add_argument("--long-rate", type=float, default=1000.0, help="tokens/s of the long stream")
    parser.add_argument("--no-pty", action="store_true", help="skip the real launch in a pseudo-terminal")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rdebug-bench-tui-") as tmp:
        repo = make_demo_repo(Path(tmp))
        if not args.no_pty:
            launch_figures(Path(tmp))
        mount_s, ready_s = asyncio.run(headless_startup(repo))
        print(f"headless: App() to on_mount {mount_s * 1000:.0f} ms, to first idle frame {ready_s * 1000:.0f} ms")
        res = asyncio.run(stream_run(repo, args.tokens, args.rate, 0.05))
        report_stream("normal stream", args.tokens, args.rate, res)
        res = asyncio.run(stream_run(repo, args.long, args.long_rate, 0.05))
        report_stream("long thinking stream", args.long, args.long_rate, res)
        report_growth(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
