"""The app's link to the engine: its calls run in a worker thread, their events are folded into the state."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from textual import work

from rdebug import events as ev
from rdebug.errors import ExitCode, RdebugError
from rdebug_tui.screens import ErrorScreen, error_advice
from rdebug_tui.state import WorkerDone

Session = Any  # rdebug.session.DebugSession (duck-typed: the TUI never needs its class)


class EngineLink:
    """Mixed into RdebugApp (uses its state, buffer, panels and ``_sync``)."""

    # --- the engine, off the UI thread ----------------------------------------
    def _call(self, label: str, call: Callable[[Session], Iterator[object]]) -> bool:
        if self.busy:
            self.notify(f"busy ({self.busy}); press escape to cancel it first", severity="warning")
            return False
        self.busy = label
        self._run_engine(label, call)
        return True

    @work(thread=True, group="engine", exit_on_error=False)
    def _run_engine(self, label: str, call: Callable[[Session], Iterator[object]]) -> None:
        put = self.buffer.put
        try:
            if self.session is None:
                self.session = self._factory()
                if hasattr(self.session, "root"):
                    self.call_from_thread(self._set_root, self.session.root)
            self.session.thinking = self.state.thinking_on
            self.session.think_budget = self.state.think_budget
            for event in call(self.session):
                put(event)
            put(WorkerDone(label))
        except RdebugError as exc:
            put(WorkerDone(label, error=exc.message, exit_code=exc.exit_code))
        except Exception as exc:  # noqa: BLE001 - shown in the UI, never as a traceback
            put(WorkerDone(label, error=f"{type(exc).__name__}: {exc}", crashed=True))

    def _set_root(self, root) -> None:
        self.problem_panel.root = root

    # --- flushing events into the state ---------------------------------------
    async def flush(self) -> None:
        """Fold buffered events into the state and update what changed (runs 10-20 times a second)."""
        async with self._flush_lock:  # one at a time: widget updates await
            self.flushes += 1
            for at, event in self.buffer.drain():
                if isinstance(event, WorkerDone):
                    self._worker_done(event)
                    continue
                self.state.apply(event, at)
                self._announce(event)
            await self._sync(self.clock())

    def flush_now(self) -> Any:
        """Fold pending events in immediately (tests)."""
        return self.flush()

    def _announce(self, event: object) -> None:
        if isinstance(event, ev.Error):
            if event.fatal:
                self._show_fatal(event.message, event.exit_code or ExitCode.MODEL)
            else:
                self.show_error_line(event.message)
        elif isinstance(event, ev.Done) and event.reason == "cancelled":
            self.notify("cancelled", timeout=3)
        elif isinstance(event, ev.Done) and event.reason == "length":
            self.notify("the reply hit the token limit (raise max_tokens or lower the thinking budget)",
                        severity="warning")
        elif isinstance(event, (ev.PatchApplied, ev.PatchUndone)):
            self.notify(self.state.status, timeout=6)

    def _worker_done(self, done: WorkerDone) -> None:
        self.busy = None
        if done.error is None:
            return
        if done.crashed:
            self.state.error = done.error
            message = f"internal error: {done.error}"
            if done.label == "start":
                self._show_fatal(message, ExitCode.FAILED)
            else:
                self.notify(message, title="internal error", severity="error", timeout=12)
        elif done.label == "start":
            self._show_fatal(done.error, done.exit_code)
        else:
            self.show_error_line(f"{done.label}: {done.error}")

    # --- errors ---------------------------------------------------------------
    def show_error_line(self, message: str) -> None:
        """An error that does not stop the session: one line above the status bar until Esc dismisses it."""
        self.state.error = message
        self.error_line.show_error(message)

    def dismiss_error_line(self) -> bool:
        if not self.error_line.display or self.state.fatal is not None:  # a fatal error's line stays
            return False
        self.error_line.display = False
        self.state.error = None
        return True

    def _show_fatal(self, message: str, code: int) -> None:
        """An error that stops the session: a screen, then the problem panel, say what to do; q exits with
        the headless command's code."""
        self.exit_code = code
        self.state.status = ""
        if self.showing.changed("fatal", True):  # the first one only
            self.state.fatal = message
            title, advice = error_advice(message)
            if not self.state.problems:  # nothing else to show there: the panel keeps the error
                self.problem_panel.show_error(title, message, advice)
            self.error_line.show_fatal(message, code)
            self.refresh_bindings()
            self.push_screen(ErrorScreen(message))
