"""JavaScript test runners: Jest ``●`` blocks, Mocha ``N failing`` blocks, ``node --test`` (TAP and spec)."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers import node
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text, scan

JEST_HEAD_RE = re.compile(r"^\s*● (?P<title>.+)$")
JEST_FILE_RE = re.compile(r"^\s*FAIL (?P<path>\S+)")
JEST_END_RE = re.compile(r"^\s*(?:Test Suites:|Tests:|(?:PASS|FAIL) \S)")
CODE_FRAME_RE = re.compile(r"^\s*(?P<mark>>)?\s*(?P<line>\d+)? \|")
MOCHA_FAILING_RE = re.compile(r"^\s*\d+ failing\s*$")
MOCHA_HEAD_RE = re.compile(r"^\s*(?P<num>\d+)\) (?P<title>.+)$")
TAP_NOT_OK_RE = re.compile(r"^\s*not ok \d+ - (?P<name>.+?)(?: # .*)?$")
TAP_FIELD_RE = re.compile(r"^(?P<indent>\s*)(?P<key>\w+):\s?(?P<value>.*)$")
SPEC_FAIL_RE = re.compile(r"^\s*✖ (?P<name>.+?) \([\d.]+m?s\)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _message_problem(body: list[str], kind: str) -> tuple[Problem, int | None]:
    """Error message lines, an optional code frame (its ``>`` line number is returned), ``at`` lines."""
    msg: list[str] = []
    code_line = None
    for line in body:
        cm = CODE_FRAME_RE.match(line)
        if cm:
            if cm["mark"] and cm["line"]:
                code_line = int(cm["line"])
            continue
        if node.at_frame(line)[0]:
            break
        if code_line is None:
            msg.append(line)
    frames = [f for f in (node.at_frame(x)[1] for x in body) if f][::-1]
    text = join_message(msg)
    first = text.partition("\n")[0]
    hm = node.HEAD_RE.match(first)
    exc = None
    if hm:
        exc = hm["exc"]
        text = join_message([hm["msg"] or ""] + text.split("\n")[1:])
    elif first.startswith("expect("):
        exc = "AssertionError"
    return Problem(kind=kind, exception=exc, message=text, frames=frames), code_line


def _stack_end(lines: list[str], start: int, limit: int) -> int:
    """The line after the first run of ``at`` lines in [start, limit); ``limit`` when there is none."""
    k = start
    while k < limit and not node.at_frame(lines[k])[0]:
        k += 1
    if k == limit:
        return limit
    while k < limit and node.at_frame(lines[k])[0]:
        k += 1
    return k


def _jest(lines: list[str], h: int) -> tuple[Problem, int] | None:
    """A Jest ``● title`` block at line ``h``."""
    hm = JEST_HEAD_RE.match(lines[h])
    if not hm:
        return None
    title = hm["title"].strip()
    if title.startswith("Console"):
        return None
    end = h + 1
    while end < len(lines) and not JEST_HEAD_RE.match(lines[end]) and not JEST_END_RE.match(lines[end]):
        end += 1
    end = _stack_end(lines, h + 1, end)
    prob, code_line = _message_problem(lines[h + 1:end], "jest")
    test_file = next((m["path"] for m in map(JEST_FILE_RE.match, reversed(lines[:h])) if m), None)
    if test_file and not prob.frames:
        prob.frames = [frame(test_file, code_line)]
    prob.test_id = title.replace(" › ", " > ")
    prob.raw = raw_text(lines, h, end)
    return prob, end


def _mocha(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    start = next((i for i, x in enumerate(lines) if MOCHA_FAILING_RE.match(x)), None)
    if start is None:
        return found
    heads = [i for i in range(start + 1, len(lines)) if MOCHA_HEAD_RE.match(lines[i])]
    for idx, h in enumerate(heads):
        end = _stack_end(lines, h + 1, heads[idx + 1] if idx + 1 < len(heads) else len(lines))
        parts = [MOCHA_HEAD_RE.match(lines[h])["title"].strip()]
        k = h + 1
        if not parts[0].endswith(":"):
            while k < end and lines[k].strip() and not lines[k].strip().endswith(":"):
                parts.append(lines[k].strip())
                k += 1
            if k < end and lines[k].strip():
                parts.append(lines[k].strip())
                k += 1
        prob, _ = _message_problem(lines[k:end], "mocha")
        prob.test_id = " ".join(parts).rstrip(":")
        prob.raw = raw_text(lines, h, end)
        found.append(Found(h, end, prob))
    return found


def _tap_stack(lines: list[str]) -> list[Frame]:
    frames = []
    for line in lines:
        m = node.TAP_STACK_RE.match(line)
        if m:
            fr = node.parse_location(m["func"], m["loc"] or m["bare"] or "")
            if fr:
                frames.append(fr)
    return frames[::-1]


def _tap(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A ``node --test`` TAP ``not ok`` entry at line ``i`` with its YAML block (``---`` .. ``...``)."""
    n = len(lines)
    m = TAP_NOT_OK_RE.match(lines[i])
    if not m or i + 1 >= n or lines[i + 1].strip() != "---":
        return None
    end = i + 2
    while end < n and lines[end].strip() != "...":
        end += 1
    fields: dict[str, list[str]] = {}
    key = None
    yaml_indent = len(lines[i + 1]) - len(lines[i + 1].lstrip())
    for x in lines[i + 2:end]:
        fm = TAP_FIELD_RE.match(x)
        if fm and len(fm["indent"]) == yaml_indent:
            key = fm["key"]
            fields[key] = [fm["value"]]
        elif key:
            fields[key].append(x)
    if _unquote((fields.get("failureType") or [""])[0]) == "subtestsFailed":
        return None
    err = fields.get("error", [""])
    message = join_message(err[1:]) if err[0].strip() in ("|-", "|", ">-") else _unquote(err[0])
    frames = _tap_stack(fields.get("stack", [])[1:])
    loc = _unquote((fields.get("location") or [""])[0])
    if not frames and loc:
        fr = node.parse_location("test", loc)
        frames = [fr] if fr else []
    exc = _unquote((fields.get("name") or [""])[0]) or None
    prob = Problem(kind="node", exception=exc, message=message, frames=frames, test_id=m["name"],
                   raw=raw_text(lines, i, end + 1))
    return prob, min(end + 1, n)


def _spec(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A ``node --test`` spec reporter ``✖ name (1.2ms)`` failure at line ``i``."""
    n = len(lines)
    line = lines[i]
    m = SPEC_FAIL_RE.match(line)
    if not m:
        return None
    indent = len(line) - len(line.lstrip())
    end = i + 1
    while end < n and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        if not lines[end].strip() and (end + 1 >= n or not lines[end + 1].startswith(" " * (indent + 1))):
            break
        end += 1
    res = node.stack_problem(lines[:end], i + 1)
    if res:
        prob = res[0]
    else:
        prob = Problem(kind="node", message=join_message(lines[i + 1:end]))
    prob.test_id = m["name"]
    prob.raw = raw_text(lines, i, end)
    return prob, end


def find(lines: list[str]) -> list[Found]:
    return scan(lines, _jest) + _mocha(lines) + scan(lines, _tap) + scan(lines, _spec)
