"""`rdebug eval CASES_DIR`: run the fix loop over bug cases (model loaded once) and score it; with ``--arm``,
several configurations side by side in the same run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from rdebug.config import Config
from rdebug.errors import CommandError, ExitCode, IntakeError, UsageError
from rdebug.evaluation.arms import Arm, make_arms, run_arms, summarize
from rdebug.evaluation.report import report_arms, report_one, save
from rdebug.patch.progress import Progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cases_dir", metavar="CASES_DIR", help="folder of cases (each: case.toml + repo/)")
    parser.add_argument("--baseline", action="store_true",
                        help="one model call per case, no verification, no feedback")
    parser.add_argument("--only", metavar="SUBSTR", action="append", default=[],
                        help="run only cases whose name contains SUBSTR (repeatable)")
    parser.add_argument("--save", metavar="DIR",
                        help="write each case's attempts (thinking, answer, patch, output) to DIR/CASE.json "
                             "(DIR/ARM/CASE.json with --arm)")
    parser.add_argument("--arm", metavar="NAME:KEY=VALUE,...", action="append", default=[],
                        help="also score the configuration with these keys changed, in the same run "
                             "(repeatable; e.g. no-search:search=false, k1:samples=1)")
    parser.add_argument("--base-name", metavar="NAME", default="base",
                        help="the name of the configuration as given, next to --arm ones (base)")


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.commands.fix import load_model, show_event
    from rdebug.evaluation.cases import load_cases
    from rdebug.evaluation.run import CaseResult, run_case
    from rdebug.pipeline import Pipeline

    out, err = out or sys.stdout, err or sys.stderr
    arms = make_arms(cfg, getattr(args, "arm", []), getattr(args, "base_name", "base"))  # before any case runs
    compare = len(arms) > 1
    cases = load_cases(Path(args.cases_dir).expanduser().resolve())
    if args.only:
        cases = [c for c in cases if any(s in c.name for s in args.only)]
        if not cases:
            raise UsageError("--only matched no case")
    number = {case.name: i for i, case in enumerate(cases, 1)}
    save_dir = Path(args.save).expanduser() if args.save else None
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(err, stream=False, quiet=args.json)
    pipeline = Pipeline(cfg)

    def one(case, pipeline: Pipeline, arm: Arm) -> CaseResult:
        progress.line(f"[{number[case.name]}/{len(cases)}] {case.name}" + (f" · {arm.name}" if compare else ""))
        try:
            return run_case(case, pipeline, arm.cfg, args.baseline,
                            lambda ev: show_event(progress, ev, arm.cfg.attempts))
        except KeyboardInterrupt:
            pipeline.backend.cancel()
            raise
        except (CommandError, IntakeError) as exc:  # one broken case (a hang, a missing tool) is not the run
            return CaseResult(case.name, False, 0.0, error=exc.message)

    def done(case, arm: Arm, result: CaseResult) -> None:
        if save_dir is not None:
            save((save_dir / arm.name if compare else save_dir) / f"{case.name}.json", result)
        verdict = "fixed" if result.fixed else f"not fixed ({result.error})" if result.error else "not fixed"
        progress.line(f"  {verdict} in {result.seconds:.1f} s")

    try:
        load_model(pipeline, progress)
        results = run_arms(cases, pipeline, arms, one, done)
    finally:
        pipeline.close()
    summaries = {arm.name: summarize(results[arm.name]) for arm in arms}
    if compare:
        report_arms(args, arms, results, summaries, out)
    else:
        report_one(args, cfg, results[arms[0].name], summaries[arms[0].name], out)
    return ExitCode.OK
