"""`rdebug eval CASES_DIR`: run the fix loop over bug cases (model loaded once) and score it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from rdebug.config import Config
from rdebug.errors import CommandError, ExitCode, IntakeError, UsageError
from rdebug.patch.progress import Progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cases_dir", metavar="CASES_DIR", help="folder of cases (each: case.toml + repo/)")
    parser.add_argument("--baseline", action="store_true",
                        help="one model call per case, no verification, no feedback")
    parser.add_argument("--only", metavar="SUBSTR", action="append", default=[],
                        help="run only cases whose name contains SUBSTR (repeatable)")
    parser.add_argument("--save", metavar="DIR",
                        help="write each case's attempts (thinking, answer, patch, output) to DIR/CASE.json")


def _table(results, out: TextIO) -> None:
    rows = [(r.case, "yes" if r.fixed else ("error" if r.error else "no"), r.source or "-",
             "yes" if r.first else "no", str(r.attempts), f"{r.seconds:.1f}", str(r.tokens), str(r.search_tried))
            for r in results]
    head = ("case", "fixed", "by", "first try", "attempts", "seconds", "tokens", "searched")
    if out.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*head)
        for row in rows:
            table.add_row(*row, style=None if row[1] == "yes" else "dim")
        Console(file=out).print(table)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    for row in [head, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")


def search_summary(results) -> dict:
    """Where the fixes came from, and the search's figures: median seconds to its verified fix, candidates."""
    from statistics import median

    by_search = [r for r in results if r.fixed and r.source == "search"]
    found = [r.search_s for r in by_search if r.search_s is not None]
    return {
        "fixed_by_search": len(by_search),
        "fixed_by_model": sum(1 for r in results if r.fixed and r.source != "search"),
        "search_median_seconds": round(median(found), 2) if found else None,
        "search_candidates_tried": sum(r.search_tried for r in results),
    }


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.commands.fix import load_model, show_event
    from rdebug.patch.evaluate import CaseResult, load_cases, run_case
    from rdebug.pipeline import Pipeline

    out, err = out or sys.stdout, err or sys.stderr
    cases = load_cases(Path(args.cases_dir).expanduser().resolve())
    if args.only:
        cases = [c for c in cases if any(s in c.name for s in args.only)]
        if not cases:
            raise UsageError("--only matched no case")
    save = Path(args.save).expanduser() if args.save else None
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
    progress = Progress(err, stream=False, quiet=args.json)
    pipeline = Pipeline(cfg)
    results = []
    try:
        load_model(pipeline, progress)
        for i, case in enumerate(cases, 1):
            progress.line(f"[{i}/{len(cases)}] {case.name}")
            try:
                result = run_case(case, pipeline, args.baseline, lambda ev: show_event(progress, ev, cfg.attempts))
            except KeyboardInterrupt:
                pipeline.backend.cancel()
                raise
            except (CommandError, IntakeError) as exc:  # one broken case (a hang, a missing tool) is not the run
                result = CaseResult(case.name, False, 0.0, error=exc.message)
            results.append(result)
            if save is not None:
                (save / f"{case.name}.json").write_text(json.dumps(
                    {**result.to_json(), "patch": result.patch, "attempts_detail": result.transcript},
                    indent=2) + "\n", encoding="utf-8")
            verdict = "fixed" if result.fixed else f"not fixed ({result.error})" if result.error else "not fixed"
            progress.line(f"  {verdict} in {result.seconds:.1f} s")
    finally:
        pipeline.close()
    fixed = sum(r.fixed for r in results)
    first = sum(r.first for r in results)
    summary = search_summary(results)
    if args.json:
        out.write(json.dumps({"cases": len(results), "fixed": fixed, "first_attempt": first,
                              "baseline": bool(args.baseline), "search": cfg.search, **summary,
                              "results": [r.to_json() for r in results]}, indent=2) + "\n")
    else:
        _table(results, out)
        out.write(f"fixed {fixed}/{len(results)}"
                  + (f" (by the search {summary['fixed_by_search']}, by the model {summary['fixed_by_model']})"
                     if cfg.search and not args.baseline else " (model alone: no search)" if not args.baseline
                     else "") + "\n")
        if cfg.search and not args.baseline:
            median_s = summary["search_median_seconds"]
            out.write(f"search: {summary['search_candidates_tried']} candidates tried; median time to its verified "
                      f"fix {'-' if median_s is None else f'{median_s:.1f} s'}\n")
        if not args.baseline:
            out.write(f"first attempt alone (one call, no feedback) {first}/{len(results)}\n")
    return ExitCode.OK
