"""A three-failure session for the TUI tests: each failure gets its own scripted repair when chosen."""

from __future__ import annotations

from rdebug import events as ev
from rdebug.intake.model import Frame, Problem

from scripted import (
    ANSWER,
    BAD_DIFF,
    DEMO_DIFF,
    attempt_events,
    demo_context,
    demo_other_problem,
    demo_problem,
    demo_stats,
)

OTHER_ANSWER = "## Cause\n\nThe test expects the wrong mean.\n"


def third_problem() -> Problem:
    return Problem(kind="pytest", exception="AssertionError", message="`spread([])` raised ValueError",
                   frames=[Frame("calc/stats.py", 14, "spread", in_repo=True)],
                   test_id="tests/test_spread.py::test_spread_empty")


def problems() -> list[Problem]:
    return [demo_problem(), demo_other_problem(), third_problem()]


def start_script() -> list:
    first, *others = problems()
    return [ev.Status("running pytest…"), ev.ProblemFound(first, others=others),
            ev.ContextBuilt(demo_context(first)), ev.ModelReady(demo_stats()),
            *attempt_events(1, DEMO_DIFF, True), ev.Done("stop")]


def select_scripts() -> dict[int, list]:
    """What choosing failure 2 runs (once): its own attempt, answer and (failed) patch."""
    return {1: [*attempt_events(1, BAD_DIFF, False, answer=OTHER_ANSWER), ev.Done("stop")]}


def rerun_script() -> list:
    first, *others = problems()
    return [ev.Status("running pytest…"), ev.ProblemFound(first, others=others), ev.Done()]


__all__ = ["ANSWER", "OTHER_ANSWER", "problems", "rerun_script", "select_scripts", "start_script"]
