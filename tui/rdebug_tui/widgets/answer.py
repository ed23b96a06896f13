"""The answer panel: the model's reply as Markdown, streamed in buffered fragments.

The document is a :class:`MarkdownLog`: each flush renders only the block still being written, so a
growing answer costs the UI (and the model sharing its cores) the same per flush from start to end.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from rdebug_tui.answer_text import FenceEditBlocks
from rdebug_tui.widgets.markdown_log import MarkdownLog


class AnswerPanel(Vertical):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fence = FenceEditBlocks()

    def compose(self) -> ComposeResult:
        yield Static("", id="answer-head")
        yield MarkdownLog(id="answer-md")

    def on_mount(self) -> None:
        self.border_title = "Answer"
        self.query_one("#answer-head").display = False

    @property
    def markdown(self) -> MarkdownLog:
        """The document."""
        return self.query_one("#answer-md", MarkdownLog)

    def set_head(self, text: str) -> None:
        head = self.query_one("#answer-head", Static)
        head.update(text)
        head.display = bool(text)

    def reset(self, text: str, live: bool) -> None:
        """Replace the document (another attempt selected); a live one follows its end."""
        self._fence = FenceEditBlocks()
        self.markdown.update(self._fence.feed(text) + ("" if live else self._fence.flush()))
        if live:
            self.markdown.scroll_end(animate=False, immediate=True, x_axis=False)

    def append(self, fragment: str) -> None:
        self.markdown.append(self._fence.feed(fragment))

    def finish(self) -> None:
        """The stream ended: show what the fence transformer still held back."""
        self.markdown.append(self._fence.flush())
