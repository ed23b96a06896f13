"""Rust panics (``thread 'main' panicked at src/main.rs:5:9:``, old ``at 'msg', file`` form, backtraces)
and ``cargo test`` failures (``---- tests::it_works stdout ----``)."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text

NEW_RE = re.compile(r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at (?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+):$")
OLD_RE = re.compile(r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at '(?P<msg>.*)', (?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+)$")
BT_FN_RE = re.compile(r"^\s*(?P<num>\d+): (?:0x[0-9a-f]+ - )?(?P<func>.+)$")
BT_AT_RE = re.compile(r"^\s+at (?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")
TEST_HEAD_RE = re.compile(r"^---- (?P<name>\S+) stdout ----$")
STOP_PREFIXES = ("note: ", "stack backtrace:", "---- ", "failures:", "test result:", "error: ")
LIB_FUNCS = ("core::", "std::", "alloc::", "__rustc::", "rust_begin_unwind", "<fn()", "test::")


def _strip_hash(func: str) -> str:
    return re.sub(r"::h[0-9a-f]{16}$", "", func.strip())


def _backtrace(lines: list[str], i: int) -> tuple[list[Frame], int]:
    frames: list[Frame] = []
    k = i
    n = len(lines)
    while k < n:
        fm = BT_FN_RE.match(lines[k])
        if not fm:
            break
        func = _strip_hash(fm["func"])
        k += 1
        loc = BT_AT_RE.match(lines[k]) if k < n else None
        if loc:
            path = loc["path"]
            external = path.startswith("/rustc/") or "/.cargo/registry/" in path or func.startswith(LIB_FUNCS)
            frames.append(frame(path, loc["line"], func, loc["col"], external=external))
            k += 1
    while frames and frames[0].external:  # panic machinery above the panicking frame
        frames.pop(0)
    return frames[::-1], k


def parse_panic(lines: list[str], i: int) -> tuple[Problem, int] | None:
    line = lines[i]
    new, old = NEW_RE.match(line), OLD_RE.match(line)
    if not (new or old):
        return None
    m = new or old
    n = len(lines)
    k = i + 1
    msg: list[str] = [old["msg"]] if old else []
    if new:
        while k < n and lines[k].strip() and not lines[k].startswith(STOP_PREFIXES):
            msg.append(lines[k])
            k += 1
    frames: list[Frame] = []
    while k < n and lines[k].startswith("note: "):
        k += 1
    if k < n and lines[k].startswith("stack backtrace:"):
        frames, k = _backtrace(lines, k + 1)
        while k < n and lines[k].startswith("note: "):
            k += 1
    top = frame(m["path"], m["line"], None, m["col"])
    if not any((f.path.removeprefix("./"), f.line) == (top.path, top.line) for f in frames):
        frames.append(top)
    prob = Problem(kind="rust", exception="panic", message=join_message(msg), frames=frames,
                   raw=raw_text(lines, i, k))
    if m["thread"] not in ("main", ""):
        prob.notes.append(f"thread {m['thread']}")
    return prob, k


def find(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    test_name: str | None = None
    test_start = 0
    for i, line in enumerate(lines):
        tm = TEST_HEAD_RE.match(line)
        if tm:
            test_name, test_start = tm["name"], i
            continue
        if line.startswith(("failures:", "test result:")):
            test_name = None
        if not line.startswith("thread '"):
            continue
        res = parse_panic(lines, i)
        if not res:
            continue
        prob, end = res
        start = i
        if test_name:
            prob.test_id, start = test_name, test_start
            prob.notes = [x for x in prob.notes if x != f"thread {test_name}"]
            test_name = None
        found.append(Found(start, end, prob))
    return found
