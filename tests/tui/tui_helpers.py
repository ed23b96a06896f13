"""Helpers for the TUI tests: a scripted session on a virtual clock, settling the app, reading widgets."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from rdebug import events as ev
from rdebug_tui.app import RdebugApp

from scripted import (
    THINKING,
    Hang,
    ScriptedSession,
    VirtualClock,
    demo_context,
    demo_problem,
    demo_stats,
    words,
)

SIZE = (120, 40)


def make_app(repo: Path, start: list, **kwargs) -> tuple[RdebugApp, ScriptedSession]:
    """An app on a scripted session sharing a virtual clock (deterministic timings)."""
    clock = VirtualClock(0.05)
    keymap = kwargs.pop("keymap", {})
    session = ScriptedSession(repo, start_script=start, clock=clock, **kwargs)
    return RdebugApp(lambda: session, keymap, clock=clock, model_label="test-model"), session


async def settle(pilot, app: RdebugApp, session: ScriptedSession, timeout: float = 5.0) -> None:
    """Wait until the engine call ended (or hangs) and every event reached the widgets."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if (not app.busy or session.hanging.is_set()) and len(app.buffer) == 0:
            break
        await pilot.pause(0.02)
    await app.flush_now()
    await pilot.pause()
    await app.flush_now()
    await pilot.pause()


def run(coro) -> object:
    return asyncio.run(coro)


def text_of(app: RdebugApp, selector: str) -> str:
    """The plain text a Static shows (Rich Text or Table), from the main screen."""
    widget = app.screen_stack[0].query_one(selector, Static)
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def screen_text(app: RdebugApp) -> str:
    """The text of every Static on the active screen (e.g. an error screen)."""
    return " ".join(str(w.render()) for w in app.screen.query(Static))


def hanging_in_thinking() -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
            ev.AttemptStarted(1), *(ev.ThinkingDelta(w) for w in words(THINKING)[:20]), Hang()]


async def until(pilot, app: RdebugApp, check, tries: int = 300) -> None:
    """Flush and pause until ``check()`` holds (a real session's worker threads run meanwhile)."""
    for _ in range(tries):
        await app.flush_now()
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not get there")
