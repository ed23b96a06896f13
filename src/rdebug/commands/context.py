"""`rdebug context`: print the problem and the packed context the model would see (the pipeline's intake and
context stages, no model: tokens are estimated)."""

from __future__ import annotations

import argparse
import json
import sys

from rdebug.cli_common import intake_request
from rdebug.config import Config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="pack context for every failure, not just the first")


def run(args: argparse.Namespace, cfg: Config) -> int:
    from rdebug.pipeline import Pipeline, gather

    request = intake_request(args, cfg)
    result = gather(request)
    if not result.problems:
        if args.json:
            print(json.dumps({"problem": None, "snippets": [], "message": result.message}))
        else:
            print(result.message or "nothing to debug: all tests passed")
        return 0
    problems = result.problems if args.all else result.problems[:1]
    pipeline = Pipeline(cfg)
    jobs = [pipeline.prepare(p, args.root, result.command, test_cmd=request.test_cmd) for p in problems]
    if args.json:
        docs = []
        for job in jobs:
            doc = job.context.to_json()
            doc["calls"] = job.calls.to_json() if job.calls is not None else None
            doc["source"] = result.source
            doc["failures"] = len(result.problems)
            doc["suspicious"] = [{"path": s.path, "line": s.line, "score": s.score} for s in job.suspicious]
            docs.append(doc)
        print(json.dumps(docs if args.all else docs[0], indent=2))
        return 0
    from rich.console import Console

    from rdebug.context.render import render_context

    console = Console(file=sys.stdout, highlight=False)
    if result.message:
        console.print(f"[bold]{result.message}[/]")
    for job in jobs:
        console.print(render_context(job.context))
    if len(result.problems) > len(problems):
        console.print(f"[dim]{len(result.problems) - len(problems)} more failure(s); --all packs them too[/]")
    return 0
