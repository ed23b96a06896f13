"""What keeps a streaming update cheap: the layout around the streaming logs, and the status bar's timing.

Textual renders, at each screen update, every widget whose clip overlaps the changed lines, whole
(see rdebug_tui/widgets/layout.py). These tests pin the layout that keeps that to blank boxes.
"""

from __future__ import annotations

from textual.app import App

from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.statusbar import LIVE_COUNTER_S, StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel
from rdebug_tui.state import UiState

from tui_helpers import SIZE, make_app, run


def test_streaming_panels_have_only_blank_containers_around_them(repo):
    app, _ = make_app(repo, [])

    async def go():
        async with app.run_test(size=SIZE):
            for panel in (app.query_one(AnswerPanel), app.query_one(ThinkingPanel)):
                node = panel
                while node is not app.screen:
                    parent = node.parent
                    others = [w for w in parent.children if w is not node and w.display]
                    heavy = [w for w in others if not w.BLANK]
                    assert not heavy, f"{panel.id}: {parent} has siblings drawn at each update: {heavy}"
                    assert parent.BLANK, f"{panel.id}: {parent} is drawn at each update"
                    node = parent

    run(go())


class BarApp(App):
    """A status bar alone: nothing else (the rdebug app's own counter tick) repaints it."""

    def compose(self):
        yield StatusBar()


def test_status_counters_wait_for_their_own_tick():
    app = BarApp()

    async def go():
        async with app.run_test(size=SIZE):
            bar = app.query_one(StatusBar)
            state = UiState()
            speeds = iter([10.0, 11.0, 12.0])
            bar.show_state(state, "m", lambda: next(speeds), now=0.0)
            shown = str(bar.render())
            assert "10.0 tok/s" in shown
            # a flush that streamed text leaves the speed alone, even when it is due
            bar.show_state(state, "m", lambda: next(speeds), now=LIVE_COUNTER_S * 2, counters=False)
            assert str(bar.render()) == shown
            # a change of state still shows at once
            state.status = "verifying"
            bar.show_state(state, "m", lambda: 11.0, now=LIVE_COUNTER_S * 2, counters=False)
            assert "verifying" in str(bar.render())

    run(go())
