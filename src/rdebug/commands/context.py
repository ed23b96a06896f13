"""`rdebug context`: print the problem and the packed context the model would see."""

from __future__ import annotations

import argparse
import json
import sys

from rdebug.cli_common import build_packed_context, gather_problem
from rdebug.config import Config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="pack context for every failure, not just the first")


def run(args: argparse.Namespace, cfg: Config) -> int:
    result = gather_problem(args, cfg)
    if not result.problems:
        if args.json:
            print(json.dumps({"problem": None, "snippets": [], "message": result.message}))
        else:
            print(result.message or "nothing to debug: all tests passed")
        return 0
    problems = result.problems if args.all else result.problems[:1]
    stage = _spectrum_stage(args, cfg, result.command) if cfg.spectrum else None
    packed = [_packed(args, cfg, p, stage) for p in problems]
    contexts = [c for c, _ in packed]
    calls: list = [None] * len(contexts)
    if cfg.calls:  # what the failing test called and returned (pytest), recorded in a scratch copy
        from rdebug.facts.stage import attach_calls

        for i, problem in enumerate(problems):
            contexts[i], calls[i] = attach_calls(contexts[i], problem, args.root, result.command,
                                                 timeout_s=cfg.timeout)
    if args.json:
        docs = [c.to_json() for c in contexts]
        for doc, record in zip(docs, calls):
            doc["calls"] = record.to_json() if record is not None else None
        for doc, (_, suspicious) in zip(docs, packed):
            doc["source"] = result.source
            doc["failures"] = len(result.problems)
            doc["suspicious"] = [{"path": s.path, "line": s.line, "score": s.score} for s in suspicious]
        print(json.dumps(docs if args.all else docs[0], indent=2))
        return 0
    from rich.console import Console

    from rdebug.context.render import render_context

    console = Console(file=sys.stdout, highlight=False)
    if result.message:
        console.print(f"[bold]{result.message}[/]")
    for ctx in contexts:
        console.print(render_context(ctx))
    if len(result.problems) > len(problems):
        console.print(f"[dim]{len(result.problems) - len(problems)} more failure(s); --all packs them too[/]")
    return 0


def _spectrum_stage(args: argparse.Namespace, cfg: Config, command: list[str] | None):
    """The spectrum (``--spectrum``): the project's tests once under the line tracer, in a scratch copy."""
    import shlex

    from rdebug.facts.spectrum import SpectrumStage
    from rdebug.pipeline import regression_command

    test_cmd = shlex.split(cfg.test_cmd) if cfg.test_cmd else None
    return SpectrumStage(args.root, command, regression_command(args.root, test_cmd, command), cfg.timeout)


def _packed(args: argparse.Namespace, cfg: Config, problem, stage) -> tuple:
    """(the packed context, the spectrum's suspicious lines) for one problem."""
    if stage is None:
        return build_packed_context(args, cfg, problem), []
    from rdebug.context.build import build_context

    context = build_context(problem, args.root, budget=cfg.budget, extra=stage.snippets)
    return context, stage.finish(context)
