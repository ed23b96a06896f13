"""MarkdownLog: the streamed answer renders block by block, the same as the whole text at once."""

from __future__ import annotations

import asyncio

from rdebug_tui.widgets.markdown_log import MarkdownLog, block_ends
from textual.app import App, ComposeResult

DOC = (
    "## Cause\n\n`mean()` divides by `len(values)`, which is **0** for an empty list.\n\n"
    "- first point\n- second point\n\n"
    "```python\ndef mean(values):\n    if not values:\n        return 0.0\n\n    return sum(values) / len(values)\n```\n\n"
    "That fixes it.\n"
)


def test_block_ends_skip_blank_lines_inside_a_fence():
    assert block_ends("para\n\nmore", 0) == ([6], None)
    assert block_ends("para\n```py\nx=1\n\ny\n", 0) == ([], 5)
    assert block_ends("```py\nx=1\n```\nafter", 0) == ([14], None)
    assert block_ends("a\n\n```\nx\n\ny\n```\n\nb", 0) == ([3, 16, 17], None)
    assert block_ends("```py\nx", 0) == ([], 0)


class LogApp(App):
    def compose(self) -> ComposeResult:
        yield MarkdownLog(id="md")


def shown(log: MarkdownLog) -> list[str]:
    return [log.render_line(y).text.rstrip() for y in range(log.size.height)]


def test_streamed_text_looks_like_the_whole_text():
    async def run() -> tuple[list[str], list[str], list[str]]:
        app = LogApp()
        async with app.run_test(size=(70, 40)) as pilot:
            log = app.query_one(MarkdownLog)
            await pilot.pause()
            cut = DOC.index("return 0.0\n") + 8  # inside the open code fence, mid-line
            for i in range(0, cut, 3):
                log.append(DOC[i:min(i + 3, cut)])
            await pilot.pause()
            middle = shown(log)
            for i in range(cut, len(DOC), 3):
                log.append(DOC[i:i + 3])
            await pilot.pause()
            streamed = shown(log)
            assert log.source == DOC
            log.update(DOC)
            await pilot.pause()
            return streamed, shown(log), middle

    streamed, whole, middle = asyncio.run(run())
    assert streamed == whole
    text = "\n".join(whole)
    assert "Cause" in text and "## " not in text and "**" not in text  # rendered, not raw
    assert "def mean(values):" in text and "```" not in text
    assert any("if not values:" in line for line in middle) and any(line.strip() == "return 0" for line in middle)  # the open fence shows as it streams


def test_a_long_answer_follows_its_end_until_scrolled_up():
    async def run() -> tuple[int, int, int]:
        app = LogApp()
        async with app.run_test(size=(60, 12)) as pilot:
            log = app.query_one(MarkdownLog)
            await pilot.pause()
            log.append("A first paragraph long enough to fill the whole width of the panel before a scrollbar.\n\n")
            for i in range(40):
                log.append(f"Paragraph {i} of the answer.\n\n")
            await pilot.pause()
            # the scrollbar took two columns: lines were rendered again for the narrower width
            assert {strip.cell_length for strip in log._done} == {log.scrollable_content_region.width}
            followed = log.scroll_offset.y
            log.scroll_home(animate=False, immediate=True)
            log.append("One more paragraph.\n\n")
            await pilot.pause()
            return followed, log.max_scroll_y, log.scroll_offset.y

    followed, max_y, after_scroll_up = asyncio.run(run())
    assert followed > 0 and followed >= max_y - 2
    assert after_scroll_up == 0  # the reader scrolled up: new text does not pull the view down


def test_lines_are_wrapped_again_when_the_scrollbar_appears_after_the_last_append():
    """The scrollbar appears at the next layout, after the append that made the text overflow: with no
    append after it, the lines must still be wrapped for the narrower width (a word cut off otherwise)."""

    async def run() -> tuple[set[int], int, str]:
        app = LogApp()
        async with app.run_test(size=(40, 6)) as pilot:
            log = app.query_one(MarkdownLog)
            await pilot.pause()
            log.append("A short first line.\n\n")
            await pilot.pause(0.2)
            log.rewrap_soon = lambda rewrap: None  # not the resize's debounced re-wrap (a busy machine may be late)
            log.append("word " * 60 + "last\n\n")  # one append: overflows the panel at once
            await pilot.pause()
            await pilot.pause()
            text = " ".join(strip.text for strip in log._done)
            return {strip.cell_length for strip in log._done}, log.scrollable_content_region.width, text

    widths, width, text = asyncio.run(run())
    assert widths == {width} and width < 40
    assert text.split() == ["A", "short", "first", "line."] + ["word"] * 60 + ["last"]
