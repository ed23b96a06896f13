"""Several failing tests (issue 16, §1): one key to the list; each failure keeps its own debugging state."""

from __future__ import annotations

from textual.widgets import OptionList

from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.statusbar import StatusBar

from failures_script import ANSWER, OTHER_ANSWER, rerun_script, select_scripts, start_script
from tui_helpers import SIZE, make_app, run, settle, text_of


def _app(repo):
    return make_app(repo, start_script(), select_scripts=select_scripts(), rerun_script=rerun_script())


def _shown(app) -> tuple[str, str, str]:
    return (app.query_one(AnswerPanel).markdown.source, text_of(app, "#patch-verify").strip(),
            str(app.query_one(StatusBar).render()))


def test_one_key_reaches_the_failures_and_each_keeps_its_own_attempts(repo):
    app, session = _app(repo)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            answer, verify, status = _shown(app)
            assert answer == ANSWER and verify.startswith("✓ verified") and "failure 1 of 3" in status
            await pilot.press("1")
            assert app.focused is app.query_one("#failures", OptionList)
            await pilot.press("down", "enter")
            await settle(pilot, app, session)
            assert ("select_problem", 1) in session.calls
            answer, verify, status = _shown(app)
            # the chosen failure's own repair ran: its answer and patch, nothing of failure 1
            assert answer == OTHER_ANSWER and verify.startswith("✗ failed") and "failure 2 of 3" in status
            assert "AssertionError" in text_of(app, "#problem-title")
            assert "building context" not in status
            # back to failure 1: resumed as it was (nothing re-run)
            await pilot.press("1", "up", "enter")
            await settle(pilot, app, session)
            answer, verify, status = _shown(app)
            assert answer == ANSWER and verify.startswith("✓ verified") and "failure 1 of 3" in status
            assert "Attempt 1 (1/1)" in app.query_one(PatchPanel).border_title
            assert session.calls.count(("select_problem", 0)) == 1
            failures = app.query_one("#failures", OptionList)
            marks = [str(failures.get_option_at_index(i).prompt) for i in range(3)]
            assert marks[0].startswith("● test_mean_empty") and marks[0].endswith("✓ verified")
            assert marks[1].endswith("1 attempt, no fix") and marks[2].strip() == "test_spread_empty  tests/test_spread.py"

    run(go())


def test_rerun_keeps_the_selected_failure(repo):
    app, session = _app(repo)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("1", "down", "enter")
            await settle(pilot, app, session)
            await pilot.press("r")
            await settle(pilot, app, session)
            assert ("rerun",) in session.calls
            answer, _, status = _shown(app)
            assert app.state.problem_index == 1 and "failure 2 of 3" in status and answer == OTHER_ANSWER
            assert "AssertionError: assert 4 == 3" in text_of(app, "#problem-title")

    run(go())
