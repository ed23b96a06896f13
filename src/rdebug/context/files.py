"""Reading repository files safely: skip binary and huge files, decode leniently, note why."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 1_000_000


@dataclass
class SourceFile:
    path: str  # repo-relative posix
    text: str
    mtime_ns: int
    size: int
    lines: list[str] = field(default_factory=list)  # without line endings

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = self.text.splitlines()

    def line(self, n: int) -> str:
        """1-based line, '' when out of range."""
        return self.lines[n - 1] if 1 <= n <= len(self.lines) else ""


class FileReader:
    """Reads files under ``root`` once per build; records skip notes once per file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes: list[str] = []
        self._cache: dict[str, SourceFile | None] = {}

    def _note(self, msg: str) -> None:
        if msg not in self.notes:
            self.notes.append(msg)

    def stat(self, rel: str) -> os.stat_result | None:
        try:
            st = os.stat(os.path.join(self.root, rel))
        except (OSError, ValueError):
            return None
        return st if stat.S_ISREG(st.st_mode) else None

    def read(self, rel: str, quiet: bool = False) -> SourceFile | None:
        """The decoded file, or None (missing, binary, > 1 MB: noted unless ``quiet``)."""
        if rel in self._cache:
            return self._cache[rel]
        self._cache[rel] = src = self._load(rel, quiet)
        return src

    def _load(self, rel: str, quiet: bool) -> SourceFile | None:
        st = self.stat(rel)
        if st is None:
            return None
        if st.st_size > MAX_FILE_BYTES:
            if not quiet:
                self._note(f"skipped {rel}: larger than 1 MB ({st.st_size} bytes)")
            return None
        try:
            data = (self.root / rel).read_bytes()
        except OSError as exc:
            if not quiet:
                self._note(f"skipped {rel}: unreadable ({exc.strerror or exc})")
            return None
        if b"\0" in data[:8192]:
            if not quiet:
                self._note(f"skipped {rel}: binary file")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            if not quiet:
                self._note(f"{rel}: not valid UTF-8, decoded with replacement characters")
        return SourceFile(rel, text, st.st_mtime_ns, st.st_size)
