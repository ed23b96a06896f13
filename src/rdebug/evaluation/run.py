"""Evaluation cases: ``<case>/case.toml`` + ``<case>/repo/``; run the fix loop on a copy and score it."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rdebug.errors import CommandError, IntakeError, ModelError, UsageError

if TYPE_CHECKING:
    from rdebug.pipeline import Pipeline

SHELL_CHARS = re.compile(r"[|&;<>()$`*?\[\]{}~]")


@dataclass
class Case:
    name: str
    dir: Path
    command: str
    timeout: float = 120.0
    description: str = ""
    hidden_command: str | None = None  # runs the case's hidden/ test over a fixed copy (rdebug.evaluation.hidden)


@dataclass
class CaseResult:
    case: str
    fixed: bool
    seconds: float
    attempts: int = 0
    tokens: int = 0
    verified: bool = False
    error: str | None = None
    patch: str | None = None
    first: bool = False  # the first attempt alone made the command pass (what --baseline measures)
    transcript: list[dict] = field(default_factory=list)  # every attempt: thinking, answer, patch, output
    source: str | None = None  # where the fix came from: "search" or "model" (None: not fixed)
    search_tried: int = 0  # candidates the search verified
    search_s: float | None = None  # seconds from the search's start to its verified fix
    model_tried: int = 0  # candidates the model proposed (every sample of every attempt)
    fix_s: float | None = None  # seconds from the case's start to its first verified candidate (fixed cases)
    hidden: bool | None = None  # the fix passed the case's hidden check (None: no hidden check, or not fixed)

    @property
    def tried(self) -> int:
        """Candidates tried in all: the search's and the model's."""
        return self.search_tried + self.model_tried

    def to_json(self) -> dict:
        return {"case": self.case, "fixed": self.fixed, "first_attempt": self.first,
                "seconds": round(self.seconds, 2), "attempts": self.attempts, "tokens": self.tokens,
                "verified": self.verified, "error": self.error, "source": self.source,
                "search_tried": self.search_tried,
                "search_seconds": None if self.search_s is None else round(self.search_s, 2),
                "model_tried": self.model_tried, "candidates_tried": self.tried,
                "fix_seconds": None if self.fix_s is None else round(self.fix_s, 2), "hidden": self.hidden}


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


def run_case(case: Case, pipeline: "Pipeline", baseline: bool = False,
             on_event: Callable[[object], None] | None = None) -> CaseResult:
    """Fix one case on a temporary copy; fixed only if its command then passes when re-run on its own."""
    from rdebug.events import PatchVerified
    from rdebug.intake.model import IntakeRequest
    from rdebug.pipeline import RoundOptions, gather, recheck

    started = time.perf_counter()
    argv = case_argv(case.command)
    with tempfile.TemporaryDirectory(prefix="rdebug-eval-") as tmp:
        root = prepare_repo(case, Path(tmp) / case.name)
        try:  # a case whose command hangs with nothing to debug is scored, not fatal to the run
            intake = gather(IntakeRequest(root=root, command=argv, timeout_s=case.timeout))
        except (CommandError, IntakeError) as exc:
            return CaseResult(case.name, False, time.perf_counter() - started, error=exc.message)
        if not intake.problems:
            return CaseResult(case.name, False, time.perf_counter() - started, error="the command already passes")
        # the command as intake ran it (a pytest hang keeps its faulthandler option); the case is the suite
        job = pipeline.prepare(intake.problems[0], root, intake.command or argv, regressions=False,
                               timeout_s=case.timeout)
        cfg = pipeline.cfg
        opts = RoundOptions.from_config(cfg, attempts=1, samples=1, verify=False) if baseline else None
        rnd = pipeline.candidates(job, opts)
        verified_s = None
        for ev in rnd.run():
            if verified_s is None and isinstance(ev, PatchVerified) and ev.verified:
                verified_s = time.perf_counter() - started
            if on_event:
                on_event(ev)
        if rnd.fatal:
            raise ModelError(rnd.fatal)
        attempts = rnd.attempts
        best = attempts[0] if baseline and attempts else rnd.best
        patch = best.patch if best is not None and (baseline or best.verified) else None
        fixed = patch is not None and recheck(job, patch)  # a timeout is not fixed
        tokens = sum(a.usage.thinking_tokens + a.usage.answer_tokens for a in attempts if a.usage)
        first = attempts[0] if attempts else None
        searches = rnd.searches  # the search, and its near-miss pass
        seconds = time.perf_counter() - started
        hidden = _hidden_check(case, root) if fixed else None  # the fix is in root now (recheck wrote it)
        return CaseResult(
            case.name, fixed, seconds,
            attempts=max((a.index for a in attempts), default=0), tokens=tokens,
            verified=bool(best and best.verified), patch=patch.diff if patch else None,
            first=fixed if baseline else bool(first is not None and first.command_passed),
            transcript=[_transcript(a) for a in attempts],
            source=best.source if fixed else None,
            search_tried=sum(s.tried for s in searches),
            search_s=next((s.found_s for s in searches if s.found_s is not None), None),
            model_tried=sum(1 for a in attempts if a.source != "search"),
            fix_s=(seconds if verified_s is None else verified_s) if fixed else None,  # baseline: unverified
            hidden=hidden,
        )


def _hidden_check(case: Case, fixed_tree: Path) -> bool | None:
    """Whether the fixed tree passes the case's hidden check; None when it has none (or it could not run)."""
    if not case.hidden_command:
        return None
    from rdebug.evaluation.hidden import run_hidden_check

    check = run_hidden_check(case.dir, fixed_tree, case.timeout, case.hidden_command)
    return check.passed if check.ran else None


def _transcript(attempt) -> dict:
    usage = attempt.usage
    return {**attempt.to_json(), "thinking": attempt.thinking, "answer": attempt.answer,
            "tokens": {"prompt": usage.prompt_tokens, "thinking": usage.thinking_tokens,
                       "answer": usage.answer_tokens} if usage else None}
