"""Verify a patch: apply it to a scratch copy and re-run the failing command (and the test suite)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from rdebug.intake.model import CommandResult
from rdebug.patch.diff import Patch
from rdebug.patch.scratch import ScratchCopy

TAIL_CHARS = 4000


@dataclass
class VerifyResult:
    verified: bool
    exit_code: int | None
    output_tail: str
    regressions: list[str] = field(default_factory=list)
    timed_out: bool = False
    failures: int = 0  # failing tests after the patch (parsed; 1 when unknown and the command failed)


def tail(text: str, limit: int = TAIL_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    nl = cut.find("\n")
    return "…\n" + (cut[nl + 1 :] if 0 <= nl < 200 else cut)


def _run(argv: list[str], cwd: Path, timeout_s: float) -> CommandResult:
    from rdebug.intake.runner import run_command

    return run_command(argv, cwd, timeout_s=timeout_s, env={"PYTHONDONTWRITEBYTECODE": "1"})


def _relocate(argv: Sequence[str], root: Path, scratch: Path) -> list[str]:
    """Point absolute paths into the repository at the scratch copy instead."""
    prefix = str(root)
    out = []
    for arg in argv:
        if arg == prefix or arg.startswith(prefix + os.sep):
            arg = str(scratch) + arg[len(prefix):]
        out.append(arg)
    return out


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


def baseline_failures(root: Path, regression_cmd: Sequence[str], timeout_s: float) -> set[str]:
    """Tests failing before any patch (run in an unpatched scratch copy)."""
    with ScratchCopy(root) as scratch:
        return failing_tests(_run(_relocate(regression_cmd, root, scratch), scratch, timeout_s))


def verify_patch(
    root: Path,
    patch: Patch,
    command: Sequence[str],
    timeout_s: float = 300,
    regression_cmd: Sequence[str] | None = None,
    baseline: set[str] | None = None,
) -> VerifyResult:
    """Run ``command`` on a patched scratch copy; verified when it passes and nothing else newly fails.

    ``baseline``: the regression command's failures before the patch (computed when None).
    """
    if regression_cmd and list(regression_cmd) != list(command) and baseline is None:
        baseline = baseline_failures(root, regression_cmd, timeout_s)
    with ScratchCopy(root, patch) as scratch:
        result = _run(_relocate(command, root, scratch), scratch, timeout_s)
        failures = failing_tests(result)
        regressions: list[str] = []
        output = result.output
        if result.timed_out:
            output += f"\n[the command timed out after {timeout_s:g} s and was killed]\n"
        if result.passed and regression_cmd and list(regression_cmd) != list(command):
            suite = _run(_relocate(regression_cmd, root, scratch), scratch, timeout_s)
            regressions = sorted(failing_tests(suite) - (baseline or set()))
            if regressions:
                output = suite.output
    return VerifyResult(
        verified=result.passed and not regressions,
        exit_code=result.exit_code,
        output_tail=tail(output),
        regressions=regressions,
        timed_out=result.timed_out,
        failures=len(failures) + len(regressions),
    )
