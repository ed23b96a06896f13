"""RdebugApp: renders a DebugSession's event stream and owns keys and layout (no engine logic)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Iterator

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from rdebug import events as ev
from rdebug.errors import ExitCode, RdebugError
from rdebug_tui.actions import KeyActions
from rdebug_tui.candidates import chips, live_tps
from rdebug_tui.keys import BINDINGS, PANELS, check_keymap
from rdebug_tui.screens import ErrorScreen, error_advice
from rdebug_tui.state import AttemptView, UiState, WorkerDone
from rdebug_tui.stream import EventBuffer
from rdebug_tui.styles import CSS
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.candidates import CandidatesStrip
from rdebug_tui.widgets.markdown_log import preload as preload_markdown
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.layout import Column, MainScreen, Row
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.problem import ProblemPanel
from rdebug_tui.widgets.statusbar import LIVE_COUNTER_S, KeyFooter, StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel, thinking_title

Session = Any  # rdebug.session.DebugSession (duck-typed: the TUI never needs its class)
NARROW = 80  # columns below which one panel shows at a time
SHORT = 24  # rows below which one panel shows at a time


class RdebugApp(KeyActions, App[int]):
    """The interactive view of one debugging session (see ``rdebug_tui.run_tui``)."""

    TITLE = "rdebug"
    CSS = CSS
    BINDINGS = BINDINGS
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = "#frames"  # never an input: the single-key bindings work from the start

    def __init__(
        self,
        session_factory: Callable[[], Session],
        config_keymap: dict[str, str] = {},  # noqa: B006 - read only
        *,
        thinking: bool | None = None,
        think_budget: int | None = None,
        model_label: str = "",
        clock: Callable[[], float] = time.monotonic,
        flush_hz: float = 10.0,
        before_engine: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._before_engine = before_engine  # run on the UI thread just before the engine starts
        check_keymap(config_keymap)
        self.set_keymap(dict(config_keymap))
        self._factory = session_factory
        self.session: Session | None = None
        self.clock = clock
        self.flush_hz = flush_hz
        self.model_label = model_label
        self.buffer = EventBuffer(clock)
        self.state = UiState(thinking_on=thinking, think_budget=think_budget)
        self.busy: str | None = None  # label of the engine call in flight
        self.side_by_side = False
        self.exit_code = ExitCode.OK
        self.flushes = 0
        self._shown_view: AttemptView | None = None
        self._shown_counts = (0, 0)
        self._shown_finished = True  # the shown attempt's stream ended (its last held text is out)
        self._shown_problems: tuple = ()
        self._shown_context: object = None
        self._patch_sig: tuple = ()
        self._user_toggled: AttemptView | None = None  # the view whose thinking the user folded
        self._fatal_shown = False
        self._all_pass_shown = False  # the layout of a message alone (-result-only)
        self.solo = 0  # the panel shown alone on a small terminal (index into PANELS)
        self.solo_chosen = False  # the user chose it (1-5): it no longer follows the session
        self._flush_lock = asyncio.Lock()
        # kept as attributes: the app's query_one searches the active screen, which may be a dialog
        self.problem_panel = ProblemPanel(id="problem")
        self.context_panel = ContextPanel(id="context")
        self.thinking_panel = ThinkingPanel(id="thinking")
        self.answer_panel = AnswerPanel(id="answer")
        self.patch_panel = PatchPanel(id="patch")
        self.followup = Input(placeholder="f: ask a follow-up or give a hint, enter sends", id="followup",
                              compact=True)
        self.error_line = Static("", id="error-line")
        self.status_bar = StatusBar(id="status")
        self.candidates_strip = CandidatesStrip(id="candidates")
        self.candidates_box = Column(self.candidates_strip, id="candidates-box")  # shown for k > 1 only

    # --- layout ---------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Row(id="main"):
            with Column(id="sidebar"):
                yield self.problem_panel
                yield self.context_panel
            with Column(id="work"):  # each panel in a box of its own (see widgets/layout.py)
                with Column(id="thinking-box"):
                    yield self.thinking_panel
                with Column(id="answer-box"):
                    yield self.answer_panel
                with Column(id="patch-box"):
                    yield self.patch_panel
        with Column(id="bottom"):  # one sibling of #main instead of three (see widgets/layout.py)
            yield Static("", id="narrow-notice")
            yield self.candidates_box
            yield self.error_line
            yield self.followup
            yield self.status_bar
            yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._update_narrow(self.size.width)
        self.patch_panel.show(None, 0, 0, False)
        self._refresh_thinking_title(self.clock())
        self._refresh_status(self.clock())
        self.set_interval(1 / self.flush_hz, self.flush)
        # the live counters repaint half a flush apart from the stream: one screen update spanning the
        # streaming panel and the status bar would render everything between them (widgets/layout.py)
        self.set_timer(0.5 / self.flush_hz, lambda: self.set_interval(LIVE_COUNTER_S, self._tick_counters))
        # the engine starts once the first frame is on screen: its imports and intake, in a thread,
        # would otherwise compete with the first paint for the GIL (~0.2 s)
        self.call_after_refresh(self._start_engine)

    def _start_engine(self) -> None:
        if self._before_engine is not None:
            self._before_engine()
        preload_markdown()
        self._call("start", lambda s: s.start())

    def on_resize(self, event) -> None:
        self._update_narrow(event.size.width, event.size.height)

    def _update_narrow(self, width: int, height: int | None = None) -> None:
        """Below 80 columns (or 24 rows) one panel shows at a time; 1-5 switch."""
        height = self.size.height if height is None else height
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        small = 0 < width < NARROW or 0 < height < SHORT
        screen.set_class(small, "-narrow")
        screen.set_class(0 < height < 30, "-short")
        for i, name in enumerate(PANELS):
            screen.set_class(small and self.solo == i, f"-solo-{name}")
        keys = " ".join(f"{i + 1} {name}" for i, name in enumerate(PANELS))
        screen.query_one("#narrow-notice", Static).update(
            f"one panel at a time: {keys}" if width >= 70 else "one panel at a time: keys 1-5")

    def _follow_solo(self) -> None:
        """On a small terminal, until the user picks a panel, show the one where things happen."""
        if self.solo_chosen:
            return
        view = self.state.current
        if view is None:
            solo = 0
        elif view.diff or view.finished:
            solo = 4
        elif view.answer_started:
            solo = 3
        else:
            solo = 2
        if solo != self.solo:
            self.solo = solo
            self._update_narrow(self.size.width)

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

    # --- flushing events into widgets -----------------------------------------
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

    def show_error_line(self, message: str) -> None:
        """An error that does not stop the session: one line above the status bar until Esc dismisses it."""
        self.state.error = message
        self.error_line.update(Text.assemble(("✗ ", "bold red"), message, ("  (esc dismisses)", "dim")))
        self.error_line.display = True

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
        if not self._fatal_shown:
            self._fatal_shown = True
            self.state.fatal = message
            title, advice = error_advice(message)
            if not self.state.problems:  # nothing else to show there: the panel keeps the error
                self.problem_panel.show_error(title, message, advice)
            self.error_line.update(Text.assemble(("✗ ", "bold red"), message,
                                                 (f"  · q quits (exit {code})", "dim")))
            self.error_line.display = True
            self.refresh_bindings()
            self.push_screen(ErrorScreen(message))

    async def _sync(self, now: float) -> None:
        state = self.state
        if (id(state.problems), state.problem_index, state.no_problem) != self._shown_problems:
            self._shown_problems = (id(state.problems), state.problem_index, state.no_problem)
            panel = self.problem_panel
            if state.problems:
                panel.show_problems(state.problems, state.problem_index)
            elif state.no_problem is not None:
                panel.show_no_problem(state.no_problem, state.resolved if state.applied is not None else [])
        if len(state.problems) > 1:
            self.problem_panel.show_marks(state.failure_marks())
        # all tests pass, or the session stopped before a failure was found: the message alone, full width
        result_only = state.all_pass or (state.fatal is not None and not state.problems)
        if result_only != self._all_pass_shown:
            self._all_pass_shown = result_only
            self.screen_stack[0].set_class(result_only, "-result-only")
            self.refresh_bindings()
        if state.context is not self._shown_context and state.context is not None and not state.all_pass:
            self._shown_context = state.context
            self.context_panel.show(state.context)
        streamed = self._sync_stream()
        self._follow_solo()
        self._refresh_thinking_title(now)
        self._refresh_patch()
        self._refresh_candidates(now, counters=not streamed)
        self._refresh_status(now, counters=not streamed)

    def _tick_counters(self) -> None:
        self._refresh_candidates(self.clock())
        self._refresh_status(self.clock())

    def _refresh_candidates(self, now: float, counters: bool = True) -> None:
        """The strip of the shown attempt's candidates (hidden for one candidate)."""
        shown = chips(self.state.attempts, self.state.current)
        if bool(shown) != self.candidates_box.display:
            self.candidates_box.display = bool(shown)
        if shown:
            self.candidates_strip.show(shown, now, counters)

    def _sync_stream(self) -> bool:
        """Show what the current attempt streamed since the last flush; True when something was added."""
        view = self.state.current
        thinking = self.thinking_panel
        answer = self.answer_panel
        if view is not self._shown_view:
            self._shown_view = view
            self._shown_counts = (len(view.thinking), len(view.answer)) if view else (0, 0)
            self._shown_finished = view is None or view.finished
            thinking.log_widget.clear()
            thinking.log_widget.append("".join(view.thinking) if view else "")
            answer.reset("".join(view.answer) if view else "", live=not self._shown_finished)
            answer.set_head(f"You asked: {view.question}" if view and view.question else "")
            # open while the model thinks; folded once the answer starts or when there is nothing
            thinking.collapsed = view is None or not view.thinking or view.answer_started
            return True
        if view is None:
            return False
        n_think, n_answer = self._shown_counts
        self._shown_counts = (len(view.thinking), len(view.answer))
        if len(view.thinking) > n_think:
            if n_think == 0 and not view.answer_started and self._user_toggled is not view:
                thinking.collapsed = False
            thinking.log_widget.append("".join(view.thinking[n_think:]))
        if len(view.answer) > n_answer:
            if n_answer == 0 and self._user_toggled is not view:
                thinking.collapsed = True  # the answer started: fold the thought away
            answer.append("".join(view.answer[n_answer:len(view.answer)]))
        if view.finished and not self._shown_finished:
            self._shown_finished = True
            answer.finish()
        return self._shown_counts != (n_think, n_answer)

    def _refresh_thinking_title(self, now: float) -> None:
        view = self.state.current
        counting = view is not None and bool(view.thinking) and not (view.answer_started or view.finished)
        self.thinking_panel.show_title(thinking_title(self.state, now), counting, now)

    def _refresh_patch(self) -> None:
        view = self.state.current
        sig = (id(view), len(self.state.attempts), self.side_by_side, self.patch_panel.size.width) + (
            (view.diff is not None, view.verify, view.rejected, view.finished, view.applied, view.cancelled)
            if view else ()
        )
        if sig != self._patch_sig:
            self._patch_sig = sig
            self.patch_panel.show(view, self.state.selected, len(self.state.attempts), self.side_by_side)

    def _live_tps(self, now: float) -> float | None:
        return live_tps(self.state, now)

    def _refresh_status(self, now: float, counters: bool = True) -> None:
        self.status_bar.show_state(self.state, self.model_label, lambda: self._live_tps(now), now, counters)

    def flush_now(self) -> Any:
        """Fold pending events in immediately (tests)."""
        return self.flush()

    # --- messages from panels --------------------------------------------------
    def on_problem_panel_failure_selected(self, message: ProblemPanel.FailureSelected) -> None:
        index = message.index
        if self._call("select", lambda s: s.select_problem(index)):
            self.state.select_problem(index)

    def on_context_panel_files_changed(self, message: ContextPanel.FilesChanged) -> None:
        include, exclude = message.include, message.exclude
        self._call("context", lambda s: s.set_context_files(include, exclude))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "followup":
            return
        text = event.value.strip()
        if not text:
            return
        if self._call("ask", lambda s: s.ask(text)):
            event.input.value = ""
            self.state.begin_followup(text)
            self.set_focus(None)  # the keys work again; f returns to the input

    def on_thinking_panel_user_toggled(self, message: ThinkingPanel.UserToggled) -> None:
        self._user_toggled = self.state.current

    def on_unmount(self) -> None:
        """However the app ends, stop what runs in the engine (q also waits and closes)."""
        if self.busy and self.session is not None:
            self.session.cancel()
