"""The app shows issue 21/22's candidate events: a resampled reply replaces the attempt's text (it was no
attempt), and when several verified fixes disagree the patch panel shows the input on which they differ."""

from __future__ import annotations

from rdebug import events as ev

from scripted import DEMO_DIFF, demo_context, demo_problem, demo_stats
from tui_helpers import SIZE, make_app, run, settle, text_of

DIFFERENCE = "The fixes differ on an input: Fix A: rows('h;x\\na;1') == [['a', '1']]; Fix B: rows('h;x\\na;1') == [['h', 'x']]."


def _head() -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats())]


def test_a_resampled_reply_replaces_the_attempts_text(repo):
    script = _head() + [
        ev.AttemptStarted(1), ev.AnswerDelta("the same old fix"),
        ev.PatchRejected(1, "the edits change nothing; the fix must modify the code"),
        ev.AttemptResampled(1, "the reply left the code as it was: sampling another"),
        ev.AnswerDelta("a fresh fix"), ev.PatchProposed(1, DEMO_DIFF, ["calc/stats.py"]),
        ev.VerificationStarted(1, ["pytest"]), ev.PatchVerified(1, True, "1 passed"), ev.Done("stop"),
    ]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            view = app.state.attempts[0]
            assert len(app.state.attempts) == 1 and "".join(view.answer) == "a fresh fix"
            assert view.rejected is None and view.verify == "verified"
            assert "verified: the failing test now passes" in text_of(app, "#patch-verify")

    run(go())


def test_the_patch_panel_shows_the_input_on_which_verified_fixes_differ(repo):
    label = "found by search: `1` → `0` in table.py:4"
    script = _head() + [
        ev.AttemptStarted(1, source="search", label=label), ev.PatchProposed(1, DEMO_DIFF, ["calc/stats.py"]),
        ev.VerificationStarted(1, ["pytest"]),
        ev.PatchVerified(1, True, "1 passed", reason="verified by the failing test only: the project has no other tests"),
        ev.FixesCompared(1, DIFFERENCE), ev.AnswerDelta("Choice: A"), ev.Done("stop"),
    ]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            shown = text_of(app, "#patch-verify")
            assert "verified by the failing test only" in shown
            assert "The fixes differ on an input: Fix A: rows(" in shown and "[['h', 'x']]" in shown

    run(go())
