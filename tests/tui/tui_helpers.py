"""Helpers for the TUI tests: a scripted session on a virtual clock, and settling the app."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rdebug_tui.app import RdebugApp
from rdebug_tui.scripted import ScriptedSession, VirtualClock

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
