"""When all tests pass (issue 16, §3): the result and what to try, only the keys that make sense; after a fix
and r, that the fix worked, next to the applied patch."""

from __future__ import annotations

from rdebug import events as ev

from scripted import demo_script
from tui_helpers import SIZE, make_app, run, settle, text_of

PASS = [ev.Status("running pytest…"), ev.NoProblem("all 3 tests passed")]


def _all_pass_app(repo):
    return make_app(repo, PASS)


def test_all_pass_shows_the_result_and_only_keys_that_make_sense(repo):
    app, session = _all_pass_app(repo)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            title = text_of(app, "#problem-title")
            assert "All tests pass" in title and "all 3 tests passed" in title
            assert "pipe a trace" in title and "describe it in words" in title
            assert not app.query_one("#work").display  # no empty thinking, answer or patch panels
            assert not app.check_action("apply", ()) and not app.check_action("next_attempt", ())
            assert app.check_action("rerun", ()) and app.check_action("quit", ())
            footer_keys = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
            assert "a" not in footer_keys and "r" in footer_keys and "q" in footer_keys

    run(go())


def test_rerun_after_applying_says_the_fix_worked_next_to_the_patch(repo):
    app, session = make_app(repo, demo_script(), rerun_script=PASS)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("a")
            await settle(pilot, app, session)
            await pilot.press("r")
            await settle(pilot, app, session)
            title = text_of(app, "#problem-title")
            assert "All tests pass" in title
            assert "The applied fix worked: tests/test_stats.py::test_mean_empty now passes" in title
            assert app.query_one("#work").display
            assert "applied to your files" in text_of(app, "#patch-verify")

    run(go())


def test_snapshot_all_pass(snap_compare, repo):
    app, session = _all_pass_app(repo)

    async def before(pilot) -> None:
        await settle(pilot, app, session)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
