"""The answer panel: the model's reply as Markdown, streamed in buffered fragments."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from rdebug_tui.answer_text import FenceEditBlocks


class AnswerPanel(VerticalScroll):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._stream: MarkdownStream | None = None
        self._fence = FenceEditBlocks()

    def compose(self) -> ComposeResult:
        yield Static("", id="answer-head")
        yield Markdown("", id="answer-md")

    def on_mount(self) -> None:
        self.border_title = "Answer"
        self.query_one("#answer-head").display = False

    @property
    def markdown(self) -> Markdown:
        return self.query_one("#answer-md", Markdown)

    def set_head(self, text: str) -> None:
        head = self.query_one("#answer-head", Static)
        head.update(text)
        head.display = bool(text)

    async def stop_stream(self) -> None:
        """End the live stream (its last fragments are written first)."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.stop()

    async def reset(self, text: str, live: bool) -> None:
        """Replace the document (another attempt selected); a live one stays scrolled to its end."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        # a fresh widget: Markdown.update() racing a stream's pending append can duplicate blocks
        await self.markdown.remove()
        self._fence = FenceEditBlocks()
        shown = self._fence.feed(text) + ("" if live else self._fence.flush())
        await self.mount(Markdown(shown, id="answer-md"))
        self.anchor(live)
        if not live:
            self.scroll_home(animate=False, immediate=True)

    async def append(self, fragment: str) -> None:
        fragment = self._fence.feed(fragment)
        if not fragment:
            return
        if self._stream is None:
            self._stream = Markdown.get_stream(self.markdown)
        await self._stream.write(fragment)  # anchored: follows the end until the user scrolls up
