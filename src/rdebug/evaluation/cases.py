"""Evaluation cases: ``<case>/case.toml`` + ``<case>/repo/`` (+ ``hidden/``, a check rdebug never sees): loading
them, their command as argv, and a fresh git copy of a case's repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdebug.errors import UsageError

SHELL_CHARS = re.compile(r"[|&;<>()$`*?\[\]{}~]")


@dataclass
class Case:
    name: str
    dir: Path
    command: str
    timeout: float = 120.0
    description: str = ""
    hidden_command: str | None = None  # runs the case's hidden/ test over a fixed copy (rdebug.evaluation.hidden)


def load_cases(cases_dir: Path) -> list[Case]:
    """Every ``case.toml`` folder under ``cases_dir`` (or ``cases_dir`` itself), sorted by name."""
    if not cases_dir.is_dir():
        raise UsageError(f"no such cases directory: {cases_dir}")
    folders = [cases_dir] if (cases_dir / "case.toml").is_file() else sorted(
        p for p in cases_dir.iterdir() if (p / "case.toml").is_file())
    if not folders:
        raise UsageError(f"no cases in {cases_dir} (each case is a folder with case.toml and repo/)")
    cases = []
    for folder in folders:
        try:
            data = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
            command = str(data["command"])
        except (tomllib.TOMLDecodeError, KeyError, OSError) as exc:
            raise UsageError(f"{folder / 'case.toml'}: invalid case ({exc})") from None
        if not (folder / "repo").is_dir():
            raise UsageError(f"{folder}: missing repo/ folder")
        hidden = data.get("hidden_command")
        cases.append(Case(folder.name, folder, command, float(data.get("timeout", 120)),
                          str(data.get("description", "")), str(hidden) if hidden else None))
    return cases


def case_argv(command: str) -> list[str]:
    """The case command as argv: shlex-split (``sh -c`` when it uses shell syntax); ``python`` = this one."""
    if SHELL_CHARS.search(command):
        return ["sh", "-c", re.sub(r"^\s*python3?(?=\s)", shlex.quote(sys.executable), command)]
    argv = shlex.split(command)
    if argv and argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    return argv


def prepare_repo(case: Case, dest: Path) -> Path:
    """Copy the case's ``repo/`` to ``dest`` and make it a git repository with one commit."""
    shutil.copytree(case.dir / "repo", dest, symlinks=True)
    if not (dest / ".git").exists():
        git = ["git", "-c", "user.name=rdebug-eval", "-c", "user.email=eval@rdebug.invalid"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "case", "--allow-empty"]):
            subprocess.run(git + args, cwd=dest, check=True, capture_output=True)
    return dest
