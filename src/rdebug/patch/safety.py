"""Edits may only touch regular text files inside the repository."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from rdebug.errors import PatchError

BINARY_SNIFF = 8192
NAME_MAX = 255  # bytes in one path component (Linux, macOS)
PATH_MAX = 4000  # bytes in a repo-relative path (the system's limit is 4096 for the whole path)
SHOWN_PATH = 80  # characters of a path quoted in a message


def short_path(path: str, limit: int = SHOWN_PATH) -> str:
    """``path`` for a one-line message: the middle elided when long, control characters escaped."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]}"


class UnsafePathError(PatchError):
    """The edit targets something rdebug must not write."""


def is_binary(data: bytes) -> bool:
    head = data[:BINARY_SNIFF]
    if b"\0" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 4  # a multi-byte char cut at the sniff boundary is fine
    return False


def normalize(path: str) -> str:
    """Repo-relative posix form of a model-written path (``./a.py`` → ``a.py``); raises on escapes."""
    raw = path.strip().replace("\\", "/")
    shown = short_path(path.strip())
    if not raw:
        raise UnsafePathError("empty file path")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise UnsafePathError(f"{shown}: a file path cannot hold control characters")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise UnsafePathError(f"{shown}: absolute paths are not allowed; use a path relative to the repository")
    parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"{shown}: not a file path")
    if ".." in parts:
        raise UnsafePathError(f"{shown}: '..' leads outside the repository")
    if parts[0] == ".git":
        raise UnsafePathError(f"{shown}: files inside .git/ are not editable")
    try:
        sizes = [len(p.encode("utf-8")) for p in parts]
    except UnicodeEncodeError:
        raise UnsafePathError(f"{shown}: not a valid file name") from None
    if max(sizes) > NAME_MAX:
        raise UnsafePathError(f"{shown}: a file name longer than {NAME_MAX} bytes")
    if sum(sizes) + len(sizes) > PATH_MAX:
        raise UnsafePathError(f"{shown}: a path longer than {PATH_MAX} bytes ({len(parts)} levels)")
    return "/".join(parts)


def check_target(root: Path, path: str) -> Path:
    """The absolute path for repo-relative ``path`` after every safety check (it may not exist yet)."""
    rel = normalize(path)
    shown = short_path(rel)
    try:
        return _checked(root, rel, shown)
    except OSError as exc:  # too long for this file system, a loop of links, no permission...
        raise UnsafePathError(f"{shown}: cannot be used ({exc.strerror or type(exc).__name__})") from None


def _checked(root: Path, rel: str, shown: str) -> Path:
    root_real = Path(os.path.realpath(root))
    target = root / rel
    real = Path(os.path.realpath(target))
    if real != root_real and root_real not in real.parents:
        raise UnsafePathError(f"{shown}: a symlink leads outside the repository")
    if ".git" in real.relative_to(root_real).parts:
        raise UnsafePathError(f"{shown}: files inside .git/ are not editable")
    if target.is_symlink():
        raise UnsafePathError(f"{shown}: is a symlink; edit the file it points to")
    if target.exists():
        if not target.is_file():
            raise UnsafePathError(f"{shown}: not a regular file")
        with target.open("rb") as fh:
            if is_binary(fh.read(BINARY_SNIFF)):
                raise UnsafePathError(f"{shown}: binary file; only text files can be edited")
    return target


def check_repo_state(root: Path) -> None:
    """Refuse to write while git is in the middle of a merge, rebase, cherry-pick or revert."""
    git_dir = root / ".git"
    if git_dir.is_file():  # worktree / submodule: "gitdir: <path>"
        text = git_dir.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            git_dir = (root / text[len("gitdir:"):].strip()).resolve()
    if not git_dir.is_dir():
        return
    states = {
        "MERGE_HEAD": "a merge", "rebase-merge": "a rebase", "rebase-apply": "a rebase or git am",
        "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert",
    }
    for name, what in states.items():
        if (git_dir / name).exists():
            raise PatchError(f"the repository is in the middle of {what}; finish or abort it first")
