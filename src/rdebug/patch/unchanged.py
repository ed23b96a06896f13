"""Did a patch leave the failure as it was? Same exception, message and failing function after it.

Small models often "fix" code that runs after the line that raises, so the test fails exactly as
before. Saying so plainly in the retry turn ("still raised at paging.py:15; your edits are all below
it") points the next attempt at the code that leads to the error. Such a fix is named there, not
shown: shown its diff, the 1.5B default rewrote the same idea in each retry.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from rdebug.intake.model import Frame, Problem
from rdebug.patch.diff import Patch


@dataclass(frozen=True)
class FailureSite:
    """Where and how a test fails: the exception and the innermost frame in the repository."""

    exception: str
    message: str
    path: str
    function: str | None
    line: int | None
    code: str = ""  # the failing line of the original file, stripped


def _innermost(problem: Problem) -> Frame | None:
    frames = problem.repo_frames
    return frames[-1] if frames else None


def _code_line(root: Path, path: str, line: int | None) -> str:
    if not line:
        return ""
    try:
        lines = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def failure_site(problem: Problem, root: Path) -> FailureSite | None:
    frame = _innermost(problem)
    if frame is None or not problem.exception:
        return None
    return FailureSite(problem.exception, problem.message.strip(), frame.path, frame.function, frame.line,
                       _code_line(root, frame.path, frame.line))


def _after(output: str, before: Problem, root: Path) -> Problem | None:
    """The failure in ``output`` that matches ``before``'s test (else the first one), paths mapped."""
    from rdebug.intake.parse import parse_failures
    from rdebug.intake.pathmap import PathMapper

    problems = parse_failures(output)
    if not problems:
        return None
    PathMapper(root).map(problems)
    same_test = [p for p in problems if before.test_id and p.test_id == before.test_id]
    return (same_test or problems)[0]


def unchanged_failure(before: Problem, output: str, root: Path) -> FailureSite | None:
    """``before``'s failure site when ``output`` (the patched run) fails the same way, else None.

    Same means the same exception and message raised from the same function of the same file; the
    line may have moved with the patch.
    """
    site = failure_site(before, root)
    after = _after(output, before, root)
    if site is None or after is None:
        return None
    frame = _innermost(after)
    if frame is None or after.exception != site.exception or after.message.strip() != site.message:
        return None
    if frame.path != site.path or frame.function != site.function:
        return None
    return site


def changed_lines(patch: Patch, path: str) -> tuple[int, int] | None:
    """The first and last lines of ``path``'s original text that the patch changes (1-based), or None."""
    old, new = patch.files.get(path, (None, None))
    if old is None or new is None:
        return None
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    spans = [(i1 + 1, max(i1 + 1, i2)) for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag != "equal"]
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


def first_changed_line(patch: Patch, path: str) -> int | None:
    span = changed_lines(patch, path)
    return span[0] if span else None


def describe_change(patch: Patch) -> str:
    """``paging.py lines 16-17`` (one entry per file) for a retry turn that leaves the diff out."""
    parts = []
    for path in patch.paths:
        span = changed_lines(patch, path)
        if span is None:
            parts.append(path)
        else:
            parts.append(f"{path} line {span[0]}" if span[0] == span[1] else f"{path} lines {span[0]}-{span[1]}")
    return ", ".join(parts)


def _first_below(site: FailureSite, patch: Patch) -> int | None:
    """The first changed line when the patch only changes lines below the raising line of its file."""
    first = first_changed_line(patch, site.path)
    below = bool(site.line) and first is not None and first > site.line and patch.paths == [site.path]
    return first if below else None


def edits_below(site: FailureSite, patch: Patch) -> bool:
    """Does the patch only change lines below the raising line of its file (code that never ran)?"""
    return _first_below(site, patch) is not None


def unchanged_note(site: FailureSite, patch: Patch) -> str:
    """The retry turn's sentence about a failure the patch did not move."""
    where = f"{site.path}" + (f" line {site.line}" if site.line else "")
    where += f" in {site.function}()" if site.function else ""
    text = f"The same error is still raised from the same place: `{site.exception}: {site.message}` at {where}"
    text += f":\n```\n{site.code}\n```\n" if site.code else ".\n"
    first = _first_below(site, patch)
    if first is not None:
        return text + (f"Your edits ({describe_change(patch)}) start at line {first}, below that line, so they "
                       f"never run before the error is raised: do not repeat them or build on them. The cause "
                       f"is in what leads to line {site.line} (for example the condition that decides to raise "
                       "there).")
    return text + "Your change did not prevent it: it is wrong, try a different change."
