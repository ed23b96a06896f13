"""Benchmark: where the buggy function ranks by the spectrum (Ochiai) vs by the current context order and the
failing frames' order, and what the spectrum run costs against a plain run of the same command.

Over the Python cases of bench/cases whose command is pytest: the buggy function is the one ``solution.patch``
edits. Ranks are 1-based; a spectrum rank counts every function tied with the buggy one as ahead of it (the
worst case). "-" means not found. Costs: a plain run (scratch copy + the command) and a spectrum run (scratch
copy + the command under the tracer, no cache), alternated ``--repeat`` times, best of each; then the cached
follow-up. Usage: python bench/bench_localize.py [CASES_DIR] [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdebug.context.build import _is_test_file, build_context  # noqa: E402
from rdebug.context.files import FileReader  # noqa: E402
from rdebug.context.treesitter import enclosing_function, parse_source  # noqa: E402
from rdebug.context.snippets import P_CALLEE  # noqa: E402
from rdebug.facts.spectrum import Spectrum, run_spectrum, spectrum_snippets  # noqa: E402
from rdebug.intake.detect import is_pytest  # noqa: E402
from rdebug.intake.model import IntakeRequest  # noqa: E402
from rdebug.intake.runner import run_command  # noqa: E402
from rdebug.evaluation.cases import Case, case_argv, load_cases, prepare_repo  # noqa: E402
from rdebug.patch.scratch import ScratchCopy  # noqa: E402
from rdebug.pipeline import gather  # noqa: E402

HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


@dataclass
class Row:
    case: str
    buggy: str
    spectrum_rank: int | None
    spectrum_tied: int  # functions with the buggy one's score (itself included)
    spectrum_score: float | None
    context_rank: int | None  # among the context's code snippets (test files left out), by priority
    with_spectrum_rank: int | None  # the same, the context built with the spectrum's top functions
    frame_rank: int | None  # among the failing frames outside the tests, innermost first
    in_context: bool
    in_context_with_spectrum: bool
    plain_s: float
    spectrum_s: float
    cached_s: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.spectrum_s / self.plain_s if self.plain_s else float("nan")


def _hunks(patch_text: str) -> list[tuple[str, int, list[str]]]:
    """(path, header's old start, the hunk's lines) per hunk."""
    out: list[tuple[str, int, list[str]]] = []
    path = None
    for line in patch_text.splitlines():
        if line.startswith("--- "):
            continue
        if line.startswith("+++ "):
            path = line[4:].strip().removeprefix("b/")
        elif (m := HUNK.match(line)) and path:
            out.append((path, int(m.group(1)), []))
        elif out and line[:1] in (" ", "-", "+", ""):
            out[-1][2].append(line)
    return out


def patched_lines(patch_text: str, root: Path) -> dict[str, set[int]]:
    """Old-side lines each file's hunks change (an insertion counts the line before it), found by the hunk's
    old text in the file (nearest its header: headers may be off by a few lines, as ``patch`` allows)."""
    out: dict[str, set[int]] = {}
    for path, start, body in _hunks(patch_text):
        try:
            text = (root / path).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        old = [ln[1:] for ln in body if ln[:1] in (" ", "-", "")]
        spots = [i + 1 for i in range(len(text) - len(old) + 1) if text[i:i + len(old)] == old]
        at = min(spots, key=lambda i: abs(i - start)) if spots else start
        n = at
        for ln in body:
            if ln.startswith("-"):
                out.setdefault(path, set()).add(n)
                n += 1
            elif ln.startswith("+"):
                out.setdefault(path, set()).add(max(1, n - 1))
            else:
                n += 1
    return out


def buggy_functions(root: Path, lines: dict[str, set[int]]) -> list[tuple[str, int, int, str]]:
    """(path, start, end, name) of the functions the patch edits."""
    reader, found = FileReader(root), {}
    for path, nums in lines.items():
        src = reader.read(path, quiet=True)
        pf = parse_source(src) if src is not None else None
        for n in nums:
            enc = enclosing_function(pf, n) if pf is not None else None
            if enc is not None and enc.name:
                name = f"{enc.class_name}.{enc.name}" if enc.class_name else enc.name
                found[(path, enc.start_line)] = (path, enc.start_line, enc.end_line, name)
    return list(found.values())


def _hits(path: str, lo: int, hi: int, buggy: list[tuple[str, int, int, str]]) -> bool:
    return any(p == path and lo <= e and s <= hi for p, s, e, _ in buggy)


def spectrum_rank(spectrum: Spectrum, buggy) -> tuple[int | None, int, float | None]:
    target = next((f for f in spectrum.functions if _hits(f.path, f.start, f.end, buggy)), None)
    if target is None:
        return None, 0, None
    ahead = sum(1 for f in spectrum.functions if f.score > target.score)
    tied = sum(1 for f in spectrum.functions if f.score == target.score)
    return ahead + tied, tied, target.score


def context_rank(context, buggy) -> tuple[int | None, bool]:
    code = [s for s in context.snippets if s.kind in ("code", "file") and not s.path.startswith("git:")
            and not _is_test_file(s.path)]
    for i, s in enumerate(code, 1):
        nums = [n for n, _ in s.numbered_lines() if n is not None]
        if nums and _hits(s.path, min(nums), max(nums), buggy):
            return i, True
    return None, False


def frame_rank(problem, root: Path, buggy) -> int | None:
    frames = [f for f in reversed(problem.repo_frames) if f.line and not _is_test_file(f.path)]
    for i, f in enumerate(frames, 1):
        if _hits(f.path, f.line, f.line, buggy):
            return i
    return None


def plain_run(root: Path, argv: list[str], timeout: float) -> float:
    started = time.perf_counter()
    with ScratchCopy(root) as tree:
        run_command(argv, tree, timeout_s=timeout)
    return time.perf_counter() - started


def spectrum_run(root: Path, argv: list[str], timeout: float) -> tuple[float, Spectrum]:
    started = time.perf_counter()
    spectrum = run_spectrum(root, argv, timeout_s=timeout, use_cache=False)
    return time.perf_counter() - started, spectrum


def bench_case(case: Case, tmp: Path, repeat: int) -> Row | None:
    meta = tomllib.loads((case.dir / "case.toml").read_text(encoding="utf-8"))
    argv = case_argv(case.command)
    if meta.get("language", "python") != "python" or not is_pytest(argv):
        return None
    root = prepare_repo(case, tmp / case.name)
    buggy = buggy_functions(root, patched_lines((case.dir / "solution.patch").read_text(encoding="utf-8"), root))
    intake = gather(IntakeRequest(root=root, command=argv, timeout_s=case.timeout))
    if not intake.problems:
        return None
    problem = intake.problems[0]
    context = build_context(problem, root)
    c_rank, in_context = context_rank(context, buggy)
    plains, spectra, spectrum = [], [], None
    for _ in range(repeat):  # side by side, alternated
        plains.append(plain_run(root, argv, case.timeout))
        seconds, spectrum = spectrum_run(root, argv, case.timeout)
        spectra.append(seconds)
    assert spectrum is not None
    run_spectrum(root, argv, timeout_s=case.timeout)  # fills the cache
    started = time.perf_counter()
    cached = run_spectrum(root, argv, timeout_s=case.timeout)
    cached_s = time.perf_counter() - started
    s_rank, tied, score = spectrum_rank(spectrum, buggy)
    extra = spectrum_snippets(spectrum, root, priority=P_CALLEE - 1)
    w_rank, in_with = context_rank(build_context(problem, root, extra=lambda: extra), buggy)
    return Row(case.name, ", ".join(f"{p}:{n}()" for p, _, _, n in buggy) or "?", s_rank, tied, score, c_rank,
               w_rank, frame_rank(problem, root, buggy), in_context, in_with, min(plains), min(spectra), cached_s,
               note=spectrum.skipped or ("" if cached.cached else "cache missed"))


def _fmt(v) -> str:
    return "-" if v is None else str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="?", default=str(Path(__file__).parent / "cases"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="rdebug-localize-") as tmp:
        os.environ.setdefault("RDEBUG_CACHE_DIR", str(Path(tmp) / "cache"))
        for case in load_cases(Path(args.cases)):
            row = bench_case(case, Path(tmp), args.repeat)
            if row is None:
                continue
            rows.append(row)
            if not args.json:
                print(f"{row.case:34} {row.buggy[:38]:38} spectrum {_fmt(row.spectrum_rank):>2} "
                      f"(tied {row.spectrum_tied}, {_fmt(row.spectrum_score)})  context {_fmt(row.context_rank):>2}"
                      f"  +spectrum {_fmt(row.with_spectrum_rank):>2}"
                      f"  frame {_fmt(row.frame_rank):>2}  plain {row.plain_s:.2f}s spectrum {row.spectrum_s:.2f}s "
                      f"x{row.ratio:.2f} cached {row.cached_s:.3f}s {row.note}", flush=True)
    summary = summarize(rows)
    if args.json:
        print(json.dumps({"rows": [asdict(r) | {"ratio": round(r.ratio, 3)} for r in rows], "summary": summary},
                         indent=2))
    else:
        print(json.dumps(summary, indent=2))
    return 0


def summarize(rows: list[Row]) -> dict:
    def top(ranks, k):
        return sum(1 for r in ranks if r is not None and r <= k)

    s = [r.spectrum_rank for r in rows]
    c = [r.context_rank for r in rows]
    f = [r.frame_rank for r in rows]
    w = [r.with_spectrum_rank for r in rows]
    return {
        "cases": len(rows),
        "spectrum_top1": top(s, 1), "spectrum_top3": top(s, 3), "spectrum_found": top(s, 10**6),
        "context_top1": top(c, 1), "context_top3": top(c, 3), "context_found": top(c, 10**6),
        "with_spectrum_top1": top(w, 1), "with_spectrum_top3": top(w, 3), "with_spectrum_found": top(w, 10**6),
        "frame_top1": top(f, 1), "frame_found": top(f, 10**6),
        "spectrum_wins": sum(1 for a, b in zip(s, c) if a is not None and (b is None or a < b)),
        "context_wins": sum(1 for a, b in zip(s, c) if b is not None and (a is None or b < a)),
        "median_plain_s": round(statistics.median(r.plain_s for r in rows), 3) if rows else None,
        "median_spectrum_s": round(statistics.median(r.spectrum_s for r in rows), 3) if rows else None,
        "median_ratio": round(statistics.median(r.ratio for r in rows), 3) if rows else None,
        "max_extra_s": round(max(r.spectrum_s - r.plain_s for r in rows), 3) if rows else None,
        "median_cached_s": round(statistics.median(r.cached_s for r in rows), 4) if rows else None,
    }


if __name__ == "__main__":
    raise SystemExit(main())
