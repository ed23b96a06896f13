"""Unified diffs in a model reply, turned into content edits (hunk line numbers are ignored)."""

from __future__ import annotations

import re

from rdebug.patch.model import Edit

HUNK_RE = re.compile(r"^@@")
FENCE_RE = re.compile(r"^\s*(```+|~~~+)")


def _diff_path(header: str) -> str | None:
    """``--- a/src/x.py\t2024-...`` → ``src/x.py``; ``/dev/null`` → None."""
    name = header[4:].split("\t")[0].strip()
    if name == "/dev/null" or not name:
        return None
    if name.startswith(("a/", "b/")):
        name = name[2:]
    return name


def _hunk(lines: list[str], i: int) -> tuple[list[str], list[str], int]:
    """Old and new lines of the hunk body starting at ``i``; returns the index after it."""
    old: list[str] = []
    new: list[str] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        if FENCE_RE.match(line) or HUNK_RE.match(line) or line.startswith("diff --git"):
            break
        if line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            break
        if line.startswith("\\"):  # "\ No newline at end of file"
            i += 1
            continue
        if line == "" or line.startswith(" "):
            old.append(line[1:])
            new.append(line[1:])
        elif line.startswith("-"):
            old.append(line[1:])
        elif line.startswith("+"):
            new.append(line[1:])
        else:
            break
        i += 1
    while old and new and old[-1] == "" and new[-1] == "":  # trailing blank context is usually an artefact
        old.pop()
        new.pop()
    return old, new, i


def _join(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def parse_unified_diffs(lines: list[str]) -> tuple[list[Edit], list[str]]:
    """Edits for every hunk of every ``---``/``+++`` file section in ``lines``."""
    edits: list[Edit] = []
    problems: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        if not (lines[i].startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ ")):
            i += 1
            continue
        old_path, new_path = _diff_path(lines[i]), _diff_path(lines[i + 1])
        i += 2
        hunks = 0
        while i < n and HUNK_RE.match(lines[i]):
            old, new, i = _hunk(lines, i + 1)
            hunks += 1
            index = len(edits) + 1
            if new_path is None and old_path:
                edits.append(Edit(old_path, "", "", kind="delete", origin="diff", index=index))
            elif old_path is None:
                edits.append(Edit(new_path, "", _join(new), origin="diff", index=index))
            elif not any(line.strip() for line in old):
                problems.append(f"diff hunk {index} for {new_path} has no old lines to locate it; add context lines")
            else:
                edits.append(Edit(new_path, _join(old), _join(new), origin="diff", index=index))
        if hunks == 0:
            problems.append(f"the diff for {new_path or old_path} has no @@ hunks")
    return edits, problems
