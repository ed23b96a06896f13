"""Lines only the failing test runs: spectrum-based fault localization (Ochiai).

The project's pytest suite runs once in a scratch copy under ``spectrumplugin`` (per-test lines); each line
scores ``failed(l) / sqrt(total_failed * (failed(l) + passed(l)))`` and each function its best line. The run is
cached by the repository state, so a follow-up costs nothing. Anything else than pytest is skipped with a reason.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

MAX_TIMEOUT_S = 120.0  # the spectrum run never waits longer than this for a hanging suite
PLUGIN_MODULE = "rdebug_spectrum_plugin"
TOP_FUNCTIONS = 3  # added to the context
MIN_SCORE = 0.5  # a function below this is not worth a snippet
MAX_SNIPPET_LINES = 60


@dataclass(frozen=True)
class SuspiciousLine:
    path: str  # repo-relative posix
    line: int  # 1-based
    score: float  # Ochiai, 0..1


@dataclass(frozen=True)
class SuspiciousFunction:
    path: str
    name: str  # "Class.method" or "function"
    start: int
    end: int
    score: float  # its best line's Ochiai
    failing_runs: int  # failing tests that ran the best line
    passing_runs: int  # passing tests that ran it
    total_passing: int
    total_failing: int = 1

    @property
    def reason(self) -> str:
        """E.g. "run by the failing test and by 1 of 12 passing tests, Ochiai 0.87"."""
        if self.total_failing == 1:
            by_failing = "the failing test"
        else:
            by_failing = f"{self.failing_runs} of {self.total_failing} failing tests"
        tests = "test" if self.total_passing == 1 else "tests"
        if self.total_passing == 0:
            by_passing = "no test passed"
        elif self.passing_runs == 0:
            by_passing = f"by none of {self.total_passing} passing {tests}"
        else:
            by_passing = f"by {self.passing_runs} of {self.total_passing} passing {tests}"
        return f"run by {by_failing} and {by_passing}, Ochiai {self.score:.2f}"


@dataclass(frozen=True)
class TracedTest:
    """One test of the spectrum run: its outcome and the repository lines it ran."""

    test_id: str
    failed: bool
    lines: frozenset[tuple[str, int]]


@dataclass
class Spectrum:
    """The result of one spectrum run (or the reason it was skipped)."""

    lines: list[SuspiciousLine] = field(default_factory=list)  # most suspicious first, score > 0
    functions: list[SuspiciousFunction] = field(default_factory=list)
    total_failing: int = 0
    total_passing: int = 0
    seconds: float = 0.0  # the traced run's wall time (0 when cached or skipped)
    cached: bool = False
    skipped: str | None = None  # one line: why there is no spectrum

    @property
    def note(self) -> str:
        """One line for the context's notes."""
        if self.skipped:
            return f"spectrum skipped: {self.skipped}"
        how = "cached" if self.cached else f"{self.seconds:.1f} s"
        return (f"spectrum: {self.total_failing} failing and {self.total_passing} passing tests "
                f"({how}); top function: " + (f"{self.functions[0].name}()" if self.functions else "none"))

    def to_json(self) -> dict:
        return {"lines": [asdict(s) for s in self.lines], "functions": [asdict(f) for f in self.functions],
                "total_failing": self.total_failing, "total_passing": self.total_passing}

    @classmethod
    def from_json(cls, data: dict) -> "Spectrum":
        return cls(lines=[SuspiciousLine(**s) for s in data["lines"]],
                   functions=[SuspiciousFunction(**f) for f in data["functions"]],
                   total_failing=data["total_failing"], total_passing=data["total_passing"], cached=True)


# --- scoring ----------------------------------------------------------------------------------------------
def line_counts(runs: Sequence[TracedTest]) -> dict[tuple[str, int], tuple[int, int]]:
    """(path, line) -> (failing tests that ran it, passing tests that ran it)."""
    counts: dict[tuple[str, int], list[int]] = {}
    for run in runs:
        for key in run.lines:
            counts.setdefault(key, [0, 0])[0 if run.failed else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def ochiai(failed: int, passed: int, total_failed: int) -> float:
    """failed(l) / sqrt(total_failed * (failed(l) + passed(l))); 0 when nothing failed there."""
    if failed == 0 or total_failed == 0:
        return 0.0
    return failed / math.sqrt(total_failed * (failed + passed))


def suspicious_lines(counts: dict[tuple[str, int], tuple[int, int]], total_failed: int) -> list[SuspiciousLine]:
    """Lines with a positive Ochiai, most suspicious first (ties: path, line)."""
    out = [SuspiciousLine(p, n, round(ochiai(f, s, total_failed), 4)) for (p, n), (f, s) in counts.items()]
    return sorted((s for s in out if s.score > 0), key=lambda s: (-s.score, s.path, s.line))


def rank_functions(root: Path, counts: dict[tuple[str, int], tuple[int, int]], total_failed: int,
                   total_passed: int) -> list[SuspiciousFunction]:
    """Each function (tree-sitter) scored by its best line; most suspicious first."""
    from rdebug.context.files import FileReader
    from rdebug.context.treesitter import enclosing_function, parse_source

    reader = FileReader(root)
    parsed: dict[str, object] = {}
    best: dict[tuple[str, int], SuspiciousFunction] = {}
    for (path, line), (f, s) in counts.items():
        if f == 0:
            continue
        if path not in parsed:
            src = reader.read(path, quiet=True)
            parsed[path] = parse_source(src) if src is not None else None
        pf = parsed[path]
        enc = enclosing_function(pf, line) if pf is not None else None  # type: ignore[arg-type]
        if enc is None or enc.name is None:
            continue
        name = f"{enc.class_name}.{enc.name}" if enc.class_name else enc.name
        fn = SuspiciousFunction(path, name, enc.start_line, enc.end_line, round(ochiai(f, s, total_failed), 4),
                                f, s, total_passed, total_failed)
        key = (path, enc.start_line)
        old = best.get(key)
        if old is None or (fn.score, fn.failing_runs, -fn.passing_runs) > (old.score, old.failing_runs,
                                                                          -old.passing_runs):
            best[key] = fn
    return sorted(best.values(), key=lambda fn: (-fn.score, -fn.failing_runs, fn.passing_runs, fn.path, fn.start))


def score_runs(root: Path, runs: Sequence[TracedTest]) -> Spectrum:
    counts = line_counts(runs)
    failed = sum(1 for r in runs if r.failed)
    passed = len(runs) - failed
    return Spectrum(lines=suspicious_lines(counts, failed), functions=rank_functions(root, counts, failed, passed),
                    total_failing=failed, total_passing=passed)


# --- the traced run ---------------------------------------------------------------------------------------
def spectrum_command(command: Sequence[str] | None, suite: Sequence[str] | None) -> list[str] | None:
    """The command the spectrum runs: the project's suite when known, else the failing command (the first of
    them that is pytest, when one is)."""
    from rdebug.intake.detect import is_pytest

    chosen = next((c for c in (suite, command) if c and is_pytest(list(c))), suite or command)
    return list(chosen) if chosen else None


def read_runs(out_dir: Path) -> list[TracedTest]:
    """The plugin's per-test rows (every process's file); skipped tests left out."""
    runs: dict[str, TracedTest] = {}
    for path in sorted(out_dir.glob("spectrum-*.jsonl")):
        for row in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                data = json.loads(row)
                outcome, lines = data["outcome"], data["lines"]
                test_id = str(data["test"])
            except (ValueError, KeyError, TypeError):
                continue  # a row cut short by a kill
            if outcome not in ("passed", "failed"):
                continue
            runs[test_id] = TracedTest(test_id, outcome == "failed",
                                    frozenset((p, int(n)) for p, ns in lines.items() for n in ns))
    return list(runs.values())


def _traced_run(root: Path, argv: list[str], timeout_s: float,
                cancel: threading.Event | None) -> tuple[list[TracedTest], str | None, float]:
    """Run ``argv`` with the plugin in a scratch copy of ``root``: (runs, why skipped, seconds)."""
    from rdebug.errors import CommandError
    from rdebug.intake.runner import run_command
    from rdebug.worktree import ScratchTree

    scratch = ScratchTree(root)
    with scratch as tree:
        assert scratch.workdir is not None
        plug_dir, out_dir = scratch.workdir / "plugin", scratch.workdir / "out"
        plug_dir.mkdir()
        out_dir.mkdir()
        shutil.copyfile(Path(__file__).with_name("spectrumplugin.py"), plug_dir / f"{PLUGIN_MODULE}.py")
        pythonpath = os.pathsep.join(p for p in (str(plug_dir), os.environ.get("PYTHONPATH", "")) if p)
        env = {"PYTHONPATH": pythonpath, "RDEBUG_SPECTRUM_OUT": str(out_dir), "RDEBUG_SPECTRUM_ROOT": str(tree)}
        try:
            result = run_command([*argv, "-p", PLUGIN_MODULE], tree, timeout_s=timeout_s, env=env, cancel=cancel,
                                 dump_stacks=False)
        except CommandError as exc:
            return [], exc.message, 0.0
        if result.cancelled:
            return [], "cancelled", result.duration_s
        if result.timed_out:
            return [], f"the tests ran past {timeout_s:g} s under the tracer", result.duration_s
        runs = read_runs(out_dir)
        if not runs:
            return [], f"no test ran under the tracer (exit code {result.exit_code})", result.duration_s
        return runs, None, result.duration_s


def _cached(key: str) -> Spectrum | None:
    """The spectrum cached under ``key``; None when there is none or it is unreadable."""
    from rdebug.facts.spectrumcache import cache_read

    try:
        return Spectrum.from_json(cache_read(key))
    except (ValueError, KeyError, TypeError):
        return None


def run_spectrum(root: Path, command: Sequence[str] | None, *, timeout_s: float = MAX_TIMEOUT_S,
                 cancel: threading.Event | None = None, use_cache: bool = True) -> Spectrum:
    """The spectrum of ``command`` (a pytest command) on ``root``'s current state; never raises for the
    user's code: a skipped spectrum says why. Setting ``cancel`` stops the run (skipped: "cancelled")."""
    from rdebug.facts.spectrumcache import cache_key, cache_write
    from rdebug.intake.detect import is_pytest

    root = Path(root).resolve()
    argv = list(command or [])
    if not argv:
        return Spectrum(skipped="no test command is known")
    if not is_pytest(argv):
        return Spectrum(skipped=f"not a pytest command ({' '.join(argv[:3])[:60]})")
    key = cache_key(root, argv) if use_cache else None
    if key is not None and (hit := _cached(key)) is not None:
        return hit
    runs, skipped, seconds = _traced_run(root, argv, min(timeout_s, MAX_TIMEOUT_S), cancel)
    if skipped:
        return Spectrum(seconds=seconds, skipped=skipped)
    spectrum = score_runs(root, runs)
    spectrum.seconds = seconds
    if spectrum.total_failing == 0:
        spectrum = Spectrum(seconds=seconds, total_passing=spectrum.total_passing,
                            skipped="no test failed under the tracer")
    elif key is not None:
        cache_write(key, spectrum.to_json())
    return spectrum


class SpectrumTask:
    """``run_spectrum`` on a worker thread: ``start()``, then ``result()`` (waits) or ``cancel()``."""

    def __init__(self, root: Path, command: Sequence[str] | None, timeout_s: float = MAX_TIMEOUT_S) -> None:
        self.cancel_event = threading.Event()
        self._result: Spectrum | None = None
        self._thread = threading.Thread(target=self._run, args=(root, command, timeout_s), daemon=True,
                                        name="rdebug-spectrum")

    def _run(self, root: Path, command: Sequence[str] | None, timeout_s: float) -> None:
        try:
            self._result = run_spectrum(root, command, timeout_s=timeout_s, cancel=self.cancel_event)
        except Exception as exc:  # noqa: BLE001 - a spectrum failure never stops the repair
            self._result = Spectrum(skipped=f"{type(exc).__name__}: {exc}"[:200])

    def start(self) -> "SpectrumTask":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.cancel_event.set()

    def result(self, timeout: float | None = None) -> Spectrum:
        self._thread.join(timeout)
        if self._result is None:
            return Spectrum(skipped="cancelled" if self.cancel_event.is_set() else "still running")
        return self._result


# --- for the context --------------------------------------------------------------------------------------
def spectrum_snippets(spectrum: Spectrum, root: Path, priority: float, top: int = TOP_FUNCTIONS,
                      min_score: float = MIN_SCORE) -> list:
    """The top functions as context snippets (``rdebug.context.model.Snippet``) with their reason."""
    from rdebug.context import snippets as S
    from rdebug.context.files import FileReader

    reader = FileReader(root)
    out = []
    for rank, fn in enumerate([f for f in spectrum.functions if f.score >= min_score][:top]):
        src = reader.read(fn.path, quiet=True)
        if src is None:
            continue
        end = min(fn.end, fn.start + MAX_SNIPPET_LINES - 1)
        out.append(S.lines_snippet(src, list(range(fn.start, end + 1)), f"suspicious {fn.name}(): {fn.reason}",
                                   priority - rank * 0.5))
    return out


class SpectrumStage:
    """The pipeline's hook: the run starts at once (in the background while the context is built); the
    context asks for ``snippets()`` last; ``finish(context)`` notes the outcome and returns the top lines."""

    MAX_LINES = 60  # handed to the search stage

    def __init__(self, root: Path, command: Sequence[str] | None, suite: Sequence[str] | None,
                 timeout_s: float = MAX_TIMEOUT_S) -> None:
        self.root = Path(root)
        self.task = SpectrumTask(self.root, spectrum_command(command, suite), timeout_s).start()
        self.spectrum: Spectrum | None = None

    def result(self) -> Spectrum:
        if self.spectrum is None:
            self.spectrum = self.task.result()
        return self.spectrum

    def snippets(self) -> list:
        from rdebug.context.snippets import P_CALLEE

        return spectrum_snippets(self.result(), self.root, priority=P_CALLEE - 1)

    def finish(self, context) -> list[SuspiciousLine]:
        spectrum = self.result()
        context.notes.append(spectrum.note)
        return spectrum.lines[:self.MAX_LINES]
