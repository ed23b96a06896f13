"""A candidate round: the sources composed for one job, run until one yields a verified fix.

``compose`` builds the default round explicitly: the mutation search beside the model's side (its fills of
masked lines, ``repair.infill``, verified by the search's pool; then its repair loop) (the search
``find``s on a thread while the model decodes; a verified search edit halts the model and is then reported and
explained; a model fix verified first stops the search) or before it (``search_beside = false``), then the
search's near-miss pass after the model's failed candidates.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterator, Sequence

from rdebug.events import Error, PatchVerified, SessionEvent, Status
from rdebug.job import Attempt, Candidates, CandidateSource, Job, RoundOptions
from rdebug.patch.background import BackgroundJobs
from rdebug.repair.infill import InfillSource, infill_source
from rdebug.repair.loop import RepairLoop, model_source
from rdebug.runtime.base import Backend, ChatMessage
from rdebug.search.nearmiss import near_miss_source
from rdebug.search.source import SearchSource, search_source

FOUND = "the search found a verified fix"


class SearchBesideModel(Candidates):
    """One candidate source made of the search (``find`` on a thread) and the model's loop (this thread)."""

    def __init__(self, search: SearchSource, model: RepairLoop | ModelSide, all_candidates: bool = False) -> None:
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
        # the search is one job of a BackgroundJobs: its events come back through its queue
        search = BackgroundJobs(self._cancel)
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


class ModelSide(Candidates):
    """The model's work beside the search: its fills of masked lines (infill), then its repair loop. A search
    hit halts whichever runs (the decoding stops through the backend); a verified fill ends it."""

    def __init__(self, fill: InfillSource, loop: RepairLoop) -> None:
        super().__init__()
        self.fill, self.loop = fill, loop
        self.history: list[ChatMessage] = list(loop.history)
        self.halted: str | None = None

    @property
    def attempts(self) -> list[Attempt]:
        return list(self.fill.attempts) + list(self.loop.attempts)

    def cancel(self) -> None:
        self._cancel.set()
        self.fill.cancel()
        self.loop.cancel()

    def halt(self, reason: str) -> None:
        self.halted = reason
        self.fill.cancel()
        self.loop.halt(reason)  # cancels the backend's running request too (a fill's decoding)

    def run(self) -> Iterator[SessionEvent]:
        yield from self.fill.run()
        if self.halted or self.cancelled or any(a.verified for a in self.fill.attempts):
            self.history = list(self.fill.history)
            return
        yield from self.loop.run()
        self.history = list(self.loop.history)


class CandidateRound(Candidates):
    """The candidate stage for one job: each source in turn, until one yields a verified fix.

    After ``run()``: ``attempts`` (all sources'), ``best``, ``history`` (the chat after the prompt's
    prefix), ``fatal`` (the backend's fatal error, if any), ``cancelled``; ``searches`` are the round's
    search sources (the search and its near-miss pass), for their counts.
    """

    def __init__(self, sources: Sequence[CandidateSource], history: Sequence[ChatMessage] = (),
                 searches: Sequence[SearchSource] = (), model: RepairLoop | None = None) -> None:
        self.sources = list(sources)
        self.searches = list(searches)
        self.model = model  # the model's repair loop, for its counts (None when the round has none)
        self.history: list[ChatMessage] = list(history)
        self.fatal: str | None = None
        super().__init__()
        self._current: CandidateSource | None = None

    @property
    def attempts(self) -> list[Attempt]:
        return [a for source in self.sources for a in source.attempts]

    @property
    def search(self) -> SearchSource | None:
        """The round's mutation search (None when it has none)."""
        return next((s for s in self.searches if s.SOURCE == "search"), None)

    def cancel(self) -> None:
        """Stop the round: the running source now, the others before they start."""
        self._cancel.set()
        running = self._current  # read once: the round's thread may clear it meanwhile
        if running is not None:
            running.cancel()

    def run(self) -> Iterator[SessionEvent]:
        for source in self.sources:
            if self.cancelled:
                return
            self._current = source
            try:
                for ev in source.run():
                    if isinstance(ev, Error) and ev.fatal:
                        self.fatal = ev.message
                    yield ev
            finally:
                self._current = None
            self.history = list(source.history)
            if self.fatal or any(a.verified for a in source.attempts):
                return


@dataclass(frozen=True)
class Composed:
    """The sources of a round in the order they run, and which of them are searches."""

    sources: list[CandidateSource]
    searches: list[SearchSource]
    model: RepairLoop | None = None


def compose(job: Job, backend: Backend, opts: RoundOptions) -> Composed:
    """The default round: the search beside (or before) the model's side (its fills of masked lines, then its
    loop), then the near-miss pass; the model's side alone when the search is off or cannot run (no command, no
    verification, a follow-up question)."""
    model = model_source(job, backend, opts)
    fill = infill_source(job, backend, opts) if opts.infill and opts.verify and job.command else None
    fills = [fill] if fill is not None else []
    if not (opts.searching and job.command):
        return Composed(fills + [model], list(fills), model)
    search = search_source(job, backend, opts)
    near = near_miss_source(job, backend, opts)
    near.follow(model, search)
    if opts.search_beside:
        side = ModelSide(fill, model) if fill is not None else model
        first: list[CandidateSource] = [SearchBesideModel(search, side, all_candidates=opts.all_candidates)]
    else:
        first = [search, *fills, model]
    return Composed(first + [near], [search, near, *fills], model)


def model_only(job: Job, backend: Backend, opts: RoundOptions) -> Composed:
    """A round of the model's loop alone (tests of the model's candidates; ``search = false`` does the same)."""
    model = model_source(job, backend, opts)
    return Composed([model], [], model)
