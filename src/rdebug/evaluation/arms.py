"""Arms of an evaluation: configurations compared side by side in one run, the model loaded once.

``--arm NAME:KEY=VALUE[,KEY=VALUE...]`` overrides configuration keys (parsed and checked as in a config
file) on top of the base configuration. Every case runs under every arm, in an order that alternates per
case (AB, BA, AB, …) so that machine noise spreads evenly; each arm run prepares its own job on a fresh copy
of the case under the arm's own configuration. Keys read when the model loads cannot differ between arms: that
would need a second model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Callable, Sequence

from rdebug.config import LOAD_KEYS, Config, with_overrides
from rdebug.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from rdebug.evaluation.run import Case, CaseResult
    from rdebug.pipeline import Pipeline

# an arm may not change the keys the backend reads when it loads the model (``LOAD_KEYS``, declared with each
# setting); nor raise samples (sequences decoded together) or, without ``ctx``, budget + max_tokens
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # also a folder name under --save
USAGE = "expected NAME:KEY=VALUE[,KEY=VALUE...]"


@dataclass
class Arm:
    """One configuration under test: its name, the keys it overrides (as given) and the resulting config."""

    name: str
    cfg: Config
    overrides: dict[str, str] = field(default_factory=dict)


def parse_arm(text: str) -> tuple[str, dict[str, str]]:
    """``NAME:KEY=VALUE,...`` -> (name, {key: value}); ``NAME:`` alone is a copy of the base (noise).
    Bad text: UsageError."""
    name, colon, rest = text.partition(":")
    name = name.strip()
    if not colon or not NAME.fullmatch(name):
        raise UsageError(f"--arm {text!r:.60}: {USAGE} (NAME: letters, digits, '.', '_', '-')")
    overrides: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not eq or not key:
            raise UsageError(f"--arm {name}: {item!r:.40} is not KEY=VALUE ({USAGE})")
        if key in overrides:
            raise UsageError(f"--arm {name}: '{key}' is given twice")
        overrides[key] = value.strip()
    return name, overrides


def make_arms(base: Config, texts: Sequence[str], base_name: str = "base") -> list[Arm]:
    """The base arm, then one per ``--arm`` text; each override checked like a config file's value."""
    if not NAME.fullmatch(base_name):
        raise UsageError(f"--base-name {base_name!r:.60}: letters, digits, '.', '_', '-' only")
    arms = [Arm(base_name, base)]
    for text in texts:
        name, overrides = parse_arm(text)
        if any(arm.name == name for arm in arms):
            raise UsageError(f"--arm {name}: the name is taken (each arm needs its own)")
        try:
            cfg = with_overrides(base, overrides, f"--arm {name}")
        except ConfigError as exc:
            raise UsageError(exc.message) from None
        _check_loadable(name, base, cfg, overrides)
        arms.append(Arm(name, cfg, overrides))
    return arms


def _check_loadable(name: str, base: Config, cfg: Config, overrides: dict[str, str]) -> None:
    """UsageError when the arm needs a model loaded otherwise than the base's (the one model of the run)."""
    reload = sorted(k for k in overrides if k in LOAD_KEYS and getattr(cfg, k) != getattr(base, k))
    if reload:
        raise UsageError(f"--arm {name}: '{reload[0]}' is read when the model loads; arms share one "
                         f"loaded model (run a separate eval for it)")
    # the model is loaded for the base's candidates per round and, without --ctx, its budget + max_tokens
    if cfg.parallel > base.parallel:
        raise UsageError(f"--arm {name}: {cfg.parallel} candidates at once (samples, or spread with focus) are "
                         f"more than the model is loaded for ({base.parallel}); make that arm the base")
    if base.ctx is None and cfg.budget + cfg.max_tokens > base.budget + base.max_tokens:
        raise UsageError(f"--arm {name}: budget + max_tokens is more than the model's context is sized for "
                         f"({base.budget} + {base.max_tokens}); give the base the larger ones")


def arm_order(arms: Sequence[Arm], case_index: int) -> list[Arm]:
    """The arms in the order case ``case_index`` (0-based) runs them: as given, then reversed, alternately."""
    return list(arms) if case_index % 2 == 0 else list(reversed(arms))


RunCase = Callable[["Case", "Pipeline", Arm], "CaseResult"]
OnResult = Callable[["Case", Arm, "CaseResult"], None]


def run_arms(cases: Sequence["Case"], pipeline: "Pipeline", arms: Sequence[Arm], run_case: RunCase,
             on_result: OnResult | None = None) -> dict[str, list["CaseResult"]]:
    """Every case under every arm (order alternating per case), one loaded model; results per arm, in
    case order."""
    results: dict[str, list["CaseResult"]] = {arm.name: [] for arm in arms}
    for i, case in enumerate(cases):
        for arm in arm_order(arms, i):  # each arm runs under its own configuration: the pipeline's is not swapped
            result = run_case(case, pipeline, arm)
            results[arm.name].append(result)
            if on_result is not None:
                on_result(case, arm, result)
    return results


@dataclass
class ArmSummary:
    """One arm's score over the cases."""

    cases: int
    fixed: int
    first_attempt: int  # the first attempt alone made the command pass
    median_fix_s: float | None  # median seconds to the first verified fix, over the fixed cases
    tokens: int  # thinking + answer tokens the model produced
    tried: int  # candidates tried: the search's and the model's
    search_tried: int
    model_tried: int
    fixed_by_search: int
    fixed_by_model: int
    search_median_s: float | None  # median seconds from the search's start to its verified fix
    fixed_by_infill: int = 0
    wrong_but_verified: int = 0  # fixed cases whose hidden check failed
    hidden_checked: int = 0  # fixed cases that ran a hidden check
    prechecked: int = 0  # model candidates rejected by the static pre-check (test runs saved)
    repeats: int = 0  # model replies resampled: a tried fix again, or no change
    format_rejected: int = 0  # model replies with no usable edit
    site_top1: int = 0  # cases whose solution function the model rewrote first (focused requests)
    site_top3: int = 0
    ranked_top1: int = 0  # … stood first in the suspicious lines' order, before the model chose
    ranked_top3: int = 0
    sited: int = 0  # cases with a focused request whose solution function is known

    def to_json(self) -> dict:
        return {"cases": self.cases, "fixed": self.fixed, "first_attempt": self.first_attempt,
                "median_fix_seconds": _round(self.median_fix_s), "tokens": self.tokens,
                "candidates_tried": self.tried, "search_candidates_tried": self.search_tried,
                "model_candidates_tried": self.model_tried, "fixed_by_search": self.fixed_by_search,
                "fixed_by_model": self.fixed_by_model,
                "fixed_by_infill": self.fixed_by_infill, "search_median_seconds": _round(self.search_median_s),
                "wrong_but_verified": self.wrong_but_verified, "hidden_checked": self.hidden_checked,
                "prechecked": self.prechecked, "repeats": self.repeats, "format_rejected": self.format_rejected,
                "localized": {"cases": self.sited, "chosen_top1": self.site_top1, "chosen_top3": self.site_top3,
                              "ranked_top1": self.ranked_top1, "ranked_top3": self.ranked_top3}}


def summarize(results: Sequence["CaseResult"]) -> ArmSummary:
    fixed = [r for r in results if r.fixed]
    fix_s = [r.fix_s for r in fixed if r.fix_s is not None]
    search_s = [r.search_s for r in fixed if r.source == "search" and r.search_s is not None]
    return ArmSummary(
        cases=len(results), fixed=len(fixed), first_attempt=sum(r.first for r in results),
        median_fix_s=median(fix_s) if fix_s else None, tokens=sum(r.tokens for r in results),
        tried=sum(r.tried for r in results), search_tried=sum(r.search_tried for r in results),
        model_tried=sum(r.model_tried for r in results),
        fixed_by_search=sum(1 for r in fixed if r.source == "search"),
        fixed_by_model=sum(1 for r in fixed if r.source == "model"),
        fixed_by_infill=sum(1 for r in fixed if r.source == "infill"),
        search_median_s=median(search_s) if search_s else None,
        wrong_but_verified=sum(1 for r in fixed if r.hidden is False),
        hidden_checked=sum(1 for r in fixed if r.hidden is not None),
        prechecked=sum(r.prechecked for r in results), repeats=sum(r.repeats for r in results),
        format_rejected=sum(r.format_rejected for r in results),
        site_top1=sum(1 for r in results if r.site_rank == 1),
        site_top3=sum(1 for r in results if r.site_rank is not None and r.site_rank <= 3),
        ranked_top1=sum(1 for r in results if r.ranked_site_rank == 1),
        ranked_top3=sum(1 for r in results if r.ranked_site_rank is not None and r.ranked_site_rank <= 3),
        sited=sum(1 for r in results if r.site_rank is not None or r.ranked_site_rank is not None),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
