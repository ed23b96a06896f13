"""The hidden check of an eval case (issue 22 §6): a fix the case's own command verified may still be wrong.

A case may hold, beside ``repo/``, a folder ``hidden/`` (one more test file, laid out as in the repository) and
``hidden_command = "…"`` in its ``case.toml``, which runs only that test from the repository's root. rdebug
never sees ``hidden/``: after a verified fix the eval copies the fixed tree, lays ``hidden/`` over the copy and
runs ``hidden_command`` there with the case's timeout. A fix that passes the case's command but fails the
hidden check is "wrong but verified"."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdebug.errors import CommandError

HIDDEN_DIR = "hidden"
TAIL_CHARS = 2000  # of the hidden command's output kept in the result
SKIP = ("__pycache__", ".pytest_cache")  # caches left out of both copies


@dataclass(frozen=True)
class HiddenCheck:
    """The outcome of a case's hidden check: whether it ran at all, whether it passed, its output's end."""

    ran: bool
    passed: bool
    output_tail: str = ""


def hidden_command(case_dir: Path) -> str | None:
    """The case's ``hidden_command`` when it has one and a ``hidden/`` folder to go with it; else None."""
    try:
        data = tomllib.loads((case_dir / "case.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    command = data.get("hidden_command")
    if not isinstance(command, str) or not command.strip() or not (case_dir / HIDDEN_DIR).is_dir():
        return None
    return command


def run_hidden_check(case_dir: Path, fixed_tree: Path, timeout_s: float = 120.0,
                     command: str | None = None) -> HiddenCheck:
    """Copy ``fixed_tree`` (the case's repository with the verified fix written into it) to a fresh folder, lay
    the case's ``hidden/`` over it and run the hidden command there (``command``, else the case's
    ``hidden_command``) with ``timeout_s``. ``fixed_tree`` is not changed. Not run (``ran`` False) when the case
    has no hidden check or its command cannot start; a timeout ran and did not pass."""
    from rdebug.intake.runner import run_command
    from rdebug.evaluation.cases import case_argv

    command = command or hidden_command(case_dir)
    if command is None:
        return HiddenCheck(False, False, "the case has no hidden check")
    hidden = case_dir / HIDDEN_DIR
    if not hidden.is_dir():
        return HiddenCheck(False, False, f"no {HIDDEN_DIR}/ folder in {case_dir}")
    with tempfile.TemporaryDirectory(prefix="rdebug-hidden-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(fixed_tree, work, symlinks=True, ignore=shutil.ignore_patterns(*SKIP))
        shutil.copytree(hidden, work, symlinks=True, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SKIP))
        try:
            result = run_command(case_argv(command), work, timeout_s=timeout_s, dump_stacks=False)
        except CommandError as exc:
            return HiddenCheck(False, False, exc.message)
    output = result.output[-TAIL_CHARS:]
    if result.timed_out:
        output += f"\n[the hidden check timed out after {timeout_s:g} s]"
    return HiddenCheck(True, result.passed, output)
