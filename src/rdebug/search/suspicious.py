"""Where to search: the failing frames' lines in the repository's code, then the functions around them and
the functions they call that the packed context holds (when the trace's only repository frames are the test's,
also the test's callees that the budget left out of the context). Never test files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Collection, Sequence

from rdebug.context.files import SourceFile
from rdebug.context.languages import language_for
from rdebug.context.model import PackedContext, Snippet
from rdebug.context.treesitter import enclosing_function, parse_source
from rdebug.intake.model import Frame, Problem
from rdebug.intake.testfiles import edited_tests

if TYPE_CHECKING:
    from rdebug.facts.spectrum import SuspiciousLine as SpectrumLine

FRAME_LINE = 1.0  # the innermost repository frame outside the tests; outer ones a little less
FRAME_FUNCTION = 0.7  # the rest of a frame's function
CALLEE = 0.5  # a function the frames (or the test) call, as the context shows it
OTHER = 0.3  # any other code the context holds (named in the problem, added by the user)
FRAME_REASONS = ("failing frame", "caller frame", "cause frame")
CALLEE_REASONS = ("definition of", "test frame")  # properties, getters and __eq__ read by the frames too
_NAMED = re.compile(r"definition of (?:property |getter )?(?:\w+\.)*(\w+)")  # "definition of property C.pages …"
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
    rest: list[tuple[Snippet, set[int]]] = []  # merged snippets: lines left after the frames' functions
    for snip in context.snippets if context is not None else []:
        if snip.kind not in ("code", "file") or not _is_code(snip.path, problem):
            continue
        reason = snip.reason
        if reason.startswith(FRAME_REASONS):
            split = _split_merged(snip, frames)
            _put_lines(put, snip, FRAME_FUNCTION, "a frame's function", split[0] if split else None)
            if split is not None:
                inside, named = split
                for lines in named:  # a property or function the frames read or call, merged into their snippet
                    _put_lines(put, snip, CALLEE - STEP * callees, "called by the failing code", lines)
                    callees += 1
                rest.append((snip, inside.union(*named)))
            continue
        if reason.startswith(CALLEE_REASONS):
            score, why = CALLEE - STEP * callees, "called by the failing code"
            callees += 1
        else:
            score, why = OTHER, reason
        _put_lines(put, snip, score, why)
    for snip, done in rest:  # e.g. the rest of a class whose method failed: after what the frames call or read
        if any(part.startswith(CALLEE_REASONS) for part in snip.reason.split("; ")):
            score, why = CALLEE - STEP * callees, "called by the failing code"
            callees += 1
        else:
            score, why = OTHER, snip.reason
        _put_lines(put, snip, score, why, skip=done)
    if not frames and context is not None:  # only the test failed in the trace: what it calls holds the bug
        for snip in context.dropped:  # resolved by the context's builder, cut by its budget: after the shown ones
            if snip.kind == "code" and _is_code(snip.path, problem) and snip.reason.startswith(CALLEE_REASONS):
                _put_lines(put, snip, CALLEE - STEP * callees, "called by the failing test")
                callees += 1
    return sorted(best.values(), key=lambda s: (-s.score, s.path, s.line))


def _put_lines(put: Callable[[str, int, float, str], None], snip: Snippet, score: float, why: str,
               only: Collection[int] | None = None, skip: Collection[int] = ()) -> None:
    for number, line_text in snip.numbered_lines():
        if (number is not None and line_text.strip() and not line_text.lstrip().startswith(("#", "//"))
                and (only is None or number in only) and number not in skip):
            put(snip.path, number, score, why)


def _split_merged(snip: Snippet, frames: Sequence[Frame]) -> tuple[set[int], list[set[int]]] | None:
    """A frame's snippet merged with other code (a class definition called from another frame, which holds the
    failing method; a property the method reads): the lines of the frames' functions, and the lines of each
    function or property the other reasons name, in their order. None when the snippet is only frames."""
    parts = snip.reason.split("; ")
    if all(part.startswith(FRAME_REASONS) for part in parts):
        return None
    lines = {n: t for n, t in snip.numbered_lines() if n is not None}
    here = [f.line for f in frames if f.path == snip.path and f.line in lines]
    if not here or language_for(snip.path) is None:
        return None
    text = "\n".join(lines.get(n, "") for n in range(1, max(lines) + 1))  # at their own line numbers
    pf = parse_source(SourceFile(snip.path, text, 0, len(text)))
    if pf is None:
        return None
    inside: set[int] = set()
    for line in here:
        enc = enclosing_function(pf, line)
        if enc is None:
            return None
        inside.update(range(enc.start_line, enc.end_line + 1))
    named: list[set[int]] = []
    for part in parts:
        m = _NAMED.match(part)
        spans = [set(range(d.start_line, d.end_line + 1)) for d in pf.definitions if m and d.name == m.group(1)
                 and d.kind != "class" and not any(d.start_line <= n <= d.end_line for n in here)]
        if spans:
            named.append(set().union(*spans) - inside)
    return inside, named
