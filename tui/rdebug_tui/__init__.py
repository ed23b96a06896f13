"""The Textual front end of rdebug: ``run_tui(session_factory, cfg)``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from rdebug.config import Config
from rdebug.errors import ExitCode


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real ``sys.stderr``.

    Textual swaps ``sys.stderr`` for an object whose ``fileno()`` is -1 while the app runs; the
    tracker passes that fd to its child, so a model worker spawned later would fail with
    "bad value(s) in fds_to_keep". Once running, the tracker is reused. Called on the UI thread
    after the first frame and before the engine thread starts, so nothing else sees the swap.
    """
    import sys

    swapped, sys.stderr = sys.stderr, sys.__stderr__
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # noqa: BLE001 - best effort; the engine reports its own failure
        pass
    finally:
        sys.stderr = swapped


def model_label(cfg: Config) -> str:
    """What the status bar names before the model is loaded: the backend chosen, else the model."""
    backend = (cfg.backend or "llama").strip()
    if backend.startswith("replay:"):
        return f"replay {Path(backend[len('replay:'):]).name}"
    if backend == "openai":
        return f"openai {cfg.base_url or ''}".strip()
    if backend != "llama":
        return backend
    return Path(cfg.model).name if cfg.model.endswith(".gguf") else cfg.model


def run_tui(session_factory: Callable[[], Any], cfg: Config) -> int:
    """Run the app until the user quits; returns the exit code.

    ``session_factory`` builds the ``DebugSession`` (called once, off the UI thread). Keys are read
    from fd 0, so a piped trace must have been read and a terminal attached before this call.
    """
    from rdebug_tui.app import RdebugApp

    label = model_label(cfg)
    app = RdebugApp(session_factory, dict(cfg.keymap), thinking=cfg.thinking, think_budget=cfg.think_budget,
                    model_label=label, before_engine=_start_resource_tracker)
    app.run()
    return app.return_code if app.return_code is not None else ExitCode.INTERRUPTED


__all__ = ["run_tui"]
