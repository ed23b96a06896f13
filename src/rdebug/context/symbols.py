"""A lazy tags index: definitions per file, cached by (mtime, size) in memory and on disk."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Callable

from rdebug.context.files import FileReader
from rdebug.context.imports import imported_files
from rdebug.context.languages import language_for
from rdebug.context.search import GrepTimeout, closeness, definition_pattern, git_grep, python_regex, walk_grep
from rdebug.context.treesitter import Definition, ParsedFile, parse_source

CACHE_VERSION = 2
MAX_PARSED_CANDIDATES = 40
MAX_GREP_FILES = 60
MAX_CACHE_FILES = 200
_INDEXES: dict[str, "TagsIndex"] = {}


def cache_dir() -> Path:
    """platformdirs' user cache dir for rdebug (``RDEBUG_CACHE_DIR`` overrides), never inside a repo."""
    env = os.environ.get("RDEBUG_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rdebug"))


def find_git_dir(root: Path) -> Path | None:
    """The git directory of the repository containing ``root`` (worktree ``.git`` files followed)."""
    for d in (root, *root.parents):
        dot = d / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (d / text[len("gitdir:"):].strip()).resolve()
    return None


def _prune(folder: Path, keep: int = MAX_CACHE_FILES) -> None:
    """Remove the least recently written cache files beyond ``keep`` (one file per repository root)."""
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


class TagsIndex:
    """Definitions of the files looked at so far; nothing is parsed up front."""

    def __init__(self, root: Path) -> None:
        self.root = root
        digest = hashlib.sha1(str(root).encode()).hexdigest()[:16]
        self.cache_file = cache_dir() / "tags" / f"{digest}.json"
        self._entries: dict[str, tuple[int, int, list[Definition]]] = {}
        self._memo: dict[str, tuple[str, object]] = {}  # searches, git facts: key -> (repo state, value)
        self._loaded = False
        self._dirty = False
        self._lock = threading.RLock()  # build_context reads git facts from a worker thread
        self.git_dir = find_git_dir(root)

    @classmethod
    def for_root(cls, root: Path) -> "TagsIndex":
        """The process-wide index of ``root`` (warm calls reuse it)."""
        key = str(root)
        if key not in _INDEXES:
            _INDEXES[key] = cls(root)
        return _INDEXES[key]

    def _load(self) -> None:
        with self._lock:
            if not self._loaded:
                self._read_cache_file()
                self._loaded = True

    def _read_cache_file(self) -> None:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("version") != CACHE_VERSION:
            return
        self._memo.update({k: (v[0], v[1]) for k, v in data.get("memo", {}).items()})
        for rel, (mtime, size, rows) in data.get("files", {}).items():
            self._entries.setdefault(rel, (mtime, size, [Definition.from_row(rel, r) for r in rows]))

    def save(self) -> None:
        """Write the index to the cache file (atomically); silent when the cache dir is unwritable."""
        with self._lock:
            if self._dirty:
                self._write_cache_file()

    def _write_cache_file(self) -> None:
        files = {rel: [m, s, [d.to_row() for d in defs]] for rel, (m, s, defs) in self._entries.items()}
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "root": str(self.root), "files": files,
                                       "memo": {k: list(v) for k, v in self._memo.items()}}),
                           encoding="utf-8")
            new = not self.cache_file.exists()
            os.replace(tmp, self.cache_file)
            self._dirty = False
            if new:
                _prune(self.cache_file.parent)
        except OSError:
            pass

    def _state(self) -> str:
        """What invalidates cached searches: the git index and HEAD (or, outside git, the root dir)."""
        parts = []
        git_dir = self.git_dir or self.root / ".git"
        for p in (git_dir / "index", git_dir / "HEAD", git_dir / "logs" / "HEAD", self.root):
            try:
                st = p.stat()
                parts.append(f"{st.st_mtime_ns}:{st.st_size}")
            except OSError:
                parts.append("-")
        return "/".join(parts)

    def memo_get(self, key: str) -> object | None:
        """A remembered result (search hits, git facts) if the repository state has not changed."""
        if not self._loaded:
            self._load()
        with self._lock:
            hit = self._memo.get(key)
        return hit[1] if hit and hit[0] == self._state() else None

    def memo_put(self, key: str, value: object) -> None:
        """Remember a JSON-serialisable ``value`` for the current repository state."""
        state = self._state()
        with self._lock:
            self._memo[key] = (state, value)
            if len(self._memo) > 500:
                self._memo.pop(next(iter(self._memo)))
            self._dirty = True

    def parse(self, reader: FileReader, rel: str) -> ParsedFile | None:
        """Parse a file now (frame files need the tree) and refresh its index entry."""
        src = reader.read(rel)
        if src is None or language_for(rel) is None:
            return None
        pf = parse_source(src)
        if pf is not None:
            self._entries[rel] = (src.mtime_ns, src.size, pf.definitions)
            self._dirty = True
        return pf

    def cached(self, reader: FileReader, rel: str) -> list[Definition] | None:
        """Definitions from the cache when the file is unchanged, else None."""
        if not self._loaded:
            self._load()
        entry = self._entries.get(rel)
        if entry is None:
            return None
        st = reader.stat(rel)
        if st is None or (st.st_mtime_ns, st.st_size) != entry[:2]:
            return None
        return entry[2]

    def definitions(self, reader: FileReader, rel: str) -> list[Definition]:
        hit = self.cached(reader, rel)
        if hit is not None:
            return hit
        pf = self.parse(reader, rel)
        return pf.definitions if pf else []


def _best(defs: list[Definition], name: str) -> Definition | None:
    """The fullest definition of ``name`` in one file (a body beats a prototype)."""
    found = [d for d in defs if d.name == name and d.kind not in ("constant",)]
    return max(found, key=lambda d: d.end_line - d.start_line) if found else None


def _is_prototype(d: Definition) -> bool:
    """A one-line C/C++ declaration in a header: the body, when the repository has it, is worth more."""
    return d.start_line == d.end_line and d.path.endswith((".h", ".hh", ".hpp", ".hxx"))


def _go_module(reader: FileReader) -> str | None:
    src = reader.read("go.mod", quiet=True)
    m = re.search(r"^module\s+(\S+)", src.text, re.M) if src else None
    return m.group(1) if m else None


class DefinitionFinder:
    """Resolves callee names to definitions, looking near the frames first and grepping last."""

    def __init__(self, index: TagsIndex, reader: FileReader, is_git: bool, search_s: float = 0.5) -> None:
        self.index = index
        self.reader = reader
        self.is_git = is_git
        self.deadline = time.perf_counter() + search_s  # repository-wide text search stops here
        self.notes: list[str] = []
        self._go_module: str | None | bool = False

    def _exists(self, rel: str) -> bool:
        return self.reader.stat(rel) is not None

    def _dir_files(self, d: str, lang: str | None) -> list[str]:
        try:
            names = sorted(os.listdir(self.root / d if d else self.root))
        except OSError:
            return []
        return [f"{d}/{n}" if d else n for n in names if language_for(n) is not None
                and (lang is None or language_for(n) == lang or {language_for(n), lang} <= {"c", "cpp"})]

    @property
    def root(self) -> Path:
        return self.index.root

    def neighbours(self, rel: str) -> list[str]:
        """Files imported by ``rel``, then the other files of its directory."""
        src = self.reader.read(rel, quiet=True)
        lang = language_for(rel)
        if src is None or lang is None:
            return []
        if lang == "go" and self._go_module is False:
            self._go_module = _go_module(self.reader)
        go_module = self._go_module if lang == "go" and isinstance(self._go_module, str) else None
        out: list[str] = []
        for path, _names in imported_files(rel, src.text, lang, self._exists, go_module):
            if path.endswith("/"):  # a Go package directory
                out += self._dir_files(path.rstrip("/"), "go")
            else:
                out.append(path)
        here = str(PurePosixPath(rel).parent)
        return out + self._dir_files("" if here == "." else here, lang)[:60]

    def find(self, names: list[str], near: list[str], skip: set[str] | frozenset[str] = frozenset(),
             repo_wide: set[str] | None = None) -> dict[str, Definition]:
        """Definitions of ``names`` (at most one each), preferring files near ``near``.

        Looks in ``near`` files, their imports and directories, then greps near directories and the repo
        (only for names in ``repo_wide`` when given) until the deadline.
        """
        wanted = [n for n in dict.fromkeys(names) if n]
        found: dict[str, Definition] = {}
        prototypes: dict[str, Definition] = {}  # header declarations, used when no body turns up
        seen: set[str] = set()
        parsed = 0

        def visit(rel: str) -> None:
            nonlocal parsed
            if rel in seen or rel in skip:
                return
            seen.add(rel)
            todo = [n for n in wanted if n not in found]
            defs = self.index.cached(self.reader, rel)
            if defs is None:
                src = self.reader.read(rel, quiet=True)
                if src is None or not any(n in src.text for n in todo) or parsed >= MAX_PARSED_CANDIDATES:
                    return
                parsed += 1
                defs = self.index.definitions(self.reader, rel)
            for n in todo:
                d = _best(defs, n)
                if d is not None and _is_prototype(d):
                    prototypes.setdefault(n, d)
                elif d is not None:
                    found[n] = d

        for rel in near:
            visit(rel)
        for rel in near:
            if len(found) == len(wanted):
                return found
            for path in self.neighbours(rel):
                visit(path)
        found = self._search(wanted, found, near, repo_wide, visit)
        return found | {n: d for n, d in prototypes.items() if n not in found}

    def _search(self, wanted: list[str], found: dict[str, Definition], near: list[str],
                repo_wide: set[str] | None, visit: Callable[[str], None]) -> dict[str, Definition]:
        """The grep phase of ``find``: near directories, then the repository."""
        for scope in ("near", "repo"):
            missing = [n for n in wanted if n not in found and (repo_wide is None or n in repo_wide)]
            if not missing:
                break
            for rel in self._grep(missing, near, scope)[:MAX_GREP_FILES]:
                visit(rel)
                if len(found) == len(wanted):
                    break
        return found

    def _grep(self, names: list[str], near: list[str], scope: str) -> list[str]:
        """Files that may define ``names``: under the near files' directories, or anywhere ("repo")."""
        langs = {language_for(n) for n in near}
        pattern = definition_pattern(names, c_like=bool(langs - {"python", "go", "rust", None}))
        dirs = sorted({str(PurePosixPath(n).parent) for n in near} - {"."})
        if scope == "near" and not dirs:
            return []
        key = f"{scope}\0{pattern}\0" + "\0".join(dirs if scope == "near" else [])
        hits = self.index.memo_get(key)
        if hits is None:
            try:
                hits = self._run_grep(pattern, dirs if scope == "near" else None)
            except GrepTimeout:
                self.notes.append("repository search for definitions of " + ", ".join(names[:6])
                                  + " stopped at its time limit")
                return []
            self.index.memo_put(key, hits)

        def rank(rel: str) -> tuple:
            close = max((closeness(rel, n) for n in near), default=0)
            return (-close, language_for(rel) not in langs, "test" in rel.lower(), len(rel), rel)

        return sorted(hits, key=rank)

    def _run_grep(self, pattern: str, dirs: list[str] | None) -> list[str]:
        left = self.deadline - time.perf_counter()
        if self.is_git:
            hits = git_grep(self.root, pattern, timeout=left, pathspecs=[d + "/" for d in dirs] if dirs else None)
            if hits is not None:
                return hits
        regex = python_regex(pattern)
        if dirs is None:
            return walk_grep(self.root, regex, left)
        return [h for d in dirs for h in walk_grep(self.root, regex, left, top=d) if "/" in h]
