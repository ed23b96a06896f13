"""Apply a patch to the working tree atomically, with a backup recorded first; undo it exactly."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Mapping

from rdebug.errors import PatchError
from rdebug.patch import backups
from rdebug.patch.backups import BackupRecord, FileBackup, list_backups
from rdebug.patch.diff import Patch, sha256_bytes, sha256_text
from rdebug.patch.safety import check_repo_state, check_target

__all__ = ["apply_patch", "undo", "list_backups", "BackupRecord"]


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_temp(target: Path, data: bytes, mode: int) -> Path:
    tmp = target.with_name(f".{target.name}.rdebug-{secrets.token_hex(4)}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, mode)
    return tmp


def _make_dirs(root: Path, parent: Path) -> list[str]:
    """Create ``parent`` (inside ``root``); the repo-relative dirs that were created, outermost first."""
    missing = []
    p = parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
    return [d.relative_to(root).as_posix() for d in reversed(missing)]


def _remove_dirs(root: Path, rels: list[str]) -> None:
    for rel in reversed(rels):
        try:
            (root / rel).rmdir()
        except OSError:
            pass  # not empty any more (the user put files there): keep it


def apply_patch(root: Path, patch: Patch, expected_hashes: Mapping[str, str | None] | None = None) -> BackupRecord:
    """Write ``patch`` into ``root``; refuses if a target differs from what the patch was made from.

    ``expected_hashes``: sha256 per path when the context was built (None: the file was absent); paths
    not given are checked against the patch's own old text.
    """
    check_repo_state(root)
    if not patch.files:
        raise PatchError("the patch is empty")
    expected_hashes = expected_hashes or {}
    targets: dict[str, Path] = {}
    current: dict[str, bytes | None] = {}
    for rel, (old, _new) in sorted(patch.files.items()):
        target = check_target(root, rel)
        targets[rel], current[rel] = target, _read(target)
        want = expected_hashes[rel] if rel in expected_hashes else sha256_text(old)
        if sha256_bytes(current[rel]) != want:
            raise PatchError(f"{rel} changed since the fix was made; run rdebug fix again (nothing was written)")
    record = backups.new_record(root, patch.diff)
    for i, rel in enumerate(sorted(patch.files)):
        data = current[rel]
        new = patch.files[rel][1]
        record.entries.append(FileBackup(
            rel,
            backups.write_blob(record, i, data) if data is not None else None,
            (targets[rel].stat().st_mode & 0o7777) if data is not None else None,
            sha256_text(new),
        ))
    backups.save(record)  # the backup exists before the first byte is written
    temps: dict[str, Path] = {}
    done: list[FileBackup] = []
    try:
        for fb in record.entries:
            new = patch.files[fb.path][1]
            if new is not None:
                fb.created_dirs = _make_dirs(root, targets[fb.path].parent)
                mode = fb.old_mode if fb.old_mode is not None else _default_mode()
                temps[fb.path] = _write_temp(targets[fb.path], new.encode("utf-8"), mode)
        for fb in record.entries:
            if fb.path in temps:
                os.replace(temps[fb.path], targets[fb.path])
                del temps[fb.path]
            else:
                targets[fb.path].unlink()
            done.append(fb)
    except OSError as exc:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        _restore(root, record, done)
        for fb in record.entries:
            _remove_dirs(root, fb.created_dirs)
        record.state = "rolled-back"
        backups.save(record)
        raise PatchError(f"could not write the patch ({exc.strerror or exc}); the tree was restored") from None
    record.state = "applied"
    backups.save(record)
    return record


def _restore(root: Path, record: BackupRecord, files: list[FileBackup]) -> None:
    for fb in files:
        target = root / fb.path
        if fb.old_blob is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(target, backups.read_blob(record, fb.old_blob), fb.old_mode or _default_mode())
        os.replace(tmp, target)


def undo(root: Path, backup_id: str | None = None, force: bool = False) -> BackupRecord:
    """Restore the bytes from before the patch ``backup_id`` (default: the last applied one)."""
    records = list_backups(root)
    if backup_id is None:
        record = next((r for r in records if r.state == "applied"), None)
        if record is None:
            raise PatchError("nothing to undo: no applied patch recorded for this repository")
    else:
        record = next((r for r in records if r.id == backup_id or r.id.startswith(backup_id)), None)
        if record is None:
            raise PatchError(f"no backup {backup_id!r} for this repository (see rdebug undo --list)")
        if record.state != "applied":
            raise PatchError(f"backup {record.id} is {record.state}, not applied; nothing to undo")
    check_repo_state(root)
    for fb in record.entries:
        target = check_target(root, fb.path)
        if not force and sha256_bytes(_read(target)) != fb.new_sha256:
            raise PatchError(
                f"{fb.path} changed since the patch was applied; undo would discard those changes "
                "(use --force to restore anyway)"
            )
    _restore(root, record, record.entries)
    for fb in record.entries:
        _remove_dirs(root, fb.created_dirs)
    record.state = "undone"
    backups.save(record)
    return record
