"""Benchmark: what the static pre-check of a candidate patch costs against the test run it can save.

For synthetic Python files of a few sizes, a one-line edit that makes a name undefined (rejected) and a
correct one-line edit (passing): the median milliseconds of ``precheck_files`` (pyflakes on the old and
new text; the old text's result is cached across candidates, as in a repair round, so a cold run is timed
too), and of ``ruff check`` on the same two texts when ruff is on PATH, for comparison. Then the median
of one ``python -m pytest -q`` run of a tiny passing test file: the least a verification costs.
Usage: python bench/bench_precheck.py [--repeat N] [--sizes 50,300,1500] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdebug.patch import precheck as pc  # noqa: E402


def module(lines: int) -> str:
    """A plausible module of about ``lines`` lines: imports, a constant, functions with locals."""
    out = ["import os", "from collections import defaultdict", "", "DEFAULTS = {'depth': 3}", ""]
    i = 0
    while len(out) < lines:
        out += [
            f"def step_{i}(items, factor=2):",
            f"    \"\"\"Step {i}.\"\"\"",
            "    total = 0",
            "    seen = defaultdict(int)",
            "    for item in items:",
            "        seen[item] += 1",
            "        if seen[item] > DEFAULTS['depth']:",
            "            continue",
            "        total += item * factor",
            "    return total + len(os.sep)",
            "",
        ]
        i += 1
    return "\n".join(out) + "\n"


_serial = itertools.count()


def fresh(text: str) -> str:
    """``text`` made unique (a new candidate each time: its pyflakes result is not cached)."""
    return f"{text}# candidate {next(_serial)}\n"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def ruff_ms(old: str, new: str, repeat: int) -> float | None:
    ruff = shutil.which("ruff")
    if ruff is None:
        return None

    def run() -> None:
        for text in (old, new):
            subprocess.run([ruff, "check", "--no-cache", "--select", "F821,E999", "--output-format", "json",
                            "--stdin-filename", "mod.py", "-"], input=text, capture_output=True, text=True)

    return median_ms(run, repeat)


def pytest_ms(repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_tiny.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tiny.py"]
        return median_ms(lambda: subprocess.run(argv, cwd=tmp, capture_output=True), repeat)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--sizes", default="50,300,1500")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        old = module(size)
        broken = old.replace("total += item * factor", "total += item * factr", 1)
        fixed = old.replace("total += item * factor", "total += item * factor + 1", 1)
        assert not pc.precheck_files({"mod.py": (old, broken)}).ok
        assert pc.precheck_files({"mod.py": (old, fixed)}).ok

        def cold() -> None:
            pc._undefined.cache_clear()
            pc.precheck_files({"mod.py": (old, fixed)})

        rows.append({
            "lines": len(old.splitlines()),
            "reject_ms": median_ms(lambda: pc.precheck_files({"mod.py": (old, fresh(broken))}), args.repeat),
            "pass_ms": median_ms(lambda: pc.precheck_files({"mod.py": (old, fresh(fixed))}), args.repeat),
            "cold_ms": median_ms(cold, args.repeat),
            "ruff_ms": ruff_ms(old, broken, args.repeat),
        })
    test_ms = pytest_ms(max(3, args.repeat // 3))
    if args.json:
        print(json.dumps({"precheck": rows, "pytest_ms": test_ms}, indent=2))
        return
    print("lines  reject ms  pass ms  cold ms  ruff(2 runs) ms")
    for r in rows:
        ruff = "-" if r["ruff_ms"] is None else f"{r['ruff_ms']:.1f}"
        print(f"{r['lines']:5d}  {r['reject_ms']:9.1f}  {r['pass_ms']:7.1f}  {r['cold_ms']:7.1f}  {ruff:>15}")
    print(f"one `python -m pytest -q` of a one-test file: {test_ms:.0f} ms")
    for r in rows:
        print(f"  {r['lines']:5d} lines: a rejected candidate costs {r['reject_ms']:.1f} ms instead, "
              f"{test_ms / max(r['reject_ms'], 1e-3):.0f}x less")


if __name__ == "__main__":
    main()
