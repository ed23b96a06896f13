"""Shared helpers for trace parsers: ANSI stripping, the ``Found`` span record, small utilities."""

from __future__ import annotations

import re
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
