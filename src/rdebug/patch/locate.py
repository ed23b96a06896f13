"""Find a SEARCH text in a file: exact, then ignoring whitespace, then fuzzy (unique and similar enough)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

FUZZY_THRESHOLD = 0.8
AMBIGUITY_MARGIN = 0.03
FUZZY_CANDIDATES = 30  # windows scored by difflib after the token prefilter
TOKEN_RE = re.compile(r"\w+|[^\w\s]")


class LocateError(Exception):
    """The SEARCH text matches nowhere or in several places; the message tells the model what to do."""


@dataclass
class Match:
    start: int  # 0-based first line
    end: int  # exclusive
    method: str  # "exact", "whitespace", "fuzzy"
    score: float = 1.0


def _trim_blank(lines: list[str]) -> list[str]:
    lo, hi = 0, len(lines)
    while lo < hi and not lines[lo].strip():
        lo += 1
    while hi > lo and not lines[hi - 1].strip():
        hi -= 1
    return lines[lo:hi]


def _where(starts: list[int]) -> str:
    shown = ", ".join(str(s + 1) for s in starts[:6])
    return shown + (", ..." if len(starts) > 6 else "")


def _exact(lines: list[str], search: list[str]) -> list[Match]:
    n = len(search)
    first = search[0]
    return [Match(i, i + n, "exact") for i in range(len(lines) - n + 1)
            if lines[i] == first and lines[i : i + n] == search]


def _loose(lines: list[str], search: list[str]) -> list[Match]:
    """Matches comparing stripped non-blank lines (blank lines and indentation ignored)."""
    rows = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    want = [ln.strip() for ln in search if ln.strip()]
    n = len(want)
    texts = [t for _, t in rows]
    return [Match(rows[k][0], rows[k + n - 1][0] + 1, "whitespace") for k in range(len(rows) - n + 1)
            if texts[k] == want[0] and texts[k : k + n] == want]


def _window_candidates(lines: list[str], search: list[str]) -> list[tuple[int, int]]:
    """(start, size) of the windows sharing the most word tokens with ``search`` (cheap prefilter)."""
    want = Counter(tok for ln in search for tok in TOKEN_RE.findall(ln))
    per_line = [Counter(TOKEN_RE.findall(ln)) for ln in lines]
    n = len(search)
    scored: list[tuple[int, int, int, int]] = []
    for size in sorted({max(1, n - 1), n, n + 1}):
        if size > len(lines):
            continue
        window: Counter = Counter()
        for counts in per_line[:size]:
            window.update(counts)
        for i in range(len(lines) - size + 1):
            if i:
                window.subtract(per_line[i - 1])
                window.update(per_line[i + size - 1])
            scored.append((sum(min(window[t], c) for t, c in want.items()), -abs(size - n), i, size))
    scored.sort(reverse=True)
    return [(i, size) for _, _, i, size in scored[:FUZZY_CANDIDATES]]


def _fuzzy(lines: list[str], search: list[str]) -> list[Match]:
    """Best windows by difflib ratio over stripped lines, best first, non-overlapping."""
    want = "\n".join(ln.strip() for ln in search)
    n = len(search)
    scored: list[Match] = []
    for i, size in _window_candidates(lines, search):
        window = "\n".join(ln.strip() for ln in lines[i : i + size])
        ratio = difflib.SequenceMatcher(None, window, want, autojunk=False).ratio()
        scored.append(Match(i, i + size, "fuzzy", ratio))
    scored.sort(key=lambda m: (-m.score, abs((m.end - m.start) - n), m.start))
    picked: list[Match] = []
    for m in scored:
        if all(m.end <= p.start or m.start >= p.end for p in picked):
            picked.append(m)
    return picked


def locate(text: str, search: str, label: str = "SEARCH block") -> Match:
    """The unique place of ``search`` in ``text`` (line based), or LocateError with an actionable message."""
    lines = text.split("\n")
    want = _trim_blank(search.split("\n"))
    if not want:
        raise LocateError(f"{label} is empty; copy the lines to change from the file")
    for finder in (_exact, _loose):
        found = finder(lines, want)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise LocateError(
                f"{label} matches {len(found)} places: lines {_where([m.start for m in found])}; include more context"
            )
    ranked = _fuzzy(lines, want)
    good = [m for m in ranked if m.score >= FUZZY_THRESHOLD]
    if len(good) == 1 or (len(good) > 1 and good[0].score - good[1].score >= AMBIGUITY_MARGIN):
        return good[0]
    if good:
        raise LocateError(
            f"{label} is similar to {len(good)} places: lines {_where(sorted(m.start for m in good))}; "
            "include more context"
        )
    if ranked:
        best = ranked[0]
        excerpt = "\n".join(lines[best.start : best.end][:12])
        raise LocateError(
            f"{label} does not match the file (closest: lines {best.start + 1}-{best.end}, "
            f"{best.score:.0%} similar); copy the exact lines. The file has there:\n{excerpt}"
        )
    raise LocateError(f"{label} does not match any lines of the file; copy the exact lines from the file")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def reindent(replace_lines: list[str], search_lines: list[str], file_lines: list[str]) -> list[str]:
    """Shift the replacement by the indentation difference between the SEARCH text and the file."""
    s_first = next((ln for ln in search_lines if ln.strip()), "")
    f_first = next((ln for ln in file_lines if ln.strip()), "")
    s_ind, f_ind = _indent(s_first), _indent(f_first)
    if s_ind == f_ind:
        return replace_lines
    out = []
    for ln in replace_lines:
        if not ln.strip():
            out.append(ln)
        elif ln.startswith(s_ind):
            out.append(f_ind + ln[len(s_ind):])
        else:
            out.append(f_ind + ln.lstrip())
    return out


def _blank_edges(lines: list[str]) -> tuple[int, int]:
    lead = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
    trail = next((i for i, ln in enumerate(reversed(lines)) if ln.strip()), len(lines))
    return lead, trail


def replace_once(text: str, search: str, replace: str, label: str = "SEARCH block") -> str:
    """``text`` with the located ``search`` lines replaced by ``replace`` (re-indented unless exact)."""
    match = locate(text, search, label)
    lines = text.split("\n")
    raw = search.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    want = _trim_blank(raw)
    new = replace.split("\n")
    if new and new[-1] == "":
        new.pop()
    # the SEARCH text's blank edge lines were not matched: drop as many from the replacement
    lead, trail = _blank_edges(raw)
    r_lead, r_trail = _blank_edges(new)
    new = new[min(lead, r_lead) : len(new) - min(trail, r_trail)]
    if match.method != "exact":
        new = reindent(new, want, lines[match.start : match.end])
    return "\n".join(lines[: match.start] + new + lines[match.end :])
