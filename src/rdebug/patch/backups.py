"""The backup store outside the repository: one folder per applied patch, with a JSON manifest.

``<user_state_dir>/backups/<sha256 of the root path>/<YYYYmmdd-HHMMSS-xxxx>/manifest.json`` plus
``blobs/<n>`` holding each file's bytes before the patch.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdebug.errors import PatchError


@dataclass
class FileBackup:
    path: str  # repo-relative
    old_blob: str | None  # "blobs/0", None when the file did not exist
    old_mode: int | None
    new_sha256: str | None  # None when the patch deletes the file
    created_dirs: list[str] = field(default_factory=list)  # repo-relative dirs the apply created


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
                 "new_sha256": f.new_sha256, "created_dirs": f.created_dirs}
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
    with open(record.dir / name, "wb") as fh:
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


def load(folder: Path) -> BackupRecord:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = [
            FileBackup(f["path"], None if f["old"] == "absent" else f["old"], f.get("old_mode"),
                       f.get("new_sha256"), list(f.get("created_dirs", [])))
            for f in data["files"]
        ]
        return BackupRecord(data["id"], data["root"], float(data["created"]), data["state"], files,
                            data.get("diff", ""), folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PatchError(f"backup {folder.name} is unreadable: {exc}") from None


def list_backups(root: Path) -> list[BackupRecord]:
    """This repository's backups, newest first (unreadable ones skipped)."""
    folder = store_dir(root)
    if not folder.is_dir():
        return []
    out = []
    for child in folder.iterdir():
        if (child / "manifest.json").is_file():
            try:
                out.append(load(child))
            except PatchError:
                continue
    return sorted(out, key=lambda r: (r.created, r.id), reverse=True)
