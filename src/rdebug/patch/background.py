"""Jobs beside decoding: generators of events run one at a time on a thread of their own while the model
decodes; their events come back through a queue, in order, to the caller's generator. The model's loop
verifies each candidate this way as soon as its reply ends; the search beside the model
(``rdebug.rounds.SearchBesideModel``) is one such job too."""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterator

from rdebug.events import SessionEvent

_END = object()  # one job's events are all out


class BackgroundJobs:
    """Runs jobs (generators of events) one at a time on a thread; ``ready`` yields what they produced so far
    without waiting, ``drain`` waits for all of them."""

    def __init__(self, cancel: threading.Event) -> None:
        self._cancel = cancel
        self._jobs: queue.Queue = queue.Queue()
        self._events: queue.Queue = queue.Queue()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], Iterator[SessionEvent]]) -> None:
        self._pending += 1
        self._jobs.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="rdebug-verify", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                for ev in job():
                    self._events.put(ev)
            except BaseException as exc:  # noqa: BLE001 - handed to the loop's thread, raised there
                self._events.put(exc)
            self._events.put(_END)

    def _take(self, timeout: float | None) -> Iterator[SessionEvent]:
        while self._pending:
            try:
                item = self._events.get(timeout=timeout) if timeout is not None else self._events.get_nowait()
            except queue.Empty:
                return
            if item is _END:
                self._pending -= 1
            elif isinstance(item, BaseException):
                raise item  # its _END follows
            else:
                yield item

    def ready(self) -> Iterator[SessionEvent]:
        """The events produced so far."""
        yield from self._take(None)

    def drain(self) -> Iterator[SessionEvent]:
        """Every remaining event, waiting for the jobs to end (they see the loop's cancel flag)."""
        while self._pending:
            yield from self._take(0.05)

    def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread = None
