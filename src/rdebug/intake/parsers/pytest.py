"""pytest output: long/short/line/native ``--tb`` styles, ``E`` lines, summary lines, collection errors."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers import python
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text

SECTION_RE = re.compile(r"^={3,} (?P<title>.+?) ={3,}$")
BLOCK_RE = re.compile(r"^_{3,} (?P<title>.+?) _{3,}$")
SEP_RE = re.compile(r"^(?:_ ){5,}_?$")
LOC_RE = re.compile(r"^(?P<path>(?:[A-Za-z]:)?[^\s:>][^:]*?\.\w+):(?P<line>\d+)(?::(?: (?P<rest>.*))?)?$")
CAPTURED_RE = re.compile(r"^-{3,} Captured .* -{3,}$")
E_RE = re.compile(r"^E(?P<text>\s.*)?$")
SUMMARY_RE = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<id>\S.*?)(?: - (?P<msg>.*))?$")
DEF_RE = re.compile(r"^[> ]\s*(?:async\s+)?def\s+(?P<name>\w+)\s*\(")
SECTIONS = ("FAILURES", "ERRORS")
TITLE_PREFIXES = ("ERROR collecting ", "ERROR at setup of ", "ERROR at teardown of ", "[doctest] ")


def _summaries(lines: list[str]) -> list[tuple[int, str, str]]:
    out = []
    for i, line in enumerate(lines):
        m = SUMMARY_RE.match(line)
        if m and ("::" in m["id"] or m["id"].endswith(".py")):
            out.append((i, m["id"].strip(), (m["msg"] or "").strip()))
    return out


def _match_id(title: str, ids: list[str]) -> str | None:
    name = title
    for prefix in TITLE_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    for cand in ids:
        if cand == name or cand.endswith("::" + name.replace(".", "::")) or cand.endswith("::" + name):
            return cand
    return None


def _split_exception(text: str, fallback: str | None) -> tuple[str | None, str]:
    first, _, rest = text.partition("\n")
    m = python.EXC_RE.match(first.strip())
    if m and m["msg"] is not None and python._looks_like_exception(m["exc"]):
        return m["exc"], (m["msg"].strip() + ("\n" + rest if rest else "")).strip()
    if fallback is None and first.startswith("assert"):
        fallback = "AssertionError"
    return fallback, text


def _e_text(lines: list[str]) -> str:
    return join_message([(m["text"] or "") for m in map(E_RE.match, lines) if m])


def _parse_block(body: list[str]) -> Problem:
    """One failure block in long, short, native or doctest style."""
    body = body[:next((k for k, x in enumerate(body) if CAPTURED_RE.match(x)), len(body))]
    for k, line in enumerate(body):
        if python.TB_HEAD.match(line):
            hits = python.find(body[k:])
            if hits:
                prob = hits[-1].problem
                prob.kind = "pytest"
                return prob
    frames: list[Frame] = []
    chain: list[Problem] = []
    e_lines: list[str] = []
    last_e: list[str] = []
    chunk_start = 0
    loc_rest: str | None = None
    plain: list[str] = []
    for k, line in enumerate(body):
        if SEP_RE.match(line):
            chunk_start = k + 1
            continue
        if line.strip() in (python.CHAIN_CAUSE, python.CHAIN_CONTEXT):
            exc, msg = _split_exception(_e_text(last_e or e_lines), loc_rest)
            chain.append(Problem(kind="pytest", exception=exc, message=msg, frames=frames))
            frames, e_lines, last_e, loc_rest, chunk_start = [], [], [], None, k + 1
            continue
        if E_RE.match(line):
            e_lines.append(line)
            continue
        m = LOC_RE.match(line)
        if m:
            rest = (m["rest"] or "").strip()
            func = rest[3:].strip() if rest.startswith("in ") else None
            if func is None:
                func = next((d["name"] for d in map(DEF_RE.match, body[chunk_start:k]) if d), None)
                loc_rest = rest or None
            frames.append(frame(m["path"], m["line"], func))
            if e_lines:
                last_e, e_lines = e_lines, []
            chunk_start = k + 1
            continue
        plain.append(line)
    e_text = _e_text(last_e or e_lines)
    if not e_text and loc_rest == "DocTestFailure":
        e_text = join_message([x for x in plain if x.strip() and not x[:3].isdigit()])
    if not e_text and not frames:
        e_text = join_message(plain)
    exc, msg = (loc_rest, e_text) if loc_rest == "DocTestFailure" else _split_exception(e_text, loc_rest)
    return Problem(kind="pytest", exception=exc, message=msg, frames=frames, chain=chain)


def _line_style(lines: list[str], start: int, end: int, ids: list[str]) -> list[Found]:
    """``--tb=line``: ``E`` lines then ``/abs/path.py:10: message`` per failure."""
    found: list[Found] = []
    first = start
    for k in range(start, end):
        m = LOC_RE.match(lines[k])
        if not m or E_RE.match(lines[k]):
            continue
        rest = (m["rest"] or "").strip()
        exc, msg = _split_exception(rest, None)
        block = [x for x in lines[first:k] if x.strip()]
        if block and exc == "AssertionError":
            msg = join_message([x[1:] if x.startswith("E") else x for x in block])
        prob = Problem(kind="pytest", exception=exc, message=msg, frames=[frame(m["path"], m["line"])],
                       raw=raw_text(lines, first, k + 1))
        found.append(Found(first, k + 1, prob))
        first = k + 1
    if len(found) == len(ids):
        for f, tid in zip(found, ids):
            f.problem.test_id = tid
    return found


def _from_summary(i: int, tid: str, msg: str) -> Found:
    path, _, rest = tid.partition("::")
    func = rest.split("::")[-1].split("[")[0] or None
    exc, message = _split_exception(msg, None)
    if message.endswith("..."):
        message = message[:-3]
    prob = Problem(kind="pytest", exception=exc, message=message, test_id=tid, raw=tid,
                   frames=[frame(path, None, func)] if path.endswith(".py") else [])
    return Found(i, i + 1, prob)


def find(lines: list[str]) -> list[Found]:
    summaries = _summaries(lines)
    ids = [s[1] for s in summaries]
    found: list[Found] = []
    n = len(lines)
    i = 0
    while i < n:
        m = SECTION_RE.match(lines[i])
        if not m or m["title"] not in SECTIONS:
            i += 1
            continue
        end = i + 1
        while end < n and not SECTION_RE.match(lines[end]):
            end += 1
        heads = [k for k in range(i + 1, end) if BLOCK_RE.match(lines[k])]
        if not heads:
            nxt = next((k for k in range(end, n) if (sm := SECTION_RE.match(lines[k])) and sm["title"] in SECTIONS), n)
            found.extend(_line_style(lines, i + 1, end, [s[1] for s in summaries if end <= s[0] < nxt]))
        for h, head in enumerate(heads):
            stop = heads[h + 1] if h + 1 < len(heads) else end
            title = BLOCK_RE.match(lines[head])["title"]
            prob = _parse_block(lines[head + 1:stop])
            prob.test_id = _match_id(title, ids) or title.removeprefix("ERROR collecting ")
            prob.raw = raw_text(lines, head, stop)
            found.append(Found(head, stop, prob))
        i = end
    if not found:
        found = [_from_summary(*s) for s in summaries]
    return found
