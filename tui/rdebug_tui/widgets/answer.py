"""The answer panel: the model's reply as Markdown, streamed in buffered fragments.

The Markdown widget (and markdown-it behind it) is mounted with the first answer, not at launch: its
import is a tenth of a second of the first frame, which shows no answer yet. ``preload()`` imports it
in the background once the first frame is up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from rdebug_tui.answer_text import FenceEditBlocks

if TYPE_CHECKING:
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownStream


def preload() -> None:
    """Import the Markdown widget off the UI thread, so the first answer does not wait for it."""
    import threading

    def load() -> None:
        import textual.widgets._markdown  # noqa: F401

    threading.Thread(target=load, name="rdebug-preload-markdown", daemon=True).start()


class AnswerPanel(VerticalScroll):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._stream: MarkdownStream | None = None
        self._md: Markdown | None = None
        self._fence = FenceEditBlocks()

    def compose(self) -> ComposeResult:
        yield Static("", id="answer-head")

    def on_mount(self) -> None:
        self.border_title = "Answer"
        self.query_one("#answer-head").display = False

    @property
    def markdown(self) -> Markdown | None:
        """The document, once an answer has been shown."""
        return self._md

    def set_head(self, text: str) -> None:
        head = self.query_one("#answer-head", Static)
        head.update(text)
        head.display = bool(text)

    async def _mount_markdown(self, text: str) -> Markdown:
        from textual.widgets import Markdown

        self._md = Markdown(text, id="answer-md")
        await self.mount(self._md)
        return self._md

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
        if self._md is not None:
            await self._md.remove()
            self._md = None
        self._fence = FenceEditBlocks()
        shown = self._fence.feed(text) + ("" if live else self._fence.flush())
        if shown or live:
            await self._mount_markdown(shown)
        self.anchor(live)
        if not live:
            self.scroll_home(animate=False, immediate=True)

    async def append(self, fragment: str) -> None:
        fragment = self._fence.feed(fragment)
        if not fragment:
            return
        if self._stream is None:
            from textual.widgets import Markdown

            markdown = self._md or await self._mount_markdown("")
            self._stream = Markdown.get_stream(markdown)
        await self._stream.write(fragment)  # anchored: follows the end until the user scrolls up
