"""Display-only: fence SEARCH/REPLACE blocks a model wrote outside code fences.

Unfenced, Markdown turns ``>>>>>>>`` into nested quotes and ``=======`` into a heading. The
transformer works on a stream: it holds back only a partial line that could start a marker.
"""

from __future__ import annotations

_MARKER_START = ("<", "=", ">", "`")


class FenceEditBlocks:
    def __init__(self) -> None:
        self._line = ""  # the held (not yet emitted) start of the current line
        self._emitted_partial = False  # part of the current line already went out
        self._in_fence = False  # inside a ``` fence the model wrote
        self._in_block = False  # inside a fence we opened

    def feed(self, text: str) -> str:
        out: list[str] = []
        for piece in text.splitlines(keepends=True):
            if piece.endswith("\n"):
                line, self._line = self._line + piece, ""
                out.append(line if self._emitted_partial else self._complete(line))
                self._emitted_partial = False
            else:
                self._line += piece
                if not self._emitted_partial and self._line and not self._line.startswith(_MARKER_START):
                    out.append(self._line)
                    self._line, self._emitted_partial = "", True
                elif self._emitted_partial:
                    out.append(self._line)
                    self._line = ""
        return "".join(out)

    def flush(self) -> str:
        rest = self.feed("\n") if self._line else ""
        if self._in_block:
            self._in_block = False
            rest += "```\n"
        return rest

    def _complete(self, line: str) -> str:
        stripped = line.strip()
        if stripped.startswith("```") and not self._in_block:
            self._in_fence = not self._in_fence
            return line
        if not self._in_fence and not self._in_block and stripped.startswith("<<<<<<<"):
            self._in_block = True
            return "```\n" + line
        if self._in_block and stripped.startswith(">>>>>>>"):
            self._in_block = False
            return line + "```\n"
        return line


def fence_edit_blocks(text: str) -> str:
    """The whole-text form of :class:`FenceEditBlocks`."""
    t = FenceEditBlocks()
    return t.feed(text) + t.flush()
