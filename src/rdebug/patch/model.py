"""The data that crosses module boundaries inside ``rdebug.patch``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Edit:
    """One change to one file. ``search == ""`` creates the file (or appends to it)."""

    path: str | None  # repo-relative as the model wrote it; None: to be inferred from the SEARCH text
    search: str
    replace: str
    kind: str = "replace"  # "replace", "function" (whole definitions to swap in), "delete" (remove the file)
    origin: str = "block"  # "block" (SEARCH/REPLACE), "diff" (unified diff hunk), "code" (code block)
    index: int = 1  # 1-based number among edits of the same origin, for messages
    lines: tuple[int, int] | None = None  # first/last line number of a code block copied numbered from the prompt

    @property
    def label(self) -> str:
        name = {"block": "SEARCH block", "diff": "diff hunk", "code": "code block"}[self.origin]
        return f"{name} {self.index}" + (f" for {self.path}" if self.path else "")


@dataclass
class ParsedEdits:
    edits: list[Edit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
