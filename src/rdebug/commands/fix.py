"""`rdebug fix`: find a patch, verify it on a scratch copy, print it, apply it with --yes."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
import time
from typing import Any, TextIO

from rdebug.config import Config
from rdebug.errors import ExitCode, ModelError, PatchError, UsageError
from rdebug.events import Error, ModelReady
from rdebug.patch.progress import Progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true", help="apply the best patch when it is verified")
    parser.add_argument("--allow-test-edits", action="store_true",
                        help="with --yes, also apply a patch that edits tests (or fixtures, conftest) "
                             "when the tests pass with it")
    parser.add_argument("--no-regressions", action="store_true",
                        help="do not also run the project's test suite when verifying")


def load_backend(cfg: Config, progress: Progress):
    """Open and load the configured backend; ModelError (exit 3) when it cannot load."""
    from rdebug.runtime import open_backend

    backend = open_backend(cfg)
    ready = None
    for ev in backend.load():
        progress.event(ev)
        if isinstance(ev, Error):
            backend.close()
            raise ModelError(ev.message)
        if isinstance(ev, ModelReady):
            ready = ev
    progress.clear_line()
    return backend, ready


def regression_command(args: argparse.Namespace, cfg: Config, command: list[str] | None) -> list[str] | None:
    """The project's test command (to catch new failures), when known and different from ``command``."""
    if getattr(args, "no_regressions", False):
        return None
    if cfg.test_cmd:
        suite = shlex.split(cfg.test_cmd)
    else:
        try:
            from rdebug.intake.detect import detect_test_command

            suite = detect_test_command(args.root)
        except ImportError:
            suite = None
    return suite if suite and suite != command else None


def print_patch(diff: str, out: TextIO) -> None:
    if out.isatty():
        from rich.console import Console
        from rich.syntax import Syntax

        Console(file=out).print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
    else:
        out.write(diff)
    out.flush()


def _stats(loop, ready: ModelReady | None, seconds: float, cfg: Config) -> dict[str, Any]:
    usages = [a.usage for a in loop.attempts if a.usage is not None]
    return {
        "model": ready.stats.model if ready else cfg.model,
        "prompt_tokens": sum(u.prompt_tokens for u in usages),
        "thinking_tokens": sum(u.thinking_tokens for u in usages),
        "answer_tokens": sum(u.answer_tokens for u in usages),
        "seconds": round(seconds, 3),
    }


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.cli_common import build_packed_context, gather_problem
    from rdebug.context.render import format_for_prompt
    from rdebug.patch.apply import apply_patch
    from rdebug.patch.diff import file_hashes
    from rdebug.patch.loop import RepairLoop
    from rdebug.patch.safety import check_repo_state

    out, err = out or sys.stdout, err or sys.stderr
    if cfg.attempts < 1 or cfg.samples < 1:
        raise UsageError("--attempts and --samples must be at least 1")
    if args.yes:
        try:
            check_repo_state(args.root)  # refuse before spending minutes on the model
        except PatchError as exc:
            raise UsageError(exc.message) from None
    progress = Progress(err, quiet=False, stream=None if not args.json else False)
    started = time.perf_counter()
    intake = gather_problem(args, cfg)
    if not intake.problems:
        message = intake.message or "nothing to fix: no failure found"
        if args.json:
            out.write(json.dumps({"problem": None, "attempts": [], "patch": None, "verified": False,
                                  "applied": False, "message": message}) + "\n")
        else:
            progress.line(message)
        return ExitCode.OK
    problem = intake.problems[0]
    progress.line(f"failure: {problem.title.splitlines()[0]}")
    backend, ready = load_backend(cfg, progress)
    loop = None
    try:
        ctx = build_packed_context(args, cfg, problem, backend.count_tokens)
        hashes = file_hashes(args.root, [s.path for s in ctx.snippets])
        command = intake.command
        if not command:
            progress.line("no command reproduces this failure: patches cannot be verified "
                          "(give one with rdebug fix -- CMD or --test-cmd)")
        loop = RepairLoop(
            problem, format_for_prompt(ctx), backend, args.root, command,
            attempts=cfg.attempts, samples=cfg.samples, timeout_s=cfg.timeout,
            regression_cmd=regression_command(args, cfg, command), thinking=cfg.thinking,
            think_budget=cfg.think_budget, max_tokens=cfg.max_tokens, expected_hashes=hashes,
        )
        fatal = _drive(loop, progress, cfg.attempts)
    finally:
        backend.close()
    best = loop.best
    applied = False
    allow_tests = getattr(args, "allow_test_edits", False)
    acceptable = best is not None and (best.verified or (allow_tests and best.tests_pass and best.edits_tests))
    if acceptable and args.yes and not loop.cancelled:
        record = apply_patch(args.root, best.patch, hashes)
        applied = True
        progress.line(f"applied to {', '.join(record.files)} (undo with: rdebug undo {record.id})")
    if args.json:
        doc = {
            "problem": problem.to_json(),
            "attempts": [a.to_json() for a in loop.attempts],
            "patch": best.patch.diff if best else None,
            "verified": bool(best and best.verified),
            "edits_tests": list(best.edits_tests) if best else [],
            "verdict": best.reason if best else "",
            "applied": applied,
            "stats": _stats(loop, ready, time.perf_counter() - started, cfg),
        }
        out.write(json.dumps(doc, indent=2) + "\n")
    elif best is not None:
        for line in _heading(best):
            progress.line(line)
        print_patch(best.patch.diff, out)
        if best.verified and not applied:
            progress.line("apply it with: rdebug fix --yes (or review it first)")
        elif best.edits_tests and best.tests_pass and not applied:
            progress.line("it edits tests, so it is not applied without a confirmation: review it, then "
                          "apply it with: rdebug fix --yes --allow-test-edits")
    else:
        progress.line("no usable patch was produced")
    if loop.cancelled:
        return ExitCode.INTERRUPTED
    if fatal:
        raise ModelError(fatal)
    return ExitCode.OK if best is not None and (best.verified or applied) else ExitCode.FAILED


def _heading(best) -> list[str]:
    """The lines above the best patch: whether it is verified, and the verdict (or what was checked)."""
    if best.verified:
        head = "best patch (verified):"
    elif best.edits_tests:
        head = f"best patch (edits tests: {', '.join(best.edits_tests)}; NOT verified):"
    else:
        head = "best patch (NOT verified):"
    lines = [head]
    if best.reason:
        lines.append(f"  verdict: {best.reason}")
    if best.checked and best.checked not in best.reason:
        lines.append(f"  {best.checked}")
    return lines


def _drive(loop, progress: Progress, attempts: int) -> str | None:
    """Run the loop with Ctrl-C cancelling it; the fatal backend error message, if any."""

    def on_sigint(_sig: int, _frame: Any) -> None:
        loop.cancel()

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread
        previous = None
    fatal = None
    try:
        for ev in loop.run():
            progress.event(ev, attempts)
            if isinstance(ev, Error) and ev.fatal:
                fatal = ev.message
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return fatal
