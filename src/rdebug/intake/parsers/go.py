"""Go panics (``goroutine 1 [running]:`` + ``\\tfile:line +0x..``) and ``go test`` failures."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text, scan

PANIC_RE = re.compile(r"^(?P<kind>panic|fatal error): (?P<msg>.*?)(?: \[recovered\])?$")
GOROUTINE_RE = re.compile(r"^goroutine \d+ \[[^\]]*\]:$")
FUNC_RE = re.compile(r"^(?:created by )?(?P<func>\S.*?)(?:\((?:[^()]|\([^()]*\))*\))?(?: in goroutine \d+)?$")
FILE_RE = re.compile(r"^\s+(?P<path>\S.*?\.(?:go|s|c)):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
FAIL_RE = re.compile(r"^(?P<indent>\s*)--- FAIL: (?P<name>\S+)(?: \([\d.]+s\))?$")
MSG_RE = re.compile(r"^\s+(?P<file>[\w.\-/]+\.go):(?P<line>\d+): (?P<msg>.*)$")
PKG_RE = re.compile(r"^(?:FAIL|ok|---)\s+(?P<pkg>[\w.\-~/]+)\s+(?:[\d.]+s|\[)")
END_RE = re.compile(r"^(?:=== RUN|=== PAUSE|=== CONT|--- (?:FAIL|PASS|SKIP)|FAIL\b|ok\s|PASS$|panic:|exit status)")


def _short(func: str) -> str:
    """``example.com/inv/inventory.Nth`` -> ``inventory.Nth``."""
    return func.rsplit("/", 1)[-1]


def parse_panic(lines: list[str], i: int) -> tuple[Problem, int] | None:
    m = PANIC_RE.match(lines[i])
    if not m:
        return None
    n = len(lines)
    j = i + 1
    while j < n and not GOROUTINE_RE.match(lines[j]) and j - i < 30:
        j += 1
    frames: list[Frame] = []
    end = i + 1
    if j < n and GOROUTINE_RE.match(lines[j]):
        k = j + 1
        while k + 1 < n:
            fm, lm = FUNC_RE.match(lines[k]), FILE_RE.match(lines[k + 1])
            if not (fm and lm) or lines[k].startswith(("\t", " ")):
                break
            path = lm["path"]
            frames.append(frame(path, lm["line"], _short(fm["func"]), external=_is_goroot(path)))
            k += 2
        end = k
    cut = next((x for x in range(len(frames) - 1, -1, -1) if frames[x].function in ("panic", "runtime.gopanic")), None)
    if cut is not None and cut + 1 < len(frames):
        frames = frames[cut + 1:]
    exc = "panic" if m["kind"] == "panic" else "fatal error"
    prob = Problem(kind="go", exception=exc, message=m["msg"].strip(), frames=frames[::-1],
                   raw=raw_text(lines, i, end))
    return prob, end


def _is_goroot(path: str) -> bool:
    return bool(re.search(r"(?:^|/)(?:usr/local/go|usr/lib/go[-\d.]*|go/pkg/mod|goroot)/", path)) or \
        "/src/runtime/" in path or "/src/testing/" in path


def _package_after(lines: list[str], i: int) -> str | None:
    for line in lines[i:]:
        m = PKG_RE.match(line)
        if m and "/" in m["pkg"] or m and "." in m["pkg"]:
            return m["pkg"]
    return None


def _go_test(lines: list[str], i: int) -> Found | None:
    """A ``--- FAIL: TestX`` block at line ``i`` (its ``go test -v`` messages may come before it)."""
    m = FAIL_RE.match(lines[i])
    if not m:
        return None
    n = len(lines)
    name = m["name"]
    start = i
    msgs: list[tuple[str, str, list[str]]] = []
    k = i + 1
    # go test -v prints messages before "--- FAIL"; plain go test prints them after.
    back = i - 1
    while back >= 0 and (MSG_RE.match(lines[back]) or lines[back].startswith("        ")):
        back -= 1
    before = lines[back + 1:i] if back >= 0 and lines[back].strip() == f"=== RUN   {name}" else []
    after = []
    while k < n and not END_RE.match(lines[k].lstrip()) and not FAIL_RE.match(lines[k]):
        after.append(lines[k])
        k += 1
    for chunk in (before, after):
        for x in chunk:
            mm = MSG_RE.match(x)
            if mm:
                msgs.append((mm["file"], mm["line"], [mm["msg"]]))
            elif msgs and x.strip():
                msgs[-1][2].append(x)
    if before:
        start = back + 1
    pkg = _package_after(lines, k)
    panic = parse_panic(lines, k) if k < n else None
    if panic:
        prob, k = panic
    elif msgs:
        message = "\n".join(join_message(text) for _, _, text in msgs)
        frames = [frame(f"{pkg}/{f}" if pkg and "/" not in f else f, ln, name) for f, ln, _ in msgs[:1]]
        for fr in frames:
            fr.raw_path = msgs[0][0]
        prob = Problem(kind="go", message=message, frames=frames)
    else:
        return None
    prob.test_id = name
    prob.raw = raw_text(lines, start, k)
    return Found(start, k, prob)


def find(lines: list[str]) -> list[Found]:
    found = scan(lines, _go_test)
    return found + scan(lines, parse_panic, head=lambda line: line.startswith(("panic:", "fatal error:")),
                        claimed=[(f.start, f.end) for f in found])
