"""A patch as whole-file contents plus the real unified diff made from them."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from rdebug.patch.syntax import first_error_line

INDENT_SENSITIVE = {".py", ".pyi", ".yaml", ".yml"}


def sha256_text(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


@dataclass
class Patch:
    """``files``: repo-relative path -> (old text or None when created, new text or None when deleted)."""

    files: dict[str, tuple[str | None, str | None]]
    diff: str = ""
    modes: dict[str, int] = field(default_factory=dict)  # git modes of existing files (0o100644 default)

    @property
    def paths(self) -> list[str]:
        return sorted(self.files)

    @property
    def changed_lines(self) -> int:
        return sum(1 for ln in self.diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---")))

    @property
    def growth(self) -> int:
        """Characters the patch adds less those it removes (negative: it removes code)."""
        lines = [ln for ln in self.diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
        return sum(len(ln) - 1 if ln[0] == "+" else 1 - len(ln) for ln in lines)

    def to_json(self) -> dict:
        return {"files": self.paths, "diff": self.diff}


def _lines(text: str | None) -> list[str]:
    return [] if text is None else text.splitlines(keepends=True)


def _mark_eof(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        out.append(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n")
    return out


def unified_diff(files: dict[str, tuple[str | None, str | None]], modes: dict[str, int] | None = None) -> str:
    """A git-style unified diff (``a/``/``b/`` prefixes, new/deleted file headers) of whole contents."""
    modes = modes or {}
    chunks: list[str] = []
    for path in sorted(files):
        old, new = files[path]
        if old == new:
            continue
        mode = f"{modes.get(path, 0o100644):o}"
        head = [f"diff --git a/{path} b/{path}\n"]
        if old is None:
            head.append(f"new file mode {mode}\n")
        elif new is None:
            head.append(f"deleted file mode {mode}\n")
        body = list(difflib.unified_diff(
            _lines(old), _lines(new),
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if new is None else f"b/{path}",
            n=3,
        ))
        chunks.append("".join(head + _mark_eof(body)))
    return "".join(chunks)


def make_patch(files: dict[str, tuple[str | None, str | None]], modes: dict[str, int] | None = None) -> Patch:
    changed = {p: v for p, v in files.items() if v[0] != v[1]}
    return Patch(changed, unified_diff(changed, modes), dict(modes or {}))


def _significant(path: str, text: str | None) -> list[str]:
    keep_indent = PurePosixPath(path).suffix.lower() in INDENT_SENSITIVE
    lines = [ln.rstrip() for ln in (text or "").splitlines() if ln.strip()]
    return lines if keep_indent else [ln.lstrip() for ln in lines]


def validate_patch(patch: Patch) -> list[str]:
    """Problems that make the patch unusable: empty, whitespace-only, or breaking a file's syntax."""
    if not patch.files or not patch.diff:
        return ["the edits change nothing; the fix must modify the code"]
    problems: list[str] = []
    if all(old is not None and new is not None and _significant(p, old) == _significant(p, new)
           for p, (old, new) in patch.files.items()):
        problems.append("the edits only change whitespace; the fix must change the code")
    for path, (old, new) in sorted(patch.files.items()):
        if new is None:
            continue
        line = first_error_line(path, new)
        if line is not None and (old is None or first_error_line(path, old) is None):
            excerpt = new.splitlines()[line - 1].strip() if 0 < line <= len(new.splitlines()) else ""
            problems.append(f"after the edits {path} no longer parses (syntax error near line {line}: {excerpt!r})")
    return problems


def file_hashes(root: Path, paths: Iterable[str]) -> dict[str, str | None]:
    """sha256 of each repo file now (None when absent); pseudo paths like ``git:log`` are skipped."""
    out: dict[str, str | None] = {}
    for rel in paths:
        if rel in out or ":" in rel:
            continue
        target = root / rel
        try:
            out[rel] = sha256_bytes(target.read_bytes()) if target.is_file() else None
        except OSError:
            continue
    return out
