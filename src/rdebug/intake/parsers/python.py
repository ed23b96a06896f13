"""Python tracebacks: chained exceptions, SyntaxError carets, ``<frozen>``/``<string>`` frames, doctest."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text, scan

TB_HEAD = re.compile(r"^\s*(?:Exception Group )?Traceback \(most recent call last\):\s*$")
GROUP_BOX_RE = re.compile(r"^\s*(?:\+-[-+ \d]*$|(?:[|+] ?)+)")
FRAME_RE = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?\s*$')
EXC_RE = re.compile(r"^(?P<exc>[A-Za-z_][\w.]*)(?::\s?(?P<msg>.*))?$")
CHAIN_CAUSE = "The above exception was the direct cause of the following exception:"
CHAIN_CONTEXT = "During handling of the above exception, another exception occurred:"
SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")
DOCTEST_SEP = re.compile(r"^\*{20,}$")


def _looks_like_exception(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper()


def _exception_line(text: str) -> bool:
    m = EXC_RE.match(text)
    return bool(m) and _looks_like_exception(m["exc"])


def _stray(lines: list[str], j: int) -> bool:
    """Line ``j`` is no exception and frames go on right after it: a line cut where a huge output was
    shortened (its middle dropped), so the exception is still to come."""
    return not _exception_line(lines[j].strip()) and any(FRAME_RE.match(x) for x in lines[j + 1:j + 3])


def parse_traceback(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """Parse one traceback starting at the ``Traceback`` line ``i``; return it and the next line index."""
    n = len(lines)
    frames: list[Frame] = []
    j = i + 1
    base_indent = len(lines[i]) - len(lines[i].lstrip())
    while j < n:
        line = lines[j]
        m = FRAME_RE.match(line)
        if m:
            frames.append(frame(m["path"], m["line"], (m["func"] or "").strip() or None))
            j += 1
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            j += 1
            if j < n and (FRAME_RE.match(lines[j]) or (frames and _stray(lines, j))):
                continue
            break
        if indent > base_indent or stripped.startswith(("^", "~", "...")) or stripped.startswith("[Previous line"):
            j += 1
            continue
        if frames and _stray(lines, j):
            j += 1
            continue
        break
    if j >= n:
        return (Problem(kind="python", frames=frames, raw=raw_text(lines, i, n)), n) if frames else None
    head = lines[j].strip()
    m = EXC_RE.match(head)
    if not m or not _looks_like_exception(m["exc"]):
        if not frames:
            return None
        return Problem(kind="python", frames=frames, message=head, raw=raw_text(lines, i, j + 1)), j + 1
    exc, msg_lines = m["exc"], [m["msg"] or ""]
    k = j + 1
    while k < n and k - j < 40:
        nxt = lines[k]
        if not nxt.strip() or TB_HEAD.match(nxt) or nxt.strip() in (CHAIN_CAUSE, CHAIN_CONTEXT):
            break
        if FRAME_RE.match(nxt) or nxt.startswith(("FAILED ", "ERROR ", "=====", "_____", "-----")):
            break
        msg_lines.append(nxt)
        k += 1
    message = join_message(msg_lines) if len(msg_lines) > 1 else msg_lines[0].strip()
    return Problem(kind="python", exception=exc, message=message, frames=frames, raw=raw_text(lines, i, k)), k


def _syntax_error(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """``File "x", line 2`` without a Traceback header, then source, caret and ``SyntaxError: ...``."""
    m = FRAME_RE.match(lines[i])
    if not m or m["func"]:
        return None
    for k in range(i + 1, min(i + 6, len(lines))):
        em = EXC_RE.match(lines[k].strip())
        if em and em["exc"] in SYNTAX_ERRORS:
            prob = Problem(kind="python", exception=em["exc"], message=(em["msg"] or "").strip(),
                           frames=[frame(m["path"], m["line"])], raw=raw_text(lines, i, k + 1))
            return prob, k + 1
    return None


def _doctest(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A doctest failure block: ``***``, ``File "x", line N, in name``, ``Failed example:`` ..."""
    if i + 2 >= len(lines):
        return None
    m = FRAME_RE.match(lines[i + 1])
    if not m or not lines[i + 2].startswith("Failed example:"):
        return None
    k = i + 3
    while k < len(lines) and not DOCTEST_SEP.match(lines[k]):
        k += 1
    body = lines[i + 3:k]
    message = "\n".join(x for x in lines[i + 2:k] if x.strip()).strip()
    exc = "DocTestFailure"
    if any(x.startswith("Exception raised:") for x in body):
        last = next((x.strip() for x in reversed(body) if x.strip()), "")
        em = EXC_RE.match(last)
        if em and _looks_like_exception(em["exc"]):
            exc = em["exc"]
    prob = Problem(kind="python", exception=exc, message=message,
                   frames=[frame(m["path"], m["line"], m["func"])], raw=raw_text(lines, i, k))
    return prob, k


def _unbox_groups(lines: list[str]) -> list[str]:
    """Drop the ``  | `` / ``+-+---`` drawing of exception-group tracebacks, keeping line numbers."""
    if not any("Exception Group Traceback" in x for x in lines):
        return lines
    return [GROUP_BOX_RE.sub("", x) if x.lstrip()[:1] in ("|", "+") else x for x in lines]


def _block(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A traceback (chained ones not folded yet), a doctest failure or a bare SyntaxError at line ``i``."""
    line = lines[i]
    if TB_HEAD.match(line) and (res := parse_traceback(lines, i)):
        return res
    if DOCTEST_SEP.match(line) and (res := _doctest(lines, i)):
        return res
    return _syntax_error(lines, i) if FRAME_RE.match(line) else None


def _chain_line(lines: list[str], end: int) -> int | None:
    """The index of a chain line (``The above exception ...``, ``During handling ...``) that follows line ``end``
    after blank lines only; None when the next line with text is something else."""
    j = end
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j if j < len(lines) and lines[j].strip() in (CHAIN_CAUSE, CHAIN_CONTEXT) else None


def find(lines: list[str]) -> list[Found]:
    """Every Python traceback (chains folded into the last exception), SyntaxError and doctest failure."""
    lines = _unbox_groups(lines)
    found: list[Found] = []
    pending: list[Found] = []  # chained tracebacks so far, the last one followed by a chain line
    chain_at = 0  # that chain line
    for hit in scan(lines, _block, jump=True):
        if not TB_HEAD.match(lines[hit.start]):  # a doctest failure or a SyntaxError
            found.append(hit)
            continue
        if not pending or any(x.strip() for x in lines[chain_at + 1:hit.start]):
            pending = []  # no chain line right before it: a new chain (one left unfinished is dropped)
        pending.append(hit)
        nxt = _chain_line(lines, hit.end)
        if nxt is not None:
            chain_at = nxt
            continue
        last = hit.problem
        last.chain = [f.problem for f in pending[:-1]]
        if last.chain:
            last.raw = raw_text(lines, pending[0].start, hit.end)
        found.append(Found(pending[0].start, hit.end, last))
        pending = []
    return found
