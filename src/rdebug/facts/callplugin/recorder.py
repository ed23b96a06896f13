"""The call recorder's tree: the calls into repository code made on one thread, fed by the tracers, as JSON.

Part of the call recorder plugin (``rdebug.facts.callplugin``): standard library only, imported relatively.
"""

import os
import threading

from .shortrepr import exact_repr, exc_text, short_repr

MAX_LINES = 400  # line numbers kept per call
MAX_YIELDS = 3
MAX_PARENT_WALK = 64  # frames looked through for the recorded caller
_SKIP_DIRS = frozenset({"site-packages", "dist-packages", ".venv", "venv", "env", ".tox", ".nox", "node_modules",
                        "__pycache__", ".eggs", "tests", "test", "__tests__"})
GEN_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR
SKIP = object()  # a call not recorded (a cap): its callees are not recorded either


class Call(object):
    __slots__ = ("name", "file", "line", "args", "ret", "exc", "yields", "lines", "children", "depth", "repeat",
                 "done", "pending", "code")

    def __init__(self, code, name, rel, args, depth):
        self.code, self.name, self.file, self.line = code, name, rel, code.co_firstlineno
        self.args, self.depth = args, depth
        self.ret = self.exc = self.pending = None
        self.yields, self.lines, self.children = [], set(), []
        self.repeat, self.done = 1, False

    def to_json(self):
        return {"name": self.name, "file": self.file, "line": self.line, "args": self.args, "ret": self.ret,
                "exc": self.exc, "yields": self.yields, "lines": sorted(self.lines), "repeat": self.repeat,
                "done": self.done, "children": [c.to_json() for c in self.children]}


class Recorder(object):
    """The calls into repository code made on one thread, as a tree; the tracers feed it."""

    def __init__(self, roots, per_function=3, max_calls=60, max_depth=12):
        self.roots = [r for r in roots if r]
        self.per_function, self.max_calls, self.max_depth = per_function, max_calls, max_depth
        self.calls = []  # top-level calls
        self.count = 0
        self.omitted = 0  # calls not recorded because of a cap
        self.capped = False
        self.active = {}  # id(frame) -> (frame, Call or SKIP) while the frame runs
        self.suspended = {}  # id(frame) -> (frame, Call): generators between yields
        self.per_code = {}  # code -> calls recorded
        self.seen_args = {}  # (code, args) -> the first Call with them
        self.files = {}  # code filename -> repository-relative path or None
        self.thread = threading.get_ident()
        self.errors = []
        self.busy = False

    # --- what counts as repository code -----------------------------------------------------------------
    def relpath(self, filename):
        try:
            return self.files[filename]
        except KeyError:
            pass
        rel = None
        if filename and not filename.startswith("<"):
            for candidate in (os.path.abspath(filename), os.path.realpath(filename)):
                for root in self.roots:
                    if candidate.startswith(root.rstrip(os.sep) + os.sep):
                        rel = candidate[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/")
                        break
                if rel:
                    break
        if rel is not None and not _is_code(rel):
            rel = None
        self.files[filename] = rel
        return rel

    # --- events ---------------------------------------------------------------------------------------
    def _parent(self, frame):
        f, steps = frame.f_back, 0
        while f is not None and steps < MAX_PARENT_WALK:
            entry = self.active.get(id(f))
            if entry is not None and entry[0] is f:
                return entry[1]
            f, steps = f.f_back, steps + 1
        return None

    def enter(self, frame, rel):
        """A repository function starts (or a generator resumes); returns its Call or SKIP."""
        key = id(frame)
        held = self.suspended.pop(key, None)
        if held is not None and held[0] is frame:
            self.active[key] = held
            return held[1]
        parent = self._parent(frame)
        node = SKIP
        if parent is not SKIP and not self.capped:
            node = self._new_call(frame, rel, parent)
        elif parent is not SKIP:
            self.omitted += 1
        self.active[key] = (frame, node)
        return node

    def _new_call(self, frame, rel, parent):
        code = frame.f_code
        depth = 0 if parent is None else parent.depth + 1
        if depth >= self.max_depth:
            self.omitted += 1
            return SKIP
        args = self._args(frame)
        same = self.seen_args.get((code, repr(args)))
        if same is not None:
            same.repeat += 1
            return SKIP
        if self.per_code.get(code, 0) >= self.per_function:
            self.omitted += 1
            return SKIP
        if self.count >= self.max_calls:
            self.capped = True
            self.omitted += 1
            return SKIP
        name = getattr(code, "co_qualname", None) or code.co_name
        node = Call(code, name, rel, args, depth)
        self.count += 1
        self.per_code[code] = self.per_code.get(code, 0) + 1
        self.seen_args[(code, repr(args))] = node
        (self.calls if parent is None else parent.children).append(node)
        return node

    def _args(self, frame):
        code = frame.f_code
        n = code.co_argcount + code.co_kwonlyargcount
        n += 1 if code.co_flags & 0x04 else 0  # *args
        n += 1 if code.co_flags & 0x08 else 0  # **kwargs
        names = code.co_varnames[:n]
        values = frame.f_locals
        out = []
        for i, name in enumerate(names):
            if name not in values:
                continue
            if i == 0 and name in ("self", "cls") and "." in (getattr(code, "co_qualname", "") or "."):
                out.append([name, "<%s>" % _type_name(values[name], name == "cls")])
                continue
            short = short_repr(values[name])
            exact = exact_repr(values[name], short)  # a third item: the literal's full repr, when shortened
            out.append([name, short] if exact is None else [name, short, exact])
        return out

    def line(self, frame, lineno):
        entry = self.active.get(id(frame))
        if entry is not None and entry[0] is frame and entry[1] is not SKIP:
            node = entry[1]
            node.pending = None  # an exception seen before was handled here
            if len(node.lines) < MAX_LINES:
                node.lines.add(lineno)

    def exception(self, frame, exc):
        entry = self.active.get(id(frame))
        if entry is not None and entry[0] is frame and entry[1] is not SKIP:
            entry[1].pending = exc

    def leave(self, frame, value, yielded, exc=None):
        """The frame returns ``value`` (yields it, or raises ``exc``)."""
        key = id(frame)
        entry = self.active.pop(key, None)
        if entry is None or entry[0] is not frame:
            return
        node = entry[1]
        if node is SKIP:
            if yielded:
                self.suspended[key] = entry
            return
        exc = exc if exc is not None else node.pending
        node.pending = None
        if yielded and exc is None:
            if len(node.yields) < MAX_YIELDS:
                node.yields.append(short_repr(value))
            self.suspended[key] = entry
            return
        node.done = True
        if exc is not None:
            if not isinstance(exc, GeneratorExit):
                node.exc = exc_text(exc)
        elif not (node.code.co_flags & GEN_FLAGS):
            node.ret = short_repr(value)

    def to_json(self):
        return {"calls": [c.to_json() for c in self.calls], "recorded": self.count, "omitted": self.omitted,
                "capped": self.capped, "errors": self.errors[:3]}


def _type_name(value, is_class):
    t = value if is_class and isinstance(value, type) else type(value)
    return getattr(t, "__qualname__", None) or getattr(t, "__name__", "?")


def _is_code(rel):
    """A repository source file that is not a test nor an installed package."""
    parts = rel.split("/")
    name = parts[-1].lower()
    if any(p in _SKIP_DIRS or p.endswith(".egg-info") for p in parts[:-1]):
        return False
    return not (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
                or any(p.lower().startswith("rdebug_callplugin") for p in parts))  # the recorder's own copy

