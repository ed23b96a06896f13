"""Finding the failing test's source from a test id (pytest, unittest, Go, Rust, Java, Jest)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from rdebug.context.languages import EXTENSIONS
from rdebug.context.search import GrepTimeout, files_ending_with, git_grep, walk_grep
from rdebug.context.symbols import DefinitionFinder
from rdebug.context.treesitter import Definition, enclosing_function

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass
class TestTarget:
    name: str | None  # function / method name
    path: str | None = None  # file named by the id
    classes: list[str] = field(default_factory=list)
    title: str | None = None  # a Jest/Mocha title, found as a string


@dataclass
class TestLocation:
    path: str
    start_line: int
    end_line: int
    label: str


def parse_test_id(test_id: str) -> TestTarget:
    """Split a test id into file, classes and name (or a title to search for)."""
    tid = test_id.strip()
    m = re.match(r"^(\w+) \(([\w.]+)\)$", tid)  # unittest: test_x (pkg.mod.Cls.test_x)
    if m:
        tid = m.group(2) if m.group(2).endswith(m.group(1)) else f"{m.group(2)}.{m.group(1)}"
    if "::" in tid:
        parts = [re.sub(r"\[.*$", "", p) for p in tid.split("::")]
        if PurePosixPath(parts[0]).suffix in EXTENSIONS:
            return TestTarget(parts[-1] if len(parts) > 1 else None, parts[0], parts[1:-1])
        return TestTarget(parts[-1])  # Rust: tests::it_works
    if "#" in tid:  # Java: pkg.Cls#method
        cls, _, method = tid.partition("#")
        method = method.split("(")[0]
        return TestTarget(method or None, cls.replace(".", "/") + ".java", [cls.rsplit(".", 1)[-1]])
    if "›" in tid or " " in tid:
        return TestTarget(None, title=tid.split("›")[-1].strip())
    if "/" in tid and _IDENT.match(tid.split("/")[0]):  # Go subtest TestX/case
        return TestTarget(tid.split("/")[0])
    if "." in tid and all(_IDENT.match(p) for p in tid.split(".")):  # pkg.mod.Cls.test_x / pkg.Cls.method
        parts = tid.split(".")
        classes = [p for p in parts[:-1] if p[:1].isupper()]
        mods = parts[: parts.index(classes[0])] if classes else parts[:-1]
        return TestTarget(parts[-1], "/".join(mods) + ".py" if mods else None, classes)
    return TestTarget(tid if _IDENT.match(tid) else None, title=None if _IDENT.match(tid) else tid)


def _title_hits(finder: DefinitionFinder, title: str) -> list[str]:
    budget = max(0.2, finder.deadline - time.perf_counter())
    try:
        hits = git_grep(finder.root, title, fixed=True, timeout=budget) if finder.is_git else None
        return hits if hits is not None else walk_grep(finder.root, re.compile(re.escape(title)), budget)
    except GrepTimeout:
        return []


def _by_title(finder: DefinitionFinder, title: str, near: list[str]) -> TestLocation | None:
    """The test whose title is ``title``; Mocha-style "Suite test name" ids are tried without leading words."""
    words = title.split()
    for i in range(max(1, len(words) - 1)):
        wanted = " ".join(words[i:])
        for rel in dict.fromkeys(near + _title_hits(finder, wanted)):
            src = finder.reader.read(rel, quiet=True)
            if src is None or wanted not in src.text:
                continue
            line = src.text[: src.text.index(wanted)].count("\n") + 1
            pf = finder.index.parse(finder.reader, rel)
            enc = enclosing_function(pf, line + 1) if pf else None
            label = f'failing test "{wanted}"'
            if enc is not None and enc.start_line <= line:
                return TestLocation(rel, enc.start_line, enc.end_line, label)
            return TestLocation(rel, line, min(line + 15, len(src.lines)), label)
    return None


def _in_file(defs: list[Definition], t: TestTarget) -> Definition | None:
    """The test's definition: inside the named classes, or at top level when no class is named."""
    classes = [d for d in defs if d.kind in ("class", "interface")]
    named = [c for c in classes if c.name in t.classes]
    for d in defs:
        if d.name != t.name or d.kind in ("class", "interface"):
            continue
        inside = [c for c in classes if c.start_line <= d.start_line and d.end_line <= c.end_line and c is not d]
        if (named and any(c in named for c in inside)) or (not t.classes and not inside):
            return d
    return next((d for d in defs if d.name == t.name and d.kind not in ("class", "interface")), None)


def locate_test(finder: DefinitionFinder, test_id: str, near: list[str]) -> TestLocation | None:
    """Where the failing test is defined, or None when it cannot be found."""
    t = parse_test_id(test_id)
    if t.title:
        return _by_title(finder, t.title, near)
    if not t.name:
        return None
    files = [p for p in near if t.path and p.endswith(t.path)]
    if t.path and finder.reader.stat(t.path) is not None:
        files.insert(0, t.path)
    elif t.path and not files:
        files = files_ending_with(finder.root, t.path, finder.is_git)
    for rel in files:
        d = _in_file(finder.index.definitions(finder.reader, rel), t)
        if d is not None:
            return TestLocation(rel, d.start_line, d.end_line, f"failing test {t.name}()")
    hits = finder.find([t.name], near=files + near)
    d = hits.get(t.name)
    return TestLocation(d.path, d.start_line, d.end_line, f"failing test {t.name}()") if d else None
