"""The call-record stage: re-run the failing pytest test alone, traced, in a scratch copy; add its call tree to
the context as one more budgeted snippet ("what the failing test called and returned")."""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from rdebug.context.model import PackedContext, Snippet
from rdebug.facts.callrecord import CallRecord, NoRecord, assertion_text, load_record, render

PLUGIN_MODULE = "rdebug_callplugin"
CALLS_TIMEOUT_S = 60.0  # the traced run at most (and never longer than the project's timeout)
PER_FUNCTION, MAX_CALLS, MAX_DEPTH = 3, 60, 12
P_CALLS = 85.0  # after the failing frame and the test, before the other frames (context/snippets.py)
REASON = "what the failing test called and returned"
ENABLED = True  # tests turn the stage off unless marked ``calls`` (tests/conftest.py)


@dataclass
class CallRecordResult:
    """The stage's outcome: a record, or the one-line reason there is none."""

    record: CallRecord | None = None
    skipped: str | None = None
    seconds: float = 0.0  # the traced run

    def to_json(self) -> dict:
        doc: dict = {"recorded": self.record is not None, "skipped": self.skipped, "seconds": round(self.seconds, 2)}
        if self.record is not None:
            doc.update(self.record.to_json())
        return doc


def _is_pytest(argv: Sequence[str]) -> bool:
    from rdebug.intake.detect import is_pytest

    return is_pytest(list(argv))


def _with_plugin(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``-p rdebug_callplugin`` right after the pytest token."""
    argv = list(argv)
    at = 1
    for k in range(min(len(argv) - 1, 4)):
        if argv[k] == "-m" and argv[k + 1] == "pytest":
            at = k + 2
            break
    return [*argv[:at], "-p", PLUGIN_MODULE, *argv[at:]]


def install_plugin(folder: Path) -> Path:
    """Copy the call recorder (the ``callplugin`` package) into ``folder`` as ``PLUGIN_MODULE``, for
    ``PYTHONPATH=folder`` and ``-p PLUGIN_MODULE``; returns the copy."""
    dest = Path(folder) / PLUGIN_MODULE
    shutil.copytree(Path(__file__).with_name("callplugin"), dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def _relocate(argv: Sequence[str], root: Path, scratch: Path) -> list[str]:
    """Absolute paths into the repository point into the scratch copy."""
    prefix = str(root)
    return [str(scratch) + a[len(prefix):] if a == prefix or a.startswith(prefix + os.sep) else a for a in argv]


def _skip(reason: str, start: float | None = None) -> CallRecordResult:
    return CallRecordResult(skipped=reason, seconds=time.monotonic() - start if start else 0.0)


def record_calls(problem, root: Path, command: Sequence[str] | None, timeout_s: float,
                 cancel: threading.Event | None = None) -> CallRecordResult:
    """Run ``problem``'s failing test alone under the call recorder, in a scratch copy of ``root``."""
    from rdebug.errors import CommandError
    from rdebug.intake.runner import run_command
    from rdebug.worktree import ScratchTree

    if not command:
        return _skip("no command reproduces the failure")
    if not _is_pytest(command):
        return _skip("the failing command is not pytest (the call record is for pytest tests)")
    if not problem.test_id:
        return _skip("no failing test id to run alone")
    root = Path(root).resolve()
    start = time.monotonic()
    limit = min(float(timeout_s), CALLS_TIMEOUT_S)
    copy = ScratchTree(root)
    try:
        scratch = copy.__enter__()
    except OSError as exc:
        return _skip(f"no scratch copy for the call record: {exc.strerror or exc}")
    try:
        work = copy.workdir
        assert work is not None
        plugin_dir = work / "calls-plugin"
        plugin_dir.mkdir()
        install_plugin(plugin_dir)
        out = work / "calls.json"
        paths = [str(plugin_dir)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = {"PYTHONPATH": os.pathsep.join(paths), "RDEBUG_CALLS_OUT": str(out),
               "RDEBUG_CALLS_ROOTS": os.pathsep.join([str(scratch), str(root)]),
               "RDEBUG_CALLS_TEST": problem.test_id, "RDEBUG_CALLS_PER_FUNCTION": str(PER_FUNCTION),
               "RDEBUG_CALLS_MAX": str(MAX_CALLS), "RDEBUG_CALLS_DEPTH": str(MAX_DEPTH)}
        argv = _with_plugin(_relocate(command, root, scratch))
        try:
            result = run_command(argv, scratch, timeout_s=limit, env=env, cancel=cancel, dump_stacks=False)
        except CommandError as exc:
            return _skip(f"the call recorder could not run the test: {exc}", start)
        if result.cancelled:
            return _skip("cancelled", start)
        if result.timed_out:
            return _skip(f"the failing test did not finish within {limit:g} s under the call recorder", start)
        try:
            record = load_record(out)
        except NoRecord as exc:
            return _skip(str(exc), start)
        return CallRecordResult(record=record, seconds=time.monotonic() - start)
    finally:
        copy.__exit__(None, None, None)


def call_snippet(result: CallRecordResult, problem) -> Snippet | None:
    """The record as a context snippet (a note, like git's), or None when there is none."""
    if result.record is None:
        return None
    text = render(result.record, assertion_text(problem.exception, problem.message))
    return Snippet(path=f"calls:{result.record.test_id or problem.test_id}", start_line=0, end_line=0,
                   reason=REASON, text=text, priority=P_CALLS, kind="calls")


def with_snippet(context: PackedContext, snippet: Snippet, count_tokens: Callable[[str], int] | None = None
                 ) -> PackedContext:
    """``context`` packed again with ``snippet`` among its candidates: budgeted like any other snippet."""
    from rdebug.context.packer import pack
    from rdebug.context.render import format_problem
    from rdebug.context.tokens import estimate_tokens

    count = count_tokens or estimate_tokens
    kept, dropped, used = pack([*context.snippets, *context.dropped, snippet], context.budget_tokens, count,
                               reserved=count(format_problem(context.problem)))
    notes = [n for n in context.notes if "did not fit the" not in n]
    if dropped:
        notes.append(f"{len(dropped)} snippet(s) did not fit the {context.budget_tokens}-token budget")
    return PackedContext(context.problem, kept, context.budget_tokens, used, notes, dropped)


def attach_calls(context: PackedContext, problem, root: Path, command: Sequence[str] | None, *,
                 timeout_s: float, count_tokens: Callable[[str], int] | None = None,
                 cancel: threading.Event | None = None) -> tuple[PackedContext, CallRecordResult]:
    """The pipeline's hook: record the failing test's calls and add the tree to ``context`` (or a note
    saying why there is none, when a record was worth trying)."""
    if not ENABLED:
        return context, _skip("the call record is turned off")
    result = record_calls(problem, root, command, timeout_s, cancel)
    snippet = call_snippet(result, problem)
    if snippet is not None:
        return with_snippet(context, snippet, count_tokens), result
    if command and _is_pytest(command):
        context.notes.append(f"no call record: {result.skipped}")
    return context, result
