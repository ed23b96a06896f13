"""Patches written into a scratch copy of the working tree (``rdebug.worktree`` makes the copy).

Big or generated folders (``rdebug.worktree.SHARED_DIRS``) are shared with the real tree through symlinks,
read-only: a patch that writes or deletes a file whose path passes through such a link first copies the path
chain into the scratch tree (copy-on-write: the linked folder becomes a real folder of links, down to
the file), so nothing is ever written through a link that leads out of the scratch copy. Tracked
files under a shared folder (a committed ``vendor/``) are real copies.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from rdebug.errors import PatchError
from rdebug.patch.diff import Patch
from rdebug.worktree import ScratchTree


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _unshare(link: Path) -> None:
    """Replace a symlinked folder by a real folder whose entries link to the entries it showed."""
    real = Path(os.path.realpath(link))
    names = os.listdir(real) if real.is_dir() else []
    link.unlink()
    link.mkdir()
    for name in names:
        os.symlink(real / name, link / name, target_is_directory=(real / name).is_dir())


def private_path(dest: Path, rel: str) -> Path:
    """The path of ``rel`` in the scratch copy ``dest``, made safe to write or delete.

    Every folder on the way is a real folder inside ``dest`` afterwards (links leading out are
    copied on write); the file itself is returned as is (it may still be a link: unlink it first).
    """
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise PatchError(f"{rel}: not a path inside the repository")
    top = os.path.realpath(dest)
    cur = dest
    for depth, part in enumerate(parts[:-1], 1):
        nxt = cur / part
        if os.path.islink(nxt) and not _inside(os.path.realpath(nxt), top):
            if os.path.isdir(nxt):
                _unshare(nxt)
            else:  # a dangling link or a link to a file where a folder is needed: scratch only
                nxt.unlink()
        if not os.path.lexists(nxt):
            nxt.mkdir()
        elif not nxt.is_dir():
            raise PatchError(f"{rel}: {PurePosixPath(*parts[:depth])} is not a folder")
        cur = Path(os.path.realpath(nxt))  # inside dest now: links that stay inside are followed
        if not _inside(str(cur), top):
            raise PatchError(f"{rel}: a link leads outside the scratch copy")
    return cur / parts[-1]


def _write_file(target: Path, data: bytes) -> None:
    mode = None
    if target.is_symlink():  # a link (shared or tracked): replaced by a real file, its target untouched
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = None
        target.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o644 if mode is None else mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def write_patch(dest: Path, patch: Patch) -> None:
    """Write ``patch``'s new contents into the scratch copy ``dest`` (no backup: it is scratch).

    Never writes or deletes through a link leading out of ``dest``: shared folders are copied on write.
    """
    for rel, (_old, new) in patch.files.items():
        target = private_path(dest, rel)
        if new is None:
            if target.is_symlink() or target.is_file():
                target.unlink()
            continue
        if target.is_dir() and not target.is_symlink():
            raise PatchError(f"{rel}: is a folder in the scratch copy")
        _write_file(target, new.encode("utf-8"))


class ScratchCopy(ScratchTree):
    """``with ScratchCopy(root, patch) as path:`` — a temporary patched copy, removed afterwards.

    ``workdir``: a private folder beside the copy (outside its tree) for reports and the like.
    """

    def __init__(self, root: Path, patch: Patch | None = None) -> None:
        super().__init__(root)
        self.patch = patch

    def __enter__(self) -> Path:
        path = super().__enter__()
        if self.patch is not None:
            write_patch(path, self.patch)
        return path
