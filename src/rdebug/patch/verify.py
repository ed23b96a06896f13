"""Verify a patch: apply it to a scratch copy, re-run the failing command (and the test suite), and
judge the tests one by one against a run before the patch (see judge.py)."""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from rdebug.intake.model import CommandResult
from rdebug.patch.diff import Patch
from rdebug.patch.judge import Judgement, judge, judge_exit_code
from rdebug.patch.scratch import ScratchCopy
from rdebug.patch.testreport import TestOutcomes, clean_output, instrument, read_outcomes

TAIL_CHARS = 4000


@dataclass
class VerifyResult:
    verified: bool  # the tests pass as verification requires (test edits are judged by the caller)
    exit_code: int | None
    output_tail: str
    regressions: list[str] = field(default_factory=list)
    timed_out: bool = False
    failures: int = 0  # failing tests after the patch (parsed; 1 when unknown and the command failed)
    reason: str = ""  # one line: why it is not verified, or what was checked
    checked: str = ""  # "checked per test, from the junit report", or that only the exit code was checked
    cancelled: bool = False
    cut: bool = False  # stopped at the search's short limit, under the user's timeout: never verified


@dataclass
class TestRun:
    """One run of a test command: its result and, when the runner reports them, per-test outcomes."""

    __test__ = False  # not a pytest test class

    result: CommandResult
    outcomes: TestOutcomes | None
    runner: str | None
    messages: dict[str, str] = field(default_factory=dict)  # failing test id -> its first message line (pytest)

    @property
    def output(self) -> str:
        return self.result.output


@dataclass
class Baseline:
    """The runs before any patch: the failing command and the project's suite (None: not run).

    When the command timed out (a hanging test), ``hung`` names the tests that hung and ``rest`` is the command
    run again without them: its time (``passing_s``) is how long the project's passing tests take."""

    command: TestRun | None = None
    suite: TestRun | None = None
    hung: list[str] = field(default_factory=list)
    rest: TestRun | None = None

    @property
    def timed_out(self) -> bool:
        return self.command is not None and self.command.result.timed_out

    @property
    def passing_s(self) -> float | None:
        """How long the passing tests take: the run without the hung tests (None: unknown)."""
        run = self.rest
        if run is None or run.result.timed_out or run.result.cancelled:
            return None
        return run.result.duration_s


def tail(text: str, limit: int = TAIL_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    nl = cut.find("\n")
    return "…\n" + (cut[nl + 1 :] if 0 <= nl < 200 else cut)


def _relocate(argv: Sequence[str], root: Path, scratch: Path) -> list[str]:
    """Point absolute paths into the repository at the scratch copy instead."""
    prefix = str(root)
    out = []
    for arg in argv:
        if arg == prefix or arg.startswith(prefix + os.sep):
            arg = str(scratch) + arg[len(prefix):]
        out.append(arg)
    return out


VERIFY_NICE = 5  # test runs yield to the model decoding the other candidates (and to the user's work)


def run_tests(argv: Sequence[str], root: Path, scratch: Path, workdir: Path, timeout_s: float,
              cancel: threading.Event | None = None, *, env: dict | None = None, execute=None) -> TestRun:
    """Run ``argv`` in the scratch copy, instrumented to report each test (report kept in ``workdir``).

    ``env``: more variables for the command; ``execute(argv, cwd, timeout_s, env, cancel)``: runs it instead of
    ``run_command`` (a warm worker: ``rdebug.search.warm``), returning a ``CommandResult`` just the same."""
    from rdebug.intake.runner import run_command
    from rdebug.patch.junitmsg import failure_messages

    report = workdir / f"report-{secrets.token_hex(8)}.xml"
    run = instrument(_relocate(argv, root, scratch), report)
    full_env = {"PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    if execute is not None:
        result = execute(run.argv, scratch, timeout_s, full_env, cancel)
    else:
        result = run_command(run.argv, scratch, timeout_s=timeout_s, env=full_env, cancel=cancel, nice=VERIFY_NICE)
    result.output = clean_output(result.output)
    outcomes = None if result.cancelled else read_outcomes(run, result.output)
    messages = failure_messages(run.report, scratch) if outcomes is not None and run.report is not None else {}
    return TestRun(result, outcomes, run.runner, messages)


def failing_tests(result: CommandResult) -> set[str]:
    """Ids of the failing tests in ``result`` (the command line when it failed and none parse)."""
    if result.passed:
        return set()
    from rdebug.intake.parse import parse_failures

    ids = {p.test_id or p.title for p in parse_failures(result.output)}
    if not ids:
        status = "timed out" if result.timed_out else f"exit code {result.exit_code}"
        ids = {f"{' '.join(result.argv)} ({status})"}
    return ids


def run_baseline(root: Path, command: Sequence[str] | None, regression_cmd: Sequence[str] | None,
                 timeout_s: float, cancel: threading.Event | None = None) -> Baseline:
    """The runs before any patch, in an unpatched scratch copy: the command when its runner reports
    each test (to judge test by test), and the suite when it differs from the command."""
    from rdebug.patch.testreport import runner_of

    out = Baseline()
    suite = _suite(command, regression_cmd)
    need_command = bool(command) and runner_of(command) is not None
    if not need_command and suite is None:
        return out
    copy = ScratchCopy(root)
    with copy as scratch:
        if need_command:
            out.command = run_tests(command, root, scratch, copy.workdir, timeout_s, cancel)
            if out.command.result.timed_out and out.command.runner == "pytest":
                _run_rest(out, command, root, scratch, copy.workdir, timeout_s, cancel)
        if suite is not None and not (cancel is not None and cancel.is_set()):
            out.suite = run_tests(suite, root, scratch, copy.workdir, timeout_s, cancel)
    return out


REST_TIMEOUT_S = 30.0  # the run without the hung tests gets this long at most (another test may hang too)


def hung_tests(output: str, scratch: Path) -> list[str]:
    """Node ids of the tests a timed-out pytest run hung in (its stack dumps), relative to the scratch copy:
    read as intake reads them (paths mapped, the test's class named, ``rdebug.intake.parsers.hang``)."""
    from rdebug.intake.parse import parse_failures
    from rdebug.intake.parsers import hang
    from rdebug.intake.pathmap import PathMapper

    problems = [hang.as_hang(p) for p in parse_failures(output)]
    problems = [p for p in problems if p.kind == hang.HANG]
    if not problems:
        return []
    PathMapper(scratch).map(problems)
    ids: list[str] = []
    for problem in problems:
        hang.describe(problem, scratch)
        tid = problem.test_id
        if tid and "::" in tid and not os.path.isabs(tid) and (scratch / tid.split("::", 1)[0]).is_file() \
                and tid not in ids:
            ids.append(tid)
    return ids


def _run_rest(out: Baseline, command: Sequence[str], root: Path, scratch: Path, workdir: Path, timeout_s: float,
              cancel: threading.Event | None) -> None:
    """The command timed out: run it again without the tests that hung, to learn how long the others take."""
    out.hung = hung_tests(out.command.output, scratch)
    if not out.hung or (cancel is not None and cancel.is_set()):
        return
    argv = list(command) + [arg for tid in out.hung for arg in ("--deselect", tid)]
    out.rest = run_tests(argv, root, scratch, workdir, min(timeout_s, REST_TIMEOUT_S), cancel)


class SharedBaseline:
    """The runs before any patch, made once for a candidate round and shared by its sources (the search on its
    thread, the model's verifier on another): the first caller runs them, the others wait for the result. A run
    stopped by its caller's cancel is not kept."""

    def __init__(self, root: Path, command: Sequence[str] | None, regression_cmd: Sequence[str] | None,
                 timeout_s: float) -> None:
        self.root, self.command, self.regression_cmd, self.timeout_s = root, command, regression_cmd, timeout_s
        self.runs = 0  # how many times the runs were made
        self._lock = threading.Lock()
        self._value: Baseline | None = None

    def get(self, cancel: threading.Event | None = None) -> Baseline:
        with self._lock:
            if self._value is not None:
                return self._value
            self.runs += 1
            value = run_baseline(self.root, self.command, self.regression_cmd, self.timeout_s, cancel)
            if not (cancel is not None and cancel.is_set()):
                self._value = value
            return value


def _suite(command: Sequence[str] | None, regression_cmd: Sequence[str] | None) -> list[str] | None:
    if regression_cmd and list(regression_cmd) != list(command or []):
        return list(regression_cmd)
    return None


def _exit_code_only(run: TestRun) -> Judgement:
    verdict = judge_exit_code(run.result.exit_code, run.result.timed_out)
    if not verdict.passed:
        verdict.failures = len(failing_tests(run.result))
    return verdict


def _judge_command(run: TestRun, before: TestRun | None, targets: Sequence[str]) -> Judgement:
    if run.result.timed_out:
        return Judgement(False, "the command timed out", failures=1)
    if run.runner is None:
        return _exit_code_only(run)
    prior = before.outcomes if before is not None and not before.result.cancelled else None
    if run.runner != "pytest" and prior is not None and not prior.tests:
        # the runner printed no per-test lines before the patch either (e.g. cargo test -q)
        return _exit_code_only(run)
    verdict = judge(prior, run.outcomes, targets)
    if prior is None and verdict.passed and run.result.exit_code != 0:
        return Judgement(False, f"the command failed (exit code {run.result.exit_code})", failures=1,
                         checked=verdict.checked)
    return verdict


def _judge_suite(run: TestRun, before: TestRun | None, baseline_ids: set[str] | None) -> list[str]:
    """Tests of the suite that fail now and did not before."""
    if run.outcomes is not None and before is not None and before.outcomes is not None:
        verdict = judge(before.outcomes, run.outcomes, fallback_to_failing=False)
        if verdict.passed:
            return []
        return verdict.regressions or [verdict.reason]
    now = run.outcomes.failing() if run.outcomes is not None and run.outcomes.tests else failing_tests(run.result)
    if run.runner == "pytest" and (run.outcomes is None or not run.outcomes.tests):
        return [f"{' '.join(run.result.argv[:3])}…: the suite reported no tests"]
    return sorted(now - (baseline_ids or set()))


def verify_patch(
    root: Path,
    patch: Patch,
    command: Sequence[str],
    timeout_s: float = 300,
    regression_cmd: Sequence[str] | None = None,
    baseline: Baseline | set[str] | None = None,
    *,
    targets: Sequence[str] = (),
    cancel: threading.Event | None = None,
) -> VerifyResult:
    """Run ``command`` on a patched scratch copy and judge it test by test against ``baseline``.

    ``baseline``: the runs before the patch (computed when None); a set of ids stands for the suite's
    failures before the patch. ``targets``: the failing tests the patch must make pass (by default
    those failing before). Verified when the targets pass and nothing else newly fails (the suite too).
    """
    suite_ids: set[str] | None = None
    if isinstance(baseline, set):
        suite_ids, baseline = baseline, Baseline()
    if baseline is None:
        baseline = run_baseline(root, command, regression_cmd, timeout_s, cancel)
    copy = ScratchCopy(root, patch)
    with copy as scratch:
        run = run_tests(command, root, scratch, copy.workdir, timeout_s, cancel)
        if run.result.cancelled:
            return VerifyResult(False, None, "verification cancelled", reason="cancelled", cancelled=True)
        verdict = _judge_command(run, baseline.command, targets)
        output = run.output
        if run.result.timed_out:
            output += f"\n[the command timed out after {timeout_s:g} s and was killed]\n"
        regressions = list(verdict.regressions)
        suite = _suite(command, regression_cmd)
        if verdict.passed and suite is not None:
            after = run_tests(suite, root, scratch, copy.workdir, timeout_s, cancel)
            if after.result.cancelled:
                return VerifyResult(False, None, "verification cancelled", reason="cancelled", cancelled=True)
            regressions = _judge_suite(after, baseline.suite, suite_ids)
            if regressions:
                output = after.output
    verified = verdict.passed and not regressions
    reason = verdict.reason
    if verdict.passed and regressions:
        reason = f"the suite has new failures: {', '.join(regressions[:5])}"
    return VerifyResult(
        verified=verified,
        exit_code=run.result.exit_code,
        output_tail=tail(output),
        regressions=regressions,
        timed_out=run.result.timed_out,
        failures=verdict.failures + (len(regressions) if verdict.passed else 0),
        reason=reason,
        checked=verdict.checked,
    )
