"""What the failing code reads without calling it: properties, getters and the special methods of its classes.

Following calls alone misses ``self.pages`` (a ``@property`` runs on a plain attribute read), a JavaScript
``get pages()``, and the ``__eq__`` that ``assert rows == [Row(...)]`` runs. ``read_definitions`` scans the failing
frames' functions and the test for attribute reads and for the repository classes they name, and returns those
definitions with a reason that starts with "definition of" (the suspicious lines treat them as callees), but for
the special methods no operation of the failing code runs (``__repr__`` beside an ``==``): those rank as other code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from tree_sitter import Node, Query, QueryCursor

from rdebug.context.files import FileReader
from rdebug.context.languages import grammar, language_for
from rdebug.context.references import Resolver, scan, where_names
from rdebug.context.symbols import TagsIndex
from rdebug.context.treesitter import Definition, ParsedFile, enclosing_function
from rdebug.intake.model import Frame, Problem
from rdebug.intake.testfiles import is_test_path

P_READ_FAILING = 60.5  # a property read on the failing line: before the callees (snippets.P_CALLEE = 60) …
P_READ = 59.95  # … read elsewhere in the frames' functions or the test: among them
P_READ2 = 45.0  # … read by such a property: with the callees of callees (snippets.P_CALLEE2)
P_DUNDER = 59.0  # a special method the failing code's operations run (==, len(), for, [ ])
P_DUNDER_OTHER = 44.0  # the class's other special methods (below the callees of callees)
MAX_FILES = 30  # files looked through for properties
MAX_PROPERTIES = 8
MAX_DUNDERS = 10
MAX_SPANS = 12
SELF = frozenset({"self", "cls", "this"})
# special method -> (what the failing code does to run it, a pattern of the code that does it)
DUNDERS: dict[str, tuple[str, str]] = {
    "__eq__": ("compared", r"==|!=|assert\w*Equal|\bin\b|\.(?:count|index|remove)\("),
    "__hash__": ("hashed", r"\bset\(|\bdict\(|\{[^}:]*\}|\bin\b"),
    "__lt__": ("ordered", r"<|>|\bsorted\(|\.sort\(|\bmin\(|\bmax\(|heapq|bisect"),
    "__le__": ("ordered", r"<=|>="),
    "__gt__": ("ordered", r"<|>|\bsorted\(|\.sort\(|\bmin\(|\bmax\("),
    "__len__": ("measured with len()", r"\blen\("),
    "__iter__": ("iterated", r"\bfor\b|\b(?:list|tuple|set|sorted|sum|zip|enumerate|any|all|min|max)\(|\.join\(|\*\w"),
    "__getitem__": ("indexed", r"\w[\])]?\["),
    "__contains__": ("searched with `in`", r"\bin\b"),
    "__bool__": ("tested for truth", r"\bif\b|\bnot\b|\band\b|\bor\b|\bwhile\b|\bbool\("),
    "__str__": ("shown as text", r"\bstr\(|\bf['\"]|\.format\(|\bprint\("),
    "__repr__": ("shown as text", r"\brepr\(|!r\b"),
}
_PY_PROPERTY = re.compile(r"^\s*@\s*(?:\w+\.)*(?:cached_)?property\s*(?:#.*)?$")
_READS = {
    "python": "(attribute object: (_) @obj attribute: (identifier) @attr) @read",
    "javascript": "(member_expression object: (_) @obj property: (property_identifier) @attr) @read",
}
_OBJECT_REPR = re.compile(r"<([\w.]+) object at 0x")


@dataclass(frozen=True)
class ReadDefinition:
    """A definition the failing code runs without calling it. ``reason`` starts with "definition of" (a callee, to
    the suspicious lines) unless it is a special method no operation of the failing code is seen to run."""

    path: str
    name: str  # "Paginator.pages", "Row.__eq__"
    start_line: int
    end_line: int
    reason: str
    priority: float
    definition: Definition


@dataclass(frozen=True)
class _Span:
    path: str
    lo: int
    hi: int
    label: str  # "Paginator.page()", "test_rows()"
    class_name: str | None = None  # the class whose method this is (what `self` means)
    failing: int | None = None  # the failing line, when this is the innermost frame's function


@dataclass(frozen=True)
class _Property:
    cls: str
    d: Definition


@lru_cache(maxsize=None)
def _query(lang: str) -> Query | None:
    g = grammar(lang)
    text = _READS.get("python" if lang == "python" else "javascript")
    try:
        return Query(g.language, text) if g is not None and text else None
    except Exception:  # a grammar without these node types
        return None


def attribute_reads(pf: ParsedFile, lo: int, hi: int) -> dict[tuple[str, str], set[int]]:
    """(receiver, attribute) read on lines ``lo..hi`` (``self.pages``, ``p.pages``, ``this.pages``) -> the lines that
    read it; method calls and assignment targets left out."""
    q = _query(pf.lang)
    if q is None:
        return {}
    cursor = QueryCursor(q)
    cursor.set_point_range((lo - 1, 0), (hi, 0))
    out: dict[tuple[str, str], set[int]] = {}
    for _, caps in cursor.matches(pf.tree.root_node):
        node, obj, attr = caps["read"][0], caps["obj"][0], caps["attr"][0]
        if not lo <= node.start_point[0] + 1 <= hi or _called_or_assigned(node):
            continue
        out.setdefault((_text(obj), _text(attr)), set()).add(node.start_point[0] + 1)
    return out


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _called_or_assigned(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("call", "call_expression") and parent.child_by_field_name("function") == node:
        return True
    return parent.type in ("assignment", "assignment_expression") and parent.child_by_field_name("left") == node


def _owner(defs: list[Definition], d: Definition) -> str | None:
    """The innermost class whose lines hold ``d``."""
    around = [c for c in defs if c.kind == "class" and c.start_line <= d.start_line and d.end_line <= c.end_line
              and c != d]
    return max(around, key=lambda c: c.start_line).name if around else None


def _is_getter(src_lines: list[str], d: Definition, lang: str) -> bool:
    if lang == "python":
        return any(_PY_PROPERTY.match(src_lines[n - 1]) for n in range(d.start_line, d.name_line)
                   if 1 <= n <= len(src_lines))
    line = src_lines[d.name_line - 1] if 1 <= d.name_line <= len(src_lines) else ""
    return re.search(rf"\bget\s+\[?['\"]?{re.escape(d.name)}\b", line) is not None


class _Reads:
    def __init__(self, problem: Problem, index: TagsIndex, reader: FileReader, exclude: set[str]) -> None:
        self.problem, self.index, self.reader, self.exclude = problem, index, reader, exclude
        self.res = Resolver(index, reader)
        self.props: dict[str, list[_Property]] = {}
        self.files: dict[str, None] = {}
        self.out: dict[tuple[str, int], ReadDefinition] = {}

    def add_files(self, paths: Sequence[str]) -> None:
        """Look through ``paths`` and the repository modules they import for properties and getters."""
        for rel in list(paths):
            self._add_file(rel)
            for _name, d, path in self.res.imported_code(rel) if language_for(rel) else []:
                self._add_file(d.path if d is not None else path)

    def _add_file(self, rel: str) -> None:
        if rel in self.files or rel in self.exclude or len(self.files) >= MAX_FILES or language_for(rel) is None:
            return
        self.files[rel] = None
        src = self.reader.read(rel, quiet=True)
        if src is None or ("property" not in src.text and "get " not in src.text):
            return
        defs = self.res.defs(rel)
        for d in defs:
            if d.kind in ("function", "method") and _is_getter(src.lines, d, language_for(rel) or ""):
                cls = _owner(defs, d)
                if cls is not None:
                    self.props.setdefault(d.name, []).append(_Property(cls, d))

    def _add(self, d: Definition, name: str, reason: str, priority: float) -> bool:
        key = (d.path, d.start_line)
        if key in self.out or d.path in self.exclude or is_test_path(d.path):  # a test's own helper class
            return False
        self.out[key] = ReadDefinition(d.path, name, d.start_line, d.end_line, reason, round(priority, 2), d)
        return True

    def properties(self, spans: list[_Span]) -> None:
        """The properties the spans read (and, one level down, those the properties read)."""
        queue, depth_of, found = list(spans), {s: 0 for s in spans}, 0
        while queue and found < MAX_PROPERTIES:
            span = queue.pop(0)
            pf = self.res.parsed(span.path)
            if pf is None:
                continue
            text = self._text(span)
            for (receiver, attr), lines in attribute_reads(pf, span.lo, span.hi).items():
                prop = self._resolve(span, receiver, attr, text)
                if prop is None or found >= MAX_PROPERTIES:
                    continue
                kind = "getter" if language_for(prop.d.path) != "python" else "property"
                failing = span.failing in lines
                where = f"read on the failing line of {span.label}" if failing else f"read by {span.label}"
                prio = P_READ2 if depth_of[span] else P_READ_FAILING if failing else P_READ
                if self._add(prop.d, f"{prop.cls}.{attr}", f"definition of {kind} {prop.cls}.{attr} {where}",
                             prio - 0.1 * found):
                    found += 1
                    if depth_of[span] == 0:
                        sub = _Span(prop.d.path, prop.d.start_line, prop.d.end_line, f"{prop.cls}.{attr}", prop.cls)
                        depth_of[sub] = 1
                        queue.append(sub)

    def _resolve(self, span: _Span, receiver: str, attr: str, text: str) -> _Property | None:
        cands = self.props.get(attr, [])
        if not cands:
            return None
        if receiver in SELF and span.class_name:
            own = [p for p in cands if p.cls == span.class_name]
            if own:
                return min(own, key=lambda p: p.d.path != span.path)
        if len(cands) == 1:
            return cands[0]
        named = [p for p in cands if re.search(rf"\b{re.escape(p.cls)}\b", text)]  # Paginator(...) in the span
        return named[0] if len(named) == 1 else None

    def dunders(self, spans: list[_Span]) -> None:
        """Special methods of the repository classes the spans construct or name (Python)."""
        classes: dict[tuple[str, int], tuple[Definition, _Span]] = {}
        for span in spans:
            pf = self.res.parsed(span.path)
            if pf is None or pf.lang != "python":
                continue
            refs = scan(pf, span.lo, span.hi)
            hits = [self.res.resolve(span.path, n) for n in refs.names if n not in refs.bound]
            hits += [hit[1] for chain in refs.dotted if (hit := self.res.resolve_dotted(span.path, chain))]
            if span.class_name:
                hits.append(self.res.top(span.path).get(span.class_name))
            for d in hits:
                if d is not None and d.kind == "class":
                    classes.setdefault((d.path, d.start_line), (d, span))
        for d, span in self._classes_in_message(spans):
            classes.setdefault((d.path, d.start_line), (d, span))
        for p in list(self.out.values()):  # the classes that own the properties read
            owner = next((c for c in self.res.defs(p.path) if c.kind == "class" and c.name == p.name.split(".")[0]
                          and c.start_line <= p.start_line <= c.end_line), None)
            span = next((s for s in spans if s.path == p.path), spans[0] if spans else None)
            if owner is not None and span is not None:
                classes.setdefault((owner.path, owner.start_line), (owner, span))
        self._add_dunders(list(classes.values()), spans)

    def _classes_in_message(self, spans: list[_Span]) -> list[tuple[Definition, _Span]]:
        """Classes whose instances pytest's assertion message shows: ``Row(name='a')``, ``<rows.Row object ...>``."""
        text = f"{self.problem.message}\n{self.problem.raw}"
        strong, _ = where_names(text)
        names = list(dict.fromkeys([*strong, *(m.split(".")[-1] for m in _OBJECT_REPR.findall(text)),
                                    *re.findall(r"\b([A-Z]\w*)\(", self.problem.message)]))
        out = []
        for name in names[:20]:
            for span in spans:
                d = self.res.resolve(span.path, name) if language_for(span.path) == "python" else None
                if d is not None and d.kind == "class":
                    out.append((d, span))
                    break
        return out

    def _add_dunders(self, classes: list[tuple[Definition, _Span]], spans: list[_Span]) -> None:
        texts = {s: self._text(s) for s in spans}
        failing = next((s for s in spans if s.failing is not None), None)
        found = 0
        for cls, span in classes:
            defs = self.res.defs(cls.path)
            methods = [d for d in defs if d.name in DUNDERS and d.kind in ("function", "method")
                       and cls.start_line < d.start_line <= cls.end_line and _owner(defs, d) == cls.name]
            for d in methods:
                if found >= MAX_DUNDERS:
                    return
                how, pattern = DUNDERS[d.name]
                by = next((s for s in (span, failing) if s is not None and re.search(pattern, texts.get(s, ""))),
                          None)
                if by is None:
                    reason = f"special method {cls.name}.{d.name} of a class {span.label} uses"  # not a callee's
                    prio = P_DUNDER_OTHER
                else:
                    where = by.label
                    if by is failing and failing is not None and self._asserts(failing):
                        where = "the failing assertion"
                    reason, prio = f"definition of {cls.name}.{d.name} ({cls.name} {how} by {where})", P_DUNDER
                if self._add(d, f"{cls.name}.{d.name}", reason, prio - 0.1 * found):
                    found += 1

    def _text(self, span: _Span) -> str:
        src = self.reader.read(span.path, quiet=True)
        return "\n".join(src.line(n) for n in range(span.lo, span.hi + 1)) if src is not None else ""

    def _asserts(self, span: _Span) -> bool:
        src = self.reader.read(span.path, quiet=True)
        line = src.line(span.failing) if src is not None and span.failing else ""
        return re.search(r"\bassert|expect\(", line) is not None


def _frame_spans(frames: Sequence[Frame], res: Resolver) -> list[_Span]:
    out: list[_Span] = []
    for i, f in enumerate(frames):
        pf = res.parsed(f.path) if f.line else None
        if pf is None or f.line is None:
            continue
        enc = enclosing_function(pf, f.line)
        if enc is None:
            out.append(_Span(f.path, f.line, f.line, f"{f.path}:{f.line}", None, f.line if i == 0 else None))
            continue
        name = f"{enc.class_name}.{enc.name}" if enc.class_name and enc.name else enc.name or "anonymous function"
        out.append(_Span(f.path, enc.start_line, enc.end_line, f"{name}()", enc.class_name,
                         f.line if i == 0 else None))
    return out


def read_definitions(problem: Problem, root: Path, frames: Sequence[Frame],
                     spans: Sequence[tuple[str, int, int, str]] = (), files: Sequence[str] = (), *,
                     index: TagsIndex | None = None, reader: FileReader | None = None,
                     exclude: Sequence[str] = ()) -> list[ReadDefinition]:
    """The properties, getters and special methods that ``frames``' functions (failing first) and ``spans``
    (the test: (path, first line, last line, label)) run by reading an attribute, comparing, iterating, indexing
    or len()ing. Looks in the spans' files, ``files`` (the context's) and the repository modules they import."""
    reader = reader or FileReader(Path(root))
    index = index or TagsIndex.for_root(Path(root))
    r = _Reads(problem, index, reader, set(exclude))
    all_spans = _frame_spans(frames, r.res)
    seen = {(s.path, s.lo) for s in all_spans}
    for path, lo, hi, label in spans:
        if (path, lo) not in seen and path not in r.exclude:
            seen.add((path, lo))
            all_spans.append(_Span(path, lo, hi, label))
    all_spans = all_spans[:MAX_SPANS]
    if not all_spans:
        return []
    r.add_files(list(dict.fromkeys([*(s.path for s in all_spans), *files])))
    r.properties(all_spans)
    r.dunders(all_spans)
    return sorted(r.out.values(), key=lambda x: -x.priority)
