"""A scratch copy of the working tree (tracked + uncommitted + untracked non-ignored files).

Big or generated folders (``SHARED_DIRS``) are shared with the real tree through symlinks, read-only:
a patch that writes or deletes a file whose path passes through such a link first copies the path
chain into the scratch tree (copy-on-write: the linked folder becomes a real folder of links, down to
the file), so nothing is ever written through a link that leads out of the scratch copy. Tracked
files under a shared folder (a committed ``vendor/``) are real copies.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath

from rdebug.errors import PatchError
from rdebug.patch.diff import Patch

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


def _walk_files(root: Path) -> list[str]:
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
    files, tracked = listed if listed is not None else (_walk_files(root), set())
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


class ScratchCopy:
    """``with ScratchCopy(root, patch) as path:`` — a temporary patched copy, removed afterwards.

    ``workdir``: a private folder beside the copy (outside its tree) for reports and the like.
    """

    def __init__(self, root: Path, patch: Patch | None = None) -> None:
        self.root = root
        self.patch = patch
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.workdir: Path | None = None

    def __enter__(self) -> Path:
        self._tmp = tempfile.TemporaryDirectory(prefix="rdebug-verify-", ignore_cleanup_errors=True)
        path = Path(self._tmp.name) / self.root.name
        path.mkdir()
        self.workdir = Path(tempfile.mkdtemp(prefix="work-", dir=self._tmp.name))
        copy_tree(self.root, path)
        if self.patch is not None:
            write_patch(path, self.patch)
        return path

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
