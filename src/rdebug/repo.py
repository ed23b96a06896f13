"""Finding the repository root (git top level when inside a git work tree, else the directory)."""

from __future__ import annotations

from pathlib import Path

from rdebug.errors import UsageError


def find_root(start: Path | None = None) -> Path:
    """The git work tree containing ``start`` (default: cwd), else ``start`` itself."""
    start = (start or Path.cwd()).resolve()
    if not start.exists():
        raise UsageError(f"no such directory: {start}")
    if not start.is_dir():
        raise UsageError(f"not a directory: {start}")
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def is_git_repo(root: Path) -> bool:
    return (root / ".git").exists()
