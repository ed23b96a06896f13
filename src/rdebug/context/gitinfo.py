"""Git context through GitPython: uncommitted diff, recent commits and blame of the failing lines."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_COMMITS = 3
MAX_COMMIT_DIFF_LINES = 40
MAX_DIFF_LINES = 200


@dataclass
class BlameLine:
    path: str
    line: int
    sha: str  # abbreviated; "" when not committed yet
    author: str
    when: int  # unix time
    summary: str

    def describe(self, now: float | None = None) -> str:
        if not self.sha:
            return f"{self.path}:{self.line} not committed yet (local change)"
        return (f"{self.path}:{self.line} last changed in {self.sha}, {ago(self.when, now)} "
                f"by {self.author}: {self.summary}")


@dataclass
class CommitInfo:
    sha: str
    author: str
    when: int
    summary: str
    diff: str  # trimmed

    def header(self, now: float | None = None) -> str:
        return f"{self.sha} {ago(self.when, now)} by {self.author}: {self.summary}"


@dataclass
class GitContext:
    available: bool
    notes: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # repo-relative path -> uncommitted diff
    commits: list[CommitInfo] = field(default_factory=list)
    blame: list[BlameLine] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "GitContext":
        return cls(data["available"], list(data["notes"]), dict(data["diffs"]),
                   [CommitInfo(**c) for c in data["commits"]], [BlameLine(**b) for b in data["blame"]])


def ago(when: int, now: float | None = None) -> str:
    """'3 days ago'-style age of a unix time."""
    secs = max(0, int((now if now is not None else time.time()) - when))
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3600),
                       ("minute", 60)):
        if secs >= size:
            n = secs // size
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return "just now"


def _trim(text: str, limit: int) -> str:
    lines = text.splitlines()
    if len(lines) <= limit:
        return text.rstrip("\n")
    return "\n".join(lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"])


def _split_diff(text: str, prefix: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in re.split(r"(?m)^(?=diff --git )", text):
        if not chunk.startswith("diff --git "):
            continue
        b_path = chunk.split("\n", 1)[0].rsplit(" b/", 1)[-1]
        out[b_path[len(prefix):] if prefix and b_path.startswith(prefix) else b_path] = _trim(chunk, MAX_DIFF_LINES)
    return out


def _parse_log(text: str) -> list[CommitInfo]:
    commits = []
    for rec in text.split("\x1e"):
        if not rec.strip():
            continue
        head, _, body = rec.partition("\n")
        parts = head.split("\x1f")
        if len(parts) != 4:
            continue
        sha, author, when, summary = parts
        commits.append(CommitInfo(sha, author, int(when or 0), summary, _trim(body.strip("\n"), MAX_COMMIT_DIFF_LINES)))
    return commits


def _parse_blame(path: str, text: str) -> list[BlameLine]:
    info: dict[str, dict[str, str]] = {}
    out: list[BlameLine] = []
    sha = None
    final = 0
    for line in text.splitlines():
        if line.startswith("\t"):
            if sha is not None:
                meta = info.get(sha, {})
                committed = set(sha) != {"0"}
                out.append(BlameLine(path, final, sha[:7] if committed else "", meta.get("author", "?"),
                                     int(meta.get("author-time", "0") or 0), meta.get("summary", "")))
            sha = None
            continue
        parts = line.split(" ")
        if sha is None and len(parts) >= 3 and len(parts[0]) >= 40 and parts[1].isdigit():
            sha, final = parts[0], int(parts[2])
            info.setdefault(sha, {})
        elif sha is not None:
            key, _, value = line.partition(" ")
            info[sha].setdefault(key, value)
    return out


def git_context(root: Path, files: list[str], failing: dict[str, list[int]]) -> GitContext:
    """Git facts about ``files`` (repo-relative) and the ``failing`` lines; notes say what is absent."""
    try:
        import git
    except ImportError:
        return GitContext(False, ["git context absent: GitPython unavailable"])
    try:
        with git.Repo(root, search_parent_directories=True) as repo:
            return _collect(repo, root, files, failing)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return GitContext(False, ["git context absent: not a git repository"])
    except git.GitCommandNotFound:
        return GitContext(False, ["git context absent: git executable not found"])
    except (git.GitError, OSError, ValueError) as exc:
        return GitContext(False, [f"git context absent: {str(exc).splitlines()[0][:120] if str(exc) else exc}"])


def _collect(repo, root: Path, files: list[str], failing: dict[str, list[int]]) -> GitContext:
    import git

    ctx = GitContext(True)
    top = Path(repo.working_tree_dir or root).resolve()
    try:
        prefix = root.resolve().relative_to(top).as_posix()
    except ValueError:
        prefix = ""
    prefix = "" if prefix in ("", ".") else prefix + "/"
    paths = [prefix + f for f in files]
    if not repo.head.is_valid():
        ctx.notes.append("git: no commits yet (no history, diff or blame)")
        return ctx
    if not paths:
        return ctx
    g = repo.git
    g.update_environment(GIT_OPTIONAL_LOCKS="0", LC_ALL="C")  # read-only: never refresh the user's index
    try:
        # staged + unstaged separately: `git diff HEAD` walks the whole index and is slow on big repos
        for args in (("--cached",), ()):
            diff = g.diff(*args, "--no-color", "--no-ext-diff", "-U3", "--", *paths)
            for path, text in _split_diff(diff, prefix).items():
                ctx.diffs[path] = f"{ctx.diffs[path]}\n{text}" if path in ctx.diffs else text
        # commits that changed these files; one that created a file only repeats code the prompt shows
        log = g.log(f"-n{MAX_COMMITS}", "--diff-filter=MR", "--no-color", "--no-ext-diff", "-p", "-U1",
                    "--format=%x1e%h%x1f%an%x1f%at%x1f%s", "--", *paths)
        ctx.commits = _parse_log(log)
    except git.GitCommandError as exc:
        ctx.notes.append(f"git: {exc.stderr.strip()[:120] if exc.stderr else 'diff/log failed'}")
    for rel, lines in failing.items():
        ranges = [a for n in sorted(set(lines)) for a in ("-L", f"{n},{n}")]
        if not ranges:
            continue
        try:
            out = g.blame("--porcelain", *ranges, "--", prefix + rel)
        except git.GitCommandError:
            continue  # untracked file or line beyond the end
        ctx.blame += _parse_blame(rel, out)
    return ctx
