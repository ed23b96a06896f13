"""What a case's ``solution.patch`` changes: the functions (path, short name) whose lines it edits, to score
where the model looked against where the fix is."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rdebug.evaluation.cases import Case
from rdebug.patch.syntax import definitions

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def changed_old_lines(diff: str) -> dict[str, set[int]]:
    """Per file (``a/`` side), the 1-based old lines a unified diff removes or inserts beside."""
    out: dict[str, set[int]] = {}
    path, line = None, 0
    for text in diff.splitlines():
        if text.startswith("--- "):
            name = text[4:].strip()
            path = name[2:] if name.startswith("a/") else name
        elif (m := HUNK.match(text)) and path is not None:
            line = int(m.group(1))
        elif path is None or text.startswith("+++"):
            continue
        elif text.startswith("-"):
            out.setdefault(path, set()).add(line)
            line += 1
        elif text.startswith("+"):
            out.setdefault(path, set()).update({max(1, line - 1), line})
        elif text.startswith(" "):
            line += 1
    return out


@lru_cache(maxsize=None)
def _functions(case_dir: Path) -> frozenset[tuple[str, str]]:
    try:
        diff = (case_dir / "solution.patch").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    found: set[tuple[str, str]] = set()
    for path, lines in changed_old_lines(diff).items():
        try:
            text = (case_dir / "repo" / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for d in definitions(path, text):
            if any(d.start_line < n <= d.end_line + 1 for n in lines):
                found.add((path, d.name.rsplit(".", 1)[-1]))
    return frozenset(found)


def solution_functions(case: Case) -> set[tuple[str, str]]:
    return set(_functions(case.dir))
