"""What the model will see: snippets of code packed under a token budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdebug.intake.model import Problem


NOTE_PREFIXES = ("git:", "calls:")  # pseudo paths: notes, not files


@dataclass
class Snippet:
    """A range of one file (or a git/text note when ``path`` is a pseudo path like ``git:log``).

    Contiguous from ``start_line`` unless ``line_numbers`` lists each text line's number (a method with
    its class header line, a window, a skeleton).
    """

    path: str
    start_line: int
    end_line: int
    reason: str  # why it was included, e.g. "frame 3: enclosing function parse()"
    text: str
    tokens: int = 0
    priority: float = 0.0  # higher first
    marked_lines: list[int] = field(default_factory=list)  # failing lines (1-based, absolute)
    language: str | None = None
    kind: str = "code"  # "code", "skeleton", "diff", "log", "blame", "file"
    line_numbers: list[int] = field(default_factory=list)  # per text line when not contiguous (else empty)

    @property
    def is_note(self) -> bool:
        """A pseudo path (``git:log``, ``calls:TEST``): text without line numbers, not a file."""
        return self.path.startswith(NOTE_PREFIXES)

    def numbered_lines(self) -> list[tuple[int | None, str]]:
        """(line number, text) per line; numbers are None for pseudo paths (git notes)."""
        lines = self.text.split("\n")
        if self.is_note:
            return [(None, t) for t in lines]
        if self.line_numbers and len(self.line_numbers) == len(lines):
            return list(zip(self.line_numbers, lines))
        return [(self.start_line + i, t) for i, t in enumerate(lines)]

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "reason": self.reason,
            "tokens": self.tokens,
            "priority": self.priority,
            "marked_lines": list(self.marked_lines),
            "language": self.language,
            "kind": self.kind,
            "line_numbers": list(self.line_numbers),
        }


@dataclass
class PackedContext:
    problem: Problem
    snippets: list[Snippet]
    budget_tokens: int
    used_tokens: int
    notes: list[str] = field(default_factory=list)  # e.g. "git context absent: not a git repository"
    dropped: list[Snippet] = field(default_factory=list)  # did not fit the budget

    def to_json(self) -> dict:
        return {
            "problem": self.problem.to_json(),
            "snippets": [s.to_json() for s in self.snippets],
            "budget_tokens": self.budget_tokens,
            "used_tokens": self.used_tokens,
            "notes": list(self.notes),
            "dropped": [s.to_json() for s in self.dropped],
        }
