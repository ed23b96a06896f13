"""build_context: from a Problem to the packed code context the model will see."""

from __future__ import annotations

import builtins
import json
import re
import threading
from pathlib import Path
from typing import Callable, Sequence

from rdebug.context.files import FileReader
from rdebug.context.gitinfo import GitContext, git_context
from rdebug.context.languages import language_for
from rdebug.context.model import PackedContext, Snippet
from rdebug.context.packer import pack
from rdebug.context.render import format_problem
from rdebug.context import snippets as S
from rdebug.context.reads import read_definitions
from rdebug.context.references import Resolver, scan, test_parameters, where_names
from rdebug.context.symbols import DefinitionFinder, TagsIndex
from rdebug.context.testid import locate_test
from rdebug.context.tokens import estimate_tokens
from rdebug.context.treesitter import Definition
from rdebug.intake.model import Frame, Problem

MAX_FRAMES = 8
MAX_CALLEES = 24
MAX_REFERENCES = 16
SEARCH_BUDGET_S = 0.6  # repository-wide definition search, per build
_COMMON_CALLS = frozenset("""
len print isinstance issubclass str int float bool list dict set tuple range enumerate zip map filter sorted
reversed min max sum any all abs repr type super getattr setattr hasattr open iter next format round vars
append extend insert pop remove update get items keys values join split strip replace startswith endswith
lower upper encode decode add discard copy clear sort index count find push shift slice splice forEach
then catch log error warn toString parseInt parseFloat require expect toBe toEqual assert assertEqual
assertTrue assertFalse assertRaises describe it test Errorf Fatalf Fatal Error Printf Println Sprintf
make new panic unwrap expect clone to_string into iter collect println format vec printf malloc free
memcpy strlen sizeof equals hashCode size length charAt substring valueOf
""".split()) | frozenset(dir(builtins))
# Common as method names, but a plain call `add(1, 2)` of one of these is the repository's own function.
_PLAIN_CALL_OK = frozenset("add get update remove insert count find index sort join split push pop clear copy size "
                           "length replace extend append discard shift slice".split())


_IMPORT_LINE = re.compile(r"\s*(import|from|#\s*include|use|using|package|require|extern crate|mod)\b"
                          r"|.*\brequire\(")


def _is_local(name: str, code: str) -> bool:
    """Whether ``name`` is a parameter or local variable in ``code`` (a callable passed in, not a definition)."""
    n = re.escape(name)
    return re.search(rf"(?<![\w.]){n}\s*=(?!=)|[(,]\s*\**{n}\s*[,)=:]|\b(for|as|let|const|var|mut)\s+{n}\b",
                     code) is not None


def _frames(problem: Problem, exclude: set[str]) -> list[Frame]:
    """In-repo frames with a line, failing (innermost) first, one per (path, line)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for f in reversed(problem.frames):
        if f.in_repo and f.line and f.path not in exclude and (f.path, f.line) not in seen:
            seen.add((f.path, f.line))
            out.append(f)
    return out[:MAX_FRAMES]


def _is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return (name.startswith("test_") or name == "conftest.py"
            or name.endswith(("_test.py", "_test.go", "test.java", "tests.rs"))
            or ".test." in name or ".spec." in name or "/tests/" in f"/{path}" or "__tests__" in path)


def _shown(name: str, d: Definition) -> str:
    return f"{name}()" if d.kind in ("function", "method", "class") else name


def _is_code(path: str) -> bool:
    """A source file in a language we parse that is not test code."""
    return language_for(path) is not None and not _is_test_file(path)


def _git_facts(index: TagsIndex, reader: FileReader, files: list[str], failing: dict[str, list[int]]
               ) -> GitContext:
    """git_context, remembered while the repository state and these files are unchanged."""
    stats = [(f, (st.st_mtime_ns, st.st_size) if (st := reader.stat(f)) else None) for f in files]
    key = "git\0" + json.dumps([stats, sorted(failing.items())])
    hit = index.memo_get(key)
    if isinstance(hit, dict):
        return GitContext.from_json(hit)
    g = git_context(index.root, files, failing)
    index.memo_put(key, g.to_json())
    return g


class _Builder:
    """Collects candidate snippets for one problem; ``build_context`` drives it."""

    def __init__(self, problem: Problem, root: Path, include: Sequence[str], exclude: Sequence[str]) -> None:
        self.problem = problem
        self.include = list(include)
        self.excluded = set(exclude)
        self.reader = FileReader(root)
        self.index = TagsIndex.for_root(root)
        self.finder = DefinitionFinder(self.index, self.reader, self.index.git_dir is not None, SEARCH_BUDGET_S)
        self.cands: list[Snippet] = []
        self.notes: list[str] = []
        self.calls: list[tuple[str, bool, str]] = []  # (callee, called as a member, caller label)
        self.involved: dict[str, None] = {}
        self.covered: dict[str, set[int]] = {}
        self.test_spans: list[tuple[str, int, int, str]] = []  # test code whose references are followed
        self.defined: set[tuple[str, int]] = set()  # (path, start line) of definitions already added
        self.ref_paths: dict[str, None] = {}  # files of referenced definitions (``involved`` is read by git)
        self.frames = _frames(problem, self.excluded)
        self.failing: dict[str, list[int]] = {}
        for f in self.frames:
            self.failing.setdefault(f.path, []).append(f.line)

    def _cover(self, rel: str, lines: Sequence[int]) -> None:
        self.involved[rel] = None
        self.covered.setdefault(rel, set()).update(lines)

    def _cause_frames(self) -> list[Frame]:
        """The innermost repository frame of each chained cause ("During handling...", "Caused by:")."""
        seen = {(f.path, f.line) for f in self.frames}
        out = []
        for cause in self.problem.chain:
            repo = [f for f in cause.frames if f.in_repo and f.line and f.path not in self.excluded]
            if repo and (repo[-1].path, repo[-1].line) not in seen:
                seen.add((repo[-1].path, repo[-1].line))
                out.append(repo[-1])
        return out

    def add_frames(self) -> None:
        plan: list[tuple[Frame, str, float]] = []
        for i, f in enumerate(self.frames):
            in_test = _is_test_file(f.path)
            reason = "failing frame" if i == 0 else "test frame" if in_test else f"caller frame {i}"
            plan.append((f, reason, S.P_FAILING if i == 0 else S.P_TEST if in_test else S.P_FRAME - i))
        for f in self._cause_frames():
            self.failing.setdefault(f.path, []).append(f.line)
            plan.append((f, "cause frame", S.P_FRAME - 0.5))
        for f, reason, prio in plan:
            src = self.reader.read(f.path)
            if src is None:
                self.notes.append(f"frame file not readable: {f.path}")
                continue
            if f.line > len(src.lines):
                self.notes.append(f"{f.path}:{f.line} is past the end of the file (stale trace?)")
            pf = self.index.parse(self.reader, f.path)
            snip, (lo, hi) = S.function_snippet(pf, src, f.line, f"{reason} {f.path}:{f.line}", prio,
                                                self.failing.get(f.path, []))
            self.cands.append(snip)
            self._cover(f.path, range(lo, hi + 1))
            if pf is not None:
                caller = snip.reason.split(": ", 1)[-1]
                if _is_test_file(f.path):
                    self.test_spans.append((f.path, lo, hi, caller))
                self.calls += [(c, m, caller) for c, m in pf.calls_between(lo, hi)
                               if m or not _is_local(c, snip.text)]
        if not plan:
            self.notes.append("no repository frames: context comes from the test, named files and git")
        else:
            self._add_file_head(self.frames[0] if self.frames else plan[0][0])

    def _add_file_head(self, f: Frame) -> None:
        """The failing file's imports (up to its first definition): vital for NameError-like failures."""
        src = self.reader.read(f.path)
        defs = self.index.definitions(self.reader, f.path)
        if src is None:
            return
        end = min([d.start_line - 1 for d in defs] + [min(self.covered.get(f.path, {1})) - 1]
                  + [S.MAX_HEAD_LINES, len(src.lines)])
        limit = end
        while end > 0 and not _IMPORT_LINE.match(src.line(end)):
            end -= 1
        if src.line(end).count("(") > src.line(end).count(")"):  # from x import (\n a,\n b)
            while end < limit and ")" not in src.line(end):
                end += 1
        if end >= 1:
            name_error = any(k in f"{self.problem.exception} {self.problem.message}"
                             for k in ("NameError", "ImportError", "ModuleNotFound", "ReferenceError",
                                       "not defined", "undefined", "cannot find symbol", "undeclared"))
            self.cands.append(S.lines_snippet(src, list(range(1, end + 1)), "imports of the failing file",
                                              S.P_FRAME + 5 if name_error else S.P_HEAD))

    def add_test(self) -> None:
        if not self.problem.test_id:
            return
        near = list(self.involved) + [s for s in self.problem.seeds if s not in self.excluded]
        loc = locate_test(self.finder, self.problem.test_id, near)
        src = self.reader.read(loc.path) if loc and loc.path not in self.excluded else None
        if loc is None or src is None:
            self.notes.append(f"failing test not found in the repository: {self.problem.test_id}")
            return
        nums = list(range(loc.start_line, loc.end_line + 1))
        snip = S.lines_snippet(src, nums, loc.label, S.P_TEST, self.failing.get(loc.path, []))
        self.cands.append(snip)
        self._cover(loc.path, nums)
        self.test_spans.append((loc.path, loc.start_line, loc.end_line, loc.label.removeprefix("failing test ")))
        pf = self.index.parse(self.reader, loc.path)
        if pf is not None:
            self.calls += [(c, m, loc.label) for c, m in pf.calls_between(loc.start_line, loc.end_line)
                           if m or not _is_local(c, snip.text)]

    def add_files(self) -> None:
        """Files the user added and files named in the problem text."""
        seeds = [p for p in self.problem.seeds if p not in self.include]
        for rel, label, prio in ([(p, "added by user", S.P_USER) for p in self.include]
                                 + [(p, "named in the problem text", S.P_SEED) for p in seeds]):
            if rel in self.excluded:
                continue
            src = self.reader.read(rel)
            if src is None:
                self.notes.append(f"file not found or skipped: {rel}")
                continue
            self.involved[rel] = None
            self.cands += S.whole_file_snippets(src, self.index.definitions(self.reader, rel), label, prio)

    def add_callees(self) -> None:
        """Definitions of what the frames and the test call, then (lower) of what those call."""
        calls, seen, near = self.calls, set(self.covered), list(self.involved)
        for depth, base in ((1, S.P_CALLEE), (2, S.P_CALLEE2)):
            names: dict[str, str] = {}
            plain: set[str] = set()  # called as f(): worth a repository-wide search; obj.f() is looked up nearby
            for name, member, caller in calls:
                common = name in _COMMON_CALLS and (member or name not in _PLAIN_CALL_OK)
                if not common and len(name) > 1 and name not in seen:
                    names.setdefault(name, caller)
                    if not member:
                        plain.add(name)
            seen.update(names)
            found = self.finder.find(list(names)[:MAX_CALLEES], near, self.excluded,
                                     repo_wide=plain if depth == 1 else set())
            calls, near = [], near + [d.path for d in found.values() if d.path not in near]
            for rank, (name, d) in enumerate(found.items()):
                src = self.reader.read(d.path)
                if src is None or all(n in self.covered.get(d.path, ()) for n in (d.start_line, d.end_line)):
                    continue
                snip = S.definition_snippet(src, d, f"definition of {name}() called from {names[name]}",
                                            base - rank * 0.1)
                self.cands.append(snip)
                self.defined.add((d.path, d.start_line))
                if depth == 1 and _is_test_file(d.path):  # a test helper such as check(candidate)
                    self.test_spans.append((d.path, d.start_line, d.end_line, f"{name}()"))
                pf = self.index.parse(self.reader, d.path) if depth == 1 else None
                if pf is not None:
                    calls += [(c, m, f"{name}()") for c, m in pf.calls_between(d.start_line, d.end_line)
                              if m or not _is_local(c, snip.text)]
        self.notes += self.finder.notes

    def _add_definition(self, d: Definition, reason: str, priority: float) -> bool:
        src = self.reader.read(d.path)
        key = (d.path, d.start_line)
        if (src is None or key in self.defined or d.path in self.excluded
                or all(n in self.covered.get(d.path, ()) for n in (d.start_line, d.end_line))):
            return False
        self.defined.add(key)
        self.ref_paths[d.path] = None
        self.cands.append(S.definition_snippet(src, d, reason, priority))
        return True

    def add_references(self) -> None:
        """Definitions that test code names without calling them (a function passed to a helper, a parametrize
        list, ``assertRaises(E, f, x)``), its fixtures, and the names in pytest's ``where`` lines."""
        res, queue, rank = Resolver(self.index, self.reader), [(*s, 0) for s in self.test_spans], 0
        calls: list[tuple[str, bool, str]] = []  # what the referenced code under test calls
        while queue and rank < MAX_REFERENCES:
            path, lo, hi, label, depth = queue.pop(0)
            pf = res.parsed(path)
            if pf is None:
                continue
            refs = scan(pf, lo, hi)
            found = [(n, d, "referenced from") for n in refs.names if n not in refs.bound
                     and (d := res.resolve(path, n)) is not None]
            found += [(n, d, "referenced from") for chain in refs.dotted if (hit := res.resolve_dotted(path, chain))
                      for n, d in [hit]]
            found += [(n, d, "fixture used by") for n in test_parameters(pf, lo, hi)
                      if (d := res.fixture(path, n)) is not None]
            for name, d, how in found:
                if (d.path, d.start_line) == (path, lo) or not self._add_definition(
                        d, f"definition of {_shown(name, d)} {how} {label}", S.P_CALLEE - 0.05 - rank * 0.1):
                    continue
                rank += 1
                if _is_test_file(d.path) and depth < 2:
                    queue.append((d.path, d.start_line, d.end_line, _shown(name, d), depth + 1))
                elif (dpf := res.parsed(d.path)) is not None:
                    calls += [(c, m, _shown(name, d)) for c, m in dpf.calls_between(d.start_line, d.end_line)]
        self._add_callees_of_references(calls)
        self._add_where_names(res)
        self._add_imported_code(res)

    def _add_callees_of_references(self, calls: list[tuple[str, bool, str]]) -> None:
        names: dict[str, str] = {}
        for name, member, caller in calls:
            if not (name in _COMMON_CALLS and (member or name not in _PLAIN_CALL_OK)) and len(name) > 1:
                names.setdefault(name, caller)
        if not names:
            return
        near = list(dict.fromkeys([*self.ref_paths, *self.involved]))
        found = self.finder.find(list(names)[:MAX_CALLEES], near, self.excluded, repo_wide=set())
        for rank, (name, d) in enumerate(found.items()):
            self._add_definition(d, f"definition of {name}() called from {names[name]}", S.P_CALLEE2 - rank * 0.1)

    def _add_where_names(self, res: Resolver) -> None:
        """pytest's assertion introspection names the function under test: ``where 3 = median([1, 2])``."""
        strong, every = where_names(f"{self.problem.message}\n{self.problem.raw}")
        files = list(dict.fromkeys(p for p, *_ in self.test_spans))
        left: list[str] = []
        for name in every:
            d = next((d for f in files if (d := res.resolve(f, name)) is not None), None)
            if d is not None:
                self._add_definition(d, f"definition of {_shown(name, d)} named in the assertion", S.P_CALLEE + 1)
            elif name in strong and name not in _COMMON_CALLS:
                left.append(name)
        if left:
            for name, d in self.finder.find(left[:MAX_CALLEES], files + list(self.involved), self.excluded,
                                            repo_wide=set(left)).items():
                self._add_definition(d, f"definition of {_shown(name, d)} named in the assertion", S.P_CALLEE + 1)

    def _add_imported_code(self, res: Resolver) -> None:
        """When nothing but test code would be shown: what the test files import from the repository."""
        if any(not _is_test_file(c.path) and not c.path.startswith("git:") for c in self.cands):
            return
        for i, rel in enumerate(dict.fromkeys(p for p, *_ in self.test_spans)):
            for name, d, path in res.imported_code(rel):
                prio = S.P_CALLEE - 2 - i
                if d is not None:
                    self._add_definition(d, f"definition of {name} imported by {rel}", prio)
                elif path not in self.involved and path not in self.ref_paths and path not in self.excluded \
                        and _is_code(path) and (src := self.reader.read(path)) is not None and src.text.strip():
                    self.ref_paths[path] = None
                    self.cands += S.whole_file_snippets(src, res.defs(path), f"module imported by {rel}", prio)

    def git_files(self) -> list[str]:
        return [p for p in self.involved if language_for(p) or p in self.include]

    def add_git(self, g: GitContext) -> None:
        self.notes += g.notes
        self.cands += [s for s in S.git_snippets(g) if s.path.split(" ", 1)[-1] not in self.excluded]

    def add_skeletons(self) -> None:
        for i, rel in enumerate(dict.fromkeys(f.path for f in self.frames)):
            src = self.reader.read(rel)
            defs = self.index.definitions(self.reader, rel)
            if src is not None and defs and len(src.lines) > len(self.covered.get(rel, ())) + 30:
                self.cands.append(S.skeleton_snippet(src, defs, S.P_SKELETON - i))


def build_context(problem: Problem, root: Path, budget: int = 6000,
                  count_tokens: Callable[[str], int] | None = None,
                  include: Sequence[str] = (), exclude: Sequence[str] = (),
                  extra: Callable[[], Sequence[Snippet]] | None = None) -> PackedContext:
    """Pick, prioritise and pack the code the model should see for ``problem``.

    Frames' enclosing functions, the failing test, user-added and named files, callee definitions
    (lazy tags index), git diff/log/blame and module skeletons, packed by priority under ``budget``
    tokens (``count_tokens`` or a fast estimate). ``include``/``exclude``: repo-relative files. ``extra``: a late
    stage's snippets (the spectrum), asked for last; those whose lines a snippet already holds are left out.
    """
    b = _Builder(problem, Path(root).resolve(), include, exclude)
    b.add_frames()
    b.add_test()
    b.add_files()
    git_result: list[GitContext] = []
    worker = threading.Thread(target=lambda: git_result.append(
        _git_facts(b.index, b.reader, b.git_files(), b.failing)), daemon=True)
    worker.start()  # git runs while callees are searched (both mostly wait on subprocesses)
    b.add_callees()
    b.add_references()
    for r in read_definitions(problem, b.index.root, b.frames, b.test_spans, [*b.involved, *b.ref_paths, *(
            p for p, _ in b.defined)], index=b.index, reader=b.reader, exclude=b.excluded):
        b._add_definition(r.definition, r.reason, r.priority)  # properties, getters, __eq__ … (issue 22)
    b.add_skeletons()
    if extra is not None:
        b.cands += [s for s in extra() if not any(c.path == s.path and c.kind in ("code", "file") and
                                                  c.start_line <= s.start_line and s.end_line <= c.end_line
                                                  for c in b.cands)]
    worker.join()
    b.add_git(git_result[0] if git_result else GitContext(False, ["git context absent: git failed"]))
    b.index.save()
    count = count_tokens or estimate_tokens
    cands = [c for c in b.cands if c.path not in b.excluded]
    kept, dropped, used = pack(cands, budget, count, reserved=count(format_problem(problem)))
    notes = b.reader.notes + b.notes
    if dropped:
        notes.append(f"{len(dropped)} snippet(s) did not fit the {budget}-token budget")
    return PackedContext(problem, kept, budget, used, notes, dropped)
