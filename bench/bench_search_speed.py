"""Search throughput (issue 22 §5): candidates verified per second, side by side in one run:

- before: every candidate verified as usual (a fresh scratch copy, the user's command, plugins autoloaded);
- after: screened first in a kept scratch copy (the failing tests alone, in a warm worker, plugin autoload off
  where proven safe), the ones that pass verified as usual;

each alone and beside a CPU-busy process (a bounded busy loop on one core: a stand-in for the model decoding),
then where one candidate's time goes. Figures are printed, nothing is asserted.

    python bench/bench_search_speed.py                                  # case 02, 12 candidates
    python bench/bench_search_speed.py --case 17-binary-search-boundary --count 12 --no-busy
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdebug.evaluation.cases import case_argv, load_cases, prepare_repo
from rdebug.intake.collect import IntakeRequest, gather
from rdebug.intake.runner import run_command
from rdebug.patch.junitmsg import failure_messages
from rdebug.patch.scratch import ScratchCopy
from rdebug.patch.testreport import instrument, parse_junit
from rdebug.patch.verify import run_baseline
from rdebug.search.candidates import candidates
from rdebug.search.pool import SearchPool
from rdebug.search.screen import NO_AUTOLOAD, Slot
from rdebug.search.suspicious import SuspiciousLine, suspicious_lines

CASES = Path(__file__).resolve().parent / "cases"
BUSY = "import time\nend = time.time() + {s}\nwhile time.time() < end:\n    pass\n"


class Busy:
    """A busy loop on core 0 for at most ``seconds`` (killed on exit)."""

    def __init__(self, seconds: float = 900) -> None:
        def pin() -> None:
            if hasattr(os, "sched_setaffinity"):
                os.sched_setaffinity(0, {0})
        self.proc = subprocess.Popen([sys.executable, "-c", BUSY.format(s=seconds)], preexec_fn=pin)

    def __enter__(self) -> "Busy":
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()


def setup(case_name: str, work: Path, count: int):
    case = next(c for c in load_cases(CASES) if c.name == case_name)
    root = prepare_repo(case, work / case.name)
    res = gather(IntakeRequest(root=root, test_cmd=case_argv(case.command), timeout_s=case.timeout))
    command = res.command
    lines = suspicious_lines(res.problems[0], None)  # the failing frames' lines, then every line of the code
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith("tests/") and not path.name.startswith("test_"):
            n = len(path.read_text().splitlines())
            lines += [SuspiciousLine(rel, k, 0.5 - k / (10 * n), "bench") for k in range(1, n + 1)]
    cands = candidates(root, lines)[:count]
    baseline = run_baseline(root, command, None, case.timeout)
    return root, command, baseline, cands, case.timeout


def search(root, command, baseline, cands, timeout, screen: bool) -> dict:
    pool = SearchPool(root, command, regression_cmd=None, baseline=baseline, targets=[], timeout_s=timeout,
                      max_count=len(cands), max_seconds=3600, workers=1, screen=screen)
    start = time.perf_counter()
    tried, found = [], None
    for t in pool.run(cands):
        tried.append(t)
        if t.result.verified and found is None:
            found = time.perf_counter() - start
    wall = time.perf_counter() - start
    return {"n": len(tried), "wall": wall, "rate": len(tried) / wall, "verified": sum(t.result.verified for t in tried),
            "screened": pool.screened, "found": found, "notes": pool.screen.notes if pool.screen else ["no screen"]}


def _timed(argv, cwd, env=None, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run_command(argv, cwd, timeout_s=120, env={"PYTHONDONTWRITEBYTECODE": "1", **(env or {})})
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def breakdown(root, command, cands, repeat: int = 3) -> list[tuple[str, float]]:
    """Median seconds of each part of one candidate verified as usual, and of one screened."""
    python = command[0]
    rows = []
    t = time.perf_counter()
    for cand in cands[:repeat]:
        with ScratchCopy(root, cand.patch):
            pass
    rows.append(("scratch copy (copy + remove)", (time.perf_counter() - t) / min(repeat, len(cands))))
    start = _timed([python, "-c", "pass"], root, repeat=repeat)
    imp = _timed([python, "-c", "import pytest"], root, repeat=repeat)
    collect = [*command, "--collect-only"]
    with_plugins = _timed(collect, root, repeat=repeat)
    without = _timed(collect, root, NO_AUTOLOAD, repeat=repeat)
    with tempfile.TemporaryDirectory() as tmp:
        run = instrument(command, Path(tmp) / "r.xml")
        full = _timed(run.argv, root, NO_AUTOLOAD, repeat=repeat)
        t = time.perf_counter()
        for _ in range(20):
            parse_junit(run.report)
            failure_messages(run.report)
        junit = (time.perf_counter() - t) / 20
    rows += [("interpreter start", start), ("import pytest", imp - start),
             ("plugin autoload (pytest start with - without)", with_plugins - without),
             ("collection (pytest start without plugins)", without - imp), ("the run (tests)", full - without),
             ("junit report parsing", junit)]
    argv = [*command, "-x"]
    for warm in (False, True):
        slot = Slot(root, command if warm else None)
        try:
            times = []
            for cand in cands[:repeat]:
                t = time.perf_counter()
                with slot.patched(cand.patch):
                    slot.run(argv, NO_AUTOLOAD, 120, None)
                slot.clean()
                times.append(time.perf_counter() - t)
            how = "a warm worker" if slot.worker else "a new interpreter"
            rows.append((f"after: one screen in a kept copy ({how}, no autoload, patch written + restored)",
                         statistics.median(times)))
        finally:
            slot.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default="02-discount-wrong-operator")
    ap.add_argument("--count", type=int, default=12, help="candidates per search")
    ap.add_argument("--no-busy", action="store_true", help="skip the runs beside a busy loop")
    ap.add_argument("--no-breakdown", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rdebug-bench-") as tmp:
        root, command, baseline, cands, timeout = setup(args.case, Path(tmp), args.count)
        print(f"case {args.case}: {len(cands)} candidates, command: {' '.join(command[1:])}")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        results = []
        for busy in ([False] if args.no_busy else [False, True]):
            for screen in (False, True):
                ctx = Busy() if busy else None
                try:
                    r = search(root, command, baseline, cands, timeout, screen)
                finally:
                    if ctx is not None:
                        ctx.__exit__()
                label = f"{'after ' if screen else 'before'} {'beside a busy core' if busy else 'alone'}"
                results.append((label, r))
                print(f"  {label:28s} {r['rate']:6.2f} candidates/s  ({r['n']} in {r['wall']:.1f} s, "
                      f"{r['verified']} verified" + (f" (the first after {r['found']:.1f} s)" if r["found"] else "")
                      + f", {r['screened']} turned away by the screen; "
                      f"{'; '.join(r['notes'])})", flush=True)
        for k in range(0, len(results), 2):
            (_, a), (lb, b) = results[k], results[k + 1]
            if a["rate"] > 0:
                print(f"  speed-up {lb.split(' ', 1)[1].strip():20s} {b['rate'] / a['rate']:.1f}x")
        if not args.no_breakdown:
            print("where one candidate's time goes (median seconds):")
            print(f"  {'before: one candidate verified as usual, in all (the first search above)':80s} "
                  f"{results[0][1]['wall'] / max(1, results[0][1]['n']):6.3f}")
            for name, secs in breakdown(root, command, cands):
                print(f"  {name:80s} {secs:6.3f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
