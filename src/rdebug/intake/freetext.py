"""A problem described in words: the text plus the repository files it names (the seeds)."""

from __future__ import annotations

import re
from pathlib import Path

from rdebug.intake.model import Problem
from rdebug.intake.pathmap import PathMapper

DOTTED_RE = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(\))?")
MODULE_EXTS = (".py", ".js", ".ts", ".go", ".rs", ".java")


def _dotted_seeds(text: str, mapper: PathMapper) -> list[str]:
    """``pkg.module.func`` / ``module.Class.method`` -> the module file when the repo has it."""
    out: list[str] = []
    for m in DOTTED_RE.finditer(text):
        parts = m.group(1).split(".")
        if parts[-1] in {e[1:] for e in MODULE_EXTS}:
            continue  # a file name, handled by files_in_text
        for cut in range(len(parts), 0, -1):
            stem = "/".join(parts[:cut])
            hit = next((stem + ext for ext in MODULE_EXTS if stem + ext in mapper.files), None)
            if hit is None and cut > 1:
                hit = next((f for f in sorted(mapper.files) if f.endswith("/" + stem + ".py")), None)
            if hit is None and cut == 1:
                named = mapper.by_name.get(stem + ".py", [])
                hit = named[0] if len(named) == 1 else None
            if hit:
                if hit not in out:
                    out.append(hit)
                break
    return out


def problem_from_text(text: str, root: Path | None, mapper: PathMapper | None = None) -> Problem:
    """kind="text", message=text, seeds = repo files named in it (path, unique basename, dotted name)."""
    mapper = mapper or PathMapper(root)
    seeds = mapper.files_in_text(text)
    for extra in _dotted_seeds(text, mapper):
        if extra not in seeds:
            seeds.append(extra)
    return Problem(kind="text", message=text.strip(), seeds=seeds, raw=text)
