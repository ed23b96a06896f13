"""SVG snapshots of the main states (regenerate with ``pytest tests/tui --snapshot-update``).

Timings come from the scripted session's virtual clock, so the rendered text is deterministic.
"""

from __future__ import annotations

from rdebug import events as ev

from scripted import ANSWER, THINKING, Hang, demo_context, demo_problem, demo_script, demo_stats, words
from tui_helpers import SIZE, make_app, settle


def _intro() -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem))]


def _snap(snap_compare, repo, script) -> bool:
    app, session = make_app(repo, script)

    async def before(pilot) -> None:
        await settle(pilot, app, session)

    return snap_compare(app, terminal_size=SIZE, run_before=before)


def test_snapshot_loading(snap_compare, repo):
    assert _snap(snap_compare, repo, [*_intro(), ev.ModelLoading(0.4, "loading"), Hang()])


def test_snapshot_thinking_expanded(snap_compare, repo):
    thinking = [ev.ThinkingDelta(w) for w in words(THINKING)[:40]]
    assert _snap(snap_compare, repo, [*_intro(), ev.ModelReady(demo_stats()), ev.AttemptStarted(1), *thinking,
                                      Hang()])


def test_snapshot_thinking_collapsed(snap_compare, repo):
    thinking = [ev.ThinkingDelta(w) for w in words(THINKING)]
    answer = [ev.AnswerDelta(w) for w in words(ANSWER)]
    assert _snap(snap_compare, repo, [*_intro(), ev.ModelReady(demo_stats()), ev.AttemptStarted(1), *thinking,
                                      *answer, Hang()])


def test_snapshot_patch_verified(snap_compare, repo):
    assert _snap(snap_compare, repo, demo_script())


def test_snapshot_error_no_model(snap_compare, repo):
    script = [*_intro(), ev.ModelLoading(0.0), ev.Error("no model installed: run `rdebug models pull`", fatal=True)]
    assert _snap(snap_compare, repo, script)
