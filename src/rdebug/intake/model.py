"""What is broken: typed frames and problems shared by every parser."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Frame:
    """One stack frame. ``path`` is repo-relative (posix) when ``in_repo``, else as printed."""

    path: str
    line: int | None = None
    function: str | None = None
    in_repo: bool = False
    column: int | None = None
    raw_path: str | None = None  # the path exactly as the trace printed it
    external: bool = False  # a library frame (site-packages, node_modules, GOROOT, ~/.cargo, ...)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Problem:
    """One failure: exception type, message, frames (outermost first, failing frame last)."""

    kind: str  # "hang", "python", "pytest", "unittest", "node", "jest", "mocha", "go", "rust", "java", "sanitizer", "text"
    exception: str | None = None
    message: str = ""
    frames: list[Frame] = field(default_factory=list)
    test_id: str | None = None  # e.g. "tests/test_x.py::test_y" or "TestFoo" or "pkg::tests::it_works"
    raw: str = ""  # the part of the output this problem came from
    seeds: list[str] = field(default_factory=list)  # repo-relative files named in free text
    chain: list["Problem"] = field(default_factory=list)  # causes ("During handling...", "Caused by:")
    notes: list[str] = field(default_factory=list)

    @property
    def repo_frames(self) -> list[Frame]:
        return [f for f in self.frames if f.in_repo]

    @property
    def title(self) -> str:
        if self.kind == "hang" and not self.exception and self.message:
            return self.message  # "timed out in scheduler.py:42 (in loop), inside a while loop (line 40)"
        head = self.exception or self.kind
        return f"{head}: {self.message}" if self.message else head

    @property
    def key(self) -> str:
        """What names this failure across re-runs: its test id, else its title."""
        return self.test_id or self.title

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "exception": self.exception,
            "message": self.message,
            "test_id": self.test_id,
            "frames": [f.to_json() for f in self.frames],
            "seeds": list(self.seeds),
            "chain": [c.to_json() for c in self.chain],
            "notes": list(self.notes),
        }


@dataclass
class CommandResult:
    """The outcome of running a command (tests or the user's)."""

    argv: list[str]
    exit_code: int | None
    output: str  # stdout and stderr interleaved, capped
    duration_s: float
    timed_out: bool = False
    truncated: bool = False
    cancelled: bool = False  # the caller stopped it (Ctrl-C, a newer request); never "passed"

    @property
    def passed(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.cancelled


@dataclass
class IntakeRequest:
    """Where the failure comes from; built before the UI starts, so it lives in this light module."""

    root: Path
    command: list[str] | None = None  # `rdebug -- CMD ARGS`
    trace_text: str | None = None  # piped stdin or --trace file content
    trace_source: str | None = None  # "stdin" or the file path, for messages
    free_text: str | None = None
    test_cmd: list[str] | None = None  # override of detection
    timeout_s: float = 300
