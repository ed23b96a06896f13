"""A scratch copy of the working tree (tracked + uncommitted + untracked non-ignored files)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from rdebug.patch.diff import Patch

# big or generated folders: linked into the scratch copy when present at the root, never copied
LINKED_DIRS = ("node_modules", ".venv", "venv", "env", "target", "vendor")
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox",
                ".nox", "build", "dist", ".idea", ".vscode", *LINKED_DIRS}


def _git_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    try:
        import git

        with git.Repo(root) as repo:
            out = repo.git.ls_files("-co", "--exclude-standard", "-z")
    except Exception:  # not a usable repository (or git missing): fall back to a walk
        return None
    return [p for p in out.split("\0") if p]


def _walk_files(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        rel = Path(dirpath).relative_to(root)
        out.extend((rel / name).as_posix() for name in filenames)
    return out


def copy_tree(root: Path, dest: Path) -> int:
    """Copy the working tree into ``dest``; returns the number of files copied."""
    files = _git_files(root)
    if files is None:
        files = _walk_files(root)
    count = 0
    for rel in files:
        if rel.split("/", 1)[0] in LINKED_DIRS:
            continue
        src = root / rel
        if not os.path.lexists(src) or src.is_dir():
            continue  # deleted in the working tree, or a submodule folder
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)
        count += 1
    for name in LINKED_DIRS:
        src = root / name
        if src.is_dir() and not os.path.lexists(dest / name):
            os.symlink(src, dest / name, target_is_directory=True)
    return count


def write_patch(dest: Path, patch: Patch) -> None:
    """Write ``patch``'s new contents into the scratch copy (no backup, no checks: it is scratch)."""
    for rel, (_old, new) in patch.files.items():
        target = dest / rel
        if new is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(new.encode("utf-8"))


class ScratchCopy:
    """``with ScratchCopy(root, patch) as path:`` — a temporary patched copy, removed afterwards."""

    def __init__(self, root: Path, patch: Patch | None = None) -> None:
        self.root = root
        self.patch = patch
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Path:
        self._tmp = tempfile.TemporaryDirectory(prefix="rdebug-verify-", ignore_cleanup_errors=True)
        path = Path(self._tmp.name) / self.root.name
        path.mkdir()
        copy_tree(self.root, path)
        if self.patch is not None:
            write_patch(path, self.patch)
        return path

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
