"""Fuzz campaign (not in CI): the trace parsers and the edit parser under hypothesis.

Runs ``rdebug.intake.parse.parse_failures`` (every trace parser) on random text, marker soups and
mutated/truncated fixture traces, and ``rdebug.patch.edits.parse_edits`` (plus the path check every
edit's file name goes through) on random reply soups and spliced replies. A failure is recorded, not
shrunk, so the campaign goes on; the script prints the number of examples run and every distinct failure.

Usage: python bench/bench_fuzz.py [--examples 100000] [--seed N]   (exit 1 when anything failed)
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # the strategies the fuzz tests use

from rdebug.errors import PatchError  # noqa: E402
from rdebug.intake.parse import parse_failures  # noqa: E402
from rdebug.patch.edits import parse_edits  # noqa: E402
from rdebug.patch.safety import normalize  # noqa: E402
from fuzz_strategies import ALPHABET, MARKERS, mutate  # noqa: E402

TRACES = [p.read_text(encoding="utf-8", errors="replace")
          for p in sorted((ROOT / "tests" / "fixtures" / "traces").glob("*/*.txt"))]
MARKERS = [*MARKERS, "ValueError: bad\n", "The above exception was the direct cause of the following exception:\n"]
REPLY_PIECES = ["<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "```", "```python a.py", "```diff",
                "--- a/x.py", "+++ b/x.py", "--- /dev/null", "+++ /dev/null", "@@ -1 +1 @@", "-x", "+y", " z", "",
                "cart.py", "src/a\0b.py", "a/" * 50 + "x.py", "x" * 300 + ".py", "../up.py", "/abs.py",
                "def f():", "    return 1", "\\ No newline", "<think>", "</think>", "12 | x = 1", ">>13 | y"]
FIX_REPLY = '''<think>discount adds instead of subtracting</think>
The discount is added instead of subtracted.

cart.py
<<<<<<< SEARCH
    return total + total * percent / 100
=======
    return total - total * percent / 100
>>>>>>> REPLACE

```diff
--- a/cart.py
+++ b/cart.py
@@ -9,2 +9,2 @@
 def discount(total, percent):
-    return total + total * percent / 100
+    return total - total * percent / 100
```
'''


class Campaign:
    """Counts examples per target and keeps the first input of each distinct failure."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.failures: dict[tuple[str, str, str], str] = {}

    def run(self, target: str, fn, value) -> None:
        self.counts[target] += 1
        try:
            fn(value)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = (target, type(exc).__name__, f"{Path(frame.filename).name}:{frame.lineno}")
            self.failures.setdefault(key, f"{exc!s:.200} | input {value!r:.300}")


def check_traces(text: str) -> None:
    for problem in parse_failures(text):
        problem.to_json()


def check_edits(reply: str) -> None:
    parsed = parse_edits(reply)
    if not (parsed.edits or parsed.problems):
        raise AssertionError("parse_edits returned neither edits nor problems")
    for edit in parsed.edits:
        if edit.path:
            try:
                normalize(edit.path)
            except PatchError as exc:
                if len(exc.message) > 400:
                    raise AssertionError(f"path message of {len(exc.message)} characters") from None


def campaign(examples: int, seed_value: int) -> Campaign:
    c = Campaign()
    share = max(1, examples // 5)

    def cfg(n: int):
        return settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck))

    tests = [
        given(st.text(alphabet=ALPHABET, max_size=2000))(lambda t: c.run("traces: random text", check_traces, t)),
        given(st.lists(st.one_of(st.sampled_from(MARKERS), st.text(alphabet=ALPHABET, max_size=40)), max_size=80))(
            lambda parts: c.run("traces: marker soup", check_traces, "".join(parts))),
        given(st.sampled_from(TRACES), st.data())(
            lambda text, data: c.run("traces: mutated fixtures", check_traces, mutate(data, text, MARKERS))),
        given(st.lists(st.one_of(st.sampled_from(REPLY_PIECES), st.text(alphabet=ALPHABET, max_size=30)), max_size=60))(
            lambda parts: c.run("edits: reply soup", check_edits, "\n".join(parts))),
        given(st.sampled_from([FIX_REPLY]), st.data())(
            lambda text, data: c.run("edits: mutated replies", check_edits, mutate(data, text, MARKERS))),
    ]
    for i, test in enumerate(tests):
        n = share if i < len(tests) - 1 else examples - share * (len(tests) - 1)
        seed(seed_value + i)(cfg(n)(test))()
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=100_000, help="examples in all (split over 5 targets)")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    c = campaign(args.examples, args.seed)
    took = time.perf_counter() - started
    for target, n in c.counts.items():
        print(f"{target:<28} {n:>8} examples")
    print(f"{'total':<28} {sum(c.counts.values()):>8} examples in {took:.0f} s, "
          f"{len(c.failures)} distinct failure(s)")
    for (target, kind, where), sample in sorted(c.failures.items()):
        print(f"FAIL {target}: {kind} at {where}: {sample}")
    return 1 if c.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
