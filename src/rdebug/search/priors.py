"""How often each edit kind is the fix, measured on ``bench/cases`` (not guessed).

``python -m rdebug.search.priors bench/cases`` re-measures: for each case, every mutation of the lines its
``solution.patch`` changes is compared with the solution (whitespace aside); a kind scores a case when one of
its edits *is* the solution. ``PRIORS`` holds the counts; ``prior`` smooths them (add one), so a kind never
seen still gets tried, after the others at the same line.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rdebug.search.mutation import KINDS

# measured 2026-12-07 on bench/cases (66 cases, 01-66): cases whose solution is one edit of this kind (23/66
# are one edit; 28, 35 and 56 count for both "constant" and "off-by-one": with the edits folded, 1 -> 0 in
# `n - 1` reads `n`, as dropping the 1 does). The templates' kinds (mutable-default … exception-class) each
# reproduce one of the cases 49-54 made for them; 06 (a mutable default) is fixed by the template's edit, which
# differs from the solution's text, and does not count. promise-all (34), added later, makes it 24/66; its one
# case is the one it was written for, as for the other templates.
PRIORS: dict[str, int] = {
    "comparison": 4, "arithmetic": 2, "boolean": 1, "negation": 0, "off-by-one": 4, "drop-term": 1, "constant": 3,
    "ceil-division": 1, "swap-args": 0, "variable": 1, "return": 2, "receiver": 1, "numeric-sort": 0,
    "strict-equality": 0, "mutable-default": 1, "reraise": 1, "missing-return": 0, "deepcopy": 1,
    "is-literal": 0, "append-extend": 0, "min-max": 1, "missing-await": 1, "missing-break": 0,
    "call-arg-off-by-one": 1, "bitwise": 0, "exception-class": 0, "promise-all": 1,
}
CASES_MEASURED = 66


def prior(kind: str) -> float:
    """The kind's share of the measured fixes, smoothed (add one): higher is tried first."""
    return (PRIORS.get(kind, 0) + 1) / (CASES_MEASURED + len(KINDS))


def _changed_old_lines(old: str, new: str) -> set[int]:
    """1-based lines of ``old`` the change touches (an insertion: the lines around it)."""
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.update(range(i1 + 1, i2 + 1) if i2 > i1 else (i1, i1 + 1))
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def kinds_that_fix(case_dir: Path) -> set[str]:
    """The kinds with one edit that reproduces the case's solution (single-file solutions only)."""
    from rdebug.search.operators import mutations

    with tempfile.TemporaryDirectory(prefix="rdebug-priors-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(case_dir / "repo", work)
        subprocess.run(["git", "init", "-q"], cwd=work, check=True, capture_output=True)
        before = {p.relative_to(work).as_posix(): p.read_text(encoding="utf-8")
                  for p in work.rglob("*") if p.is_file() and ".git" not in p.parts}
        subprocess.run(["git", "apply", str(case_dir / "solution.patch")], cwd=work, check=True, capture_output=True)
        changed = {rel: (old, (work / rel).read_text(encoding="utf-8")) for rel, old in before.items()
                   if (work / rel).read_text(encoding="utf-8") != old}
    if len(changed) != 1:
        return set()
    (path, (old, fixed)), = changed.items()
    target = _squash(fixed)
    data = old.encode("utf-8")
    return {m.kind for m in mutations(path, old, _changed_old_lines(old, fixed))
            if _squash(m.apply(data).decode("utf-8")) == target}


def measure(cases_dir: Path) -> tuple[dict[str, int], int, dict[str, set[str]]]:
    """(cases per kind, cases measured, the kinds per case)."""
    cases = sorted(p.resolve() for p in cases_dir.iterdir() if (p / "solution.patch").is_file())
    per_case = {c.name: kinds_that_fix(c) for c in cases}
    counts = {kind: sum(kind in found for found in per_case.values()) for kind in KINDS}
    return counts, len(cases), per_case


def main(argv: list[str]) -> int:
    counts, n, per_case = measure(Path(argv[0] if argv else "bench/cases"))
    for name, found in per_case.items():
        print(f"{name}: {', '.join(sorted(found)) or '-'}")
    print(f"fixed by one edit: {sum(bool(f) for f in per_case.values())}/{n}")
    print("PRIORS = " + repr(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
