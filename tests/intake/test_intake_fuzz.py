"""Parsers never raise: random text, and random mutations/truncations of the real fixtures.

RDEBUG_FUZZ_EXAMPLES=2000 runs a longer campaign."""

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rdebug.intake.parse import GENERIC_PARSERS, RUNNER_PARSERS, parse_failures
from rdebug.intake.parsers.common import split_lines

TRACES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "traces").glob("*/*.txt"))
TEXTS = [p.read_text() for p in TRACES]
ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
MARKERS = ["Traceback (most recent call last):\n", '  File "x.py", line 3, in f\n', "E   assert 1\n",
           "=== FAILURES ===\n", "___ test_x ___\n", "    at f (a.js:1:2)\n", "goroutine 1 [running]:\n",
           "panic: x\n", "thread 'main' panicked at src/a.rs:1:1:\n", "\tat a.B.c(B.java:1)\n",
           "Caused by: x.Y: z\n", "\t... 3 more\n", "    #0 0x1 in f a.c:1:2\n", "--- FAIL: TestX (0.0s)\n",
           "  ● a › b\n", "  1 failing\n", "not ok 1 - x\n  ---\n", "==1==ERROR: AddressSanitizer: x\n",
           "FAILED a.py::b - c\n", "\x1b[31m", "\r", "*" * 70 + "\n"]
SETTINGS = settings(max_examples=int(os.environ.get("RDEBUG_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _every_parser(text: str) -> None:
    lines = split_lines(text)
    for parser in RUNNER_PARSERS + GENERIC_PARSERS:
        parser(lines)  # called directly: the dispatcher's safety net must not hide bugs
    for problem in parse_failures(text):
        problem.to_json()


@SETTINGS
@given(st.text(alphabet=ALPHABET, max_size=2000))
def test_random_text(text):
    _every_parser(text)


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(MARKERS), st.text(alphabet=ALPHABET, max_size=40)), max_size=60))
def test_random_marker_soup(parts):
    _every_parser("".join(parts))


@SETTINGS
@given(st.sampled_from(TEXTS), st.data())
def test_mutated_and_truncated_fixtures(text, data):
    lines = text.splitlines(keepends=True)
    cut_a = data.draw(st.integers(0, len(lines)))
    cut_b = data.draw(st.integers(cut_a, len(lines)))
    lines = lines[cut_a:cut_b]
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
            lines.insert(i, data.draw(st.sampled_from(MARKERS)))
    _every_parser("".join(lines))


def test_huge_line_and_many_lines_are_fine():
    _every_parser("x" * 200_000 + "\n" + "    at f (a.js:1:2)\n" * 20_000)


def test_concatenated_fixtures_lose_nothing():
    """A CI log holding every fixture yields what each fixture yields alone (blocks stay bounded)."""
    from rdebug.intake.parse import _key

    alone = {_key(p) for text in TEXTS for p in parse_failures(text)}
    together = {_key(p) for p in parse_failures("\n".join(TEXTS))}
    assert alone == together
