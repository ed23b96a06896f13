"""The search beside the model (issue 14 §3): the mutation search runs on a thread of its own while the model's
repair loop decodes. The search's status lines reach the stream between the model's events; a verified
search candidate halts the model's loop (unless every candidate is wanted) and is then reported and explained
on the model's prompt prefix; a model fix verified first stops the search."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Iterator

from rdebug.events import PatchVerified, SessionEvent, Status
from rdebug.patch.attempt import Attempt, Candidates
from rdebug.patch.verifier import BackgroundVerifier
from rdebug.runtime.base import ChatMessage

if TYPE_CHECKING:
    from rdebug.patch.loop import RepairLoop
    from rdebug.search.source import SearchSource

FOUND = "the search found a verified fix"


class SearchBesideModel(Candidates):
    """One candidate source made of the search (``find`` on a thread) and the model's loop (this thread)."""

    def __init__(self, search: "SearchSource", model: "RepairLoop", all_candidates: bool = False) -> None:
        super().__init__()
        self.search, self.model = search, model
        self.all_candidates = all_candidates  # a search fix does not stop the model: both are ranked
        self.history: list[ChatMessage] = list(model.history)
        self._model_running = False
        self._halt_lock = threading.Lock()

    @property
    def attempts(self) -> list[Attempt]:
        return list(self.model.attempts) + list(self.search.attempts)

    def cancel(self) -> None:
        self._cancel.set()
        self.search.cancel()
        self.model.cancel()

    def run(self) -> Iterator[SessionEvent]:
        # the search is one job of a BackgroundVerifier: its events come back through its queue
        search = BackgroundVerifier(self._cancel)
        self._model_running = True
        search.submit(self._search)
        ended = False
        try:
            for ev in self.model.run():
                yield from search.ready()
                if isinstance(ev, PatchVerified) and ev.verified and not self.all_candidates:
                    self.search.cancel()  # the model's fix is verified: the search's is not needed
                yield ev
            ended = True
        finally:
            with self._halt_lock:
                self._model_running = False
            if not ended:  # an error or the consumer stopped: the search stops too
                self.search.cancel()
            search.close()
        self.history = list(self.model.history)
        if self.cancelled or (any(a.verified for a in self.model.attempts) and not self.all_candidates):
            self.search.cancel()  # it ends on its own thread; nothing it finds now is shown
            return
        yield from search.drain()
        if self.search.hit is None or self.cancelled:
            return
        self.search.history = list(self.history)  # the explanation goes on from the model's chat
        yield from self.search.present(1 + max((a.index for a in self.model.attempts), default=0))
        self.history = list(self.search.history)

    def _search(self) -> Iterator[SessionEvent]:
        if not self.all_candidates:  # the first verified edit stops the model at once (while it runs)
            self.search.on_hit = self._halt_model
        try:
            yield from self.search.find()
        except Exception as exc:  # noqa: BLE001 - the search is optional: its failure is a status line
            yield Status(f"search: stopped by an error: {type(exc).__name__}: {exc}")

    def _halt_model(self) -> None:
        with self._halt_lock:  # a late hit must not cancel the backend's next request
            if self._model_running:
                self.model.halt(FOUND)
