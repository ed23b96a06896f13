"""The Textual front end of rdebug: ``run_tui(session_factory, cfg)``."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

from rdebug.config import Config
from rdebug.errors import ExitCode


def _attach_tty() -> None:
    """When stdin was a pipe (``pytest | rdebug``), read keys from the terminal instead."""
    if sys.__stdin__ is not None and sys.__stdin__.isatty():
        return
    try:
        fd = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return
    os.dup2(fd, 0)
    os.close(fd)


def run_tui(session_factory: Callable[[], Any], cfg: Config) -> int:
    """Run the app until the user quits; returns the exit code.

    The piped trace (``args.trace == "-"``) must already have been read: fd 0 is re-attached
    to the terminal here.
    """
    from rdebug_tui.app import RdebugApp

    app = RdebugApp(session_factory, dict(cfg.keymap), thinking=cfg.thinking, think_budget=cfg.think_budget,
                    model_label=cfg.model)
    _attach_tty()
    result = app.run()
    if result is None:
        return app.return_code if app.return_code is not None else ExitCode.INTERRUPTED
    return int(result)


__all__ = ["run_tui"]
