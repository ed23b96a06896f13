"""Hangs: faulthandler stack dumps (pytest ``faulthandler_timeout``, ``PYTHONFAULTHANDLER`` + SIGABRT)
and the lines other runners print about a test that ran too long.

A dump lists every thread, most recent call first::

    Timeout (0:00:05)!
    Thread 0x00007f... (most recent call first):
      File "/repo/scheduler.py", line 42 in loop_forever

The problem keeps the thread that ran the test (or the current / main one), innermost frame last.
:func:`describe` later reads the source to name the enclosing loop and the test's class.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, raw_text

# The dump may follow an unfinished line: pytest -v's test id ("tests/t.py::test_x Timeout (0:00:05)!"),
# or -q's progress dots ("..Fatal Python error: Aborted").
TIMEOUT_RE = re.compile(r"(?:^|[\s.])Timeout \((?P<after>\d+:\d\d:\d\d(?:\.\d+)?)\)!$")
FATAL_RE = re.compile(r"(?:^|[\s.FEsxX])Fatal Python error: (?P<what>.+?)\s*$")
THREAD_RE = re.compile(r"^(?P<current>Current thread|Thread) (?P<id>0x[0-9a-fA-F]+)[^(]*\(most recent call first\):$")
FRAME_RE = re.compile(r'^\s+File "(?P<path>[^"]+)", line (?P<line>\d+|\?\?\?)(?:,)? in (?P<func>.+?)\s*$')
PYTEST_VERBOSE_RE = re.compile(r"^(?P<id>\S+\.py::\S+?)(?: \S+)?\s*$")  # `tests/test_x.py::test_y ` (-v)
LIB_PARTS = ("site-packages", "dist-packages", "/lib/python", "<frozen", "\\lib\\python", "/_pytest/", "/pluggy/")
GO_RUNNING_RE = re.compile(r"^\s*(?P<name>Test\w+(?:/\S+)?) \(\d")
CARGO_SLOW_RE = re.compile(r"^test (?P<name>\S+) has been running for over \d+ seconds$")
HANG = "hang"


def is_library(path: str) -> bool:
    return any(part in path for part in LIB_PARTS) or path.startswith("<")


def _threads(lines: list[str], i: int) -> tuple[list[tuple[bool, list[Frame]]], int]:
    """The thread blocks after a dump header at ``i``: [(is_current, frames outermost first)], end index."""
    threads: list[tuple[bool, list[Frame]]] = []
    n = len(lines)
    j = i + 1
    while j < n:
        line = lines[j]
        m = THREAD_RE.match(line.strip())
        if m:
            frames: list[Frame] = []
            j += 1
            while j < n and (fm := FRAME_RE.match(lines[j])):
                frames.append(frame(fm["path"], None if fm["line"] == "???" else fm["line"], fm["func"],
                                    external=is_library(fm["path"])))
                j += 1
            if j < n and lines[j].strip().startswith("..."):  # "  ..." when the stack was cut
                j += 1
            threads.append((m["current"] == "Current thread", frames[::-1]))
            continue
        if not line.strip() and j + 1 < n and THREAD_RE.match(lines[j + 1].strip()):
            j += 1
            continue
        if not line.strip() and not threads:  # "Fatal Python error: Aborted" is followed by a blank line
            j += 1
            continue
        break
    return threads, j


def _is_test_frame(f: Frame) -> bool:
    name = Path(f.path).name
    return bool(f.function) and f.function.startswith("test") and (
        name.startswith("test_") or name.endswith("_test.py") or name.startswith("test"))


def _pick(threads: list[tuple[bool, list[Frame]]]) -> list[Frame]:
    """The thread that ran a test, else the current one, else the main one (listed last)."""
    for _, frames in threads:
        if any(_is_test_frame(f) for f in frames):
            return frames
    for current, frames in threads:
        if current:
            return frames
    return threads[-1][1]


def _where(frames: list[Frame]) -> Frame | None:
    """The innermost frame in the user's code (repo frame once mapped; non-library before)."""
    for f in reversed(frames):
        if f.in_repo:
            return f
    for f in reversed(frames):
        if not f.external and not is_library(f.raw_path or f.path):
            return f
    return frames[-1] if frames else None


def _title(frames: list[Frame], loop: str | None = None) -> str:
    at = _where(frames)
    if at is None:
        return "timed out"
    place = f"{Path(at.path).name}:{at.line}" if at.line else Path(at.path).name
    func = f" (in {at.function})" if at.function and at.function != "<module>" else ""
    return f"timed out in {place}{func}" + (f", {loop}" if loop else "")


def _verbose_test_id(lines: list[str], at: int, start: int) -> str | None:
    """The ``file.py::test`` that pytest -v printed before the dump at ``lines[at][start:]`` (the one running)."""
    m = PYTEST_VERBOSE_RE.match(lines[at][:start].strip())
    if m:
        return m["id"]
    for k in range(at - 1, max(-1, at - 2000), -1):
        m = PYTEST_VERBOSE_RE.match(lines[k].strip())
        if m:
            return m["id"]
    return None


def _frame_test_id(frames: list[Frame]) -> str | None:
    for f in frames:
        if _is_test_frame(f):
            return f"{f.raw_path or f.path}::{f.function}"
    return None


def find(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].strip()
        timeout = TIMEOUT_RE.search(line)
        fatal = None if timeout else FATAL_RE.search(line)
        if not timeout and not fatal:
            i += 1
            continue
        threads, end = _threads(lines, i)
        if not threads or not any(frames for _, frames in threads):
            i += 1
            continue
        frames = _pick(threads)
        others = [fs for _, fs in threads if fs is not frames and fs]
        notes = [f"other thread at {Path(fs[-1].path).name}:{fs[-1].line} in {fs[-1].function}" for fs in others[:4]]
        if timeout:
            prob = Problem(kind=HANG, message=_title(frames), frames=frames, notes=notes,
                           test_id=_verbose_test_id(lines, i, lines[i].find("Timeout (")) or _frame_test_id(frames))
            prob.notes.insert(0, f"faulthandler dumped the stacks after {timeout['after']}")
        else:  # a fatal error; a hang when rdebug asked for the dump on timeout (see as_hang)
            prob = Problem(kind="python", exception="Fatal Python error", message=fatal["what"], frames=frames,
                           notes=notes, test_id=_frame_test_id(frames))
        prob.raw = raw_text(lines, i, end)
        found.append(Found(i, end, prob))
        i = max(end, i + 1)
    return found


def as_hang(prob: Problem) -> Problem:
    """A dump rdebug requested when the command timed out (SIGABRT) describes a hang, not a crash."""
    if prob.kind == "python" and prob.exception == "Fatal Python error" and prob.message == "Aborted":
        prob.kind, prob.exception = HANG, None
        prob.message = _title(prob.frames)
        prob.notes.insert(0, "the command timed out; rdebug asked Python for its stacks (faulthandler)")
    return prob


def hung_test(output: str) -> str | None:
    """The test another runner names as still running when it timed out (go test, cargo test, pytest -v)."""
    lines = output.splitlines()
    for k, line in enumerate(lines):
        if line.strip() == "running tests:":  # go test -timeout panic (Go 1.20+)
            for nxt in lines[k + 1:k + 5]:
                m = GO_RUNNING_RE.match(nxt)
                if m:
                    return m["name"]
    slow = [m["name"] for m in map(CARGO_SLOW_RE.match, lines) if m]
    if slow:
        return slow[-1]
    for line in reversed(lines[-50:]):
        m = PYTEST_VERBOSE_RE.match(line.strip())
        if m:
            return m["id"]
    return None


# --- reading the source: the loop around the hang, the test's class ---------------------------------

def _tree(path: Path) -> ast.AST | None:
    try:
        if path.stat().st_size > 2_000_000:
            return None
        return ast.parse(path.read_text(errors="replace"))
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None


def _loop_at(tree: ast.AST, line: int) -> str | None:
    best: ast.AST | None = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)) and node.lineno <= line <= (node.end_lineno or 0):
            if best is None or node.lineno >= best.lineno:
                best = node
    if best is None:
        return None
    kind = "while" if isinstance(best, ast.While) else "for"
    return f"inside a {kind} loop (line {best.lineno})"


def _qualified_test(tree: ast.AST, func: str, line: int | None) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == func
                        and (line is None or item.lineno <= line <= (item.end_lineno or line))):
                    return f"{node.name}::{func}"
    return None


def describe(prob: Problem, root: Path) -> None:
    """After path mapping: name the loop the hang is in and the test's full node id (repo-relative)."""
    if prob.kind != HANG or not prob.frames:
        return
    at = _where(prob.frames)
    loop = None
    if at is not None and at.in_repo and at.line:
        tree = _tree(root / at.path)
        loop = _loop_at(tree, at.line) if tree is not None else None
    prob.message = _title(prob.frames, loop)
    test = next((f for f in prob.frames if f.in_repo and _is_test_frame(f)), None)
    if test is not None and (prob.test_id is None or "::" not in prob.test_id or prob.test_id.startswith("/")
                             or prob.test_id.split("::")[0] == (test.raw_path or test.path)):
        tree = _tree(root / test.path)
        qualified = _qualified_test(tree, test.function, test.line) if tree is not None else None
        prob.test_id = f"{test.path}::{qualified or test.function}"
