"""Pilot tests: every key and state of the TUI, driven by a scripted session."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from rdebug import events as ev
from rdebug.errors import RdebugError
from rdebug_tui.app import RdebugApp
from rdebug_tui.screens import ConfirmScreen, ErrorScreen, HelpScreen
from rdebug_tui.scripted import (
    ANSWER, THINKING, Hang, Raise, demo_context, demo_problem, demo_script, demo_stats, words,
)
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.statusbar import StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel
from textual.widgets import Input, OptionList, Static

from tui_helpers import SIZE, make_app, run, settle


def text_of(app: RdebugApp, selector: str) -> str:
    """The plain text a Static shows (Rich Text or Table), from the main screen."""
    widget = app.screen_stack[0].query_one(selector, Static)
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def hanging_in_thinking() -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
            ev.AttemptStarted(1), *(ev.ThinkingDelta(w) for w in words(THINKING)[:20]), Hang()]


def test_full_session_shows_problem_context_and_verified_patch(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert [a.verify for a in app.state.attempts] == ["failed", "verified"]
            assert "ZeroDivisionError: division by zero" in text_of(app, "#problem-title")
            assert "566/6,000 tokens" in text_of(app, "#context-meter")
            assert "verified: the failing test now passes" in text_of(app, "#patch-verify")
            assert "+        return 0" in text_of(app, "#patch-diff")
            assert "Attempt 2 (2/2)" in app.query_one(PatchPanel).border_title
            status = str(app.query_one(StatusBar).render())
            assert "qwen2.5-coder-1.5b-instruct · CPU · 4 threads" in status
            assert "ctx 1,579/8,192" in status and "31.5 tok/s" in status
            assert app.query_one(AnswerPanel).markdown.source == ANSWER  # not duplicated across attempts

    run(go())


def test_thinking_streams_then_collapses_with_summary_and_t_toggles(repo):
    app, session = make_app(repo, demo_script(two_attempts=False))

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            panel = app.query_one(ThinkingPanel)
            assert panel.collapsed
            n = len(words(THINKING))
            assert panel.title == f"Thought for {n * 0.05:.1f} s · {n} tokens"
            assert "ZeroDivisionError at calc/stats.py" in "\n".join(panel.log_widget.lines)
            await pilot.press("t")
            assert not panel.collapsed
            await pilot.press("t")
            assert panel.collapsed

    run(go())


def test_thinking_panel_is_expanded_and_live_while_thinking(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            panel = app.query_one(ThinkingPanel)
            assert not panel.collapsed
            assert panel.title == "Thinking… 20 tokens · 20.0 tok/s · 1.0 s"
            await pilot.press("escape")
            await settle(pilot, app, session)
            assert ("cancel",) in session.calls
            assert app.state.done_reason == "cancelled"
            assert app.busy is None

    run(go())


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
            assert app.side_by_side and "side by side" in patch.border_title
            assert "before" in text_of(app, "#patch-diff") and "after" in text_of(app, "#patch-diff")
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
            assert any("nothing to undo" in n.message for n in app._notifications)

    run(go())


@pytest.mark.parametrize("answer, applied", [("y", True), ("n", False)])
def test_apply_unverified_patch_asks_first(repo, answer, applied):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("p", "a")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot, app, session)
            assert not isinstance(app.screen, ConfirmScreen)
            assert (("apply", 0) in session.calls) is applied

    run(go())


def test_apply_error_is_shown_not_raised(repo):
    app, session = make_app(repo, demo_script(), apply_error="calc/stats.py has uncommitted changes")

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("a")
            await settle(pilot, app, session)
            assert any("uncommitted changes" in n.message for n in app._notifications)
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
            assert "Nothing to debug" in title and "all 2 tests passed" in title and "Press r" in title

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
            assert rows["v"] == "unified / side-by-side diff" and "t" in rows and "q" in rows
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


def test_no_model_installed_shows_what_to_do(repo):
    script = [ev.ModelLoading(0.0), ev.Error("no model installed: run `rdebug models pull`", fatal=True)]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert isinstance(app.screen, ErrorScreen)
            shown = " ".join(str(w.render()) for w in app.screen.query(Static))
            assert "No model installed" in shown and "rdebug models pull" in shown
            await pilot.press("q")
            await pilot.pause(0.1)
        assert app.return_code == 3

    run(go())


def test_model_load_failure_screen(repo):
    script = [ev.ModelLoading(0.3), ev.Error("cannot load model.gguf: not a GGUF file", fatal=True)]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert isinstance(app.screen, ErrorScreen)
            shown = " ".join(str(w.render()) for w in app.screen.query(Static))
            assert "could not be loaded" in shown and "--gpu-layers 0" in shown
            await pilot.press("escape")  # back to the session view, still usable
            assert not isinstance(app.screen, ErrorScreen)
            assert app.state.loading is None

    run(go())


def test_engine_crash_is_shown_without_traceback(repo):
    problem = demo_problem()
    app, session = make_app(repo, [ev.ProblemFound(problem), Raise(RuntimeError("boom"))])

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert isinstance(app.screen, ErrorScreen)
            assert "internal error: RuntimeError: boom" in app.screen.message
            assert app.is_running and app.busy is None
        assert app.exit_code == 1

    run(go())


def test_session_factory_error_is_shown(repo):
    def factory():
        raise RdebugError("not a git repository and no test command given", exit_code=2)

    app = RdebugApp(factory)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.3)
            await app.flush_now()
            await pilot.pause()
            assert isinstance(app.screen, ErrorScreen)
            assert app.exit_code == 2

    run(go())


def test_not_a_git_repository_note_in_context(repo):
    app, session = make_app(repo, demo_script(notes=["git context absent: not a git repository"]))

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            notes = app.query_one("#context-notes", Static)
            assert notes.display and "not a git repository" in str(notes.render())

    run(go())


def test_narrow_terminal_uses_compact_layout(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=(70, 30)) as pilot:
            await settle(pilot, app, session)
            assert app.screen.has_class("-narrow")
            assert app.query_one("#narrow-notice").display
            assert not app.query_one("#sidebar").display
            await pilot.resize_terminal(120, 40)
            await pilot.pause()
            assert not app.screen.has_class("-narrow")

    run(go())


def test_selecting_a_frame_shows_its_source(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert "▶ 10 │     return total(values) / len(values)" in text_of(app, "#source")
            app.query_one("#frames", OptionList).highlighted = 0
            await pilot.pause()
            assert "▶ 9 │     assert mean([]) == 0" in text_of(app, "#source")

    run(go())


def test_selecting_another_failure(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            failures = app.query_one("#failures", OptionList)
            assert failures.display and failures.option_count == 2
            failures.focus()
            await pilot.press("down", "enter")
            await settle(pilot, app, session)
            assert ("select_problem", 1) in session.calls
            assert "AssertionError" in text_of(app, "#problem-title")

    run(go())


def test_drop_and_add_context_files(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            app.query_one("#snippets").focus()
            await pilot.press("x")
            await settle(pilot, app, session)
            assert session.calls[-1] == ("set_context_files", [], ["calc/stats.py"])
            assert "58" not in text_of(app, "#context-meter") and "96/6,000" in text_of(app, "#context-meter")
            app.query_one("#add-file").focus()
            await pilot.press(*"calc/extra.py", "enter")
            await settle(pilot, app, session)
            assert session.calls[-1] == ("set_context_files", ["calc/extra.py"], ["calc/stats.py"])
            assert any(p == "calc/extra.py" for p in app.query_one(ContextPanel)._paths)

    run(go())


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


def test_ui_is_usable_while_the_model_loads(repo):
    problem = demo_problem()
    script = [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelLoading(0.4, "loading"),
              Hang()]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert "loading test-model █████░░░░░░░ 40%" in str(app.query_one(StatusBar).render())
            await pilot.press("d", "question_mark")
            assert app.side_by_side and isinstance(app.screen, HelpScreen)

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


def test_stream_is_flushed_in_batches(repo):
    problem = demo_problem()
    many = [ev.ThinkingDelta(f"w{i} ") for i in range(3000)]
    app, session = make_app(repo, [ev.ProblemFound(problem), ev.AttemptStarted(1), *many, ev.AnswerDelta("ok"),
                                   ev.Done()])

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            log = app.query_one(ThinkingPanel).log_widget
            assert "".join(log.lines).replace(" ", "") == "".join(f"w{i}" for i in range(3000))
            assert app.flushes < 300  # timer flushes, not one per token

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
