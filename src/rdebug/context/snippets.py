"""Turning files, functions and git facts into prioritised snippets."""

from __future__ import annotations

from rdebug.context.files import SourceFile
from rdebug.context.gitinfo import GitContext
from rdebug.context.languages import language_for
from rdebug.context.model import Snippet
from rdebug.context.treesitter import Definition, ParsedFile, enclosing_function, skeleton_lines

MAX_FUNCTION_LINES = 150  # longer: a window around the failing line
WINDOW_BEFORE, WINDOW_AFTER = 30, 15
MAX_DEFINITION_LINES = 60
WHOLE_FILE_LINES = 300
MAX_HEAD_LINES = 30

# Priorities: failing frame > user-added > test > other frames > git diff > named files > callees > blame/log
# > callees of callees > skeletons; the failing file's imports rank after callees (above frames for NameError)
P_FAILING, P_USER, P_TEST, P_FRAME, P_DIFF, P_SEED = 100.0, 95.0, 90.0, 80.0, 70.0, 65.0
P_CALLEE, P_HEAD, P_BLAME, P_LOG, P_CALLEE2, P_SKELETON = 60.0, 55.0, 52.0, 50.0, 45.0, 40.0


def lines_snippet(src: SourceFile, numbers: list[int], reason: str, priority: float,
                  marked: list[int] | tuple[int, ...] = (), kind: str = "code") -> Snippet:
    """A snippet of the given (sorted, distinct) lines of a file."""
    nums = [n for n in sorted(set(numbers)) if 1 <= n <= len(src.lines)] or [1]
    contiguous = nums[-1] - nums[0] + 1 == len(nums)
    return Snippet(path=src.path, start_line=nums[0], end_line=nums[-1], reason=reason,
                   text="\n".join(src.line(n) for n in nums), priority=priority,
                   marked_lines=sorted(m for m in set(marked) if m in set(nums)),
                   language=language_for(src.path), kind=kind, line_numbers=[] if contiguous else nums)


def function_snippet(pf: ParsedFile | None, src: SourceFile, line: int, reason: str, priority: float,
                     marked: list[int]) -> tuple[Snippet, tuple[int, int]]:
    """The function around ``line`` (class header line included), a window when huge or at top level.

    Also returns the line range whose calls matter.
    """
    enc = enclosing_function(pf, line) if pf is not None else None
    if enc is None:
        lo, hi = max(1, line - 10), min(len(src.lines), line + 10)
        return lines_snippet(src, list(range(lo, hi + 1)), f"{reason} (module level)", priority, marked), (lo, hi)
    name = f"{enc.class_name}.{enc.name}" if enc.class_name and enc.name else enc.name or "anonymous function"
    label = f"{reason}: {name}()"
    if enc.end_line - enc.start_line + 1 > MAX_FUNCTION_LINES:
        lo, hi = max(enc.start_line, line - WINDOW_BEFORE), min(enc.end_line, line + WINDOW_AFTER)
        nums = [enc.start_line] + list(range(lo, hi + 1))
        label += f" (lines {lo}-{hi} of a {enc.end_line - enc.start_line + 1}-line function)"
    else:
        lo, hi = enc.start_line, enc.end_line
        nums = list(range(lo, hi + 1))
    if enc.class_line is not None and enc.class_line < enc.start_line:
        nums.insert(0, enc.class_line)
    return lines_snippet(src, nums, label, priority, marked), (lo, hi)


def definition_snippet(src: SourceFile, d: Definition, reason: str, priority: float) -> Snippet:
    end = min(d.end_line, d.start_line + MAX_DEFINITION_LINES - 1)
    if end < d.end_line:
        reason += f" (first {MAX_DEFINITION_LINES} of {d.end_line - d.start_line + 1} lines)"
    return lines_snippet(src, list(range(d.start_line, end + 1)), reason, priority)


def whole_file_snippets(src: SourceFile, defs: list[Definition], reason: str, priority: float) -> list[Snippet]:
    """A small file whole; a big one as its head and a skeleton."""
    n = len(src.lines)
    if n <= WHOLE_FILE_LINES:
        return [lines_snippet(src, list(range(1, n + 1)), reason, priority, kind="file")]
    head = lines_snippet(src, list(range(1, 61)), f"{reason} (first 60 of {n} lines)", priority)
    return [head] + ([skeleton_snippet(src, defs, priority - 20)] if defs else [])


def skeleton_snippet(src: SourceFile, defs: list[Definition], priority: float) -> Snippet:
    return lines_snippet(src, skeleton_lines(defs) or [1], "module skeleton (signatures only)", priority,
                         kind="skeleton")


def git_snippets(g: GitContext, now: float | None = None) -> list[Snippet]:
    out = [Snippet(f"git:diff {path}", 0, 0, "uncommitted changes", text, priority=P_DIFF - i * 0.1,
                   kind="diff") for i, (path, text) in enumerate(g.diffs.items())]
    if g.blame:
        out.append(Snippet("git:blame", 0, 0, "who last changed the failing lines",
                           "\n".join(b.describe(now) for b in g.blame), priority=P_BLAME, kind="blame"))
    if g.commits:
        text = "\n\n".join(f"commit {c.header(now)}\n{c.diff}".rstrip() for c in g.commits)
        out.append(Snippet("git:log", 0, 0, "recent commits touching these files", text, priority=P_LOG,
                           kind="log"))
    return out
