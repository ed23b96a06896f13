"""The candidates strip: one line, each candidate of the shown round with its state, the shown one marked.

It lives in a box of its own (app.py): a new state repaints the strip alone, and its token counters
repaint on the app's counter tick, not with each streamed flush (see widgets/layout.py).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from rdebug_tui.candidate_views import Chip
from rdebug_tui.widgets.statusbar import LIVE_COUNTER_S

STYLES = {"verified": "bold green", "failed": "red", "rejected": "yellow", "verifying": "bold cyan",
          "decoding": "", "parsing": "cyan", "proposed": "yellow", "stopped": "dim", "cancelled": "dim"}
# the states as words, shorter, and as a mark: the longest that fits the width is shown
LONG = {"verified": "✓ verified", "failed": "✗ failed", "decoding": "decoding {n} tok"}
SHORT = {"verified": "✓ ok", "failed": "✗ fail", "rejected": "rej", "verifying": "verif", "decoding": "{n}t",
         "parsing": "pars", "proposed": "prop", "stopped": "stop", "cancelled": "canc"}
MARK = {"verified": "✓", "failed": "✗", "rejected": "–", "verifying": "⟳", "decoding": "…", "parsing": "…",
        "proposed": "?", "stopped": "·", "cancelled": "·"}


def _word(chip: Chip, level: int) -> str:
    table = (LONG, SHORT, MARK)[level]
    return table.get(chip.state, chip.state).format(n=chip.tokens)


def strip_text(chips: list[Chip], width: int) -> Text:
    """The strip's line for ``width`` columns: full words, else short ones, else marks."""
    for level, (head, gap) in enumerate((("candidates (n/p) ", "  "), ("cand. ", " "), ("", ""))):
        words = [f"{c.number} {_word(c, level)}" for c in chips]
        if level == 2 or len(head) + sum(len(w) + 2 for w in words) + len(gap) * (len(words) - 1) <= width:
            break
    text = Text(head, style="dim", no_wrap=True, overflow="ellipsis")
    for i, (chip, word) in enumerate(zip(chips, words)):
        if i:
            text.append(gap)
        style = STYLES.get(chip.state, "")
        text.append(f" {word} ", style=f"{style} reverse".strip() if chip.shown else style)
    return text


class CandidatesStrip(Widget):
    """One line of fixed size; ``show`` repaints it only when what it says changed."""

    DEFAULT_CSS = "CandidatesStrip { height: 1; width: 1fr; padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chips: list[Chip] = []
        self._key: tuple = ()
        self._at = float("-inf")

    def show(self, chips: list[Chip], now: float, counters: bool = True) -> None:
        """New states show at once; new token counts at most every LIVE_COUNTER_S, and only if ``counters``."""
        if chips == self.chips:
            return
        key = tuple((c.number, c.state, c.shown) for c in chips)
        if key == self._key and (not counters or now - self._at < LIVE_COUNTER_S):
            return
        self.chips, self._key, self._at = chips, key, now
        self.refresh()

    def render(self) -> Text:
        return strip_text(self.chips, self.content_size.width)
