"""Build failures: rustc ``error[E..]`` + ``-->``, gcc/clang/javac ``file:line[:col]: error:``, tsc
``file(line,col): error TS..``, and ``go build``/``go vet`` diagnostics under a ``# package`` line."""

from __future__ import annotations

import re

from rdebug.intake.model import Problem
from rdebug.intake.parsers.common import Found, frame, raw_text

RUSTC_RE = re.compile(r"^error(?:\[(?P<code>E\d+)\])?: (?P<msg>.+)$")
ARROW_RE = re.compile(r"^\s*--> (?P<path>.+?):(?P<line>\d+):(?P<col>\d+)$")
CC_RE = re.compile(r"^(?P<path>(?:[A-Za-z]:)?[^\s:][^:]*\.\w+):(?P<line>\d+)(?::(?P<col>\d+))?: "
                   r"(?:fatal )?error: (?P<msg>.+)$")
TSC_RE = re.compile(r"^(?P<path>[^\s(][^(]*\.\w+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<msg>.+)$")
GO_PKG_RE = re.compile(r"^# \S+$")
GO_DIAG_RE = re.compile(r"^(?P<path>[^\s:][^:]*\.go):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.+)$")
MAX_ERRORS = 10


def _detail(lines: list[str], k: int) -> int:
    """The end of the snippet/notes that follow a diagnostic (indented or ``|`` lines)."""
    while k < len(lines) and lines[k].startswith((" ", "\t", "|")) and lines[k].strip():
        k += 1
    return k


def find(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    in_go = False
    for i, line in enumerate(lines):
        if len(found) >= MAX_ERRORS:
            break
        if GO_PKG_RE.match(line):
            in_go = True
            continue
        m = RUSTC_RE.match(line)
        if m:
            arrow = next((ARROW_RE.match(x) for x in lines[i + 1:i + 4] if ARROW_RE.match(x)), None)
            if arrow:
                exc = f"error[{m['code']}]" if m["code"] else "error"
                end = _detail(lines, i + 1)
                fr = frame(arrow["path"], arrow["line"], None, arrow["col"])
                found.append(Found(i, end, Problem(kind="compile", exception=exc, message=m["msg"].strip(),
                                                   frames=[fr], raw=raw_text(lines, i, end))))
            continue
        m = CC_RE.match(line) or TSC_RE.match(line)
        if m is None and in_go:
            m = GO_DIAG_RE.match(line)
            in_go = bool(m)
        if m:
            code = m.groupdict().get("code")
            end = _detail(lines, i + 1)
            fr = frame(m["path"], m["line"], None, m["col"])
            found.append(Found(i, end, Problem(kind="compile", exception=f"error {code}" if code else "error",
                                               message=m["msg"].strip(), frames=[fr], raw=raw_text(lines, i, end))))
    return found
