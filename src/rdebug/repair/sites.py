"""The functions a bug may sit in (``Site``), ranked: the suspicious lines (failing frames, the spectrum's, the
code the context holds) grouped by the function that encloses them, the most suspicious function first.

This is "today's ranking" that the model's choice (``repair.choose``) re-ranks and that a focused repair
request (``repair.focus``) takes one function from.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rdebug.job import Job
from rdebug.patch.syntax import definitions, language_for
from rdebug.intake.testfiles import edited_tests
from rdebug.search.suspicious import suspicious_lines

FENCE = {".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
         ".jsx": "javascript", ".ts": "typescript", ".tsx": "tsx", ".go": "go", ".rs": "rust", ".java": "java",
         ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".hpp": "cpp"}
MAX_SITES = 9  # a choice among more is no narrow task (and two-digit numbers are two tokens)


@dataclass(frozen=True)
class Site:
    """One function of the repository: where it is, its text (dedented), and how suspicious it is."""

    path: str
    name: str  # qualified: "Paginator.pages"
    start: int  # 1-based first line (decorators included)
    end: int  # 1-based last line
    text: str  # the whole definition, dedented
    score: float
    why: str

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def fence(self) -> str:
        return FENCE.get(PurePosixPath(self.path).suffix.lower(), "")

    @property
    def head(self) -> str:
        """The definition's lines up to its signature's first line (decorators and the ``def`` line): what the
        reply is pre-filled with."""
        lines = self.text.split("\n")
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if not stripped.startswith("@") and stripped:
                return "\n".join(lines[: i + 1])
        return lines[0]

    @property
    def signature(self) -> str:
        return self.head.split("\n")[-1].strip().rstrip("{").strip()

    @property
    def doc(self) -> str:
        """The docstring's (or leading comment's) first line, if any."""
        body = self.text.split("\n")[len(self.head.split("\n")):]
        for line in body[:3]:
            s = line.strip()
            if s.startswith(('"""', "'''")):
                return s.strip("\"' ").split(". ")[0][:100] or (body[1].strip() if len(body) > 1 else "")
            if s.startswith(("//", "#", "/*", "*")):
                return s.lstrip("/#* ").strip()[:100]
        return ""


def rank_sites(job: Job, limit: int = MAX_SITES) -> list[Site]:
    """The functions holding the job's suspicious lines, most suspicious first (never test files)."""
    lines = suspicious_lines(job.problem, job.context, job.suspicious)
    by_file: dict[str, list] = {}
    for s in lines:
        if language_for(s.path) is not None and not edited_tests([s.path], job.problem):
            by_file.setdefault(s.path, []).append(s)
    best: dict[tuple[str, str], Site] = {}
    for path, marks in by_file.items():
        try:
            text = (Path(job.root) / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        defs = definitions(path, text)
        all_lines = text.split("\n")
        for mark in marks:
            inner = [d for d in defs if d.start_line < mark.line <= d.end_line + 1]
            if not inner:
                continue
            d = max(inner, key=lambda x: x.start_line)  # the innermost function holding the line
            key = (path, d.name)
            if key in best and best[key].score >= mark.score:
                continue
            body = textwrap.dedent("\n".join(all_lines[d.start_line: d.end_line + 1]))
            best[key] = Site(path, d.name, d.start_line + 1, d.end_line + 1, body, mark.score, mark.why)
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.path, s.start))
    return ranked[:limit]
