"""Edits may only touch regular text files inside the repository."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from rdebug.errors import PatchError

BINARY_SNIFF = 8192


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
    if not raw:
        raise UnsafePathError("empty file path")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise UnsafePathError(f"{path}: absolute paths are not allowed; use a path relative to the repository")
    parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"{path}: not a file path")
    if ".." in parts:
        raise UnsafePathError(f"{path}: '..' leads outside the repository")
    if parts[0] == ".git":
        raise UnsafePathError(f"{path}: files inside .git/ are not editable")
    return "/".join(parts)


def check_target(root: Path, path: str) -> Path:
    """The absolute path for repo-relative ``path`` after every safety check (it may not exist yet)."""
    rel = normalize(path)
    root_real = Path(os.path.realpath(root))
    target = root / rel
    real = Path(os.path.realpath(target))
    if real != root_real and root_real not in real.parents:
        raise UnsafePathError(f"{rel}: a symlink leads outside the repository")
    if ".git" in real.relative_to(root_real).parts:
        raise UnsafePathError(f"{rel}: files inside .git/ are not editable")
    if target.is_symlink():
        raise UnsafePathError(f"{rel}: is a symlink; edit the file it points to")
    if target.exists():
        if not target.is_file():
            raise UnsafePathError(f"{rel}: not a regular file")
        with target.open("rb") as fh:
            if is_binary(fh.read(BINARY_SNIFF)):
                raise UnsafePathError(f"{rel}: binary file; only text files can be edited")
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
