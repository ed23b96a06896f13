"""Packing snippets under a token budget: merge overlapping ranges, then fill greedily by priority."""

from __future__ import annotations

from typing import Callable

from rdebug.context.model import Snippet

TokenCounter = Callable[[str], int]
_SHRINK_RADII = (20, 12, 6, 3, 1)


def _mergeable(s: Snippet) -> bool:
    return s.kind == "code" and not s.path.startswith("git:")


def _from_lines(base: Snippet, lines: dict[int, str]) -> Snippet:
    nums = sorted(lines)
    contiguous = nums[-1] - nums[0] + 1 == len(nums)
    return Snippet(
        path=base.path, start_line=nums[0], end_line=nums[-1], reason=base.reason,
        text="\n".join(lines[n] for n in nums), priority=base.priority,
        marked_lines=sorted(m for m in set(base.marked_lines) if nums[0] <= m <= nums[-1]),
        language=base.language, kind=base.kind, line_numbers=[] if contiguous else nums,
    )


def _join(a: Snippet, b: Snippet) -> Snippet:
    lines = dict(a.numbered_lines())
    for n, t in b.numbered_lines():
        lines.setdefault(n, t)
    reasons = a.reason if b.reason in a.reason.split("; ") else f"{a.reason}; {b.reason}"
    base = Snippet(a.path, a.start_line, a.end_line, reasons, "", priority=max(a.priority, b.priority),
                   marked_lines=sorted(set(a.marked_lines) | set(b.marked_lines)), language=a.language)
    return _from_lines(base, lines)  # type: ignore[arg-type]


def merge_snippets(snippets: list[Snippet]) -> list[Snippet]:
    """Overlapping or adjacent code ranges of one file become one snippet (reasons joined, top priority)."""
    out: list[Snippet] = []
    by_path: dict[str, list[Snippet]] = {}
    for s in snippets:
        if _mergeable(s):
            by_path.setdefault(s.path, []).append(s)
        else:
            out.append(s)
    for group in by_path.values():
        group.sort(key=lambda s: (s.start_line, -s.priority))
        merged = [group[0]]
        for s in group[1:]:
            last = merged[-1]
            if s.start_line <= last.end_line + 1:
                merged[-1] = _join(last, s) if last.priority >= s.priority else _join(s, last)
            else:
                merged.append(s)
        out += merged
    return out


def window(s: Snippet, radius: int) -> Snippet | None:
    """The lines of ``s`` within ``radius`` of its marked lines (plus its first line), or None."""
    if not s.marked_lines or not _mergeable(s):
        return None
    lines = dict(s.numbered_lines())
    keep = {n: t for n, t in lines.items()
            if n == s.start_line or any(abs(n - m) <= radius for m in s.marked_lines)}
    if len(keep) >= len(lines):
        return None
    w = _from_lines(s, keep)  # type: ignore[arg-type]
    w.reason = f"{s.reason} (window)"
    return w


def _shrunk(s: Snippet, room: int, cost: TokenCounter) -> Snippet | None:
    for radius in _SHRINK_RADII:
        w = window(s, radius)
        if w is None:
            return None
        w.tokens = cost_of(w, cost)
        if w.tokens <= room:
            return w
    return None


def pack(snippets: list[Snippet], budget: int, cost: TokenCounter, reserved: int = 0
         ) -> tuple[list[Snippet], list[Snippet], int]:
    """Greedy fill by priority (stable). ``cost`` prices a snippet as rendered; returns kept, dropped, used.

    A marked snippet too big for what is left shrinks to a window around its marked lines.
    """
    used = reserved
    kept: list[Snippet] = []
    dropped: list[Snippet] = []
    for s in sorted(merge_snippets(snippets), key=lambda s: -s.priority):
        s.tokens = cost_of(s, cost)
        fit = s if used + s.tokens <= budget else _shrunk(s, budget - used, cost)
        if fit is None:
            dropped.append(s)
        else:
            kept.append(fit)
            used += fit.tokens
    return kept, dropped, used


def cost_of(s: Snippet, cost: TokenCounter) -> int:
    from rdebug.context.render import format_snippet

    return cost(format_snippet(s))
