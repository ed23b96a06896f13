"""Layout containers that Textual paints as blank, to keep a streaming update cheap.

At each screen update Textual's compositor renders, whole, every widget whose clip (its parent's
region) overlaps the changed lines: the screen, each container above the streaming log, and all
their siblings. So the app nests its panels so that each sibling of a streaming log's ancestors is a
container of this module (``BLANK``: drawn as its background in one strip, ~0.01 ms) rather than a
bordered panel (~0.2-0.3 ms); a panel inside such a box has the box as its clip, and is not rendered
when another box changes. While an answer streams this took an update from ~3.4 ms to ~2 ms here.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.screen import Screen


class Row(Horizontal):
    BLANK = True


class Column(Vertical):
    BLANK = True


class MainScreen(Screen):
    BLANK = True
