"""Assemble a GGUF from ordered chunk files shipped as PyPI packages (verified, atomic)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from rdebug.errors import ModelError

ChunkLocator = Callable[[int], "Path | None"]  # 1-based chunk number -> file, or None if absent

_BLOCK = 8 << 20


def chunk_locator(spec: dict) -> ChunkLocator:
    """Find chunk ``n`` inside the installed package ``spec['module'].format(n=n)``."""

    def locate(n: int) -> Path | None:
        found = importlib.util.find_spec(spec["module"].format(n=n))
        if found is None or not found.submodule_search_locations:
            return None
        for root in found.submodule_search_locations:
            p = Path(root) / spec["file"].format(n=n)
            if p.is_file():
                return p
        return None

    return locate


def chunks_installed(spec: dict, locate: ChunkLocator) -> bool:
    return all(locate(n) is not None for n in range(1, int(spec["count"]) + 1))


def missing_chunks(count: int, locate: ChunkLocator) -> list[int]:
    return [n for n in range(1, count + 1) if locate(n) is None]


def assemble_chunks(
    locate: ChunkLocator,
    count: int,
    target: Path,
    size: int | None,
    sha256: str | None,
) -> Iterator[tuple[int, int]]:
    """Concatenate chunks 1..count into ``target``, yielding (bytes done, total).

    Writes a temp file in the target's directory, checks size and sha256, then renames it into
    place; on any mismatch the temp file is deleted and ModelError raised (``target`` untouched).
    """
    missing = missing_chunks(count, locate)
    if missing:
        raise ModelError(f"chunk packages missing: parts {', '.join(map(str, missing))} of {count}")
    parts = [locate(n) for n in range(1, count + 1)]
    total = sum(p.stat().st_size for p in parts)  # type: ignore[union-attr]
    if size is not None and total != size:
        raise ModelError(f"chunk packages hold {total} bytes, expected {size}: wrong or mixed versions")
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < total:
        raise ModelError(f"not enough disk space in {target.parent}: need {total >> 20} MiB, have {free >> 20} MiB")
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    tmp = Path(tmp_name)
    done = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:  # type: ignore[arg-type]
                    while block := src.read(_BLOCK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        yield done, total
            out.flush()
            os.fsync(out.fileno())
        if size is not None and done != size:
            raise ModelError(f"assembled file has {done} bytes, expected {size}; deleted it")
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise ModelError(
                f"assembled file sha256 {digest.hexdigest()} does not match the catalog's {sha256}; deleted it"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
