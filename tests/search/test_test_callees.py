"""A failure whose trace has no frame in the project's code but the test's (a unittest or ``node --test``
assertion): the functions the test calls are the search's suspicious lines, also when the context's budget
left them out; and the search's candidates there hold the fix."""

from __future__ import annotations

from pathlib import Path

from rdebug.context.build import build_context
from rdebug.intake.model import Frame, Problem
from rdebug.search.candidates import candidates
from rdebug.search.suspicious import CALLEE, FRAME_LINE, suspicious_lines

CITATIONS = '''"""Reference lists."""


def cite(work):
    return f"{work.last}, {work.first[0]}. ({work.year + 1})."


def shout(text):
    return text.upper()
'''
TEST = '''import unittest

from citations import cite

ADA = type("W", (), {"first": "Ada", "last": "Lovelace", "year": 1843})


class CitationTests(unittest.TestCase):
    def test_cite(self):
        self.assertEqual(cite(ADA), "Lovelace, A. (1843).")
'''


def _root(tmp_path: Path) -> Path:
    (tmp_path / "tests").mkdir()
    (tmp_path / "citations.py").write_text(CITATIONS)
    (tmp_path / "tests" / "test_citations.py").write_text(TEST)
    return tmp_path


def _problem(*frames: Frame) -> Problem:
    message = "'Lovelace, A. (1844).' != 'Lovelace, A. (1843).'"
    return Problem("unittest", "AssertionError", message, raw=message,
                   test_id="test_citations.CitationTests.test_cite",
                   frames=list(frames) or [Frame("tests/test_citations.py", 10, "test_cite", in_repo=True)])


def _lines(problem: Problem, ctx) -> dict[tuple[str, int], tuple[float, str]]:
    return {(s.path, s.line): (s.score, s.why) for s in suspicious_lines(problem, ctx)}


def test_the_tests_callee_is_suspicious_when_the_context_shows_it(tmp_path):
    root = _root(tmp_path)
    problem = _problem()
    ctx = build_context(problem, root)
    assert any(s.path == "citations.py" and s.reason.startswith("definition of cite()") for s in ctx.snippets)
    lines = _lines(problem, ctx)
    assert lines[("citations.py", 5)] == (CALLEE, "called by the failing code")
    assert not any(path.startswith("tests/") for path, _line in lines)


def test_the_tests_callee_is_suspicious_when_the_budget_left_it_out(tmp_path):
    root = _root(tmp_path)
    problem = _problem()
    ctx = build_context(problem, root, budget=250)  # the test's own lines fill it
    assert [s.path for s in ctx.snippets] == ["tests/test_citations.py"]
    assert any(s.path == "citations.py" and s.reason.startswith("definition of cite()") for s in ctx.dropped)
    lines = _lines(problem, ctx)
    assert lines[("citations.py", 4)] == lines[("citations.py", 5)] == (CALLEE, "called by the failing test")
    assert ("citations.py", 9) not in lines  # what the test does not call stays out
    found = [c.patch.diff for c in candidates(root, suspicious_lines(problem, ctx))]
    assert any("+    return f\"{work.last}, {work.first[0]}. ({work.year}).\"" in d for d in found)  # `+ 1` dropped


def test_a_frame_in_the_code_keeps_the_dropped_callees_out(tmp_path):
    root = _root(tmp_path)
    problem = _problem(Frame("tests/test_citations.py", 10, "test_cite", in_repo=True),
                       Frame("citations.py", 9, "shout", in_repo=True))
    ctx = build_context(problem, root, budget=300)
    assert any(s.reason.startswith("definition of cite()") for s in ctx.dropped)
    lines = _lines(problem, ctx)
    assert lines[("citations.py", 9)][0] == FRAME_LINE
    assert not any(why == "called by the failing test" for _score, why in lines.values())
