"""k candidate replies from any backend: in one batch where it decodes several sequences together (the
llama backend's ``parallel_sequences``), else one after another; every event says which candidate it is.
Candidates may ask different prompts (``GenerationRequest.variants``): candidate i asks variant i mod v."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Iterator

from rdebug.events import AnswerDelta, Done, RuntimeEvent, ThinkingDelta, Usage, profile_of
from rdebug.runtime.base import Backend, GenerationRequest, for_candidate

TAGGED = (ThinkingDelta, AnswerDelta, Usage, Done)


def generate_candidates(backend: Backend, request: GenerationRequest, stop: threading.Event | None = None,
                        stats=None) -> Iterator[RuntimeEvent]:
    """Events of ``request.n`` replies; each candidate ends with its own ``Done(candidate=i)``.

    ``stop``: set, no further candidate starts (one after another only; a batch is stopped by ``cancel``).
    ``stats``: the backend's ModelStats (its profile says how many sequences it decodes together).
    """
    n = max(1, request.n)
    if n == 1 or profile_of(stats).parallel_sequences > 1:
        yield from backend.generate(request)
        return
    for i in range(n):
        if stop is not None and stop.is_set():
            yield Done("cancelled", candidate=i)
            continue
        one, repeat = for_candidate(request, i)
        one = replace(one, explore=request.explore or repeat > 0)
        for ev in backend.generate(one):
            if isinstance(ev, TAGGED):
                ev = replace(ev, candidate=i)
            yield ev
