"""Benchmark: failing trace -> packed context on a generated 20,000-file repo and on the CPython stdlib.

Prints cold (fresh process, empty tags cache), warm-disk (fresh process, disk cache) and warm (second
call in the same process) timings. Usage: python bench/bench_context.py [--files N] [--regen] [--no-stdlib]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_ROOT = Path(tempfile.gettempdir()) / "rdebug-bench"
PKGS_PER_FILES = 100  # modules per package

MODULE = '''"""Generated module {pkg}.{mod}."""
from {pkg} import {other} as _other


class {cls}:
    """A small class."""

    def __init__(self, size):
        self.size = size
        self.items = []

    def add(self, value):
        self.items.append(value)
        return len(self.items)

    def total(self):
        return sum(self.items)


def helper_{n}(x):
    if x < 0:
        raise ValueError("negative")
    return _other.compute_{m}(x) + 1


def compute_{n}(x):
    y = x * 2
    for i in range(3):
        y += i
    return y
'''

CHAIN = {
    "app/__init__.py": "",
    "app/parser.py": '''import re

from app.tokens import split_tokens


def parse_record(line):
    fields = split_tokens(check_line(line))
    return {"name": fields[0], "amount": to_amount(fields[1])}


def to_amount(text):
    if not re.fullmatch(r"-?\\d+(\\.\\d+)?", text):
        raise ValueError(f"not an amount: {text!r}")
    return float(text)
''',
    "app/tokens.py": '''def split_tokens(line, sep=","):
    return [part.strip() for part in line.split(sep)]
''',
    # defined far away and not imported (a plugin hook): found by the repository-wide search
    "pkg173/hooks.py": '''def check_line(line):
    if not line:
        raise ValueError("empty line")
    return line
''',
    "app/report.py": '''from app.parser import parse_record
from app.format import money


class Report:
    def __init__(self, lines):
        self.lines = lines

    def build(self):
        records = [parse_record(line) for line in self.lines]
        return [f"{r['name']}: {money(r['amount'])}" for r in records]
''',
    "app/format.py": '''def money(x):
    return f"{x:,.2f}"
''',
    "tests/test_report.py": '''from app.report import Report


def test_build():
    report = Report(["alice, 10", "bob, ten"])
    assert report.build() == ["alice: 10.00", "bob: 10.00"]
''',
}

# real `pytest -q` output on the generated repo (check_line is a plugin hook that was never imported)
TRACE = '''==================================== FAILURES ===================================
__________________________________ test_build __________________________________

    def test_build():
        report = Report(["alice, 10", "bob, ten"])
>       assert report.build() == ["alice: 10.00", "bob: 10.00"]
               ^^^^^^^^^^^^^^

tests/test_report.py:6: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 
app/report.py:10: in build
    records = [parse_record(line) for line in self.lines]
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
app/report.py:10: in <listcomp>
    records = [parse_record(line) for line in self.lines]
               ^^^^^^^^^^^^^^^^^^
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 

line = 'alice, 10'

    def parse_record(line):
>       fields = split_tokens(check_line(line))
                              ^^^^^^^^^^
E       NameError: name 'check_line' is not defined

app/parser.py:7: NameError
=========================== short test summary info ============================
FAILED tests/test_report.py::test_build - NameError: name 'check_line' is not...
1 failed in 2.42s
'''

STDLIB_TRACE = """Traceback (most recent call last):
  File "/home/ci/work/cpython/Lib/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/home/ci/work/cpython/Lib/json/decoder.py", line 337, in decode
    obj, end = self.raw_decode(s, idx=_w(s, 0).end())
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/home/ci/work/cpython/Lib/json/decoder.py", line 355, in raw_decode
    raise JSONDecodeError("Expecting value", s, err.value) from None
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
"""

FRAMES = [("tests/test_report.py", 6, "test_build"), ("app/report.py", 10, "build"),
          ("app/parser.py", 7, "parse_record")]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit_all(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "bench@example.com")
    _git(root, "config", "user.name", "Bench")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "generated")


def generate(root: Path, files: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    npkg = max(1, files // PKGS_PER_FILES)
    for p in range(npkg):
        pkg = root / f"pkg{p:03d}"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        for m in range(PKGS_PER_FILES - 1):
            n = p * PKGS_PER_FILES + m
            other = (m + 1) % (PKGS_PER_FILES - 1)
            (pkg / f"mod{m:03d}.py").write_text(MODULE.format(
                pkg=f"pkg{p:03d}", mod=f"mod{m:03d}", other=f"mod{other:03d}", cls=f"Thing{n}", n=n,
                m=p * PKGS_PER_FILES + other))
    for rel, text in CHAIN.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    _commit_all(root)
    (root / "app/parser.py").write_text(CHAIN["app/parser.py"].replace("fields[0]", "fields[0].title()"))


def copy_stdlib(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    src = Path(os.__file__).parent
    shutil.copytree(src, root, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.so", "test"))
    _commit_all(root)


RUNNER = r'''
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from rdebug.context.build import build_context
from rdebug.intake.model import Frame, Problem
t1 = time.perf_counter()
spec = json.loads(sys.argv[1])
root = Path(spec["root"])
try:  # trace text -> Problem through the intake (parse + path mapping) when it is there
    from rdebug.intake.parse import parse_failures
    from rdebug.intake.pathmap import PathMapper
    s = time.perf_counter()
    problem = PathMapper(root).map(parse_failures(spec["raw"]))[0]
    intake_s = time.perf_counter() - s
except ImportError:
    problem = Problem(kind="pytest", exception=spec["exception"], message=spec["message"],
                      test_id=spec["test_id"], frames=[Frame(p, l, f, in_repo=True) for p, l, f in spec["frames"]],
                      raw=spec["raw"])
    intake_s = None
times = []
for _ in range(spec["repeat"]):
    s = time.perf_counter()
    ctx = build_context(problem, root, budget=6000)
    times.append(time.perf_counter() - s)
print(json.dumps({"import_s": t1 - t0, "intake_s": intake_s, "build_s": times, "total_s": time.perf_counter() - t0,
                  "snippets": len(ctx.snippets), "used": ctx.used_tokens, "dropped": len(ctx.dropped),
                  "frames": [f"{f.path}:{f.line}" for f in problem.repo_frames],
                  "reasons": [s.reason for s in ctx.snippets], "notes": ctx.notes}))
'''


def run_case(name: str, spec: dict, cache: Path) -> None:
    env = {**os.environ, "RDEBUG_CACHE_DIR": str(cache),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    shutil.rmtree(cache, ignore_errors=True)
    results = []
    for label, repeat in (("cold (fresh process, empty cache)", 2), ("fresh process, disk cache", 1)):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", RUNNER, json.dumps({**spec, "repeat": repeat})],
                             env=env, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t
        r = json.loads(out.stdout)
        results.append((label, r, wall))
    cold, disk = results[0][1], results[1][1]
    print(f"== {name}")
    print(f"  cold build_context: {cold['build_s'][0]:.3f} s  (imports {cold['import_s']:.3f} s, "
          f"process wall {results[0][2]:.2f} s)")
    print(f"  warm, same process: {cold['build_s'][1]:.3f} s")
    print(f"  warm, disk cache (fresh process): {disk['build_s'][0]:.3f} s")
    if cold["intake_s"] is not None:
        print(f"  intake (parse trace + map paths, before build): {cold['intake_s']:.3f} s; "
              f"repo frames {cold['frames']}")
        print(f"  cold trace -> packed context (intake + build): {cold['intake_s'] + cold['build_s'][0]:.3f} s")
    print(f"  snippets {cold['snippets']}, tokens {cold['used']}/6000, dropped {cold['dropped']}")
    for reason in cold["reasons"][:10]:
        print(f"    - {reason}")
    for note in cold["notes"]:
        print(f"    note: {note}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20_000)
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--no-stdlib", action="store_true")
    args = ap.parse_args()
    gen = BENCH_ROOT / f"gen{args.files}"
    if args.regen or not (gen / ".git").exists():
        t = time.perf_counter()
        generate(gen, args.files)
        print(f"generated {args.files} files in {time.perf_counter() - t:.1f} s at {gen}")
    n = int(subprocess.run(["git", "-C", str(gen), "ls-files"], capture_output=True, text=True).stdout.count("\n"))
    spec = {"root": str(gen), "exception": "NameError", "message": "name 'check_line' is not defined",
            "test_id": "tests/test_report.py::test_build", "frames": FRAMES, "raw": TRACE}
    run_case(f"generated repo ({n} tracked files)", spec, BENCH_ROOT / "cache")
    if not args.no_stdlib:
        lib = BENCH_ROOT / "stdlib"
        if args.regen or not (lib / ".git").exists():
            copy_stdlib(lib)
        n = int(subprocess.run(["git", "-C", str(lib), "ls-files"], capture_output=True, text=True).stdout.count("\n"))
        spec = {"root": str(lib), "exception": "JSONDecodeError", "message": "Expecting value: line 1 column 1",
                "test_id": None, "raw": STDLIB_TRACE,
                "frames": [("json/__init__.py", 346, "loads"), ("json/decoder.py", 337, "decode"),
                           ("json/decoder.py", 355, "raw_decode")]}
        run_case(f"CPython stdlib copy ({n} tracked files)", spec, BENCH_ROOT / "cache-stdlib")


if __name__ == "__main__":
    main()
