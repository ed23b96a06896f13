"""Shared helpers for trace parsers: ANSI stripping, the ``Found`` span record, the line scan, small utilities."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdebug.intake.model import Frame, Problem

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
MAX_LINE = 4000  # longer lines are cut before matching, so regexes stay linear on garbage input


@dataclass
class Found:
    """A problem and the line span [start, end) of the text it came from."""

    start: int
    end: int
    problem: Problem


# what a parser makes of the text at line ``i``: a block over [i, end), a block with its own span, or nothing
Hit = Found | tuple[Problem, int] | None


def scan(lines: list[str], parse: Callable[[list[str], int], Hit], *, head: Callable[[str], object] | None = None,
         claimed: Sequence[tuple[int, int]] = (), jump: bool = False) -> list[Found]:
    """The blocks ``parse(lines, i)`` finds, in line order, trying each line ``i`` that ``head`` accepts (every
    line without ``head``) and that lies in none of the ``claimed`` spans [start, end). ``parse`` returns
    ``(problem, end)`` for a block over [i, end), a ``Found`` for a block with its own span, or None. With
    ``jump``, the scan goes on after a block's end (its lines are not tried again)."""
    found: list[Found] = []
    i, n = 0, len(lines)
    while i < n:
        if (head is None or head(lines[i])) and not any(a <= i < b for a, b in claimed):
            hit = parse(lines, i)
            if hit is not None:
                if not isinstance(hit, Found):
                    hit = Found(i, hit[1], hit[0])
                found.append(hit)
                if jump:
                    i = max(hit.end, i + 1)
                    continue
        i += 1
    return found


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)


def split_lines(text: str) -> list[str]:
    """Normalise newlines and cut very long lines."""
    text = strip_ansi(text).replace("\r\n", "\n").replace("\r", "\n")
    return [line[:MAX_LINE].rstrip() for line in text.split("\n")]


def to_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def raw_text(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start:end]).strip("\n")


def frame(path: str, line: str | int | None = None, function: str | None = None,
          column: str | int | None = None, external: bool = False) -> Frame:
    """A frame as printed; ``raw_path`` keeps the printed path for the path mapper."""
    ln = line if isinstance(line, int) or line is None else to_int(line)
    col = column if isinstance(column, int) or column is None else to_int(column)
    return Frame(path=path, line=ln, function=function or None, column=col, raw_path=path, external=external)


def dedent_block(lines: list[str]) -> list[str]:
    """Remove the common leading whitespace of non-blank lines."""
    widths = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
    cut = min(widths) if widths else 0
    return [x[cut:] for x in lines]


def join_message(lines: list[str]) -> str:
    return "\n".join(dedent_block(lines)).strip()
