"""Benchmark: the model's fills of masked lines (issue 21 §5) with its fill-in-the-middle tokens against prefix
completion (the function's text up to the hole as a pre-filled chat turn, the rest shown), side by side.

For each case the infill source runs alone (no search, no repair loop) on a fresh copy, once per arm, the arms'
order alternating case by case; a fill is fixed when the pool verified it and the case's command passes with it
on its own, and right when the case's hidden check passes too. Needs the model (default: the configured one).
Usage: python bench/bench_infill.py [CASES_DIR] [--only SUBSTR ...] [--model M] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdebug.config import load_config  # noqa: E402
from rdebug.evaluation.cases import Case, case_argv, load_cases, prepare_repo  # noqa: E402
from rdebug.evaluation.hidden import run_hidden_check  # noqa: E402
from rdebug.intake.model import IntakeRequest  # noqa: E402
from rdebug.job import RoundOptions  # noqa: E402
from rdebug.pipeline import Pipeline, gather, recheck  # noqa: E402
from rdebug.repair.infill import infill_source  # noqa: E402

ARMS = {"fim": True, "prefix": False}


@dataclass
class Row:
    case: str
    arm: str
    fixed: bool
    right: bool | None  # the hidden check (None: the case has none, or nothing was fixed)
    fills: int  # fills decoded
    candidates: int  # distinct usable fills verified
    seconds: float
    fill: str = ""  # the verified fill's label


def run(case: Case, pipeline: Pipeline, arm: str) -> Row:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rdebug-infill-") as tmp:
        root = prepare_repo(case, Path(tmp) / case.name)
        argv = case_argv(case.command)
        intake = gather(IntakeRequest(root=root, command=argv, timeout_s=case.timeout))
        if not intake.problems:
            return Row(case.name, arm, False, None, 0, 0, 0.0, "the command already passes")
        job = pipeline.prepare(intake.problems[0], root, intake.command or argv, regressions=False,
                               timeout_s=case.timeout)
        opts = RoundOptions.from_config(pipeline.cfg, infill=True, fim=ARMS[arm], attempts=1)
        rnd = pipeline.candidates(job, opts)
        list(rnd.run())
        source = rnd.sources[0]
        best = rnd.best
        fixed = bool(best is not None and best.verified and best.patch is not None and recheck(job, best.patch))
        right = None
        if fixed and case.hidden_command:
            check = run_hidden_check(case.dir, root, case.timeout, case.hidden_command)
            right = check.passed if check.ran else None
        return Row(case.name, arm, fixed, right, source.fills, source.candidates,
                   time.perf_counter() - started, best.label if fixed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", default=str(Path(__file__).parent / "cases"))
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--model")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cfg = load_config(None, {"model": args.model} if args.model else None)
    cases = [c for c in load_cases(Path(args.cases)) if not args.only or any(s in c.name for s in args.only)]
    pipeline = Pipeline(cfg, sources=[infill_source])
    list(pipeline.load())
    rows: list[Row] = []
    try:
        for i, case in enumerate(cases):
            for arm in (list(ARMS) if i % 2 == 0 else list(ARMS)[::-1]):
                row = run(case, pipeline, arm)
                rows.append(row)
                print(f"{row.case:38} {row.arm:7} fixed={'yes' if row.fixed else 'no ':3} right={row.right} "
                      f"fills={row.fills} tried={row.candidates} {row.seconds:.1f} s {row.fill}", flush=True)
    finally:
        pipeline.close()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=1))
        return
    print()
    for arm in ARMS:
        mine = [r for r in rows if r.arm == arm]
        fixed = [r for r in mine if r.fixed]
        wrong = [r for r in fixed if r.right is False]
        secs = statistics.median(r.seconds for r in mine) if mine else 0.0
        print(f"{arm:7} fixed {len(fixed)}/{len(mine)} (wrong by the hidden check {len(wrong)}), "
              f"fills {sum(r.fills for r in mine)}, distinct usable {sum(r.candidates for r in mine)}, "
              f"median {secs:.1f} s a case")


if __name__ == "__main__":
    main()
