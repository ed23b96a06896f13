"""Hypothesis strategies shared by the parser fuzz tests and bench/bench_fuzz.py (the long campaign)."""

from __future__ import annotations

from hypothesis import strategies as st

ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
MARKERS = ["Traceback (most recent call last):\n", '  File "x.py", line 3, in f\n', "E   assert 1\n",
           "=== FAILURES ===\n", "___ test_x ___\n", "    at f (a.js:1:2)\n", "goroutine 1 [running]:\n",
           "panic: x\n", "thread 'main' panicked at src/a.rs:1:1:\n", "\tat a.B.c(B.java:1)\n",
           "Caused by: x.Y: z\n", "\t... 3 more\n", "    #0 0x1 in f a.c:1:2\n", "--- FAIL: TestX (0.0s)\n",
           "  ● a › b\n", "  1 failing\n", "not ok 1 - x\n  ---\n", "==1==ERROR: AddressSanitizer: x\n",
           "FAILED a.py::b - c\n", "\x1b[31m", "\r", "*" * 70 + "\n"]


def mutate(data, text: str, markers: list[str] = MARKERS) -> str:
    """A slice of ``text``'s lines with up to six drops, duplications, garbles, cuts or inserted markers."""
    lines = text.splitlines(keepends=True)
    a = data.draw(st.integers(0, len(lines)))
    b = data.draw(st.integers(a, len(lines)))
    lines = lines[a:b]
    for _ in range(data.draw(st.integers(0, 6))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "garble", "cut", "insert"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "garble":
            lines[i] = data.draw(st.text(alphabet=ALPHABET, max_size=30)) + lines[i][len(lines[i]) // 2:]
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, data.draw(st.sampled_from(markers)))
    return "".join(lines)
