"""The working tree's files (tracked + uncommitted + untracked non-ignored) and a scratch copy of them.

Big or generated folders (``SHARED_DIRS``) are shared with the real tree through symlinks rather than copied;
tracked files under a shared folder (a committed ``vendor/``) are real copies. Writing a patch into a copy
without writing through those links is ``rdebug.patch.scratch``'s work.

A low module (standard library and GitPython only): the facts stages and the patch verifier both use it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# big or generated folders: shared (linked) with the real tree when present at the root, never copied
SHARED_DIRS = ("node_modules", ".venv", "venv", "env", "target", "vendor")
LINKED_DIRS = SHARED_DIRS  # the older name
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox",
                ".nox", "build", "dist", ".idea", ".vscode", *SHARED_DIRS}


def _git_files(root: Path) -> tuple[list[str], set[str]] | None:
    """(tracked + untracked non-ignored files, the tracked ones), or None outside a usable repository."""
    if not (root / ".git").exists():
        return None
    try:
        import git

        with git.Repo(root) as repo:
            tracked = repo.git.ls_files("-c", "-z")
            others = repo.git.ls_files("-o", "--exclude-standard", "-z")
    except Exception:  # not a usable repository (or git missing): fall back to a walk
        return None
    tracked_set = {p for p in tracked.split("\0") if p}
    return sorted(tracked_set | {p for p in others.split("\0") if p}), tracked_set


def walk_files(root: Path) -> list[str]:
    """Every file under ``root`` (repository-relative posix paths), ``SKIPPED_DIRS`` and ``*.egg-info`` left
    out: the listing used outside git."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        rel = Path(dirpath).relative_to(root)
        out.extend((rel / name).as_posix() for name in filenames)
    return out


def _link_missing(src: Path, dest: Path) -> None:
    """Link every entry of ``src`` that ``dest`` (a real folder) lacks; recurse into real sub-folders."""
    try:
        names = os.listdir(src)
    except OSError:
        return
    for name in names:
        d, s = dest / name, src / name
        if not os.path.lexists(d):
            os.symlink(s, d, target_is_directory=s.is_dir())
        elif d.is_dir() and not d.is_symlink() and s.is_dir() and not s.is_symlink():
            _link_missing(s, d)


def copy_tree(root: Path, dest: Path) -> int:
    """Copy the working tree into ``dest``; returns the number of files copied.

    Shared folders are linked, except their tracked files, which are copied (the rest of such a
    folder is linked entry by entry around them).
    """
    listed = _git_files(root)
    files, tracked = listed if listed is not None else (walk_files(root), set())
    count = 0
    for rel in files:
        if rel.split("/", 1)[0] in SHARED_DIRS and rel not in tracked:
            continue
        src = root / rel
        if not os.path.lexists(src) or (src.is_dir() and not src.is_symlink()):
            continue  # deleted in the working tree, or a submodule folder
        if not src.is_symlink() and not src.is_file():
            continue  # a FIFO, socket or device: copying it would block or fail
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)
        count += 1
    for name in SHARED_DIRS:
        src = root / name
        if not src.is_dir():
            continue
        if not os.path.lexists(dest / name):
            os.symlink(src, dest / name, target_is_directory=True)
        elif (dest / name).is_dir() and not (dest / name).is_symlink():
            _link_missing(src, dest / name)
    return count


class ScratchTree:
    """``with ScratchTree(root) as path:`` — a temporary copy of the working tree, removed afterwards.

    ``workdir``: a private folder beside the copy (outside its tree) for reports and the like.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.workdir: Path | None = None

    def __enter__(self) -> Path:
        self._tmp = tempfile.TemporaryDirectory(prefix="rdebug-verify-", ignore_cleanup_errors=True)
        path = Path(self._tmp.name) / self.root.name
        path.mkdir()
        self.workdir = Path(tempfile.mkdtemp(prefix="work-", dir=self._tmp.name))
        copy_tree(self.root, path)
        return path

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
