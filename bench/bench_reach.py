"""Benchmark: which bench cases are one search edit away from their solution, and where that edit ranks.

For each case: the solution's fixed file (one file changed, applied with ``git apply``) is compared with every
candidate the search plans (mutations and fix templates), twice: at every line of the changed file ("anywhere":
is the fix in the search's vocabulary at all) and at the suspicious lines the search uses for the case ("at the
suspicious lines", after intake and the context, as ``rdebug fix`` sees them). A candidate matches when its file
equals the solution's line for line (trailing spaces aside); an equivalent fix written otherwise does not count,
so these are lower bounds. The rank is the candidate's place in the search's order (1 = tried first; the search
verifies at most ``search_max`` of them).

No model and no test run of candidates: only the intake's run of each case's failing command.
Usage: python bench/bench_reach.py [CASES_DIR] [--only SUBSTR ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdebug.config import Config  # noqa: E402
from rdebug.errors import RdebugError  # noqa: E402
from rdebug.evaluation.cases import Case, case_argv, load_cases, prepare_repo  # noqa: E402
from rdebug.evaluation.truth import changed_old_lines  # noqa: E402
from rdebug.intake.model import IntakeRequest  # noqa: E402
from rdebug.pipeline import Pipeline, gather  # noqa: E402
from rdebug.runtime.fake import ScriptedBackend  # noqa: E402
from rdebug.search.candidates import candidates  # noqa: E402
from rdebug.search.suspicious import SuspiciousLine, suspicious_lines  # noqa: E402


@dataclass
class Row:
    case: str
    one_file: bool
    anywhere: str | None  # the matching candidate's label, at any line of the file
    anywhere_rank: int | None
    planned_anywhere: int
    suspicious: str | None  # the same at the suspicious lines
    rank: int | None
    planned: int
    lines: int  # suspicious lines
    note: str = ""


def _same(a: str, b: str) -> bool:
    return [ln.rstrip() for ln in a.splitlines()] == [ln.rstrip() for ln in b.splitlines()]


def _fixed(case: Case, tmp: Path) -> tuple[str, str] | None:
    """(path, the fixed text) when the solution changes one file."""
    diff = (case.dir / "solution.patch").read_text(encoding="utf-8")
    paths = list(changed_old_lines(diff))
    if len(paths) != 1:
        return None
    work = prepare_repo(case, tmp / "solved")
    subprocess.run(["git", "apply", str(case.dir / "solution.patch")], cwd=work, check=True, capture_output=True)
    return paths[0], (work / paths[0]).read_text(encoding="utf-8")


def _match(found, path: str, fixed: str) -> tuple[str | None, int | None]:
    for i, cand in enumerate(found, 1):
        files = cand.patch.files
        if set(files) == {path} and files[path][1] is not None and _same(files[path][1], fixed):
            return cand.label, i
    return None, None


def reach(case: Case, pipeline: Pipeline) -> Row:
    with tempfile.TemporaryDirectory(prefix="rdebug-reach-") as tmp:
        tmp = Path(tmp)
        solved = _fixed(case, tmp)
        if solved is None:
            return Row(case.name, False, None, None, 0, None, None, 0, 0, "the solution changes several files")
        path, fixed = solved
        root = prepare_repo(case, tmp / "repo")
        text = (root / path).read_text(encoding="utf-8")
        everywhere = [SuspiciousLine(path, n, 1.0, "bench") for n in range(1, text.count("\n") + 2)]
        found_all = candidates(root, everywhere)
        label_all, rank_all = _match(found_all, path, fixed)
        argv = case_argv(case.command)
        try:
            intake = gather(IntakeRequest(root=root, command=argv, timeout_s=case.timeout))
        except RdebugError as exc:
            return Row(case.name, True, label_all, rank_all, len(found_all), None, None, 0, 0, exc.message)
        if not intake.problems:
            return Row(case.name, True, label_all, rank_all, len(found_all), None, None, 0, 0, "no problem found")
        job = pipeline.prepare(intake.problems[0], root, intake.command or argv, regressions=False,
                               timeout_s=case.timeout)
        lines = suspicious_lines(job.problem, job.context, job.suspicious)
        found = candidates(root, lines, job.hashes)
        label, rank = _match(found, path, fixed)
        return Row(case.name, True, label_all, rank_all, len(found_all), label, rank, len(found), len(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", default=str(Path(__file__).parent / "cases"))
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cases = [c for c in load_cases(Path(args.cases)) if not args.only or any(s in c.name for s in args.only)]
    backend = ScriptedBackend(["no reply"])
    pipeline = Pipeline(Config(), lambda _cfg: backend)
    list(pipeline.load())
    rows = [reach(c, pipeline) for c in cases]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=1))
        return
    cap = Config().search_max
    print(f"{'case':38} {'anywhere':>9} {'at suspicious lines':>20}  edit")
    for r in rows:
        anywhere = f"{r.anywhere_rank}/{r.planned_anywhere}" if r.anywhere_rank else "-"
        at = f"{r.rank}/{r.planned}" if r.rank else ("-" if r.one_file else "")
        print(f"{r.case:38} {anywhere:>9} {at:>20}  {r.suspicious or r.anywhere or r.note}")
    one = [r for r in rows if r.anywhere]
    reached = [r for r in rows if r.rank and r.rank <= cap]
    print(f"\none edit away (anywhere in the file): {len(one)}/{len(rows)}; "
          f"planned at the suspicious lines within the first {cap}: {len(reached)}/{len(one)}")
    missed = [r.case for r in one if not (r.rank and r.rank <= cap)]
    if missed:
        print("one edit away but not planned at the suspicious lines: " + ", ".join(missed))


if __name__ == "__main__":
    main()
