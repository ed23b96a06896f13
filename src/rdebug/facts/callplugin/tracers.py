"""The call recorder's tracers: ``sys.monitoring`` (3.12+) or ``sys.settrace`` (before), feeding a ``Recorder``.

Part of the call recorder plugin (``rdebug.facts.callplugin``): standard library only, imported relatively.
"""

import dis
import os
import sys
import threading

from .recorder import GEN_FLAGS, SKIP
from .shortrepr import exc_text

_YIELD_OPS = frozenset(op for name, op in dis.opmap.items() if name == "YIELD_VALUE")
_HIDDEN = frozenset({"<genexpr>", "<listcomp>", "<dictcomp>", "<setcomp>"})  # their calls go to the caller


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
            if node is SKIP:
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
                rec.leave(frame, arg, yielded and bool(frame.f_code.co_flags & GEN_FLAGS))
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

