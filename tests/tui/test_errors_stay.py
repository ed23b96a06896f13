"""Errors stay until dismissed (issue 16, §2): a fatal one is a screen, then a panel and a line, and the app
exits with the headless command's code; a non-fatal one is a line that Esc dismisses."""

from __future__ import annotations

import sys

from rdebug import events as ev
from rdebug.config import Config
from rdebug.intake.model import IntakeRequest
from rdebug.session import DebugSession
from rdebug_tui.app import RdebugApp
from rdebug_tui.screens import ErrorScreen
from rdebug_tui.widgets.statusbar import StatusBar

from scripted import demo_script
from three_failures import make_three_failure_repo
from tui_helpers import SIZE, make_app, run, settle, text_of, until

COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]



def _run_real(root, cfg, request, key_after_screen: str = "escape"):
    app = RdebugApp(lambda: DebugSession(root, cfg, request), model_label="x")

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, app, lambda: isinstance(app.screen, ErrorScreen))
            await pilot.pause(0.3)
            for _ in range(20):  # it stays: no timeout takes it away
                await app.flush_now()
            assert isinstance(app.screen, ErrorScreen)
            await pilot.press(key_after_screen)
            await app.flush_now()
            shown = (text_of(app, "#problem-title"), str(app.error_line.render()),
                     str(app.query_one(StatusBar).render()))
            await pilot.press("q")
            await pilot.pause(0.1)
            return shown

    shown = run(go())
    return app, shown


def test_empty_directory_error_stays_and_exits_like_headless(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app, (title, line, status) = _run_real(empty, Config(), IntakeRequest(empty))
    assert app.return_code == 5
    assert "✗" in title and "q quits" in title and "Waiting for the failing test output" not in title
    assert "q quits (exit 5)" in line
    assert "building context" not in status


def test_missing_replay_file_is_a_model_error_with_exit_code_3(tmp_path):
    repo = make_three_failure_repo(tmp_path / "repo")
    cfg = Config(attempts=1, backend=f"replay:{tmp_path / 'missing.txt'}")
    app, (title, line, status) = _run_real(repo, cfg, IntakeRequest(repo, command=COMMAND, timeout_s=60))
    assert app.return_code == 3
    assert "AssertionError" in title or "ZeroDivisionError" in title  # the failure stays in view
    assert "missing.txt" in line and "exit 3" in line
    assert "thinking" not in status  # no settings for a session that stopped


def test_a_non_fatal_error_stays_until_escape(repo):
    script = [*demo_script(), ev.Error("git apply check failed: patch does not apply")]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            for _ in range(30):
                await app.flush_now()
            line = app.error_line
            assert line.display and "patch does not apply" in str(line.render())
            await pilot.press("escape")
            assert not line.display

    run(go())
