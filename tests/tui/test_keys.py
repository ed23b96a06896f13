"""Pilot tests: every key binding, driven by a scripted session."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from rdebug import events as ev
from rdebug.errors import RdebugError
from rdebug_tui.app import RdebugApp
from rdebug_tui.screens import HelpScreen
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.statusbar import StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel

from scripted import demo_script
from tui_helpers import SIZE, hanging_in_thinking, make_app, run, settle, text_of


def test_next_previous_attempt_and_diff_view(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            patch = app.query_one(PatchPanel)
            await pilot.press("p")
            await app.flush_now()
            assert app.state.selected == 0 and "Attempt 1 (1/2)" in patch.border_title
            assert "failed" in text_of(app, "#patch-verify")
            assert "ZeroDivisionError" in text_of(app, "#patch-output")
            await pilot.press("p")  # already the first: stays
            assert app.state.selected == 0
            await pilot.press("n")
            await app.flush_now()
            assert app.state.selected == 1 and "unified" in patch.border_title
            await pilot.press("d")
            await app.flush_now()
            # at 120 columns each side would wrap the code: unified, and the title says why
            assert app.side_by_side and "unified (too narrow)" in patch.border_title
            assert "+    if not values:" in text_of(app, "#patch-diff")
            await pilot.press("d")
            assert not app.side_by_side

    run(go())


def test_apply_verified_patch_then_undo(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("a")
            await settle(pilot, app, session)
            assert ("apply", 1) in session.calls
            assert "applied to calc/stats.py" in app.state.status
            await pilot.press("u")
            await settle(pilot, app, session)
            assert ("undo",) in session.calls
            assert "undone" in app.state.status
            await pilot.press("u")  # nothing left to undo: a message, no crash
            await settle(pilot, app, session)
            assert "nothing to undo" in str(app.error_line.render()) and app.error_line.display

    run(go())


def test_apply_error_is_shown_not_raised(repo):
    app, session = make_app(repo, demo_script(), apply_error="calc/stats.py has uncommitted changes")

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("a")
            await settle(pilot, app, session)
            assert "uncommitted changes" in str(app.error_line.render()) and app.error_line.display
            assert app.is_running

    run(go())


def test_rerun_reports_no_failing_tests(repo):
    rerun = [ev.Status("running pytest…"), ev.NoProblem("all 2 tests passed")]
    app, session = make_app(repo, demo_script(), rerun_script=rerun)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("r")
            await settle(pilot, app, session)
            assert ("rerun",) in session.calls
            title = text_of(app, "#problem-title")
            assert "All tests pass" in title and "all 2 tests passed" in title and "re-run the tests" in title
            assert "fix worked" not in title  # nothing was applied

    run(go())


def test_followup_question_is_sent_and_answered(repo):
    reply = [ev.ThinkingDelta("hmm "), ev.AnswerDelta("Because the test expects 0."), ev.Done()]
    app, session = make_app(repo, demo_script(), ask_script=reply)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("f")
            assert app.focused is app.query_one("#followup", Input)
            await pilot.press(*"why 0", "enter")
            await settle(pilot, app, session)
            assert ("ask", "why 0") in session.calls
            assert text_of(app, "#answer-head").strip() == "You asked: why 0"
            assert app.query_one(AnswerPanel).markdown.source == "Because the test expects 0."
            assert app.state.current.label == "Follow-up" and app.focused is None

    run(go())


def test_quit_during_generation_cancels_and_closes(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("q")
            await pilot.pause(0.2)
        assert ("cancel",) in session.calls and session.closed
        assert app.return_code == 0

    run(go())


def test_help_screen_lists_keys(repo):
    app, session = make_app(repo, demo_script(), keymap={"toggle_diff": "v"})

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            rows = dict(app.screen.rows)
            assert rows["v"].startswith("unified / side-by-side diff") and "t" in rows and "q" in rows
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)

    run(go())


def test_keymap_remaps_by_binding_id(repo):
    app, session = make_app(repo, demo_script(), keymap={"toggle_diff": "v"})

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("d")
            assert not app.side_by_side
            await pilot.press("v")
            assert app.side_by_side

    run(go())


def test_unknown_keymap_action_is_a_clear_error(repo):
    with pytest.raises(RdebugError, match="unknown action 'frobnicate'"):
        RdebugApp(lambda: None, {"frobnicate": "z"})


def test_thinking_settings_apply_to_the_next_request(repo):
    app, session = make_app(repo, demo_script(), ask_script=[ev.Done()])

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("m", "plus", "plus", "minus")
            assert not app.state.thinking_on and app.state.think_budget == 256
            assert "thinking off (m) · budget 256" in str(app.query_one(StatusBar).render())
            await pilot.press("f", *"go", "enter")
            await settle(pilot, app, session)
            assert session.thinking is False and session.think_budget == 256

    run(go())


def test_busy_engine_refuses_a_second_call(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("r")
            assert ("rerun",) not in session.calls
            assert any("busy" in n.message for n in app._notifications)

    run(go())


def test_click_on_thinking_title_toggles_and_sticks(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            panel = app.query_one(ThinkingPanel)
            assert not panel.collapsed
            await pilot.click("CollapsibleTitle")
            await pilot.pause()
            assert panel.collapsed and app._user_toggled is app.state.current

    run(go())


def test_thinking_rewraps_when_the_terminal_is_resized(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            log = app.query_one(ThinkingPanel).log_widget
            text, before = log.text, max(len(line) for line in log.lines)
            assert text and before <= log.scrollable_content_region.width
            await pilot.resize_terminal(200, 40)
            await pilot.pause(0.3)
            width = log.scrollable_content_region.width
            assert before < max(len(line) for line in log.lines) <= width
            assert " ".join("".join(log.lines).split()) == " ".join(text.split())

    run(go())
