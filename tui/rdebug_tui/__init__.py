"""The Textual front end of rdebug: ``run_tui(session_factory, cfg)``."""

from __future__ import annotations

from typing import Any, Callable

from rdebug.config import Config
from rdebug.errors import ExitCode


def run_tui(session_factory: Callable[[], Any], cfg: Config) -> int:
    """Run the app until the user quits; returns the exit code.

    ``session_factory`` builds the ``DebugSession`` (called once, off the UI thread). Keys are read
    from fd 0, so a piped trace must have been read and a terminal attached before this call.
    """
    from rdebug_tui.app import RdebugApp

    app = RdebugApp(session_factory, dict(cfg.keymap), thinking=cfg.thinking, think_budget=cfg.think_budget,
                    model_label=cfg.model)
    app.run()
    return app.return_code if app.return_code is not None else ExitCode.INTERRUPTED


__all__ = ["run_tui"]
