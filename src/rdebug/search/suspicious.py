"""Where to search: the failing frames' lines in the repository's code, then the functions around them and
the functions they call that the packed context holds. Never test files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from rdebug.context.model import PackedContext
from rdebug.intake.model import Problem
from rdebug.patch.testfiles import edited_tests

if TYPE_CHECKING:
    from rdebug.facts.spectrum import SuspiciousLine as SpectrumLine

FRAME_LINE = 1.0  # the innermost repository frame outside the tests; outer ones a little less
FRAME_FUNCTION = 0.7  # the rest of a frame's function
CALLEE = 0.5  # a function the frames (or the test) call, as the context shows it
OTHER = 0.3  # any other code the context holds (named in the problem, added by the user)
STEP = 0.02  # per frame outwards, per callee down the context's order
SPECTRUM_TOP, SPECTRUM_MIN = 0.8, 0.5  # spectrum lines (Ochiai >= MIN) rank between the frames' lines and their
# functions: FRAME_FUNCTION + (SPECTRUM_TOP - FRAME_FUNCTION) * Ochiai


@dataclass(frozen=True)
class SuspiciousLine:
    path: str
    line: int  # 1-based
    score: float  # higher is more suspicious
    why: str


def _is_code(path: str, problem: Problem) -> bool:
    return ":" not in path and not edited_tests([path], problem)


def suspicious_lines(problem: Problem, context: PackedContext | None,
                     spectrum: Sequence["SpectrumLine"] = ()) -> list[SuspiciousLine]:
    """The lines to mutate, most suspicious first: the failing frames' lines, then the spectrum's (by Ochiai),
    then the code the context holds."""
    best: dict[tuple[str, int], SuspiciousLine] = {}

    def put(path: str, line: int, score: float, why: str) -> None:
        key = (path, line)
        if key not in best or best[key].score < score:
            best[key] = SuspiciousLine(path, line, round(score, 4), why)

    frames = [f for f in reversed(problem.repo_frames) if f.line and _is_code(f.path, problem)]
    for i, f in enumerate(frames):
        put(f.path, f.line, FRAME_LINE - STEP * i, "failing frame" if i == 0 else "caller frame")
    top = min(FRAME_LINE - STEP * len(frames), SPECTRUM_TOP)
    for s in spectrum:
        if s.score >= SPECTRUM_MIN and _is_code(s.path, problem):
            put(s.path, s.line, FRAME_FUNCTION + (top - FRAME_FUNCTION) * s.score, f"spectrum (Ochiai {s.score:.2f})")
    callees = 0
    for snip in context.snippets if context is not None else []:
        if snip.kind not in ("code", "file") or not _is_code(snip.path, problem):
            continue
        reason = snip.reason
        if reason.startswith(("failing frame", "caller frame", "cause frame")):
            score, why = FRAME_FUNCTION, "a frame's function"
        elif reason.startswith(("definition of", "test frame")):
            score, why = CALLEE - STEP * callees, "called by the failing code"
            callees += 1
        else:
            score, why = OTHER, reason
        for number, line_text in snip.numbered_lines():
            if number is not None and line_text.strip() and not line_text.lstrip().startswith(("#", "//")):
                put(snip.path, number, score, why)
    return sorted(best.values(), key=lambda s: (-s.score, s.path, s.line))
