"""Running one case: the pipeline on a fresh copy of the case under an arm's configuration, then the scores
(fixed, by which source, how fast, what the model's candidates cost, the hidden check)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rdebug.config import Config
from rdebug.errors import CommandError, IntakeError, ModelError
from rdebug.evaluation.cases import Case, case_argv, prepare_repo

if TYPE_CHECKING:
    from rdebug.pipeline import Pipeline
    from rdebug.rounds import CandidateRound

FORMAT_OK = ("stopped", "the edits change nothing", "the edits only change whitespace", "the patch changes only")


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
    source: str | None = None  # where the fix came from: "search", "infill" or "model" (None: not fixed)
    search_tried: int = 0  # candidates the search verified
    search_s: float | None = None  # seconds from the search's start to its verified fix
    model_tried: int = 0  # candidates the model proposed (every sample of every attempt)
    fix_s: float | None = None  # seconds from the case's start to its first verified candidate (fixed cases)
    hidden: bool | None = None  # the fix passed the case's hidden check (None: no hidden check, or not fixed)
    prechecked: int = 0  # model candidates the static pre-check rejected (each a test run saved)
    repeats: int = 0  # model replies that repeated a tried fix or changed nothing (resampled, not attempts)
    format_rejected: int = 0  # model replies with no usable edit (garbled, ambiguous, no code)
    site_rank: int | None = None  # where the solution's function stood among the functions the model rewrote
    ranked_site_rank: int | None = None  # … in the suspicious lines' order, before the model chose (1-based)

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
                "fix_seconds": None if self.fix_s is None else round(self.fix_s, 2), "hidden": self.hidden,
                "prechecked": self.prechecked, "repeats": self.repeats, "format_rejected": self.format_rejected,
                "site_rank": self.site_rank, "ranked_site_rank": self.ranked_site_rank}


def run_case(case: Case, pipeline: "Pipeline", cfg: Config | None = None, baseline: bool = False,
             on_event: Callable[[object], None] | None = None) -> CaseResult:
    """Fix one case on a temporary copy under ``cfg`` (an arm's; the pipeline's when None); fixed only if its
    command then passes when re-run on its own."""
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
        cfg = cfg or pipeline.cfg
        job = pipeline.prepare(intake.problems[0], root, intake.command or argv, regressions=False,
                               timeout_s=case.timeout, cfg=cfg)
        opts = (RoundOptions.from_config(cfg, attempts=1, samples=1, verify=False) if baseline
                else RoundOptions.from_config(cfg))
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
            model_tried=sum(1 for a in attempts if a.source == "model"),
            fix_s=(seconds if verified_s is None else verified_s) if fixed else None,  # baseline: unverified
            hidden=hidden, **_model_counts(rnd, case),
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


def _model_counts(rnd: "CandidateRound", case: Case) -> dict:
    """What the model's loop spent and saved, and where the solution's function stood among its choices."""
    loop = rnd.model
    if loop is None:
        return {}
    from rdebug.evaluation.truth import solution_functions

    model = [a for a in loop.attempts if a.source == "model"]
    rejected = sum(1 for a in model if a.patch is None and a.rejected_reason
                   and not a.rejected_reason.startswith(FORMAT_OK))
    truth = solution_functions(case) if loop.sites else set()

    def rank(sites) -> int | None:
        return next((i for i, s in enumerate(sites, 1) if (s.path, s.short) in truth), None)

    return {"prechecked": loop.prechecked, "repeats": loop.repeats, "format_rejected": rejected,
            "site_rank": rank(loop.sites), "ranked_site_rank": rank(loop.ranked)}
