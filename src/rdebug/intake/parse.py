"""``parse_failures``: run every trace parser over a text and return the failures, in text order."""

from __future__ import annotations

import logging
from collections.abc import Callable

from rdebug.intake.model import Problem
from rdebug.intake.parsers import (compiler, go, hang, java, jstest, node, pytest, python, rust, sanitizer,
                                   unittest)
from rdebug.intake.parsers.common import Found, split_lines

log = logging.getLogger(__name__)

# Test-runner parsers claim the lines of their blocks; generic parsers only report what lies outside.
RUNNER_PARSERS: list[Callable[[list[str]], list[Found]]] = [pytest.find, unittest.find, jstest.find, hang.find]
GENERIC_PARSERS: list[Callable[[list[str]], list[Found]]] = [
    python.find, node.find, go.find, rust.find, java.find, sanitizer.find, compiler.find]
MAX_CHARS = 4_000_000


def _safe(parser: Callable[[list[str]], list[Found]], lines: list[str]) -> list[Found]:
    try:
        return parser(lines)
    except Exception:  # a parser bug must never take intake down  # noqa: BLE001
        log.debug("parser %s failed", parser.__module__, exc_info=True)
        return []


def _key(p: Problem) -> tuple:
    return (p.exception, p.message.strip(), p.test_id,
            tuple((f.raw_path or f.path, f.line) for f in p.frames))


def find_all(text: str) -> list[Found]:
    """Every failure with its line span, ordered by position, duplicates dropped."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    lines = split_lines(text)
    found: list[Found] = []
    claimed: list[tuple[int, int]] = []
    for parser in RUNNER_PARSERS:
        hits = _safe(parser, lines)
        found.extend(hits)
        claimed.extend((f.start, f.end) for f in hits)
    generic = [f for parser in GENERIC_PARSERS for f in _safe(parser, lines)]
    generic.sort(key=lambda f: (f.start, -(f.end - f.start)))
    for f in generic:
        if not any(a <= f.start < b or f.start <= a < f.end for a, b in claimed):
            found.append(f)
            claimed.append((f.start, f.end))
    found.sort(key=lambda f: (f.start, f.end))
    seen: set[tuple] = set()
    out: list[Found] = []
    for f in found:
        key = _key(f.problem)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def parse_failures(text: str) -> list[Problem]:
    """The failures in ``text`` (ANSI colours stripped), in text order; ``[]`` when none is recognised."""
    if not isinstance(text, str) or not text.strip():
        return []
    return [f.problem for f in find_all(text)]
