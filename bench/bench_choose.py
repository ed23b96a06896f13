"""Benchmark: which function holds the bug, three ways, against each case's solution (issue 21 §3).

For each case, the functions the model's loop would rewrite (``repair.sites.rank_sites``: the suspicious lines'
order) are ranked (1) as they are, (2) by the model's one-step choice of a number (``choice_request``, what
``--localize`` did first), and (3) by the log-probability of each function's name as the model's answer ("The
bug is in `Paginator.pages`", ``choose_site``, what ``--localize`` does now: nothing decoded). The rank is where the function that
``solution.patch`` edits stands (1-based; "-" when it is not among the sites). Needs the model.
Usage: python bench/bench_choose.py [CASES_DIR] [--only SUBSTR ...] [--model M]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdebug.config import load_config  # noqa: E402
from rdebug.evaluation.cases import case_argv, load_cases, prepare_repo  # noqa: E402
from rdebug.evaluation.truth import solution_functions  # noqa: E402
from rdebug.events import ChoiceScores, profile_of  # noqa: E402
from rdebug.intake.model import IntakeRequest  # noqa: E402
from rdebug.job import model_stats  # noqa: E402
from rdebug.pipeline import Pipeline, gather  # noqa: E402
from rdebug.prompts import fix_prefix  # noqa: E402
from rdebug.repair.choose import choice_request, choose_site, reorder  # noqa: E402
from rdebug.repair.sites import rank_sites  # noqa: E402

def drain(gen):
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def by_number(backend, prefix, job, sites):
    """The one-step choice of a number (``choose_site``'s way before the names were scored)."""
    events = list(backend.generate(choice_request(prefix, job, sites)))
    probs = next((e.probs for e in events if isinstance(e, ChoiceScores)), None)
    return reorder(sites, probs, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", default=str(Path(__file__).parent / "cases"))
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--model")
    args = parser.parse_args()
    cfg = load_config(None, {"model": args.model} if args.model else None)
    cases = [c for c in load_cases(Path(args.cases)) if not args.only or any(s in c.name for s in args.only)]
    pipeline = Pipeline(cfg)
    list(pipeline.load())
    backend = pipeline.backend
    profile = profile_of(model_stats(backend))
    ranks: dict[str, list[int | None]] = {"order": [], "number": [], "likelihood": []}
    print(f"{'case':38} {'sites':>5} {'order':>6} {'number':>7} {'likelihood':>11}")
    try:
        for case in cases:
            truth = solution_functions(case)
            with tempfile.TemporaryDirectory(prefix="rdebug-choose-") as tmp:
                root = prepare_repo(case, Path(tmp) / case.name)
                argv = case_argv(case.command)
                intake = gather(IntakeRequest(root=root, command=argv, timeout_s=case.timeout))
                if not intake.problems:
                    continue
                job = pipeline.prepare(intake.problems[0], root, intake.command or argv, regressions=False,
                                       timeout_s=case.timeout)
                sites = rank_sites(job)
                if len(sites) < 2:
                    continue
                prefix = fix_prefix(job.problem, job.prompt_text, list(job.hashes), profile, False)
                orders = {"order": sites, "number": by_number(backend, prefix, job, sites),
                          "likelihood": drain(choose_site(backend, prefix, job, sites))}
            row = {}
            for name, ranked in orders.items():
                row[name] = next((i for i, s in enumerate(ranked, 1) if (s.path, s.short) in truth), None)
                ranks[name].append(row[name])
            shown = {k: str(v) if v else "-" for k, v in row.items()}
            print(f"{case.name:38} {len(sites):>5} {shown['order']:>6} {shown['number']:>7} "
                  f"{shown['likelihood']:>11}", flush=True)
    finally:
        pipeline.close()
    n = len(ranks["order"])
    found = sum(1 for r in ranks["order"] if r)
    print(f"\n{n} cases with two or more sites; the solution's function among them in {found}")
    for name, rs in ranks.items():
        top1 = sum(1 for r in rs if r == 1)
        top3 = sum(1 for r in rs if r and r <= 3)
        print(f"{name:11} top-1 {top1}/{found}  top-3 {top3}/{found}")


if __name__ == "__main__":
    main()
