"""rdebug's call recorder: a pytest plugin that records what one failing test called and returned.

Self-contained (standard library and pytest only): rdebug copies this file into a temporary folder and runs
the failing test alone with ``PYTHONPATH=<that folder>`` and ``-p <module name>``, in the user's interpreter.
Settings come from the environment:

- ``RDEBUG_CALLS_OUT``: where the JSON record is written (required; without it the plugin does nothing);
- ``RDEBUG_CALLS_ROOTS``: repository roots (``os.pathsep``-separated): calls into their files are recorded,
  except test files and installed packages (site-packages, virtual environments);
- ``RDEBUG_CALLS_TEST``: the failing test's id: other tests are deselected;
- ``RDEBUG_CALLS_PER_FUNCTION`` (3), ``RDEBUG_CALLS_MAX`` (60), ``RDEBUG_CALLS_DEPTH`` (12): the caps.

Only the test's call phase is traced, only on the thread that runs it: ``sys.monitoring`` on 3.12+,
``sys.settrace`` before. Each recorded call keeps its qualified name, file, first line, arguments and return
value (or exception, or values yielded) as short reprs, the lines it executed, and its callees as a tree.
"""

import dis
import json
import os
import reprlib
import re
import sys
import threading

import pytest

VERSION = 1
MAX_REPR = 100  # characters of one value
MAX_LINES = 400  # line numbers kept per call
MAX_YIELDS = 3
MAX_PARENT_WALK = 64  # frames looked through for the recorded caller
MAX_TESTS = 5  # parametrized cases of one id traced at most
_SKIP_DIRS = frozenset({"site-packages", "dist-packages", ".venv", "venv", "env", ".tox", ".nox", "node_modules",
                        "__pycache__", ".eggs", "tests", "test", "__tests__"})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_GEN_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR
_YIELD_OPS = frozenset(op for name, op in dis.opmap.items() if name == "YIELD_VALUE")
_SKIP = object()  # a call not recorded (a cap): its callees are not recorded either
_HIDDEN = frozenset({"<genexpr>", "<listcomp>", "<dictcomp>", "<setcomp>"})  # their calls go to the caller


def _int_env(name, default):
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


class _ShortRepr(reprlib.Repr):
    """reprlib with no sorting of big dicts and sets, no giant ints, and ``<repr failed: X>``."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 4, 4, 4
        self.maxset, self.maxfrozenset, self.maxdeque, self.maxarray = 4, 4, 4, 4
        self.maxstring, self.maxlong, self.maxother = 40, 40, 60

    def repr_instance(self, x, level):
        try:
            s = repr(x)
        except Exception as exc:  # noqa: BLE001 - any failing __repr__
            return "<repr failed: %s>" % type(exc).__name__
        if not isinstance(s, str):
            return "<repr failed: TypeError>"
        s = _ADDRESS.sub("", s)
        if len(s) > self.maxother:
            i = max(0, (self.maxother - 3) // 2)
            j = max(0, self.maxother - 3 - i)
            s = s[:i] + "..." + s[len(s) - j:]
        return s

    def repr_int(self, x, level):
        if x.bit_length() > 256:
            return "<int of %d bits>" % x.bit_length()
        return reprlib.Repr.repr_int(self, x, level)

    def _items(self, items, n, level, left, right, size):
        if level <= 0:
            return left + "..." + right
        parts = [self.repr1(v, level - 1) for v in items]
        if size > n:
            parts.append("...")
        return left + ", ".join(parts) + right

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        parts = []
        for i, (k, v) in enumerate(x.items()):
            if i >= self.maxdict:
                parts.append("...")
                break
            parts.append("%s: %s" % (self.repr1(k, level - 1), self.repr1(v, level - 1)))
        return "{" + ", ".join(parts) + "}"

    def repr_set(self, x, level):
        if not x:
            return "set()"
        return self._items(_first(x, self.maxset), self.maxset, level, "{", "}", len(x))

    def repr_frozenset(self, x, level):
        if not x:
            return "frozenset()"
        return self._items(_first(x, self.maxset), self.maxset, level, "frozenset({", "})", len(x))


def _first(iterable, n):
    out = []
    for v in iterable:
        if len(out) >= n:
            break
        out.append(v)
    return out


_REPR = _ShortRepr()


def short_repr(value):
    """A repr of at most MAX_REPR characters; never raises (a failing repr is ``<repr failed: X>``)."""
    try:
        s = _REPR.repr(value)
    except RecursionError:
        s = "<repr failed: RecursionError>"
    except Exception as exc:  # noqa: BLE001
        s = "<repr failed: %s>" % type(exc).__name__
    return s if len(s) <= MAX_REPR else s[:MAX_REPR - 1] + "…"


def exc_text(exc):
    try:
        msg = str(exc)
    except Exception as err:  # noqa: BLE001
        msg = "<str failed: %s>" % type(err).__name__
    msg = msg if len(msg) <= MAX_REPR else msg[:MAX_REPR - 1] + "…"
    return type(exc).__name__ + (": " + msg if msg else "")


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
        self.active = {}  # id(frame) -> (frame, Call or _SKIP) while the frame runs
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
        """A repository function starts (or a generator resumes); returns its Call or _SKIP."""
        key = id(frame)
        held = self.suspended.pop(key, None)
        if held is not None and held[0] is frame:
            self.active[key] = held
            return held[1]
        parent = self._parent(frame)
        node = _SKIP
        if parent is not _SKIP and not self.capped:
            node = self._new_call(frame, rel, parent)
        elif parent is not _SKIP:
            self.omitted += 1
        self.active[key] = (frame, node)
        return node

    def _new_call(self, frame, rel, parent):
        code = frame.f_code
        depth = 0 if parent is None else parent.depth + 1
        if depth >= self.max_depth:
            self.omitted += 1
            return _SKIP
        args = self._args(frame)
        same = self.seen_args.get((code, repr(args)))
        if same is not None:
            same.repeat += 1
            return _SKIP
        if self.per_code.get(code, 0) >= self.per_function:
            self.omitted += 1
            return _SKIP
        if self.count >= self.max_calls:
            self.capped = True
            self.omitted += 1
            return _SKIP
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
            out.append([name, short_repr(values[name])])
        return out

    def line(self, frame, lineno):
        entry = self.active.get(id(frame))
        if entry is not None and entry[0] is frame and entry[1] is not _SKIP:
            node = entry[1]
            node.pending = None  # an exception seen before was handled here
            if len(node.lines) < MAX_LINES:
                node.lines.add(lineno)

    def exception(self, frame, exc):
        entry = self.active.get(id(frame))
        if entry is not None and entry[0] is frame and entry[1] is not _SKIP:
            entry[1].pending = exc

    def leave(self, frame, value, yielded, exc=None):
        """The frame returns ``value`` (yields it, or raises ``exc``)."""
        key = id(frame)
        entry = self.active.pop(key, None)
        if entry is None or entry[0] is not frame:
            return
        node = entry[1]
        if node is _SKIP:
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
        elif not (node.code.co_flags & _GEN_FLAGS):
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
                or name.startswith("rdebug_callplugin"))


# --- tracers ------------------------------------------------------------------------------------------------
class SetTraceTracer(object):
    """``sys.settrace`` (before 3.12): a local tracer on repository frames only."""

    name = "settrace"

    def __init__(self, rec):
        self.rec = rec
        self.previous = None

    def start(self):
        self.previous = sys.gettrace()
        sys.settrace(self._call)

    def stop(self):
        sys.settrace(self.previous)

    def _fail(self, exc):
        if len(self.rec.errors) < 3:
            self.rec.errors.append(exc_text(exc))

    def _call(self, frame, event, arg):
        if event != "call":
            return None
        rec = self.rec
        try:
            rel = rec.relpath(frame.f_code.co_filename)
            if rel is None or frame.f_code.co_name in _HIDDEN:
                return None
            node = rec.enter(frame, rel)
            if node is _SKIP:
                frame.f_trace_lines = False
            return self._local
        except Exception as exc:  # noqa: BLE001 - the test must run on whatever happens here
            self._fail(exc)
            return None

    def _local(self, frame, event, arg):
        rec = self.rec
        try:
            if event == "line":
                rec.line(frame, frame.f_lineno)
            elif event == "exception":
                rec.exception(frame, arg[1])
            elif event == "return":
                yielded = frame.f_lasti >= 0 and frame.f_code.co_code[frame.f_lasti] in _YIELD_OPS
                rec.leave(frame, arg, yielded and bool(frame.f_code.co_flags & _GEN_FLAGS))
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
        return self._local


class MonitoringTracer(object):
    """``sys.monitoring`` (3.12+): events switched off for code outside the repository."""

    name = "sys.monitoring"

    def __init__(self, rec):
        self.rec = rec
        self.mon = sys.monitoring
        self.tool = None

    def start(self):
        mon = self.mon
        for tool in (4, 3, 2, 5, 1, 0):
            if mon.get_tool(tool) is None:
                self.tool = tool
                break
        if self.tool is None:
            raise RuntimeError("no free sys.monitoring tool id")
        mon.use_tool_id(self.tool, "rdebug-calls")
        E = mon.events
        for event, fn in ((E.PY_START, self._start), (E.PY_RESUME, self._start), (E.PY_RETURN, self._return),
                          (E.PY_YIELD, self._yield), (E.PY_UNWIND, self._unwind), (E.LINE, self._line),
                          (E.PY_THROW, self._throw)):
            mon.register_callback(self.tool, event, fn)
        mon.set_events(self.tool, E.PY_START | E.PY_RESUME | E.PY_RETURN | E.PY_YIELD | E.PY_UNWIND | E.LINE
                       | E.PY_THROW)

    def stop(self):
        if self.tool is None:
            return
        mon = self.mon
        mon.set_events(self.tool, 0)
        for event in (mon.events.PY_START, mon.events.PY_RESUME, mon.events.PY_RETURN, mon.events.PY_YIELD,
                      mon.events.PY_UNWIND, mon.events.LINE, mon.events.PY_THROW):
            mon.register_callback(self.tool, event, None)
        mon.free_tool_id(self.tool)
        mon.restart_events()
        self.tool = None

    def _fail(self, exc):
        if len(self.rec.errors) < 3:
            self.rec.errors.append(exc_text(exc))

    def _ours(self, code):
        rec = self.rec
        if threading.get_ident() != rec.thread or code.co_name in _HIDDEN:
            return None
        return rec.relpath(code.co_filename)

    def _start(self, code, offset):
        try:
            rel = self._ours(code)
            if rel is None:
                return self.mon.DISABLE if threading.get_ident() == self.rec.thread else None
            self.rec.enter(sys._getframe(1), rel)
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
        return None

    def _line(self, code, lineno):
        try:
            if self._ours(code) is None:
                return self.mon.DISABLE if threading.get_ident() == self.rec.thread else None
            if self.rec.capped:
                return None
            self.rec.line(sys._getframe(1), lineno)
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
        return None

    def _return(self, code, offset, value):
        return self._leave(code, value, False)

    def _yield(self, code, offset, value):
        return self._leave(code, value, True)

    def _leave(self, code, value, yielded):
        try:
            if self._ours(code) is None:
                return self.mon.DISABLE if threading.get_ident() == self.rec.thread else None
            self.rec.leave(sys._getframe(2), value, yielded)
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
        return None

    def _throw(self, code, offset, exc):  # gen.throw() resumes a generator without PY_RESUME
        try:
            rel = self._ours(code)
            if rel is not None:
                self.rec.enter(sys._getframe(1), rel)
        except Exception as err:  # noqa: BLE001
            self._fail(err)

    def _unwind(self, code, offset, exc):
        try:
            if self._ours(code) is not None:
                self.rec.leave(sys._getframe(1), None, False, exc)
        except Exception as err:  # noqa: BLE001
            self._fail(err)


def make_tracer(rec):
    if sys.version_info >= (3, 12) and hasattr(sys, "monitoring") and not os.environ.get("RDEBUG_CALLS_SETTRACE"):
        return MonitoringTracer(rec)
    return SetTraceTracer(rec)


# --- pytest hooks ---------------------------------------------------------------------------------------------
def _matches(nodeid, target):
    if not target:
        return True
    if nodeid == target or nodeid.endswith("/" + target) or target.endswith("/" + nodeid):
        return True
    bare = nodeid.split("[", 1)[0]
    return "[" not in target and (bare == target or bare.endswith("/" + target) or target.endswith("/" + bare))


class _State(object):
    def __init__(self):
        self.out = os.environ.get("RDEBUG_CALLS_OUT")
        self.target = os.environ.get("RDEBUG_CALLS_TEST") or ""
        self.roots = [os.path.abspath(r) for r in os.environ.get("RDEBUG_CALLS_ROOTS", os.getcwd()).split(
            os.pathsep) if r]
        self.roots += [os.path.realpath(r) for r in self.roots if os.path.realpath(r) not in self.roots]
        self.tests = []
        self.matched = 0
        self.error = None
        self.tracer = None


_state = _State()


def pytest_collection_modifyitems(session, config, items):
    if not _state.out or not _state.target:
        return
    exact = [i for i in items if i.nodeid == _state.target or i.nodeid.endswith("/" + _state.target)]
    keep = exact or [i for i in items if _matches(i.nodeid, _state.target)]
    keep = keep[:MAX_TESTS]
    _state.matched = len(keep)
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not _state.out or _state.tracer is not None:
        yield
        return
    rec = Recorder(_state.roots, _int_env("RDEBUG_CALLS_PER_FUNCTION", 3), _int_env("RDEBUG_CALLS_MAX", 60),
                   _int_env("RDEBUG_CALLS_DEPTH", 12))
    tracer = None
    try:
        tracer = make_tracer(rec)
        tracer.start()
        _state.tracer = tracer
    except Exception as exc:  # noqa: BLE001
        _state.error = "tracer did not start: " + exc_text(exc)
        tracer = None
    try:
        outcome = yield
    finally:
        if tracer is not None:
            try:
                tracer.stop()
            except Exception as exc:  # noqa: BLE001
                _state.error = "tracer did not stop: " + exc_text(exc)
            _state.tracer = None
    failure = None
    try:
        excinfo = outcome.excinfo
        if excinfo is not None:
            failure = exc_text(excinfo[1])
    except Exception:  # noqa: BLE001
        pass
    doc = rec.to_json()
    doc.update({"nodeid": item.nodeid, "failed": failure is not None, "failure": failure,
                "tracer": tracer.name if tracer is not None else None})
    _state.tests.append(doc)
    _write()


def _write():
    doc = {"version": VERSION, "python": "%d.%d.%d" % sys.version_info[:3], "target": _state.target,
           "matched": _state.matched, "tests": _state.tests, "error": _state.error}
    tmp = _state.out + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, _state.out)
    except (OSError, TypeError, ValueError) as exc:
        sys.stderr.write("rdebug call recorder: cannot write %s: %s\n" % (_state.out, exc))


def pytest_sessionfinish(session, exitstatus):
    if _state.out and not _state.tests:
        _write()
