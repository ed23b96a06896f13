"""The call record of a failing test (written by ``callplugin``): typed calls, loading, and the prompt's tree."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MARK = "◀"
MAX_TREE_LINES = 40  # lines of the rendered tree
MAX_ARG_CHARS = 60  # one argument's repr in the tree
_TRIVIAL = frozenset({"None", "True", "False", "", "''", '""'})


class NoRecord(Exception):
    """The record could not be made or read; the message is the one-line reason."""


@dataclass
class Call:
    """One recorded call into repository code (values are short reprs)."""

    name: str  # qualified name, e.g. "Cart.total"
    file: str  # repository-relative
    line: int  # first line of the function
    args: list[tuple[str, str]]
    ret: str | None = None  # None: raised, a generator, or not seen returning
    exc: str | None = None  # "ValueError: message"
    yields: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # lines it executed
    repeat: int = 1  # identical calls (same arguments) counted into this one
    done: bool = True  # seen returning or raising
    children: list["Call"] = field(default_factory=list)
    exact: dict[str, str] = field(default_factory=dict)  # argument -> its full repr, where the short one is cut

    @classmethod
    def from_json(cls, d: dict) -> "Call":
        return cls(name=str(d["name"]), file=str(d["file"]), line=int(d.get("line") or 0),
                   args=[(str(a[0]), str(a[1])) for a in d.get("args") or []], ret=d.get("ret"),
                   exc=d.get("exc"), yields=[str(y) for y in d.get("yields") or []],
                   lines=sorted(int(n) for n in d.get("lines") or []), repeat=int(d.get("repeat") or 1),
                   done=bool(d.get("done", True)), children=[cls.from_json(c) for c in d.get("children") or []],
                   exact={str(a[0]): str(a[2]) for a in d.get("args") or [] if len(a) > 2})

    def to_json(self) -> dict:
        return {"name": self.name, "file": self.file, "line": self.line, "args": [[*a, self.exact[a[0]]] if a[0] in self.exact else list(a) for a in self.args],
                "ret": self.ret, "exc": self.exc, "yields": list(self.yields), "lines": list(self.lines),
                "repeat": self.repeat, "done": self.done, "children": [c.to_json() for c in self.children]}

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class CallRecord:
    """What one failing test called, as a tree of calls in call order."""

    test_id: str
    calls: list[Call]
    failure: str | None = None  # the test's exception, as the plugin saw it
    tracer: str = ""  # "settrace" or "sys.monitoring"
    python: str = ""
    recorded: int = 0
    omitted: int = 0  # calls left out by the caps
    capped: bool = False  # the total cap was reached
    errors: list[str] = field(default_factory=list)  # tracer errors (the record may be partial)

    def walk(self):
        for c in self.calls:
            yield from c.walk()

    def to_json(self) -> dict:
        return {"test_id": self.test_id, "failure": self.failure, "tracer": self.tracer, "python": self.python,
                "recorded": self.recorded, "omitted": self.omitted, "capped": self.capped,
                "errors": list(self.errors), "calls": [c.to_json() for c in self.calls]}


def load_record(path: Path) -> CallRecord:
    """Read the plugin's JSON: the first failing test's record; ``NoRecord`` with the reason otherwise."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoRecord("the call recorder did not run (pytest did not load it)") from None
    except (OSError, ValueError) as exc:
        raise NoRecord(f"the call record is unreadable: {exc}") from None
    if not isinstance(doc, dict):
        raise NoRecord("the call record is unreadable")
    if doc.get("error"):
        raise NoRecord(f"call recorder error: {doc['error']}")
    tests = [t for t in doc.get("tests") or [] if isinstance(t, dict)]
    if not tests:
        if doc.get("matched") == 0:
            raise NoRecord(f"pytest did not find the failing test {doc.get('target') or ''}".rstrip())
        raise NoRecord("the failing test did not run under the call recorder")
    test = next((t for t in tests if t.get("failed")), None)
    if test is None:
        raise NoRecord("the failing test passed when run alone under the call recorder")
    try:
        calls = [Call.from_json(c) for c in test.get("calls") or []]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise NoRecord(f"the call record is unreadable: {exc!r}") from None
    if not calls:
        raise NoRecord("the failing test made no calls into the repository's code")
    return CallRecord(test_id=str(test.get("nodeid") or ""), calls=calls, failure=test.get("failure"),
                      tracer=str(test.get("tracer") or ""), python=str(doc.get("python") or ""),
                      recorded=int(test.get("recorded") or 0), omitted=int(test.get("omitted") or 0),
                      capped=bool(test.get("capped")), errors=[str(e) for e in test.get("errors") or []])


# --- rendering --------------------------------------------------------------------------------------------
def _in_text(value: str | None, text: str) -> bool:
    if not value or value in _TRIVIAL or len(value) > 80:
        return False
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", text) is not None


def _exc_in_text(exc: str | None, text: str) -> bool:
    if not exc:
        return False
    kind, _, msg = exc.partition(": ")
    return kind in text and (not msg or msg[:60] in text)


_WHERE = re.compile(r"^[\s+]*(?:where|and)\s+(.+?)\s+=\s+")


def assertion_text(exception: str | None, message: str | None) -> str:
    """The failure's values, as marks are matched against them: the message's first line (``assert 90.0 ==
    5.0``) and the values of pytest's ``where`` lines, not the arguments those lines show."""
    lines = (message or "").splitlines()
    keep = [exception or "", *lines[:1]]
    keep += [m.group(1) for line in lines[1:] if (m := _WHERE.match(line))]
    return "\n".join(k for k in keep if k)


def marked_calls(record: CallRecord, failure_text: str) -> set[int]:
    """ids of the innermost calls whose return value (or exception) appears in ``failure_text``."""
    marked: set[int] = set()

    def visit(call: Call) -> set[str]:
        below: set[str] = set()
        for c in call.children:
            below |= visit(c)
        mine = {v for v in [call.ret, *call.yields] if _in_text(v, failure_text)}
        if call.exc and _exc_in_text(call.exc, failure_text):
            mine.add(call.exc)
        if mine - below:
            marked.add(id(call))
        return below | mine

    for c in record.calls:
        visit(c)
    return marked


def _ranges(lines: list[int]) -> str:
    out: list[str] = []
    start = prev = None
    for n in lines:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(out)


def _clip(text: str, limit: int = MAX_ARG_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def call_line(call: Call) -> str:
    """``total_weight(items=[…]) -> 2500`` with where it is and the lines it ran."""
    args = ", ".join(f"{name}={_clip(value)}" for name, value in call.args)
    text = f"{call.name}({args})"
    if call.exc:
        text += f" raised {_clip(call.exc, 100)}"
    elif call.yields:
        text += " yielded " + ", ".join(_clip(y, 30) for y in call.yields) + ("" if call.done else " …")
    elif not call.done:
        text += " -> (did not return while recorded)"
    elif call.ret is not None:
        text += f" -> {_clip(call.ret, 80)}"
    if call.repeat > 1:
        text += f" (×{call.repeat})"
    where = f"{call.file}:{call.line}"
    if call.lines:
        where += f", ran {_ranges(call.lines)}"
    return f"{text}   [{where}]"


def render(record: CallRecord, failure_text: str = "", max_lines: int = MAX_TREE_LINES) -> str:
    """The compact call tree for the prompt: callees indented under their caller, in call order;
    ``◀`` marks the innermost calls whose values appear in the failure's message."""
    marked = marked_calls(record, failure_text) if failure_text else set()
    rows: list[str] = []
    hidden = 0

    def visit(call: Call, depth: int) -> None:
        nonlocal hidden
        if len(rows) >= max_lines:
            hidden += sum(1 for _ in call.walk())
            return
        tag = f" {MARK} in the failure message" if id(call) in marked else ""
        rows.append("  " * depth + call_line(call) + tag)
        for c in call.children:
            visit(c, depth + 1)

    for c in record.calls:
        visit(c, 0)
    left = hidden + record.omitted
    if left:
        rows.append(f"… {left} more call(s) not shown (a few calls per function are kept)")
    head = (f"Calls the failing test {record.test_id} made into the repository's code (arguments -> return "
            f"value, callees indented under their caller; [file:first line, lines it ran]):")
    return "\n".join([head, *rows])
