"""RdebugApp: renders a DebugSession's event stream and owns keys and layout (no engine logic).

The app is its widgets and layout (here) and three mixins, one a job: ``EngineLink`` (engine.py) runs the
engine's calls in a worker thread and folds their events into the state; ``PanelRefresh`` (refresh.py) brings
the panels up to date with the state; ``UserActions`` (actions.py) does what the keys and the panels ask.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from rdebug.errors import ExitCode
from rdebug_tui.actions import UserActions
from rdebug_tui.engine import EngineLink, Session
from rdebug_tui.keys import BINDINGS, PANELS, check_keymap
from rdebug_tui.refresh import PanelRefresh, new_shown
from rdebug_tui.state import AttemptView, UiState
from rdebug_tui.stream import EventBuffer
from rdebug_tui.styles import CSS
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.candidate_strip import CandidatesStrip
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.error_line import ErrorLine
from rdebug_tui.widgets.layout import Column, MainScreen, Row
from rdebug_tui.widgets.markdown_log import preload as preload_markdown
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.problem import ProblemPanel
from rdebug_tui.widgets.statusbar import LIVE_COUNTER_S, KeyFooter, StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel

NARROW = 80  # columns below which one panel shows at a time
SHORT = 24  # rows below which one panel shows at a time


class RdebugApp(UserActions, EngineLink, PanelRefresh, App[int]):
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
        self.showing = new_shown()  # what each panel shows (refresh.py): it re-renders when that changes
        self._user_toggled: AttemptView | None = None  # the view whose thinking the user folded
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
        self.error_line = ErrorLine(id="error-line")
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

    def on_unmount(self) -> None:
        """However the app ends, stop what runs in the engine (q also waits and closes)."""
        if self.busy and self.session is not None:
            self.session.cancel()
