"""`rdebug fix`: find a patch, verify it on a scratch copy, print it, apply it with --yes."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from rdebug.config import Config
from rdebug.errors import ExitCode, ModelError, PatchError, UsageError
from rdebug.events import AttemptStarted, ModelReady
from rdebug.patch.progress import GREEN, Progress

if TYPE_CHECKING:
    from rdebug.pipeline import Pipeline
    from rdebug.rounds import CandidateRound


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true", help="apply the best patch when it is verified")
    parser.add_argument("--allow-test-edits", action="store_true",
                        help="with --yes, also apply a patch that edits tests (or fixtures, conftest) "
                             "when the tests pass with it")
    parser.add_argument("--no-regressions", action="store_true",
                        help="do not also run the project's test suite when verifying")


def load_model(pipeline: Pipeline, progress: Progress) -> None:
    """Load the pipeline's model, showing its progress; ModelError (exit 3) when it cannot load."""
    for ev in pipeline.load():
        progress.event(ev)
    progress.clear_line()


def print_patch(diff: str, out: TextIO) -> None:
    if out.isatty():
        from rich.console import Console
        from rich.syntax import Syntax

        Console(file=out).print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
    else:
        out.write(diff)
    out.flush()


def _stats(rnd: CandidateRound, ready: ModelReady | None, seconds: float, cfg: Config) -> dict[str, Any]:
    usages = [a.usage for a in rnd.attempts if a.usage is not None]
    return {
        "model": ready.stats.model if ready else cfg.model,
        "prompt_tokens": sum(u.prompt_tokens for u in usages),
        "thinking_tokens": sum(u.thinking_tokens for u in usages),
        "answer_tokens": sum(u.answer_tokens for u in usages),
        "seconds": round(seconds, 3),
    }


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.cli_common import intake_request
    from rdebug.patch.safety import check_repo_state
    from rdebug.pipeline import Pipeline, apply, gather

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
    request = intake_request(args, cfg)
    intake = gather(request)
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
    pipeline = Pipeline(cfg)
    try:
        load_model(pipeline, progress)
        ready = pipeline.ready
        job = pipeline.prepare(problem, args.root, intake.command, test_cmd=request.test_cmd,
                               regressions=not getattr(args, "no_regressions", False))
        if not job.command:
            progress.line("no command reproduces this failure: patches cannot be verified "
                          "(give one with rdebug fix -- CMD or --test-cmd)")
        rnd = pipeline.candidates(job)
        _drive(rnd, progress, cfg.attempts)
    finally:
        pipeline.close()
    best = rnd.best
    applied = False
    allow_tests = getattr(args, "allow_test_edits", False)
    acceptable = best is not None and (best.verified or (allow_tests and best.tests_pass and best.edits_tests))
    if acceptable and args.yes and not rnd.cancelled:
        record = apply(job, best.patch)
        applied = True
        progress.line(f"applied to {', '.join(record.files)} (undo with: rdebug undo {record.backup_id})")
    if args.json:
        doc = {
            "problem": problem.to_json(),
            "attempts": [a.to_json() for a in rnd.attempts],
            "patch": best.patch.diff if best else None,
            "verified": bool(best and best.verified),
            "edits_tests": list(best.edits_tests) if best else [],
            "verdict": best.reason if best else "",
            "source": best.source if best else None,  # "search" or "model"
            "explanation": best.answer.strip() if best and best.source != "model" else None,
            "applied": applied,
            "stats": _stats(rnd, ready, time.perf_counter() - started, cfg),
        }
        out.write(json.dumps(doc, indent=2) + "\n")
    elif best is not None:
        for line in _heading(best):
            progress.line(line)
        if best.source != "model" and best.answer.strip() and not progress.stream:
            progress.line("the model's explanation: " + " ".join(best.answer.split())[:1200])
        print_patch(best.patch.diff, out)
        if best.verified and not applied:
            progress.line("apply it: save the diff above and run git apply, or run rdebug fix --yes "
                          "(a new run that applies what it verifies, undoable with rdebug undo)")
        elif best.edits_tests and best.tests_pass and not applied:
            progress.line("it edits tests, so it is not applied without a confirmation: review it, then "
                          "apply it with: rdebug fix --yes --allow-test-edits")
    else:
        progress.line("no usable patch was produced")
    if rnd.cancelled:
        return ExitCode.INTERRUPTED
    if rnd.fatal:
        raise ModelError(rnd.fatal)
    return ExitCode.OK if best is not None and (best.verified or applied) else ExitCode.FAILED


def _heading(best) -> list[str]:
    """The lines above the best patch: whether it is verified, and the verdict (or what was checked)."""
    label = getattr(best, "label", "")
    if best.verified and label:
        head = f"best patch (verified; {label}):"
    elif best.verified:
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


def _drive(rnd: CandidateRound, progress: Progress, attempts: int) -> None:
    """Run the candidate round with Ctrl-C cancelling it."""
    from rdebug.cli_common import cancel_on_sigint

    with cancel_on_sigint(rnd.cancel):
        for ev in rnd.run():
            show_event(progress, ev, attempts)


def show_event(progress: Progress, ev: object, attempts: int) -> None:
    """One event on the terminal; a candidate found by the search is shown by its label, not as an attempt."""
    if isinstance(ev, AttemptStarted) and ev.label:
        progress.line(f"── {ev.label}", GREEN)
        return
    progress.event(ev, attempts)
