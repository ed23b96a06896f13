"""Screening a search candidate fast before it is verified as usual (issue 22 §5).

A pool worker keeps one scratch copy, a ``Slot``: a candidate's patch is written into it, the failing tests
alone run (by node id, ``-x``), and the patched files are restored. Only a candidate that passes this screen is
verified as usual (``verify_patch``: a fresh scratch copy, the user's command as given, the suite): the screen
can turn a candidate away, never verify one. A run that changes anything else in the copy retires it.

The screen is used only where it gives the same per-test results as the user's command on the code before the
patch (``plan_screen``, one probe or two per search):

- pytest's plugin autoload is turned off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``: seconds a run where many plugins
  are installed) only when the user's command, run that way, gives every test the outcome it had with the
  plugins, and every failing test the same failure message, with at least one test passing;
- the failing tests, selected by node id, fail again with the same messages, and nothing else runs;
- a ``python -m pytest`` command runs in a warm worker (``rdebug.search.warm``) where one starts: the probes
  run there too.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator, Sequence

from rdebug.patch.diff import Patch
from rdebug.patch.scratch import ScratchCopy, write_patch
from rdebug.patch.testreport import PASSED, TestOutcomes
from rdebug.patch.verify import VERIFY_NICE, Baseline, TestRun, _relocate, run_tests

NO_AUTOLOAD = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
# pytest options whose value may come as the next argument (it is not a test path)
VALUE_OPTIONS = {"-c", "-k", "-m", "-p", "-o", "-W", "-r", "--tb", "--rootdir", "--confcutdir", "--basetemp",
                 "--junitxml", "--junit-xml", "--deselect", "--ignore", "--ignore-glob", "--maxfail", "--durations",
                 "--override-ini", "--log-level", "--log-file", "--log-cli-level", "--capture", "--import-mode",
                 "--color", "--code-highlight", "--pythonwarnings", "--config-file", "--inifile", "--show-capture",
                 "--log-format", "--log-date-format", "--durations-min", "--debug"}


def _pytest_at(argv: Sequence[str]) -> int | None:
    """Index of the first argument pytest itself reads."""
    for k in range(min(len(argv) - 1, 4)):
        if argv[k] == "-m" and argv[k + 1] == "pytest":
            return k + 2
    if argv and os.path.basename(argv[0]) in ("pytest", "py.test"):
        return 1
    return None


def screen_argv(argv: Sequence[str], ids: Sequence[str], root: Path) -> list[str] | None:
    """``argv`` running the tests ``ids`` only: its test paths replaced by the ids (None: not a pytest command)."""
    argv = list(argv)
    at = _pytest_at(argv)
    if at is None:
        return None
    out, k = argv[:at], at
    while k < len(argv):
        arg = argv[k]
        if arg in VALUE_OPTIONS and k + 1 < len(argv):
            out += [arg, argv[k + 1]]
            k += 2
            continue
        path = arg.split("::", 1)[0]
        is_test_path = not arg.startswith("-") and ("::" in arg or (path and os.path.exists(root / path)))
        if not is_test_path:
            out.append(arg)
        k += 1
    return out + list(ids)


def _listing(top: Path) -> dict[str, tuple]:
    """Every entry under ``top`` (links not followed): kind, size and modification time."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        rel = os.path.relpath(dirpath, top)
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            out[os.path.normpath(os.path.join(rel, name))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


class Slot:
    """One scratch copy kept for a pool worker's candidates, with a warm worker when ``command`` is
    ``python -m pytest …``."""

    def __init__(self, root: Path, command: Sequence[str] | None = None) -> None:
        from rdebug.search.warm import WarmError, WarmWorker, warm_python

        self.root = root
        self.copy = ScratchCopy(root)
        self.path = self.copy.__enter__()
        self.workdir = self.copy.workdir
        self.snapshot = _listing(self.path)
        self.real = os.path.realpath(self.path)
        self.worker = None
        python = warm_python(_relocate(command, root, self.path)) if command else None
        if python is not None:
            try:
                self.worker = WarmWorker(python, self.path, {"PYTHONDONTWRITEBYTECODE": "1"}, self.workdir,
                                         nice=VERIFY_NICE)
            except WarmError:
                self.worker = None
        self.broken = False

    def run(self, argv: Sequence[str], env: dict, timeout_s: float, cancel: threading.Event | None) -> TestRun:
        execute = self.worker.execute if self.worker is not None and self.worker.alive else None
        return run_tests(argv, self.root, self.path, self.workdir, timeout_s, cancel, env=env, execute=execute)

    def fits(self, patch: Patch) -> bool:
        """Whether ``patch`` only changes files the copy holds as real files (no link on the way)."""
        for rel, (_old, new) in patch.files.items():
            parts = PurePosixPath(rel).parts
            if new is None or not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
                return False
            target = self.path.joinpath(*parts)
            if os.path.realpath(target) != os.path.join(self.real, *parts) or not target.is_file():
                return False
        return True

    @contextmanager
    def patched(self, patch: Patch) -> Iterator[Path]:
        """The copy with ``patch`` written in; its files restored afterwards (``fits`` must hold)."""
        saved = {}
        for rel in patch.files:
            target = self.path / rel
            saved[rel] = (target.read_bytes(), os.stat(target).st_mode & 0o7777)
        try:
            write_patch(self.path, patch)
            yield self.path
        finally:
            for rel, (data, mode) in saved.items():
                target = self.path / rel
                try:
                    if target.is_symlink() or target.is_dir():
                        raise OSError("replaced")
                    target.write_bytes(data)
                    os.chmod(target, mode)
                    st = os.lstat(target)
                    self.snapshot[os.path.normpath(rel)] = (st.st_mode, st.st_size, st.st_mtime_ns)
                except OSError:
                    self.broken = True

    def clean(self) -> bool:
        """Whether the copy is as it was made (a test run may have written into it): else retire it."""
        if not self.broken and _listing(self.path) != self.snapshot:
            self.broken = True
        return not self.broken

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
        self.copy.__exit__(None, None, None)


@dataclass
class Screen:
    """How candidates are screened: ``argv`` runs the failing tests ``ids`` alone, with ``-x``."""

    argv: list[str]
    ids: list[str]
    before: TestOutcomes  # those tests' outcomes before the patch
    env: dict[str, str] = field(default_factory=dict)
    reference_s: float = 0.0  # how long the screen took before the patch
    notes: list[str] = field(default_factory=list)  # what the probes showed


def _same(run: TestRun, before: TestRun, ids: Sequence[str] | None = None) -> bool:
    """Same tests, same outcomes, same failure messages (the tests ``ids`` only, when given)."""
    if run.result.timed_out or run.result.cancelled or run.outcomes is None or before.outcomes is None:
        return False
    want = before.outcomes.tests if ids is None else {t: before.outcomes.tests.get(t) for t in ids}
    if run.outcomes.tests != want:
        return False
    return {t: m for t, m in run.messages.items() if t in want} == {t: m for t, m in before.messages.items()
                                                                       if t in want}


def _passes(run: TestRun | None) -> bool:
    return run is not None and run.outcomes is not None and any(o == PASSED for o in run.outcomes.tests.values())


def _autoload_proof(slot: Slot, command: Sequence[str], before: TestRun, ids: Sequence[str], timeout_s: float,
                    cancel: threading.Event | None) -> tuple[bool, str]:
    """Whether the tests run the same without plugin autoload: the user's command when some test of it passed
    before the patch, else the failing tests' files run both ways; (proven, a note saying how)."""
    argv, reference = list(command), before
    if not _passes(before):
        argv = screen_argv(command, sorted({t.split("::", 1)[0] for t in ids}), slot.path) or []
        reference = slot.run(argv, {}, timeout_s, cancel) if argv else None
        if not _passes(reference):
            return False, "plugin autoload kept: no passing test to compare with"
    probe = slot.run(argv, NO_AUTOLOAD, timeout_s, cancel)
    if _same(probe, reference):
        return True, "plugin autoload off: the tests ran the same without it"
    return False, "plugin autoload kept: the tests ran differently without it"


def plan_screen(slot: Slot, command: Sequence[str], baseline: Baseline | None, targets: Sequence[str],
                timeout_s: float, cancel: threading.Event | None = None) -> Screen | None:
    """How to screen candidates in ``slot``, proven on the code before the patch; None: verify each as usual."""
    from rdebug.patch.judge import _targets, matches
    from rdebug.patch.testreport import runner_of

    before = baseline.command if baseline is not None else None
    if runner_of(command) != "pytest" or before is None or before.outcomes is None or before.result.timed_out:
        return None
    wanted = _targets(targets, before.outcomes, True)
    ids = sorted(t for t in before.outcomes.failing() if any(matches(w, t) for w in wanted))
    argv = screen_argv(command, ids, slot.path) if ids else None
    if argv is None:
        return None
    env: dict[str, str] = {}
    notes = []
    if not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        same, note = _autoload_proof(slot, command, before, ids, timeout_s, cancel)
        env = dict(NO_AUTOLOAD) if same else {}
        notes.append(note)
    if cancel is not None and cancel.is_set():
        return None
    probe = slot.run(argv, env, timeout_s, cancel)
    if not _same(probe, before, ids):
        return None
    if not slot.clean():
        return None
    subset = TestOutcomes({t: before.outcomes.tests[t] for t in ids}, before.outcomes.source)
    if slot.worker is not None and slot.worker.alive:
        notes.append("in a warm worker")
    return Screen(argv + ["-x"], ids, subset, env, probe.result.duration_s, notes)
