"""Node.js stacks: ``at fn (file:line:col)``, ``at file:line:col``, ``file:///`` URLs, uncaught headers."""

from __future__ import annotations

import re
from urllib.parse import unquote

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text

AT_RE = re.compile(r"^\s*at (?:async )?(?:(?P<func>.+?) \((?P<loc>[^()]*)\)|(?P<bare>[^\s()][^()]*))$")
TAP_STACK_RE = re.compile(r"^\s*(?:async )?(?:(?P<func>.+?) \((?P<loc>[^()]*)\)|(?P<bare>\S+:\d+:\d+))$")
LOC_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")
HEAD_RE = re.compile(
    r"^\s*(?:Uncaught )?(?P<exc>(?:[A-Z][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception)|Error)"
    r"(?: \[(?P<code>[^\]]+)\])?(?::\s?(?P<msg>.*))?$")
UNCAUGHT_LOC_RE = re.compile(r"^(?P<path>(?:file://)?(?:[A-Za-z]:)?[^\s:]+\.[cm]?[jt]sx?):(?P<line>\d+)$")


def clean_path(loc: str) -> str:
    """``file:///C:/x.js`` -> ``C:/x.js``; ``file:///a/b.mjs`` -> ``/a/b.mjs``."""
    if loc.startswith("file://"):
        loc = unquote(loc[len("file://"):])
        if re.match(r"^/[A-Za-z]:/", loc):
            loc = loc[1:]
    return loc


def parse_location(func: str | None, loc: str) -> Frame | None:
    m = LOC_RE.match(loc.strip())
    if not m:
        return None
    path = clean_path(m["path"])
    if path.endswith((".rs", ".go", ".py", ".java", ".c", ".h", ".cpp")):
        return None
    external = path.startswith("node:") or path.startswith("internal/") or "node_modules" in path
    return frame(path, m["line"], (func or "").strip() or None, m["col"], external=external)


def at_frame(line: str) -> tuple[bool, Frame | None]:
    """(is a stack line, its frame if it has a location)."""
    m = AT_RE.match(line)
    if not m:
        return False, None
    if m["bare"] is not None:
        return True, parse_location(None, m["bare"])
    return True, parse_location(m["func"], m["loc"])


def stack_problem(lines: list[str], start: int, kind: str = "node") -> tuple[Problem, int, int] | None:
    """The stack whose first ``at`` line is at or after ``start``: (problem, first line, end)."""
    n = len(lines)
    i = start
    while i < n and not at_frame(lines[i])[0]:
        i += 1
    if i >= n:
        return None
    frames: list[Frame] = []
    end = i
    while end < n:
        is_at, fr = at_frame(lines[end])
        if not is_at:
            break
        if fr:
            frames.append(fr)
        end += 1
    head = None
    for k in range(i - 1, max(start, i - 40) - 1, -1):
        if HEAD_RE.match(lines[k]):
            head = k
            break
    if head is None:
        if not any(f.function for f in frames):
            return Problem(kind=kind), i, end
        text = next((x.strip() for x in reversed(lines[start:i]) if x.strip()), "")
        prob = Problem(kind=kind, message=text, frames=frames[::-1], raw=raw_text(lines, i, end))
        return prob, i, end
    m = HEAD_RE.match(lines[head])
    message = join_message([m["msg"] or ""] + lines[head + 1:i])
    frames.reverse()
    first = head
    for k in range(head - 1, max(start, head - 6) - 1, -1):
        um = UNCAUGHT_LOC_RE.match(lines[k].strip())
        if um:
            path, line = clean_path(um["path"]), int(um["line"])
            if not frames or (frames[-1].path, frames[-1].line) != (path, line):
                frames.append(frame(path, line))
            first = k
            break
    prob = Problem(kind=kind, exception=m["exc"], message=message, frames=frames, raw=raw_text(lines, first, end))
    return prob, first, end


def find(lines: list[str]) -> list[Found]:
    """Every plain Node.js error with a stack (uncaught errors, rejections, console.error(err))."""
    found: list[Found] = []
    pos = 0
    while pos < len(lines):
        res = stack_problem(lines, pos)
        if not res:
            break
        prob, first, end = res
        if prob.frames:
            found.append(Found(first, end, prob))
        pos = max(end, pos + 1)
    return found
