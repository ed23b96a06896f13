"""Display-only: the answer without the SEARCH/REPLACE blocks the model wrote for its fix.

The Patch panel shows the fix as a diff; repeating the raw ``<<<<<<< SEARCH`` markers in the answer
only pushes the explanation out of view (and unfenced, Markdown turns ``>>>>>>>`` into nested quotes
and ``=======`` into a heading). Each block becomes one line pointing at the Patch panel. The
transformer works on a stream: it holds back only a partial line that could start a marker, and the
lines of a block.
"""

from __future__ import annotations

_MARKER_START = ("<", "=", ">", "`")
NOTE = "\n*↳ the edit is in the Patch panel*\n\n"  # a paragraph of its own
NOTE_IN_CODE = "… the edit is in the Patch panel\n"


class FenceEditBlocks:
    def __init__(self) -> None:
        self._line = ""  # the held (not yet emitted) start of the current line
        self._emitted_partial = False  # part of the current line already went out
        self._in_fence = False  # inside a ``` fence the model wrote
        self._in_block = False  # inside a SEARCH/REPLACE block (hidden)

    def feed(self, text: str) -> str:
        out: list[str] = []
        for piece in text.splitlines(keepends=True):
            if piece.endswith("\n"):
                line, self._line = self._line + piece, ""
                out.append(line if self._emitted_partial else self._complete(line))
                self._emitted_partial = False
            else:
                self._line += piece
                if self._in_block:
                    continue  # a block's lines are dropped whole
                if not self._emitted_partial and self._line and not self._line.startswith(_MARKER_START):
                    out.append(self._line)
                    self._line, self._emitted_partial = "", True
                elif self._emitted_partial:
                    out.append(self._line)
                    self._line = ""
        return "".join(out)

    def flush(self) -> str:
        rest = self.feed("\n") if self._line else ""
        self._in_block = False
        return rest

    def _complete(self, line: str) -> str:
        stripped = line.strip()
        if self._in_block:
            if stripped.startswith(">>>>>>>"):
                self._in_block = False
            return ""
        if stripped.startswith("<<<<<<<"):
            self._in_block = True
            return NOTE_IN_CODE if self._in_fence else NOTE
        if stripped.startswith("```"):
            self._in_fence = not self._in_fence
        return line


def fence_edit_blocks(text: str) -> str:
    """The whole-text form of :class:`FenceEditBlocks`."""
    t = FenceEditBlocks()
    return t.feed(text) + t.flush()
