"""Apply a patch to the working tree atomically, with a backup recorded first; undo it exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from rdebug.errors import PatchError
from rdebug.patch import backups
from rdebug.patch.atomic import FileWrite, default_mode, write_all
from rdebug.patch.backups import BackupRecord, FileBackup, list_backups
from rdebug.patch.diff import Patch, sha256_bytes, sha256_text
from rdebug.patch.safety import check_repo_state, check_target, short_path

__all__ = ["apply_patch", "undo", "list_backups", "BackupRecord"]


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _make_dirs(root: Path, parent: Path) -> list[str]:
    """Create ``parent`` (inside ``root``); the repo-relative dirs that were created, outermost first."""
    missing = []
    p = parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    made: list[Path] = []
    try:
        for d in reversed(missing):
            d.mkdir()
            made.append(d)
    except BaseException:
        for d in reversed(made):
            d.rmdir()
        raise
    return [d.relative_to(root).as_posix() for d in made]


def _remove_dirs(root: Path, rels: list[str]) -> None:
    for rel in reversed(rels):
        try:
            (root / rel).rmdir()
        except OSError:
            pass  # not empty any more (the user put files there): keep it


def apply_patch(root: Path, patch: Patch, expected_hashes: Mapping[str, str | None] | None = None) -> BackupRecord:
    """Write ``patch`` into ``root``; refuses if a target differs from what the patch was made from.

    ``expected_hashes``: sha256 per path when the context was built (None: the file was absent); paths
    not given are checked against the patch's own old text. Holds the repository's lock throughout, so a
    second rdebug waits, then finds the files changed and refuses.
    """
    check_repo_state(root)
    if not patch.files:
        raise PatchError("the patch is empty")
    with backups.repo_lock(root):
        return _apply_locked(root, patch, expected_hashes or {})


def _apply_locked(root: Path, patch: Patch, expected_hashes: Mapping[str, str | None]) -> BackupRecord:
    targets: dict[str, Path] = {}
    current: dict[str, bytes | None] = {}
    for rel, (old, _new) in sorted(patch.files.items()):
        target = check_target(root, rel)
        targets[rel], current[rel] = target, _read(target)
        want = expected_hashes[rel] if rel in expected_hashes else sha256_text(old)
        if sha256_bytes(current[rel]) != want:
            raise PatchError(f"{short_path(rel)} changed since the fix was made; run rdebug fix again "
                             "(nothing was written)")
    record = backups.new_record(root, patch.diff)
    for i, rel in enumerate(sorted(patch.files)):
        data = current[rel]
        new = patch.files[rel][1]
        record.entries.append(FileBackup(
            rel,
            backups.write_blob(record, i, data) if data is not None else None,
            (targets[rel].stat().st_mode & 0o7777) if data is not None else None,
            sha256_text(new),
            old_sha256=sha256_bytes(data),
        ))
    backups.save(record)  # the backup exists before the first byte is written
    writes = [
        FileWrite(targets[fb.path], None if (new := patch.files[fb.path][1]) is None else new.encode("utf-8"),
                  fb.old_mode if fb.old_mode is not None else default_mode())
        for fb in record.entries
    ]
    try:
        for fb, w in zip(record.entries, writes):
            if w.data is not None:
                fb.created_dirs = _make_dirs(root, w.target.parent)
        write_all(writes)
    except BaseException as exc:
        for fb in record.entries:
            _remove_dirs(root, fb.created_dirs)
        record.state = "rolled-back"
        backups.save(record)
        if isinstance(exc, OSError):
            raise PatchError(f"could not write the patch ({exc.strerror or exc}); the tree was restored") from None
        raise
    record.state = "applied"
    backups.save(record)
    return record


def _pick(root: Path, backup_id: str | None) -> BackupRecord:
    """The record to undo: ``backup_id`` (or a prefix), else the newest applied one; refuses when an
    unreadable record could be the one meant."""
    records, broken = backups.scan_backups(root)
    if backup_id is None:
        record = next((r for r in records if r.state == "applied"), None)
        newer = [b for b in broken if record is None or b.id[:15] >= record.id[:15]]
        if newer:
            raise PatchError(f"{newer[-1].reason}; it may be the last applied patch: undo a backup by its id "
                             f"(rdebug undo --list) or remove {newer[-1].dir}")
        if record is None:
            raise PatchError("nothing to undo: no applied patch recorded for this repository")
        return record
    bad = next((b for b in broken if b.id == backup_id or b.id.startswith(backup_id)), None)
    record = next((r for r in records if r.id == backup_id or r.id.startswith(backup_id)), None)
    if record is None:
        if bad is not None:
            raise PatchError(f"{bad.reason}; nothing was restored")
        raise PatchError(f"no backup {backup_id!r:.60} for this repository (see rdebug undo --list)")
    if record.state != "applied":
        raise PatchError(f"backup {record.id} is {record.state}, not applied; nothing to undo")
    return record


def undo(root: Path, backup_id: str | None = None, force: bool = False) -> BackupRecord:
    """Restore the bytes from before the patch ``backup_id`` (default: the last applied one).

    Every record and blob is checked before the first byte is written; the files are then restored all
    or nothing (temp files first, then renames), under the repository's lock.
    """
    with backups.repo_lock(root):
        record = _pick(root, backup_id)
        check_repo_state(root)
        targets: dict[str, Path] = {}
        for fb in record.entries:
            targets[fb.path] = target = check_target(root, fb.path)
            if not force and sha256_bytes(_read(target)) != fb.new_sha256:
                raise PatchError(
                    f"{short_path(fb.path)} changed since the patch was applied; undo would discard those changes "
                    "(use --force to restore anyway)"
                )
        backups.check_restorable(record)
        writes = [
            FileWrite(targets[fb.path],
                      None if fb.old_blob is None else backups.read_blob(record, fb.old_blob),
                      fb.old_mode if fb.old_mode is not None else default_mode())
            for fb in record.entries
        ]
        made: list[str] = []
        try:
            for w in writes:
                if w.data is not None:
                    made += _make_dirs(root, w.target.parent)
            write_all(writes)
        except OSError as exc:
            _remove_dirs(root, made)
            raise PatchError(f"could not restore the files ({exc.strerror or exc}); nothing was changed") from None
        for fb in record.entries:
            _remove_dirs(root, fb.created_dirs)
        record.state = "undone"
        backups.save(record)
        return record
