"""When several verified fixes disagree, an input on which they differ (issue 22 §3).

The failing test's calls of the function the fixes change (from the call record) are re-run with nearby
inputs (neighbouring integers, one more and one fewer element or line), in each fix's scratch copy; the first
input whose results differ is shown to the model in the choice request ("Fix A: rows('h;x\\na;1') == [['a',
'1']]; Fix B: [['h', 'x']]") and to the user. Python module-level functions only; where no differing input is
found, it says so.
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

from rdebug.job import Job
from rdebug.patch.diff import Patch
from rdebug.patch.syntax import definitions

MAX_INPUTS = 24
PROBE_TIMEOUT_S = 20.0
PROBE = r"""
import importlib, json, sys
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["root"])
fn = importlib.import_module(spec["module"])
for part in spec["name"].split("."):
    fn = getattr(fn, part)
out = []
for args in spec["inputs"]:
    try:
        out.append(repr(fn(*eval(args))))
    except BaseException as exc:
        out.append("raises " + type(exc).__name__)
print("RDEBUG-PROBE" + json.dumps(out))
"""


@dataclass(frozen=True)
class Difference:
    """The first input on which the fixes' results differ (``call`` empty when none did)."""

    function: str
    call: str  # "rows('h;x\na;1')"
    results: tuple[str, ...]  # one per fix, in the fixes' order
    tried: int  # inputs tried
    source: str = ""  # the function as it is before the fixes

    @property
    def found(self) -> bool:
        return bool(self.call)

    def text(self, letters: str = "ABCDEFGH") -> str:
        if not self.found:
            return f"No input among the {self.tried} tried near the test's call of {self.function} gives different " \
                   f"results with these fixes."
        per = "; ".join(f"Fix {letters[i]}: {self.call} == {r}" for i, r in enumerate(self.results))
        return f"The fixes differ on an input: {per}."

    def to_json(self) -> dict:
        return {"function": self.function, "call": self.call or None, "results": list(self.results),
                "inputs_tried": self.tried}


def changed_function(patches: Sequence[Patch]) -> tuple[str, str] | None:
    """(path, name) of the one module-level Python function every fix changes, if there is one."""
    common: set[tuple[str, str]] | None = None
    for patch in patches:
        names: set[tuple[str, str]] = set()
        for path, (old, new) in patch.files.items():
            if old is None or new is None or PurePosixPath(path).suffix != ".py":
                continue
            changed = changed_lines(old, new)
            for d in definitions(path, old):
                if "." not in d.name and any(d.start_line < n <= d.end_line + 1 for n in changed):
                    names.add((path, d.name))
        common = names if common is None else common & names
    return next(iter(sorted(common))) if common and len(common) == 1 else None


def changed_lines(old: str, new: str, new_side: bool = False) -> set[int]:
    """1-based lines of ``old`` that ``new`` replaces (an insertion: the lines around it); with ``new_side``, the
    lines of ``new`` that differ from ``old`` (a deletion: the lines around it)."""
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            lo, hi = (j1, j2) if new_side else (i1, i2)
            out.update(range(lo + 1, hi + 1) if hi > lo else (lo, lo + 1))
    return out


def _vary(value: object) -> list[object]:
    """Values near ``value``: neighbouring integers, one fewer and one more element or line."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value - 1, value + 1, 0]
    if isinstance(value, str):
        lines = value.split("\n")
        out = ["\n".join(lines[:-1]), value + "\n" + lines[-1]] if len(lines) > 1 else [value[:-1], value + value[-1:]]
        return [v for v in out if v != value]
    if isinstance(value, (list, tuple)) and value:
        kind = type(value)
        return [kind(value[:-1]), kind(list(value) + [value[-1]])]
    return []


def nearby_inputs(calls: Sequence[Sequence[str]], limit: int = MAX_INPUTS) -> list[str]:
    """Argument tuples (as Python source) near the recorded calls: each call, then one argument varied at a time."""
    out: list[str] = []
    for reprs in calls:
        try:
            args = [ast.literal_eval(r) for r in reprs]
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        variants = [args] + [args[:i] + [v] + args[i + 1:] for i, a in enumerate(args) for v in _vary(a)]
        for v in variants:
            text = repr(tuple(v))
            if text not in out:
                out.append(text)
    return out[:limit]


def recorded_calls(job: Job, name: str) -> list[list[str]]:
    """The argument reprs of the failing test's calls of ``name`` (its call record, made now when needed)."""
    record = job.calls.record if job.calls is not None else None
    if record is None:
        from rdebug.facts.stage import record_calls

        record = record_calls(job.problem, job.root, job.command, job.timeout_s).record
    if record is None:
        return []
    return [[c.exact.get(k, v) for k, v in c.args] for c in record.walk() if c.name == name]


def run_probe(root: Path, patch: Patch, module: str, name: str, inputs: list[str]) -> list[str] | None:
    """The results of ``name(*args)`` for each input, in a scratch copy with ``patch`` applied."""
    from rdebug.intake.runner import run_command
    from rdebug.patch.scratch import ScratchCopy

    spec = {"root": "", "module": module, "name": name, "inputs": inputs}
    with ScratchCopy(root, patch) as scratch:
        spec["root"] = str(scratch)
        result = run_command([sys.executable, "-c", PROBE, json.dumps(spec)], scratch, timeout_s=PROBE_TIMEOUT_S,
                             dump_stacks=False)
    for line in result.output.splitlines():
        if line.startswith("RDEBUG-PROBE"):
            return json.loads(line[len("RDEBUG-PROBE"):])
    return None


def distinguish(job: Job, patches: Sequence[Patch]) -> Difference | None:
    """The first nearby input on which ``patches`` give different results; None when it cannot be looked for."""
    target = changed_function(patches)
    if target is None or not job.command:
        return None
    path, name = target
    inputs = nearby_inputs(recorded_calls(job, name))
    if not inputs:
        return None
    module = str(PurePosixPath(path).with_suffix("")).replace("/", ".")
    results = [run_probe(Path(job.root), p, module, name, inputs) for p in patches]
    if any(r is None or len(r) != len(inputs) for r in results):
        return None
    for i, args in enumerate(inputs):
        outs = tuple(r[i] for r in results)
        if len(set(outs)) > 1:
            call = f"{name}({args[1:-1].rstrip(',')})"
            return Difference(name, call, outs, i + 1, function_source(Path(job.root), path, name))
    return Difference(name, "", (), len(inputs))


def function_source(root: Path, path: str, name: str) -> str:
    try:
        text = (root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = text.splitlines()
    for d in definitions(path, text):
        if d.name == name:
            return "\n".join(lines[d.start_line:d.end_line + 1])
    return ""
