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
    contexts = [build_packed_context(args, cfg, p) for p in problems]
    if args.json:
        docs = [c.to_json() for c in contexts]
        for doc in docs:
            doc["source"] = result.source
            doc["failures"] = len(result.problems)
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
