"""MarkdownLog: Markdown that streams cheaply, rendered to lines (Rich's renderer, Textual's line API).

A finished block (up to a blank line outside a code fence) is rendered once and kept as lines; each
append renders only the open block again. Nothing is mounted and no layout pass of the screen runs
per append: the cost of a flush stays flat as the answer grows, and the model keeps the cores.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rdebug_tui.widgets.growing import GrowsWithoutLayout

_MARKDOWN = None


def markdown_class():
    """Rich's Markdown with left headings and one shared parser (imported on first use: ~70 ms)."""
    global _MARKDOWN
    if _MARKDOWN is not None:
        return _MARKDOWN
    from markdown_it import MarkdownIt
    from rich import box
    from rich.markdown import Heading, Markdown
    from rich.panel import Panel

    class _Heading(Heading):
        """Flush left (Rich centres headings), h1 boxed; MarkdownLog spaces the blocks."""

        def __rich_console__(self, console, options):
            text = self.text
            text.justify = "left"
            yield Panel(text, box=box.HEAVY, style="markdown.h1.border", expand=False) if self.tag == "h1" else text

    parser = MarkdownIt().enable("strikethrough").enable("table")  # building one costs ~1 ms

    class _Markdown(Markdown):
        elements = {**Markdown.elements, "heading_open": _Heading}

        def __init__(self, markup: str, code_theme: str) -> None:
            self.markup, self.parsed = markup, parser.parse(markup)
            self.code_theme = self.inline_code_theme = code_theme
            self.justify, self.style, self.hyperlinks, self.inline_code_lexer = None, "none", True, None

    _MARKDOWN = _Markdown
    return _MARKDOWN


def preload() -> None:
    """Import the renderer off the UI thread, so the first answer does not wait for it."""
    import threading

    threading.Thread(target=markdown_class, name="rdebug-preload-markdown", daemon=True).start()


def block_ends(text: str, start: int) -> tuple[list[int], int | None]:
    """(ends of the blocks finished in ``text[start:]``, start of a code fence still open or None).

    A block ends after a blank line outside a code fence, or after a fence's closing line.
    """
    ends: list[int] = []
    fence: str | None = None
    fence_at: int | None = None
    pos = start
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        stripped = line.strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence, fence_at = stripped[:3], pos
        elif fence is not None and nl >= 0 and stripped.startswith(fence) and not stripped[len(fence):].strip():
            fence = fence_at = None
            ends.append(nl + 1)
        elif fence is None and nl >= 0 and not stripped:
            ends.append(nl + 1)
        if nl < 0:
            return ends, fence_at
        pos = nl + 1


class _OpenFence:
    """An open code fence rendered as it streams: finished lines once, the last line per append.

    Lines are highlighted on their own (a string spanning lines may colour wrongly until the fence
    closes and the block is rendered whole).
    """

    def __init__(self) -> None:
        self.key: tuple[int, int] | None = None  # (fence start, width)
        self.code_done = 0  # characters of code rendered into self.lines_done
        self.lines_done: list[Strip] = []
        self.lexer = None
        self.theme = None

    def lines(self, owner: MarkdownLog, source: str, fence_at: int, width: int) -> list[Strip]:
        from rich.syntax import Syntax

        head_end = source.find("\n", fence_at)
        if head_end < 0:
            return []
        dark = owner.app.current_theme.dark
        if self.key != (fence_at, width) or self.theme is None or self.theme[0] != dark:
            self.key, self.code_done, self.lines_done = (fence_at, width), 0, []
            self.lexer = _lexer(source[fence_at:head_end].strip().lstrip("`~").strip())
            self.theme = (dark, Syntax.get_theme("monokai" if dark else "default"))
        code = source[head_end + 1:]
        finished = code.rfind("\n") + 1
        console = owner.app.console
        options = console.options.update_width(width)

        def render(text: str, top: int) -> list[Strip]:
            syntax = Syntax(text, self.lexer, theme=self.theme[1], word_wrap=True, padding=(top, 1, 0, 1))
            return [Strip(line).adjust_cell_length(width) for line in console.render_lines(syntax, options, pad=False)]

        if finished > self.code_done:
            self.lines_done += render(code[self.code_done:finished].rstrip("\n"), 0 if self.lines_done else 1)
            self.code_done = finished
        partial = code[finished:]
        top = [] if self.lines_done else render("", 1)[:1]  # the block's blank first row
        if not partial:
            return self.lines_done or top
        # the line being written: plain in the block's colours (a highlighter call per append is ~1 ms)
        from pygments.token import Token

        style = self.theme[1].get_background_style() + Style(color=self.theme[1].get_style_for_token(Token.Text).color)
        inner = max(1, width - 2)
        rows = [partial[i:i + inner] for i in range(0, len(partial), inner)]
        return self.lines_done + top + [Strip([Segment(f" {row:<{inner}} ", style)], width) for row in rows]


def _lexer(name: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name or "text")
    except ClassNotFound:
        return get_lexer_by_name("text")


class MarkdownLog(GrowsWithoutLayout, ScrollView, can_focus=True):
    """A read-only Markdown document that grows by ``append`` and follows its end unless scrolled up."""

    DEFAULT_CSS = """
    MarkdownLog { background: $surface; overflow-x: hidden; overflow-y: auto; height: 1fr; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._source = text
        self._done_at = 0  # _source[:_done_at] is rendered into _done
        self._done: list[Strip] = []
        self._tail: list[Strip] = []
        self._width = 0  # the width the lines were rendered for
        self._fence = _OpenFence()
        self._style = None
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)  # finished lines, cropped

    @property
    def source(self) -> str:
        """The Markdown shown (everything appended since the last ``update``)."""
        return self._source

    @property
    def line_count(self) -> int:
        return len(self._done) + len(self._tail)

    def update(self, text: str) -> None:
        """Replace the document."""
        self._source = text
        self._forget_lines()
        self._render(follow=False)
        self.scroll_home(animate=False, immediate=True)

    def append(self, text: str) -> None:
        """Add text at the end; the view follows it if it was at the end."""
        if text:
            self._source += text
            self._render(follow=self.is_vertical_scroll_end or self.line_count <= self.size.height)

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def on_mount(self) -> None:
        self.call_after_refresh(self._rewrap)

    def on_resize(self) -> None:
        if self._content_width() != self._width:
            self.rewrap_soon(self._rewrap)

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        """The scrollbar came with the last append: its lines were wrapped for the wider width (one gone
        again only leaves a margin, and re-wrapping then could flip it back and forth)."""
        if shown:
            self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        if self._content_width() != self._width:
            self._render(follow=self.is_vertical_scroll_end)  # renders everything for the new width

    def _forget_lines(self) -> None:
        self._done_at, self._done, self._tail = 0, [], []
        self._cache.clear()
        self._fence = _OpenFence()

    def _lines(self, text: str, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(width)
        theme = "monokai" if self.app.current_theme.dark else "default"
        rendered = console.render_lines(markdown_class()(text, code_theme=theme), options, pad=False)
        while rendered and not any(seg.text.strip() for seg in rendered[-1]):
            rendered.pop()  # the renderer's trailing blank lines; blocks get one blank line between them
        return [Strip(line).adjust_cell_length(width) for line in rendered]

    def _render(self, follow: bool) -> None:
        width = self._content_width()
        if width <= 0:
            return  # not laid out yet: on_mount renders it
        if width != self._width:  # e.g. the scrollbar appeared: render everything again for the new width
            self._forget_lines()
        self._width = width
        first_changed = len(self._done)
        old = self._tail
        ends, fence_at = block_ends(self._source, self._done_at)
        for end in ends:  # block by block: the same lines whether the text streamed in or came whole
            lines = self._lines(self._source[self._done_at:end], width)
            if lines and self._done:
                self._done.append(Strip.blank(width))
            self._done.extend(lines)
            self._done_at = end
        if fence_at is None:
            rest = self._source[self._done_at:]
            self._tail = self._lines(rest, width) if rest.strip() else []
        else:  # text before the fence, then the open fence line by line (a whole fence is ~7 ms a render)
            rest = self._source[self._done_at:fence_at]
            self._tail = self._lines(rest, width) if rest.strip() else []
            if self._tail:
                self._tail.append(Strip.blank(width))
            self._tail += self._fence.lines(self, self._source, fence_at, width)
        if self._tail and self._done:
            self._tail.insert(0, Strip.blank(width))
        size = Size(width, self.line_count)
        if size != self.virtual_size:  # most appends only lengthen the last line
            self.virtual_size = size
            if follow:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
        # repaint from the first line that changed (Textual's cost is per repainted line)
        new = self._done[first_changed:] + self._tail
        same = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        if same < max(len(old), len(new)):
            start = first_changed + same
            self.refresh_lines(start, max(len(old), len(new)) - same)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._style = None

    @property
    def _line_style(self):
        if self._style is None:
            self._style = self.rich_style  # walks the ancestors: ~0.1 ms a call
        return self._style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        n = len(self._done)
        key = (index, scroll_x, width)
        if index < n and key in self._cache:
            return self._cache[key]
        style = self._line_style
        if index < n:
            line = self._done[index]
        elif index - n < len(self._tail):
            line = self._tail[index - n]
        else:
            return Strip.blank(width, style)
        strip = line.crop_extend(scroll_x, scroll_x + width, style).apply_style(style)
        if index < n:
            self._cache[key] = strip
        return strip
