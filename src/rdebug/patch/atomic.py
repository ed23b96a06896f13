"""Replace several files all or nothing: every new content goes to a temp file first, then renames.

A failure at any step puts back the files already replaced (from their bytes kept in memory) and leaves
no temp file behind.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass
class FileWrite:
    """One file's wanted state: ``data`` None deletes it; ``mode`` is for the written file."""

    target: Path
    data: bytes | None
    mode: int


@dataclass
class _Before:
    data: bytes | None
    mode: int


def default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def temp_path(target: Path) -> Path:
    """A short hidden sibling name (the target's own name may already be as long as the system allows)."""
    return target.with_name(f".rdebug-{secrets.token_hex(4)}.tmp")


def write_temp(target: Path, data: bytes, mode: int) -> Path:
    """``data`` in a fsynced temp file next to ``target``; nothing is left behind when this fails."""
    tmp = temp_path(target)
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _state(target: Path) -> _Before:
    if not os.path.lexists(target):
        return _Before(None, default_mode())
    return _Before(target.read_bytes(), target.stat().st_mode & 0o7777)


def _put(target: Path, before: _Before) -> None:
    if before.data is None:
        target.unlink(missing_ok=True)
    else:
        os.replace(write_temp(target, before.data, before.mode), target)


def write_all(writes: list[FileWrite]) -> None:
    """Bring every target to its wanted state, or (on any error, which is re-raised) leave all as before."""
    before = {w.target: _state(w.target) for w in writes}
    temps: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for w in writes:
            if w.data is not None:
                temps[w.target] = write_temp(w.target, w.data, w.mode)
        for w in writes:
            if w.data is not None:
                os.replace(temps[w.target], w.target)
                del temps[w.target]
            else:
                w.target.unlink(missing_ok=True)
            done.append(w.target)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        for target in reversed(done):
            try:
                _put(target, before[target])
            except OSError:
                pass  # best effort: the backup store still holds the bytes
        raise
