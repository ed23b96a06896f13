"""C/C++ sanitizer reports: ASan/LSan/TSan/MSan ``ERROR: XSanitizer: kind`` with ``#0 0x.. in fn file:line``
frames, and UBSan ``file.c:3:12: runtime error: ...`` lines."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, raw_text

HEAD_RE = re.compile(r"^(?:==\d+==)?(?:ERROR|WARNING): (?P<san>\w+Sanitizer): (?P<msg>.*)$")
FRAME_RE = re.compile(
    r"^\s*#(?P<num>\d+) 0x[0-9a-fA-F]+ in (?P<func>.+?) (?P<path>[^\s()]+?):(?P<line>\d+)(?::(?P<col>\d+))?$")
FRAME_NOSRC_RE = re.compile(r"^\s*#\d+ 0x[0-9a-fA-F]+ (?:in \S+ )?\(")
UBSAN_RE = re.compile(r"^(?P<path>[^\s:][^:]*?\.\w+):(?P<line>\d+):(?P<col>\d+): runtime error: (?P<msg>.*)$")
SECTION_RE = re.compile(r"^(?P<what>.+?) by thread T\d+(?: \([^)]*\))? here:$|^(?P<what2>(?:Direct|Indirect) leak of .*) allocated from:$")
EXTERNAL_RE = re.compile(r"(?:^|/)(?:sysdeps|csu|libsanitizer|compiler-rt|libgcc|libstdc\+\+)/|^/usr/(?:include|lib)/")


def _frames(lines: list[str], k: int) -> tuple[list[Frame], int]:
    """Frames printed innermost first, returned outermost first; stops at the first other line."""
    frames: list[Frame] = []
    n = len(lines)
    while k < n:
        m = FRAME_RE.match(lines[k])
        if m:
            path = m["path"]
            frames.append(frame(path, m["line"], m["func"], m["col"], external=bool(EXTERNAL_RE.search(path))))
        elif not FRAME_NOSRC_RE.match(lines[k]):
            break
        k += 1
    return frames[::-1], k


def _report(lines: list[str], i: int) -> tuple[Problem, int]:
    m = HEAD_RE.match(lines[i])
    n = len(lines)
    k = i + 1
    details = []
    while k < n and not FRAME_RE.match(lines[k]) and not FRAME_NOSRC_RE.match(lines[k]) and k - i < 4:
        if lines[k].strip():
            details.append(lines[k].strip())
        k += 1
    frames, k = _frames(lines, k)
    notes: list[str] = []
    end = k
    while end < n and not HEAD_RE.match(lines[end]) and end - k < 200:
        line = lines[end]
        if line.startswith("SUMMARY: "):
            end += 1
            break
        sm = SECTION_RE.match(line)
        if sm:
            sub, after = _frames(lines, end + 1)
            first = next((f for f in reversed(sub) if not f.external), None)
            where = f" at {first.path}:{first.line} in {first.function}" if first else ""
            notes.append(f"{sm['what'] or sm['what2']}{where}")
            if not frames and sm["what2"]:
                frames = sub
            end = after
            continue
        if " is located " in line:
            notes.append(line.strip())
        end += 1
    msg = m["msg"].strip()
    what = re.split(r" on (?:unknown )?address| at pc | \(pc ", msg)[0]
    prob = Problem(kind="sanitizer", exception=f"{m['san']}: {what}", message="\n".join([msg] + details[:1]), frames=frames,
                   raw=raw_text(lines, i, end), notes=notes)
    return prob, end


def _ubsan(lines: list[str], i: int) -> tuple[Problem, int]:
    m = UBSAN_RE.match(lines[i])
    frames, k = _frames(lines, i + 1)
    top = frame(m["path"], m["line"], None, m["col"])
    if not frames or (frames[-1].path, frames[-1].line) != (top.path, top.line):
        frames.append(top)
    elif frames[-1].column is None:
        frames[-1].column = top.column
    prob = Problem(kind="sanitizer", exception="UndefinedBehaviorSanitizer", message=f"runtime error: {m['msg']}",
                   frames=frames, raw=raw_text(lines, i, k))
    return prob, k


def find(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if HEAD_RE.match(line):
            prob, end = _report(lines, i)
        elif "runtime error:" in line and UBSAN_RE.match(line):
            prob, end = _ubsan(lines, i)
        else:
            i += 1
            continue
        found.append(Found(i, end, prob))
        i = max(end, i + 1)
    return found
