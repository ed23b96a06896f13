"""What the two streaming logs (thinking, answer) share: growing without a layout pass, and re-wrapping
once after a resize."""

from __future__ import annotations

from typing import Callable

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget


class GrowsWithoutLayout(Widget):
    """A scrolling widget whose new lines need no layout pass of the whole screen, only the
    scrollbar's update (a scrollbar appearing still asks for one)."""

    virtual_size = Reactive(Size(0, 0), layout=False)
    _rewrap_timer = None

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_mounted:
            self._scroll_update(size)

    def rewrap_soon(self, rewrap: Callable[[], None]) -> None:
        """Run ``rewrap`` once the resizing stops (debounced: a drag sends many resizes)."""
        if self._rewrap_timer is not None:
            self._rewrap_timer.stop()
        self._rewrap_timer = self.set_timer(0.1, rewrap)
