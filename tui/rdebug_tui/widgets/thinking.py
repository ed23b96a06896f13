"""The thinking panel: a collapsible, muted log that streams the model's reasoning."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import Collapsible, Log
from textual.widgets._collapsible import CollapsibleTitle

from rdebug_tui.widgets.growing import GrowsWithoutLayout
from rdebug_tui.widgets.statusbar import LIVE_COUNTER_S


class WrapLog(GrowsWithoutLayout, Log, can_focus=True):
    """A ``Log`` that word-wraps as it appends: each write costs O(chunk), never a re-render.

    The raw text is kept, so a resize re-wraps everything once (debounced), not per token.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(auto_scroll=True, **kwargs)
        self._col = 0
        self._raw: list[str] = []
        self._wrapped_at = 0  # the width the current lines were wrapped for
        self._guessed = False  # ... a guess: the log had no size yet (its panel folded since the start)

    def _wrap_width(self) -> tuple[int, bool]:
        """(the width to wrap for, whether it is a guess). The scrollbar's gutter is kept (CSS:
        scrollbar-gutter: stable), so the width holds once the text is long enough to scroll."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return max(20, self.app.size.width * 3 // 5 - 1), True
        return max(20, width - 1), False

    def clear(self) -> "WrapLog":
        self._col = 0
        self._raw = []
        return super().clear()

    @property
    def text(self) -> str:
        """Everything appended since the last clear, unwrapped."""
        return "".join(self._raw)

    def on_resize(self) -> None:
        if self._raw and self._wrap_width()[0] != self._wrapped_at:
            if self._guessed:  # the first real size: no drag to wait for
                self.rewrap()
            else:
                self.rewrap_soon(self.rewrap)

    def on_show(self) -> None:
        """Shown again (the panel unfolded): text appended while it was folded may have been wrapped for
        another width, and an unfolded panel of the same size gets no resize."""
        self.call_after_refresh(self.on_resize)

    def rewrap(self) -> None:
        """Wrap the whole text again for the current width."""
        if self._wrap_width()[0] == self._wrapped_at:
            return
        raw = self.text
        self.clear()
        self.append(raw)

    def append(self, text: str) -> None:
        self._raw.append(text)
        if len(self._raw) == 1:
            self._wrapped_at, self._guessed = self._wrap_width()
        # the lines already out were wrapped for _wrapped_at: text appended between a resize and its
        # re-wrap is wrapped the same way, so the re-wrap still sees the change (and no word splits)
        width = self._wrapped_at
        out: list[str] = []
        col = self._col
        for piece in _pieces(text):
            if piece == "\n":
                out.append(piece)
                col = 0
                continue
            if col + len(piece.rstrip()) > width and col > 0:
                out.append("\n")
                col = 0
                piece = piece.lstrip(" ")
            while len(piece) > width:  # a single overlong word
                out.append(piece[:width] + "\n")
                piece = piece[width:]
            out.append(piece)
            col += len(piece)
        self._col = col
        # follow the end only when there already: a reader who scrolled up (Home, PgUp, wheel) stays put
        self.write("".join(out), scroll_end=self.is_vertical_scroll_end)


def _pieces(text: str) -> list[str]:
    """Words with their trailing spaces, and newlines on their own."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if ch == "\n":
            if cur:
                out.append(cur)
            out.append("\n")
            cur = ""
        elif ch == " " and cur and not cur.endswith(" "):
            cur += ch
        elif cur.endswith(" ") and ch != " ":
            out.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def thinking_title(state, now: float) -> str:
    """The panel's one-line summary: off, waiting, live tokens and speed, or how long it thought."""
    view = state.current
    if not state.thinking_effective and (view is None or not view.thinking):
        return "Thinking off (m turns it on)"
    if view is None or not view.thinking:
        return "No thinking in this reply" if view and (view.answer_started or view.finished) else "Thinking"
    if view.cancelled:
        return f"Cancelled after {view.thought_seconds(now):.1f} s · {view.thinking_tokens} tokens"
    if view.answer_started or view.finished:
        return f"Thought for {view.thought_seconds(now):.1f} s · {view.thinking_tokens} tokens"
    tps = view.tokens_per_s(now)
    speed = f" · {tps:.1f} tok/s" if tps is not None else ""
    return f"Thinking… {view.thinking_tokens} tokens{speed} · {view.thought_seconds(now):.1f} s"


class LiveTitle(CollapsibleTitle):
    """A title of fixed size (one line, the panel's width): a new label repaints only the title."""

    DEFAULT_CSS = "LiveTitle { width: 1fr; height: 1; }"

    def _update_label(self) -> None:
        symbol = self.collapsed_symbol if self.collapsed else self.expanded_symbol
        self.update(Content.assemble(symbol, " ", self.label), layout=False)


class ThinkingPanel(Collapsible):
    """Title shows tokens, tok/s and elapsed; ``t`` or a click on the title toggles it."""

    class UserToggled(Message):
        """The user clicked the title (or pressed enter on it): stop folding it automatically."""

    def __init__(self, **kwargs) -> None:
        # folded until thinking arrives: no expanded -> folded -> expanded jump while the model loads
        super().__init__(WrapLog(id="thinking-log"), title="Thinking", collapsed=True, **kwargs)
        self._title = LiveTitle(label="Thinking", collapsed_symbol=self._title.collapsed_symbol,
                                expanded_symbol=self._title.expanded_symbol, collapsed=True)
        self._title_at = float("-inf")

    def _on_collapsible_title_toggle(self, event: CollapsibleTitle.Toggle) -> None:
        # Textual also runs Collapsible's handler, which does the toggling
        self.post_message(self.UserToggled())

    def show_title(self, title: str, counting: bool, now: float) -> None:
        """A new title; while it counts live tokens and seconds, at most every LIVE_COUNTER_S."""
        if self.title != title and (not counting or now - self._title_at >= LIVE_COUNTER_S):
            # only the title line repaints (setting ``title`` repaints the whole panel)
            self.set_reactive(Collapsible.title, title)
            self._title.label = title
            self._title_at = now

    @property
    def log_widget(self) -> WrapLog:
        return self.query_one("#thinking-log", WrapLog)
