"""A pytest plugin that records, per test, the lines it ran in the repository's code (not tests, not installed
packages), and the test's outcome. Standard library only: it runs in the user's interpreter.

rdebug copies this file into a folder outside the scratch tree and runs the tests with ``PYTHONPATH=<folder>``
and ``-p <module>``. ``RDEBUG_SPECTRUM_OUT``: a folder; each process writes ``spectrum-<pid>.jsonl`` there, one
line per test as it ends (a run cut short keeps the tests that finished):
``{"test": nodeid, "outcome": "passed"|"failed"|"skipped", "lines": {relpath: [line, ...]}}``.
``RDEBUG_SPECTRUM_ROOT``: the repository root (default: the working directory).

Python 3.12+: ``sys.monitoring`` LINE events, local to repository code objects, each (code, line) disabled after
its first hit and re-enabled per test (``restart_events``). Older: ``sys.settrace`` with a local tracer only for
repository frames (other frames get none, so they stay cheap).
"""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest

OUT_ENV = "RDEBUG_SPECTRUM_OUT"
ROOT_ENV = "RDEBUG_SPECTRUM_ROOT"
_SKIP_PARTS = {"site-packages", "dist-packages", ".venv", "venv", "env", "node_modules", ".tox", ".nox",
               "__pycache__", ".git"}


def _is_test_path(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1].lower()
    return (name.startswith("test_") or name == "conftest.py" or name.endswith("_test.py")
            or "/tests/" in f"/{rel}" or "/test/" in f"/{rel}")


class _Recorder:
    """Which files count (cached per file name) and the lines of the test running now."""

    def __init__(self, root: str, out_dir: str) -> None:
        self.root = os.path.realpath(root)
        self.out_path = os.path.join(out_dir, f"spectrum-{os.getpid()}.jsonl")
        self.kept: dict[str, str | None] = {}  # co_filename -> repo-relative path, or None
        self.current: set | None = None  # (co_filename, line) of the running test
        self.outcome: dict[str, str] = {}

    def relpath(self, filename: str) -> str | None:
        try:
            return self.kept[filename]
        except KeyError:
            pass
        rel = None
        if filename and not filename.startswith("<"):
            real = os.path.realpath(filename)
            if real.startswith(self.root + os.sep):
                r = real[len(self.root) + 1:].replace(os.sep, "/")
                if r.endswith(".py") and not _SKIP_PARTS.intersection(r.split("/")) and not _is_test_path(r):
                    rel = r
        self.kept[filename] = rel
        return rel

    def start(self) -> None:
        self.current = set()

    def stop(self) -> set:
        seen, self.current = self.current or set(), None
        return seen

    def write(self, nodeid: str, seen: set) -> None:
        lines: dict[str, list[int]] = {}
        for filename, line in seen:
            rel = self.relpath(filename)
            if rel is not None and line:
                lines.setdefault(rel, []).append(line)
        row = {"test": nodeid, "outcome": self.outcome.pop(nodeid, "skipped"),
               "lines": {k: sorted(v) for k, v in sorted(lines.items())}}
        try:
            with open(self.out_path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
        except OSError:
            pass


class _SetTrace:
    """sys.settrace: the global tracer hands a local tracer to repository frames only."""

    def __init__(self, rec: _Recorder) -> None:
        self.rec = rec
        self.previous = None

        def local(frame, event, arg):
            if event == "line":
                cur = rec.current
                if cur is not None:
                    cur.add((frame.f_code.co_filename, frame.f_lineno))
            return local

        def call(frame, event, arg):
            if event != "call":
                return None
            filename = frame.f_code.co_filename
            kept = rec.kept.get(filename, False)
            if kept is False:
                kept = rec.relpath(filename)
            return local if kept is not None else None

        self.call = call

    def start(self) -> None:
        self.rec.start()
        self.previous = sys.gettrace()
        threading.settrace(self.call)
        sys.settrace(self.call)

    def stop(self) -> set:
        sys.settrace(self.previous)
        threading.settrace(None)  # type: ignore[arg-type]
        return self.rec.stop()


class _Monitoring:
    """sys.monitoring (3.12+): LINE events local to repository code objects, found by PY_START."""

    def __init__(self, rec: _Recorder) -> None:
        mon = sys.monitoring  # type: ignore[attr-defined]
        self.mon, self.rec = mon, rec
        self.tool = None
        for tool in (3, 4, mon.COVERAGE_ID, mon.PROFILER_ID):  # ids 3, 4 are unassigned: coverage keeps its own
            try:
                mon.use_tool_id(tool, "rdebug-spectrum")
            except ValueError:
                continue
            self.tool = tool
            break
        if self.tool is None:
            raise RuntimeError("no free sys.monitoring tool id")
        self.local: set = set()  # code objects with local LINE events
        disable, line_event = mon.DISABLE, mon.events.LINE

        def py_start(code, offset):
            if code not in self.local and rec.current is not None:
                self.local.add(code)
                if rec.relpath(code.co_filename) is not None:
                    mon.set_local_events(self.tool, code, line_event)
            return disable

        def line(code, number):
            cur = rec.current
            if cur is not None:
                cur.add((code.co_filename, number))
            return disable

        mon.register_callback(self.tool, mon.events.PY_START, py_start)
        mon.register_callback(self.tool, line_event, line)

    def start(self) -> None:
        self.rec.start()
        self.mon.restart_events()  # each line fires again, once, for this test
        self.mon.set_events(self.tool, self.mon.events.PY_START)

    def stop(self) -> set:
        self.mon.set_events(self.tool, 0)
        return self.rec.stop()


def _make_tracer(rec: _Recorder):
    if sys.version_info >= (3, 12) and hasattr(sys, "monitoring"):
        try:
            return _Monitoring(rec)
        except (RuntimeError, ValueError):
            pass
    return _SetTrace(rec)


_STATE: dict = {}


def pytest_configure(config) -> None:
    out_dir = os.environ.get(OUT_ENV)
    if not out_dir or "tracer" in _STATE:
        return
    rec = _Recorder(os.environ.get(ROOT_ENV) or os.getcwd(), out_dir)
    _STATE["recorder"], _STATE["tracer"] = rec, _make_tracer(rec)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    tracer = _STATE.get("tracer")
    if tracer is None:
        yield
        return
    tracer.start()
    try:
        yield
    finally:
        seen = tracer.stop()
        _STATE["recorder"].write(item.nodeid, seen)


def pytest_runtest_logreport(report) -> None:
    rec = _STATE.get("recorder")
    if rec is None:
        return
    before = rec.outcome.get(report.nodeid)
    if report.failed or before == "failed":
        rec.outcome[report.nodeid] = "failed"
    elif report.skipped:
        rec.outcome[report.nodeid] = "skipped"  # a skip, or an xfail
    elif report.when == "call":
        rec.outcome[report.nodeid] = "passed"
