"""What the user asks for: the app's key actions (bindings in keys.py) and the panels' messages, passed on to
the state, the panels and the engine."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from rdebug_tui.keys import PANELS, help_rows
from rdebug_tui.screens import ConfirmScreen, HelpScreen
from rdebug_tui.widgets.context import ContextPanel
from rdebug_tui.widgets.problem import ProblemPanel
from rdebug_tui.widgets.statusbar import effective_budget
from rdebug_tui.widgets.thinking import ThinkingPanel


ATTEMPT_ACTIONS = {"apply", "next_attempt", "prev_attempt", "toggle_diff", "toggle_thinking", "thinking_mode",
                   "budget"}


class UserActions:
    """Mixed into RdebugApp (uses its state, panels, ``_call`` and ``_refresh_*``)."""

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

    # --- keys -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Only the keys that make sense: when all tests pass (or the session stopped), no attempt keys."""
        state = self.state
        if action in ATTEMPT_ACTIONS and (state.all_pass or state.fatal is not None):
            return False
        if action == "undo" and (state.all_pass or state.fatal is not None) and state.applied is None:
            return False
        if action in ("rerun", "focus_followup") and state.fatal is not None:
            return False
        return True

    def action_panel(self, index: int) -> None:
        """Focus panel ``index`` (1-5); on a small terminal, show it alone."""
        if self.screen is not self.screen_stack[0]:  # a dialog is open
            return
        self.solo, self.solo_chosen = index, True
        self._update_narrow(self.size.width)
        name = PANELS[index]
        if name == "problem":
            if not self.problem_panel.focus_failures():
                self.problem_panel.focus()
        elif name == "context":
            self.context_panel.query_one("#snippets").focus()
        elif name == "thinking":
            self.thinking_panel.collapsed = False
            self._user_toggled = self.state.current
            self.call_after_refresh(self.thinking_panel.log_widget.focus)  # once unfolded: focusable
        elif name == "answer":
            self.answer_panel.markdown.focus()
        else:
            self.patch_panel.focus()

    def action_toggle_thinking(self) -> None:
        panel = self.thinking_panel
        panel.collapsed = not panel.collapsed
        self._user_toggled = self.state.current

    def action_thinking_mode(self) -> None:
        self.state.thinking_on = not self.state.thinking_effective
        self.notify(f"thinking {'on' if self.state.thinking_on else 'off'} for the next request", timeout=3)
        self._refresh_status(self.clock())

    def action_budget(self, step: int) -> None:
        self.state.bump_budget(step)
        budget = effective_budget(self.state)
        self.notify(f"thinking budget: {'unlimited' if budget == '∞' else budget} tokens", timeout=3)
        self._refresh_status(self.clock())

    def _select(self, step: int) -> None:
        if not self.state.select(step):
            self.notify("no more attempts" if self.state.attempts else "no attempt yet", timeout=2)

    def action_next_attempt(self) -> None:
        self._select(1)

    def action_prev_attempt(self) -> None:
        self._select(-1)

    def action_toggle_diff(self) -> None:
        self.side_by_side = not self.side_by_side
        self._refresh_patch()

    def action_focus_followup(self) -> None:
        self.followup.focus()

    def action_rerun(self) -> None:
        self._call("rerun", lambda s: s.rerun())

    def action_apply(self) -> None:
        view = self.state.current
        if view is None or not view.diff or view.attempt is None:
            self.notify("no patch to apply in this attempt", severity="warning")
            return
        if view.applied:
            self.notify(f"{view.label}'s patch is applied already (u undoes it)", timeout=4)
            return
        if self.busy:
            self.notify(f"busy ({self.busy}); wait or press escape first", severity="warning")
            return
        index = self.state.apply_index(view)
        if view.edits_tests and getattr(self, "_armed_test_edit", None) is not view:
            self._armed_test_edit = view  # a patch that edits tests: `a` once more to apply it
            self.notify(f"{view.label}'s patch edits tests ({', '.join(view.edits_tests)}). "
                        "Press a again to apply it anyway.", severity="warning", timeout=6)
            return
        self._armed_test_edit = None
        if view.verify == "verified" or (view.edits_tests and view.tests_pass):
            self._apply(view, index)
            return
        state = "failed verification" if view.verify == "failed" else "is not verified"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._apply(view, index)

        self.push_screen(ConfirmScreen(f"{view.label}'s patch {state}. Apply it to your files anyway?\n"
                                       "(u undoes an apply)"), confirmed)

    def _apply(self, view, index: int) -> None:
        if self._call("apply", lambda s: iter([s.apply(index)])):
            self.state.pending_apply = view

    def action_undo(self) -> None:
        self._call("undo", lambda s: iter([s.undo()]))

    def action_cancel(self) -> None:
        if self.busy and self.session is not None:
            self.session.cancel()
            self.notify("cancelling…", timeout=2)
        elif isinstance(self.focused, Input):
            self.set_focus(None)
        else:
            self.dismiss_error_line()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_rows(self._keymap)))

    async def action_quit(self) -> None:
        """Cancel what runs, wait briefly for it to stop, close the session, exit."""
        if self.session is not None:
            if self.busy:
                self.session.cancel()
            workers = [w for w in self.workers if w.group == "engine" and not w.is_finished]
            if workers:
                try:
                    await asyncio.wait_for(asyncio.gather(*(w.wait() for w in workers)), timeout=10)
                except Exception:  # noqa: BLE001 - quitting anyway
                    pass
            try:
                self.session.close()
            except Exception:  # noqa: BLE001
                pass
        self.exit(self.exit_code, return_code=self.exit_code)
