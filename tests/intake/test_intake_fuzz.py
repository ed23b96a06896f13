"""Parsers never raise: random text, and random mutations/truncations of the real fixtures.

RDEBUG_FUZZ_EXAMPLES=2000 runs a longer campaign."""

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rdebug.intake.parse import GENERIC_PARSERS, RUNNER_PARSERS, parse_failures
from rdebug.intake.parsers.common import split_lines
from fuzz_strategies import ALPHABET, MARKERS, mutate

TRACES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "traces").glob("*/*.txt"))
TEXTS = [p.read_text() for p in TRACES]
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
    _every_parser(mutate(data, text))


def test_huge_line_and_many_lines_are_fine():
    _every_parser("x" * 200_000 + "\n" + "    at f (a.js:1:2)\n" * 20_000)


def test_concatenated_fixtures_lose_nothing():
    """A CI log holding every fixture yields what each fixture yields alone (blocks stay bounded)."""
    from rdebug.intake.parse import _key

    alone = {_key(p) for text in TEXTS for p in parse_failures(text)}
    together = {_key(p) for p in parse_failures("\n".join(TEXTS))}
    assert alone == together
