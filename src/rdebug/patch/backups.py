"""The backup store outside the repository: one folder per applied patch, with a JSON manifest.

``<user_state_dir>/backups/<sha256 of the root path>/<YYYYmmdd-HHMMSS-xxxx>/manifest.json`` plus
``blobs/<n>`` holding each file's bytes before the patch. ``lock`` in the repository's folder is held
(``repo_lock``) while a patch is applied or undone, so two rdebug runs never write the same tree at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from rdebug.errors import PatchError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None  # type: ignore[assignment]

STATES = ("pending", "applied", "undone", "rolled-back")
BLOB_RE = re.compile(r"blobs/\d+")
LOCK_WAIT_S = 15.0  # how long a second apply/undo waits for the first before refusing


class RepositoryBusy(PatchError):
    """Another rdebug process is applying or undoing a patch in the same repository."""


@dataclass
class FileBackup:
    path: str  # repo-relative
    old_blob: str | None  # "blobs/0", None when the file did not exist
    old_mode: int | None
    new_sha256: str | None  # None when the patch deletes the file
    created_dirs: list[str] = field(default_factory=list)  # repo-relative dirs the apply created
    old_sha256: str | None = None  # of the blob (records written before this field have none)


@dataclass
class BackupRecord:
    id: str
    root: str
    created: float
    state: str  # "pending" (being applied), "applied", "undone", "rolled-back"
    entries: list[FileBackup]
    diff: str = ""
    dir: Path | None = None

    @property
    def files(self) -> list[str]:
        """The repo-relative paths the patch touches."""
        return [f.path for f in self.entries]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "root": self.root,
            "created": self.created,
            "state": self.state,
            "files": [
                {"path": f.path, "old": f.old_blob or "absent", "old_mode": f.old_mode,
                 "new_sha256": f.new_sha256, "created_dirs": f.created_dirs, "old_sha256": f.old_sha256}
                for f in self.entries
            ],
            "diff": self.diff,
        }


def store_dir(root: Path) -> Path:
    """This repository's backup folder (not created)."""
    from platformdirs import user_state_dir

    key = hashlib.sha256(str(Path(os.path.realpath(root))).encode("utf-8")).hexdigest()[:32]
    return Path(user_state_dir("rdebug")) / "backups" / key


def new_record(root: Path, diff: str) -> BackupRecord:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime())
    rid = f"{stamp}-{secrets.token_hex(2)}"
    folder = store_dir(root) / rid
    (folder / "blobs").mkdir(parents=True, exist_ok=False)
    return BackupRecord(rid, str(Path(os.path.realpath(root))), time.time(), "pending", [], diff, folder)


def write_blob(record: BackupRecord, index: int, data: bytes) -> str:
    assert record.dir is not None
    name = f"blobs/{index}"
    with open(record.dir / name, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return name


def read_blob(record: BackupRecord, name: str) -> bytes:
    assert record.dir is not None
    return (record.dir / name).read_bytes()


def save(record: BackupRecord) -> None:
    """Write the manifest atomically (temp file + rename)."""
    assert record.dir is not None
    tmp = record.dir / "manifest.json.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(record.to_json(), fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, record.dir / "manifest.json")


def _typed(value, kinds: tuple[type, ...], what: str):
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise ValueError(f"bad {what}: {value!r:.40}")
    return value


def _entry(f: dict) -> FileBackup:
    old = _typed(f["old"], (str,), "blob name")
    return FileBackup(
        _typed(f["path"], (str,), "path"),
        None if old == "absent" else old,
        _typed(f.get("old_mode"), (int, type(None)), "mode"),
        _typed(f.get("new_sha256"), (str, type(None)), "hash"),
        [_typed(d, (str,), "folder") for d in _typed(f.get("created_dirs", []), (list,), "folder list")],
        _typed(f.get("old_sha256"), (str, type(None)), "hash"),
    )


def load(folder: Path) -> BackupRecord:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = [_entry(_typed(f, (dict,), "file entry")) for f in _typed(data["files"], (list,), "file list")]
        state = _typed(data["state"], (str,), "state")
        if state not in STATES:
            raise ValueError(f"unknown state {state!r:.40}")
        return BackupRecord(_typed(data["id"], (str,), "id"), _typed(data["root"], (str,), "root"),
                            float(data["created"]), state, files, str(data.get("diff", "")), folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise PatchError(f"backup {folder.name} is unreadable ({type(exc).__name__}: {why})") from None


@dataclass
class BrokenBackup:
    """A backup folder whose manifest cannot be read: it may hold the last applied patch."""

    id: str
    reason: str  # the one-line error
    dir: Path


def scan_backups(root: Path) -> tuple[list[BackupRecord], list[BrokenBackup]]:
    """This repository's readable backups, newest first, and the unreadable ones.

    A folder without a manifest is no backup at all (the manifest is written before the first byte of
    the tree is), so it is left out of both lists.
    """
    folder = store_dir(root)
    if not folder.is_dir():
        return [], []
    out: list[BackupRecord] = []
    broken: list[BrokenBackup] = []
    for child in sorted(folder.iterdir()):
        if (child / "manifest.json").exists():
            try:
                out.append(load(child))
            except PatchError as exc:
                broken.append(BrokenBackup(child.name, exc.message, child))
    return sorted(out, key=lambda r: (r.created, r.id), reverse=True), broken


def list_backups(root: Path) -> list[BackupRecord]:
    """This repository's backups, newest first (unreadable ones skipped; see ``scan_backups``)."""
    return scan_backups(root)[0]


def check_restorable(record: BackupRecord) -> None:
    """Every blob the undo of ``record`` needs exists and holds what was saved; else a PatchError naming it."""
    assert record.dir is not None
    for fb in record.entries:
        if fb.old_blob is None:
            continue
        where = f"backup {record.id}: the saved copy of {fb.path} ({record.dir / fb.old_blob})"
        if not BLOB_RE.fullmatch(fb.old_blob):
            raise PatchError(f"backup {record.id} is corrupted: bad blob name {fb.old_blob!r:.40} for {fb.path}")
        try:
            data = read_blob(record, fb.old_blob)
        except OSError as exc:
            raise PatchError(f"{where} cannot be read: {exc.strerror or exc}; nothing was restored") from None
        if fb.old_sha256 is not None and hashlib.sha256(data).hexdigest() != fb.old_sha256:
            raise PatchError(f"{where} is damaged (its hash differs); nothing was restored")


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


@contextmanager
def repo_lock(root: Path, wait_s: float | None = None) -> Iterator[None]:
    """Hold this repository's apply/undo lock; waits up to ``wait_s`` (LOCK_WAIT_S) then refuses."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    folder = store_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lock"
    wait = LOCK_WAIT_S if wait_s is None else wait_s
    deadline = time.monotonic() + wait
    fh = open(path, "a+", encoding="utf-8")
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RepositoryBusy(
                        f"another rdebug{_holder(path)} is applying or undoing a patch in this repository; "
                        f"waited {wait:g} s, nothing was written (try again when it has finished)"
                    ) from None
                time.sleep(0.05)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()
