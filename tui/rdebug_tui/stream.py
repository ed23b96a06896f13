"""A lock-protected buffer between the engine's worker thread and the UI's flush timer."""

from __future__ import annotations

import threading
from typing import Callable


class EventBuffer:
    """The worker ``put``s events (stamped with ``clock()`` on arrival); the UI ``drain``s them."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: list[tuple[float, object]] = []

    def put(self, event: object) -> None:
        stamp = self._clock()
        with self._lock:
            self._items.append((stamp, event))

    def drain(self) -> list[tuple[float, object]]:
        with self._lock:
            items, self._items = self._items, []
        return items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
