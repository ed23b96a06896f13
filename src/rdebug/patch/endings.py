"""Line endings: edits work on ``\\n`` text; the written file keeps each line's own ending (CRLF or LF)."""

from __future__ import annotations

import difflib
import re

LINE_RE = re.compile(r"([^\n]*?)(\r\n|\n|$)")


def split_endings(text: str) -> tuple[list[str], list[str]]:
    """Line contents and their endings ("\\r\\n", "\\n" or "" for a last line without one)."""
    contents: list[str] = []
    ends: list[str] = []
    pos = 0
    while pos < len(text):
        m = LINE_RE.match(text, pos)
        assert m is not None
        contents.append(m[1])
        ends.append(m[2])
        pos = m.end()
    return contents, ends


def _dominant(ends: list[str]) -> str:
    return "\r\n" if ends.count("\r\n") > ends.count("\n") else "\n"


def restore_endings(old: str, new: str) -> str:
    """``new`` (``\\n`` newlines, an edit of ``old`` with its CRLFs folded) with ``old``'s endings back.

    Unchanged lines keep their ending byte for byte; a changed or added line takes the ending of the old
    line it replaces, else of the line before it (after it at the top), else the file's usual one.
    """
    if "\r\n" not in old:
        return new
    old_lines, old_ends = split_endings(old)
    new_lines, new_ends = split_endings(new)
    usual = _dominant(old_ends)

    def near(i: int) -> str:
        for k in (i, i - 1, i + 1):
            if 0 <= k < len(old_ends) and old_ends[k]:
                return old_ends[k]
        return usual

    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            if not new_ends[j]:
                end = ""
            elif tag == "equal":
                end = old_ends[i1 + j - j1] or near(i1 + j - j1)
            elif tag == "replace":
                end = near(min(i1 + j - j1, i2 - 1))
            else:  # insert: the line before it
                end = near(i1 - 1) if i1 > 0 else near(0)
            out.append(new_lines[j] + end)
    return "".join(out)
