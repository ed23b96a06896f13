"""`rdebug eval CASES_DIR`: run the fix loop over bug cases (model loaded once) and score it; with ``--arm``,
several configurations side by side in the same run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence, TextIO

from rdebug.config import Config
from rdebug.errors import CommandError, ExitCode, IntakeError, UsageError
from rdebug.patch.arms import Arm, ArmSummary, arm_order, make_arms, run_arms, summarize
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


def _print_table(head: Sequence[str], rows: list[tuple[str, ...]], out: TextIO,
                 dim: Callable[[tuple[str, ...]], bool] = lambda row: False) -> None:
    if out.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*head)
        for row in rows:
            table.add_row(*row, style="dim" if dim(row) else None)
        Console(file=out).print(table)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    for row in [head, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")


def _verdict(r) -> str:
    return "yes" if r.fixed else ("error" if r.error else "no")


def _hidden(r) -> str:
    """The row's mark for the case's hidden check: passed, failed (wrong but verified), or none ran."""
    return "-" if r.hidden is None else "ok" if r.hidden else "WRONG"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _table(results, out: TextIO) -> None:
    rows = [(r.case, _verdict(r), r.source or "-", "yes" if r.first else "no", str(r.attempts), f"{r.seconds:.1f}",
             str(r.tokens), str(r.search_tried), _hidden(r)) for r in results]
    head = ("case", "fixed", "by", "first try", "attempts", "seconds", "tokens", "searched", "hidden")
    _print_table(head, rows, out, lambda row: row[1] != "yes")


def _arms_tables(arms: list[Arm], results: dict, summaries: dict[str, ArmSummary], out: TextIO) -> None:
    """Per case one row per arm, then one summary row per arm."""
    rows = [(r.case, arm.name, _verdict(r), r.source or "-", "yes" if r.first else "no", str(r.attempts),
             _seconds(r.fix_s), f"{r.seconds:.1f}", str(r.tokens), str(r.tried), _hidden(r))
            for i in range(len(results[arms[0].name])) for arm in arms for r in [results[arm.name][i]]]
    _print_table(("case", "arm", "fixed", "by", "first try", "attempts", "fix s", "seconds", "tokens", "tried",
                  "hidden"),
                 rows, out, lambda row: row[2] != "yes")
    out.write("\n")
    rows, base = [], arms[0]
    for arm in arms:
        s = summaries[arm.name]
        rows.append((arm.name, f"{s.fixed}/{s.cases}", str(s.first_attempt), _seconds(s.median_fix_s), str(s.tokens),
                     str(s.tried), str(s.fixed_by_search), str(s.fixed_by_model), str(s.wrong_but_verified),
                     _settings(arm) or ("as configured" if arm is base else f"same as {base.name}")))
    _print_table(("arm", "fixed", "first try", "median fix s", "tokens", "tried", "by search", "by model",
                  "wrong-but-verified", "settings"), rows, out)
    for arm in arms[1:]:
        gained, lost = _paired(results[base.name], results[arm.name])
        out.write(f"{arm.name} vs {base.name}: fixed {len(gained)} that {base.name} did not"
                  f"{' (' + ', '.join(gained) + ')' if gained else ''}, missed {len(lost)} that it fixed"
                  f"{' (' + ', '.join(lost) + ')' if lost else ''}\n")


def _settings(arm: Arm) -> str:
    return ", ".join(f"{k}={v}" for k, v in arm.overrides.items())


def _paired(base, other) -> tuple[list[str], list[str]]:
    """Cases ``other`` fixed and ``base`` did not, and the reverse."""
    gained = [o.case for b, o in zip(base, other) if o.fixed and not b.fixed]
    lost = [o.case for b, o in zip(base, other) if b.fixed and not o.fixed]
    return gained, lost


def _save(path: Path, result) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**result.to_json(), "patch": result.patch, "attempts_detail": result.transcript},
                               indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.commands.fix import load_model, show_event
    from rdebug.patch.evaluate import CaseResult, load_cases, run_case
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
    save = Path(args.save).expanduser() if args.save else None
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
    progress = Progress(err, stream=False, quiet=args.json)
    pipeline = Pipeline(cfg)

    def one(case, pipeline: Pipeline, arm: Arm) -> CaseResult:
        progress.line(f"[{number[case.name]}/{len(cases)}] {case.name}" + (f" · {arm.name}" if compare else ""))
        try:
            return run_case(case, pipeline, args.baseline, lambda ev: show_event(progress, ev, arm.cfg.attempts))
        except KeyboardInterrupt:
            pipeline.backend.cancel()
            raise
        except (CommandError, IntakeError) as exc:  # one broken case (a hang, a missing tool) is not the run
            return CaseResult(case.name, False, 0.0, error=exc.message)

    def done(case, arm: Arm, result: CaseResult) -> None:
        if save is not None:
            _save((save / arm.name if compare else save) / f"{case.name}.json", result)
        verdict = "fixed" if result.fixed else f"not fixed ({result.error})" if result.error else "not fixed"
        progress.line(f"  {verdict} in {result.seconds:.1f} s")

    try:
        load_model(pipeline, progress)
        results = run_arms(cases, pipeline, arms, one, done)
    finally:
        pipeline.close()
    summaries = {arm.name: summarize(results[arm.name]) for arm in arms}
    if compare:
        _report_arms(args, arms, results, summaries, out)
    else:
        _report_one(args, cfg, results[arms[0].name], summaries[arms[0].name], out)
    return ExitCode.OK


def _report_one(args: argparse.Namespace, cfg: Config, results, summary: ArmSummary, out: TextIO) -> None:
    """One configuration: the table of cases and the closing lines."""
    s = summary.to_json()
    if args.json:
        out.write(json.dumps({"cases": summary.cases, "fixed": summary.fixed, "first_attempt": summary.first_attempt,
                              "baseline": bool(args.baseline), "search": cfg.search, **s,
                              "results": [r.to_json() for r in results]}, indent=2) + "\n")
        return
    _table(results, out)
    out.write(f"fixed {summary.fixed}/{summary.cases}"
              + (f" (by the search {summary.fixed_by_search}, by the model {summary.fixed_by_model})"
                 if cfg.search and not args.baseline else " (model alone: no search)" if not args.baseline
                 else "") + "\n")
    if cfg.search and not args.baseline:
        out.write(f"search: {summary.search_tried} candidates tried; median time to its verified "
                  f"fix {_seconds(summary.search_median_s)}{'' if summary.search_median_s is None else ' s'}\n")
    if not args.baseline:
        out.write(f"first attempt alone (one call, no feedback) {summary.first_attempt}/{summary.cases}\n")
    if summary.hidden_checked:
        out.write(f"wrong-but-verified: {summary.wrong_but_verified} of the {summary.hidden_checked} fixed cases "
                  f"with a hidden check (their fix passes the case's command, not its hidden test)\n")


def _report_arms(args: argparse.Namespace, arms: list[Arm], results: dict, summaries: dict[str, ArmSummary],
                 out: TextIO) -> None:
    """Several configurations: per case a row per arm, a summary per arm, and each arm against the base."""
    if args.json:
        doc = {}
        for arm in arms:
            entry = {"overrides": dict(arm.overrides), "search": arm.cfg.search, **summaries[arm.name].to_json()}
            if arm is not arms[0]:
                gained, lost = _paired(results[arms[0].name], results[arm.name])
                entry["vs_base"] = {"fixed_only_here": gained, "fixed_only_by_base": lost}
            doc[arm.name] = {**entry, "results": [r.to_json() for r in results[arm.name]]}
        cases = [r.case for r in results[arms[0].name]]
        order = {case: [arm.name for arm in arm_order(arms, i)] for i, case in enumerate(cases)}
        out.write(json.dumps({"cases": len(cases), "baseline": bool(args.baseline), "base": arms[0].name,
                              "order": order, "arms": doc}, indent=2) + "\n")
        return
    _arms_tables(arms, results, summaries, out)
    out.write("fix s: seconds from the case's start to its first verified fix; tried: candidates, search and "
              "model; hidden: the fix passed (ok) or failed (WRONG) the case's hidden test, and "
              "wrong-but-verified counts the WRONG ones; arms ran in alternating order per case\n")
