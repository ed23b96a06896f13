"""Pilot tests: the states of the TUI (streams, failures, layout), driven by a scripted session."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from rdebug import events as ev
from rdebug.errors import RdebugError
from rdebug_tui.app import RdebugApp
from rdebug_tui.screens import ConfirmScreen, ErrorScreen, HelpScreen
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.statusbar import StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel

from scripted import (
    ANSWER,
    THINKING,
    Hang,
    Raise,
    demo_context,
    demo_problem,
    demo_script,
    words,
)
from tui_helpers import SIZE, hanging_in_thinking, make_app, run, screen_text, settle, text_of


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


def test_no_model_installed_shows_what_to_do(repo):
    script = [ev.ModelLoading(0.0), ev.Error("no model installed: run `rdebug models pull`", fatal=True)]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert isinstance(app.screen, ErrorScreen)
            shown = screen_text(app)
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
            shown = screen_text(app)
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
