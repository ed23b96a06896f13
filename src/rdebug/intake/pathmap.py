"""Map printed frame paths (relative, absolute, from another machine or OS) to repository files."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from rdebug.intake.model import Frame, Problem

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "env", "__pycache__", "build", "dist", "target",
             ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".idea",
             ".vscode", ".gradle", "vendor", ".next", ".cache", "site-packages", ".eggs"}
MAX_WALK_FILES = 200_000
EXTERNAL_RE = re.compile(
    r"(?:^|/)(?:site-packages|dist-packages|node_modules|\.cargo/registry|\.cargo/git|\.rustup|go/pkg/mod"
    r"|sysdeps|csu|libsanitizer|compiler-rt)/"
    r"|^(?:node:|internal/|java\.base/|/rustc/|/usr/include/|/usr/lib/|/usr/local/go/src/|/usr/local/lib/)"
    r"|/lib/python\d(?:\.\d+)?/|^<frozen |^<(?:anonymous|native)>$|^native$"
    r"|(?:^|/)(?:lib)?go(?:-[\d.]+)?/src/(?:runtime|testing|reflect|internal)/")
TEXT_PATH_RE = re.compile(r"(?<![\w/.-])((?:[\w.-]+[/\\])*[\w.-]+\.[A-Za-z][\w]{0,5})(?::(\d+))?(?![\w/\\-])")


def normalize(raw: str) -> str:
    """Posix form of a printed path: no ``file://``, no drive letter, no ``./``, ``\\`` -> ``/``."""
    p = raw.strip().strip("'\"")
    if p.startswith("file://"):
        p = unquote(p[len("file://"):])
    p = p.replace("\\", "/")
    p = re.sub(r"^/?[A-Za-z]:/", "/", p)
    while p.startswith("./"):
        p = p[2:]
    return p


def is_external(raw: str) -> bool:
    return bool(EXTERNAL_RE.search(normalize(raw)))


def list_repo_files(root: Path) -> list[str]:
    """Tracked plus untracked-not-ignored files (git), else a walk that skips vendored/build dirs."""
    try:
        import git

        with git.Repo(root, search_parent_directories=False) as repo:
            out = repo.git.ls_files("--cached", "--others", "--exclude-standard")
        files = [line for line in out.splitlines() if line]
        if files:
            return sorted(set(files))
    except Exception:  # not a git repo, git missing: fall back to walking  # noqa: BLE001
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        rel = Path(dirpath).relative_to(root)
        for name in filenames:
            files.append((rel / name).as_posix())
            if len(files) >= MAX_WALK_FILES:
                return files
    return files


class PathMapper:
    """Resolve frame paths to repo-relative posix paths by the longest matching path suffix."""

    def __init__(self, root: Path | None, tracked: list[str] | None = None) -> None:
        self.root = Path(root).resolve() if root else None
        if tracked is None:
            tracked = list_repo_files(self.root) if self.root and self.root.is_dir() else []
        self.files = {PurePosixPath(t).as_posix() for t in tracked}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for f in self.files:
            self.by_name[f.rsplit("/", 1)[-1]].append(f)

    def resolve(self, raw: str, strict: bool = False) -> str | None:
        """The repo file a printed path means, or None (unknown or ambiguous).

        A unique file name is enough unless ``strict``: then at least two trailing path parts (or the
        whole repo path) must agree, as for a Java package path or a Go import path.
        """
        p = normalize(raw)
        if not p:
            return None
        if self.root and p.startswith("/"):
            root = self.root.as_posix().rstrip("/") + "/"
            if p.startswith(root) and p[len(root):] in self.files:
                return p[len(root):]
        if p in self.files:
            return p
        parts = [x for x in p.split("/") if x not in ("", ".")]
        if not parts:
            return None
        best, best_score, tie = None, 0, False
        for cand in self.by_name.get(parts[-1], []):
            cparts = cand.split("/")
            score = 0
            while score < min(len(cparts), len(parts)) and cparts[-1 - score] == parts[-1 - score]:
                score += 1
            if score > best_score:
                best, best_score, tie = cand, score, False
            elif score == best_score:
                tie = True
        if best is None or tie:
            return None
        if strict and best_score < min(2, len(parts), best.count("/") + 1):
            return None
        return best

    def map_frame(self, fr: Frame) -> None:
        raw = fr.raw_path or fr.path
        fr.raw_path = raw
        if fr.external or is_external(raw):
            fr.external, fr.in_repo = True, False
            return
        if fr.path != raw:  # a parser-derived path (Java package path, Go import path) is authoritative
            hit = self.resolve(fr.path, strict=True)
        else:
            hit = self.resolve(raw)
        if hit is not None:
            fr.path, fr.in_repo = hit, True

    def map(self, problems: list[Problem]) -> list[Problem]:
        """Map every frame of every problem (and its chain) in place; returns ``problems``."""
        for prob in problems:
            for fr in prob.frames:
                self.map_frame(fr)
            self.map(prob.chain)
        return problems

    def files_in_text(self, text: str) -> list[str]:
        """Repo files named in free text, by path or unique basename, in order of mention."""
        out: list[str] = []
        for m in TEXT_PATH_RE.finditer(text):
            token = m.group(1).rstrip(".")
            if "." not in token.rsplit("/", 1)[-1]:
                continue
            hit = self.resolve(token)
            if hit and hit not in out:
                out.append(hit)
        return out
