"""Patches compared for what they change: whitespace and comment-only lines set aside."""

from __future__ import annotations

import re

_COMMENT = re.compile(r"^\s*(#(?!\s*(include|define|if|else|elif|endif|pragma)\b)|//|/\*)")
_SPACE = re.compile(r"\s+")


def _changed(diff: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a unified diff, whitespace collapsed, comment-only and blank lines dropped."""
    removed: list[str] = []
    added: list[str] = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")) or not line.startswith(("+", "-")):
            continue
        body = line[1:]
        if not body.strip() or _COMMENT.match(body):
            continue
        (added if line[0] == "+" else removed).append(_SPACE.sub(" ", body).strip())
    return removed, added


def normalized_diff(diff: str) -> str:
    """A key equal for two patches that differ only in whitespace or comment lines (file headers kept)."""
    files = [line for line in diff.splitlines() if line.startswith("+++")]
    removed, added = _changed(diff)
    return "\n".join(files + ["-" + r for r in removed] + ["+" + a for a in added])


def only_cosmetic(diff: str) -> bool:
    """True when the patch changes nothing but whitespace and comments (no candidate)."""
    removed, added = _changed(diff)
    return sorted(removed) == sorted(added)
