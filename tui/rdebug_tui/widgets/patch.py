"""The patch panel: the proposed diff (unified or side by side) and its verification state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.containers import VerticalScroll
from textual.widgets import Static

from rdebug_tui.diffview import render_side_by_side, render_unified
from rdebug_tui.state import AttemptView


def verify_line(view: AttemptView) -> Text:
    if view.applied:
        return Text("✓ applied to your files · u undoes", style="bold green")
    if view.cancelled and not view.diff:
        return Text("cancelled: no patch (f asks again)", style="yellow")
    if view.rejected and not view.diff and view.rejected.startswith("stopped:"):
        return Text(view.rejected, style="yellow")  # "stopped: the search found a verified fix"
    if view.rejected and not view.diff:
        return Text(f"✗ no usable patch: {view.rejected}", style="bold yellow")
    if view.verify == "verifying":
        return Text(f"⟳ verifying… running {' '.join(view.verify_command)}", style="bold cyan")
    if view.verify == "verified":
        text = Text("✓ verified: the failing test now passes (a applies it)", style="bold green")
        if "failing test only" in view.reason:  # the project has no other tests (a search fix's caveat)
            text.append(f"\n  {view.reason}", style="yellow")
        if view.difference:  # several fixes pass: where they differ
            text.append(f"\n  {view.difference}", style="yellow")
        return text
    if view.resampled and view.verify == "none" and not view.diff:
        return Text(f"↻ {view.resampled}", style="dim")
    edited = ", ".join(view.edits_tests)
    if view.verify == "failed" and view.edits_tests and view.tests_pass:
        return Text(f"⚠ edits tests ({edited}): the tests pass only with edited tests, so it is not verified "
                    "(a, then a again, applies it)", style="bold yellow")
    if view.verify == "verifying" and view.cancelled or view.verify == "failed" and view.reason == "cancelled":
        return Text("verification cancelled: not verified", style="yellow")
    if view.verify == "failed":
        text = Text("✗ failed: the test still fails with this patch", style="bold red")
        if view.reason:
            text.append(f"\n  {view.reason}", style="red")
        elif view.regressions:
            text.append(f"\n  regressions: {', '.join(view.regressions)}", style="red")
        return text
    if view.diff and view.edits_tests:
        return Text(f"proposed, not verified; edits tests ({edited})", style="yellow")
    if view.diff:
        return Text("proposed, not verified", style="yellow")
    if view.finished:
        return Text("no patch in this reply", style="dim")
    return Text("waiting for the model…", style="dim")


def side_by_side_fits(diff: str, width: int) -> bool:
    """Whether each side of a side-by-side view has room for the diff's lines (else unified is shown)."""
    longest = max((len(line) - 1 for line in diff.splitlines() if line[:1] in " +-" and line[:3] not in ("+++", "---")),
                  default=0)
    side = (width - 4 - 12) // 2  # borders and padding, two line-number columns, the gaps
    return side >= min(longest, 80) and side >= 24


def patch_title(label: str, index: int, total: int, mode: str, width: int) -> str:
    """The panel's title, fitted to ``width`` columns: the key hints stay. What goes first: the "Patch" prefix,
    then the mode's reason, then the mode; a long label is cut with an ellipsis last."""
    keys = (" · n/p" if total > 1 else "") + " · d"
    room = max(10, width - 4)  # the border's corners and the title's padding
    plain = mode.split(" (")[0]
    tail = ""
    for prefix, shown in (("Patch · ", mode), ("", mode), ("", plain), ("", "")):
        tail = f" ({index + 1}/{total})" + (f" · {shown}" if shown else "") + keys
        if len(prefix + label + tail) <= room:
            return prefix + label + tail
    cut = max(1, room - len(tail) - 1)
    return (label[:cut] + "…" if len(label) > cut else label) + tail


class PatchPanel(VerticalScroll, can_focus=True):
    def compose(self) -> ComposeResult:
        yield Static("", id="patch-verify")
        yield Static("", id="patch-diff")
        yield Static("", id="patch-output")

    def on_mount(self) -> None:
        self.border_title = "Patch"

    def show(self, view: AttemptView | None, index: int, total: int, side_by_side: bool) -> None:
        try:
            self._show(view, index, total, side_by_side)
        except NoMatches:  # shown before its children mounted (a busy machine): once they are
            self.call_after_refresh(self.show, view, index, total, side_by_side)

    def _show(self, view: AttemptView | None, index: int, total: int, side_by_side: bool) -> None:
        if view is None:
            self.border_title = "Patch"
            self.query_one("#patch-verify", Static).update(Text("no attempt yet", style="dim"))
            self.query_one("#patch-diff", Static).update("")
            self.query_one("#patch-output", Static).update("")
            return
        fits = side_by_side and view.diff is not None and side_by_side_fits(view.diff, self.size.width)
        mode = "side by side" if fits else "unified (too narrow)" if side_by_side else "unified"
        self.border_title = patch_title(view.label, index, total, mode, self.size.width)
        self.query_one("#patch-verify", Static).update(verify_line(view))
        diff = self.query_one("#patch-diff", Static)
        if view.diff:
            diff.update(render_side_by_side(view.diff) if fits else render_unified(view.diff))
        else:
            diff.update("")
        output = self.query_one("#patch-output", Static)
        if view.verify == "failed" and view.output_tail:
            output.update(Text("test output:\n" + view.output_tail.rstrip(), style="dim"))
        else:
            output.update("")
