"""The spectrum's cache: one JSON document per (root, command, repository state) in rdebug's user cache dir.
The state is git's index blob ids plus the content of changed and untracked files (outside git: every file's
content). The documents are ``Spectrum.to_json()``'s; reading them back is ``rdebug.facts.spectrum``'s work."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Sequence

CACHE_VERSION = 1
MAX_CACHE_FILES = 50
MAX_WALK_FILES = 5000  # outside git: more files than this, no cache


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "--no-optional-locks", *args], cwd=root, capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _hash_files(root: Path, rels: Sequence[str], h: "hashlib._Hash") -> None:
    for rel in sorted(set(rels)):
        h.update(rel.encode("utf-8", "replace") + b"\0")
        try:
            h.update(hashlib.sha1((root / rel).read_bytes()).digest())
        except OSError:
            h.update(b"-")


def repo_state(root: Path) -> str | None:
    """A digest of the files a scratch copy would hold: git's index blob ids plus the content of changed
    and untracked files; outside git, every file's content. None when it cannot be told cheaply."""
    h = hashlib.sha256()
    if (root / ".git").exists():
        index = _git(root, "ls-files", "-s", "-z")
        changed = _git(root, "diff", "--name-only", "-z")
        others = _git(root, "ls-files", "-o", "--exclude-standard", "-z")
        if index is not None and changed is not None and others is not None:
            h.update(index)
            extra = [p for p in (changed + b"\0" + others).decode("utf-8", "replace").split("\0") if p]
            _hash_files(root, extra, h)
            return h.hexdigest()
    from rdebug.worktree import walk_files

    files = walk_files(root)
    if len(files) > MAX_WALK_FILES:
        return None
    _hash_files(root, files, h)
    return h.hexdigest()


def cache_key(root: Path, argv: Sequence[str]) -> str | None:
    state = repo_state(root)
    if state is None:
        return None
    text = json.dumps([CACHE_VERSION, str(root), list(argv), state])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_path(key: str) -> Path:
    from rdebug.context.symbols import cache_dir

    return cache_dir() / "spectrum" / f"{key}.json"


def cache_read(key: str) -> Any:
    """The JSON document stored under ``key``; None when there is none or it is unreadable."""
    try:
        return json.loads(_cache_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def cache_write(key: str, doc: Any) -> None:
    """Store the JSON document ``doc`` under ``key`` (best effort); the oldest files go past MAX_CACHE_FILES."""
    path = _cache_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(tmp, path)
        old = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[MAX_CACHE_FILES:]
        for p in old:
            p.unlink(missing_ok=True)
    except OSError:
        pass
