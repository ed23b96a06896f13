"""A patch that edits tests is shown as such and applies only after `a` is pressed twice (issue 12)."""

from __future__ import annotations

import dataclasses

from rdebug import events as ev
from rdebug_tui.screens import ConfirmScreen

from scripted import demo_script
from tui_helpers import SIZE, make_app, run, settle, text_of

EDITED = ["tests/test_stats.py"]


def _edits_tests_script() -> list:
    out = []
    for e in demo_script(two_attempts=False):
        if isinstance(e, ev.PatchProposed):
            e = dataclasses.replace(e, edits_tests=EDITED)
        elif isinstance(e, ev.PatchVerified):
            e = dataclasses.replace(e, verified=False, edits_tests=EDITED, tests_pass=True,
                                    reason="edits tests (tests/test_stats.py): the tests pass only with edited tests")
        out.append(e)
    return out


def test_a_patch_that_edits_tests_needs_a_second_a(repo):
    app, session = make_app(repo, _edits_tests_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert "edits tests (tests/test_stats.py)" in text_of(app, "#patch-verify")
            await pilot.press("a")
            await settle(pilot, app, session)
            assert ("apply", 0) not in session.calls and not isinstance(app.screen, ConfirmScreen)
            await pilot.press("a")
            await settle(pilot, app, session)
            assert ("apply", 0) in session.calls

    run(go())
