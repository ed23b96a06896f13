"""The panels, brought up to date with the state after each flush: each re-renders only when what it shows changed.

One ``Shown`` keeps, per panel, the signature it was rendered from: plain values (numbers, strings, flags) compare
by value, objects (an attempt view, a context, the list of failures) by identity. The state mutates its views in
place, so the fields of a view that a panel shows are in its signature too.
"""

from __future__ import annotations

from rdebug_tui.candidate_views import chips, live_tps
from rdebug_tui.widgets.thinking import thinking_title


def _same(a: object, b: object) -> bool:
    """Plain values (numbers, strings, flags) compare by value; anything else (a view, a context) by identity."""
    return a is b or (type(a) is type(b) and isinstance(a, (int, float, str)) and a == b)


class Shown(dict):
    """What each panel shows, by name: the signature it was last rendered from."""

    def changed(self, name: str, *signature: object) -> bool:
        """Whether ``signature`` differs from what ``name`` shows (it is remembered as shown)."""
        old = self.get(name)
        if old is not None and len(old) == len(signature) and all(map(_same, old, signature)):
            return False
        self[name] = signature
        return True


def new_shown() -> Shown:
    """Nothing shown yet: no attempt streamed (its end out, as for a finished one), the full layout."""
    return Shown(stream=(None, 0, 0, True), result_only=(False,))


class PanelRefresh:
    """Mixed into RdebugApp (uses its state, panels, ``showing`` and ``_follow_solo``)."""

    async def _sync(self, now: float) -> None:
        state, panel = self.state, self.problem_panel
        if self.showing.changed("problems", state.problems, state.problem_index, state.no_problem):
            if state.problems:
                panel.show_problems(state.problems, state.problem_index)
            elif state.no_problem is not None:
                panel.show_no_problem(state.no_problem, state.resolved if state.applied is not None else [])
        if len(state.problems) > 1:
            panel.show_marks(state.failure_marks())
        # all tests pass, or the session stopped before a failure was found: the message alone, full width
        result_only = state.all_pass or (state.fatal is not None and not state.problems)
        if self.showing.changed("result_only", result_only):
            self.screen_stack[0].set_class(result_only, "-result-only")
            self.refresh_bindings()
        if state.context is not None and not state.all_pass and self.showing.changed("context", state.context):
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
        """Show what the current attempt streamed since the last flush; True when something was added.

        ``showing["stream"]``: the view shown, how many of its thinking and answer deltas are out, and whether
        its end is out (what the answer held back, flushed)."""
        view = self.state.current
        thinking, answer = self.thinking_panel, self.answer_panel
        counts = (len(view.thinking), len(view.answer)) if view is not None else (0, 0)
        shown, n_think, n_answer, ended = self.showing["stream"]
        if view is not shown:
            ended = view is None or view.finished
            self.showing["stream"] = (view, *counts, ended)
            thinking.log_widget.clear()
            thinking.log_widget.append("".join(view.thinking) if view else "")
            answer.reset("".join(view.answer) if view else "", live=not ended)
            answer.set_head(f"You asked: {view.question}" if view and view.question else "")
            # open while the model thinks; folded once the answer starts or when there is nothing
            thinking.collapsed = view is None or not view.thinking or view.answer_started
            return True
        if view is None:
            return False
        self.showing["stream"] = (view, *counts, ended or view.finished)
        if counts[0] > n_think:
            if n_think == 0 and not view.answer_started and self._user_toggled is not view:
                thinking.collapsed = False
            thinking.log_widget.append("".join(view.thinking[n_think:]))
        if counts[1] > n_answer:
            if n_answer == 0 and self._user_toggled is not view:
                thinking.collapsed = True  # the answer started: fold the thought away
            answer.append("".join(view.answer[n_answer:counts[1]]))
        if view.finished and not ended:
            answer.finish()
        return counts != (n_think, n_answer)

    def _refresh_thinking_title(self, now: float) -> None:
        view = self.state.current
        counting = view is not None and bool(view.thinking) and not (view.answer_started or view.finished)
        self.thinking_panel.show_title(thinking_title(self.state, now), counting, now)

    def _refresh_patch(self) -> None:
        view, state = self.state.current, self.state
        signature = (view, len(state.attempts), self.side_by_side, self.patch_panel.size.width)
        if view is not None:
            signature += (view.diff is not None, view.verify, view.rejected, view.finished, view.applied,
                          view.cancelled)
        if self.showing.changed("patch", *signature):
            self.patch_panel.show(view, state.selected, len(state.attempts), self.side_by_side)

    def _live_tps(self, now: float) -> float | None:
        return live_tps(self.state, now)

    def _refresh_status(self, now: float, counters: bool = True) -> None:
        self.status_bar.show_state(self.state, self.model_label, lambda: self._live_tps(now), now, counters)
