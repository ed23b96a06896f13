"""rdebug's call recorder: a pytest plugin that records what one failing test called and returned.

Self-contained (standard library and pytest only): rdebug copies this package into a temporary folder (as
``rdebug_callplugin``, ``rdebug.facts.stage.install_plugin``) and runs the failing test alone with
``PYTHONPATH=<that folder>`` and ``-p rdebug_callplugin``, in the user's interpreter; so its modules import
each other relatively and nothing of rdebug. This module holds the pytest hooks and writes the record;
``recorder`` builds the tree of calls and its JSON, ``tracers`` feeds it (``sys.monitoring`` or
``sys.settrace``), ``shortrepr`` shortens the values. Settings come from the environment:

- ``RDEBUG_CALLS_OUT``: where the JSON record is written (required; without it the plugin does nothing);
- ``RDEBUG_CALLS_ROOTS``: repository roots (``os.pathsep``-separated): calls into their files are recorded,
  except test files and installed packages (site-packages, virtual environments);
- ``RDEBUG_CALLS_TEST``: the failing test's id: other tests are deselected;
- ``RDEBUG_CALLS_PER_FUNCTION`` (3), ``RDEBUG_CALLS_MAX`` (60), ``RDEBUG_CALLS_DEPTH`` (12): the caps.

Only the test's call phase is traced, only on the thread that runs it: ``sys.monitoring`` on 3.12+,
``sys.settrace`` before. Each recorded call keeps its qualified name, file, first line, arguments and return
value (or exception, or values yielded) as short reprs, the lines it executed, and its callees as a tree.
"""

import json
import os
import sys

import pytest

from .recorder import Recorder
from .shortrepr import exc_text, short_repr
from .tracers import make_tracer

__all__ = ["Recorder", "exc_text", "make_tracer", "short_repr"]

VERSION = 1
MAX_TESTS = 5  # parametrized cases of one id traced at most


def _int_env(name, default):
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


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
