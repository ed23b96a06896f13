"""Focus, scrolling, number keys and help (issue 16, §4)."""

from __future__ import annotations

from rdebug import events as ev
from rdebug_tui.keys import help_rows
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.problem import ProblemPanel
from rdebug_tui.widgets.thinking import ThinkingPanel

from scripted import demo_context, demo_problem, demo_script, demo_stats
from tui_helpers import SIZE, make_app, run, settle


def test_number_keys_focus_panels_and_the_focused_panel_shows(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            for key, panel in (("1", ProblemPanel), ("2", ContextPanel), ("3", ThinkingPanel),
                               ("4", AnswerPanel), ("5", PatchPanel)):
                await pilot.press(key)
                await pilot.pause()
                focused = [p for p in (ProblemPanel, ContextPanel, ThinkingPanel, AnswerPanel, PatchPanel)
                           if app.query_one(p).has_pseudo_class("focus-within")]
                assert focused == [panel], key
                widget = app.query_one(panel)
                assert widget.styles.border_top[1] != app.query_one(ProblemPanel if key != "1" else PatchPanel
                                                                    ).styles.border_top[1]

    run(go())


def test_thinking_log_scrolls_with_the_usual_keys(repo):
    problem = demo_problem()
    long = [ev.ThinkingDelta(f"line {i} of the thought\n") for i in range(60)]
    script = [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
              ev.AttemptStarted(1), *long, ev.AnswerDelta("done"), ev.Done()]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("3")  # expands it and focuses the log
            await pilot.pause()
            log = app.query_one(ThinkingPanel).log_widget
            assert app.focused is log and not app.query_one(ThinkingPanel).collapsed
            await pilot.press("end")
            await pilot.pause()
            assert log.scroll_y > 0
            await pilot.press("home")
            await pilot.pause()
            assert log.scroll_y == 0
            log.append("one more line\n")  # text still streaming does not pull the reader back down
            await pilot.pause()
            assert log.scroll_y == 0
            await pilot.press("pagedown")
            await pilot.pause()
            assert log.scroll_y > 0

    run(go())


def test_help_lists_tab_number_keys_and_scrolling():
    rows = dict(help_rows({}))
    assert "tab / shift+tab" in rows and "1" in rows and "5" in rows
    assert any("pgup" in key for key in rows)
