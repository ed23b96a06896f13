"""Localize by choice (issue 21 §3): before asking for a fix, the model chooses where the bug is from a
numbered list of functions (the failing frames', their callees', the ones the test references, the
spectrum's), each shown briefly (signature, the docstring's first line).

With the llama backend each function's name is scored as the model's answer ("The bug is in `Cart.total`",
``ContinuationScores``: nothing decoded). On 17 hard cases (``bench/bench_choose.py``) that put the buggy
function first in 8, against 4 by the probabilities of the numbers at the reply's first position (the choice
before: the model mostly followed the list's order) and 7 by the list's order itself. Backends that score no
texts answer a number in text; the first number in the reply moves that function to the front. A choice that
fails keeps today's ranking.
"""

from __future__ import annotations

import re
import threading
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.events import AnswerDelta, ChoiceScores, ContinuationScores, Error, SessionEvent, Status
from rdebug.job import Job
from rdebug.repair.focus import expectations
from rdebug.repair.sites import Site
from rdebug.runtime.base import ChatMessage, GenerationRequest
from rdebug.runtime.choice import softmax

ASK = """Which function most likely holds the bug that makes the test fail? The candidates:
{listing}
{expects}
Answer with the number of the function only."""

PREFILL = "Function #"
ASK_NAME = """Which function most likely holds the bug that makes the test fail? The candidates:
{listing}
{expects}
Answer with the function's name."""
NAME_PREFILL = "The bug is in `"


def listing(sites: Sequence[Site]) -> str:
    lines = []
    for i, site in enumerate(sites, 1):
        doc = f" — {site.doc}" if site.doc else ""
        lines.append(f"{i}. {site.signature}  ({site.path}:{site.start}, {site.why}){doc}")
    return "\n".join(lines)


def choice_request(prefix: list[ChatMessage], job: Job, sites: Sequence[Site]) -> GenerationRequest:
    text = ASK.format(listing=listing(sites), expects=expectations(job, sites[0]))
    return GenerationRequest(messages=list(prefix) + [ChatMessage("user", text)], max_tokens=4, thinking=False,
                             prefill=PREFILL, choices=[str(i) for i in range(1, len(sites) + 1)])


def reorder(sites: Sequence[Site], probs: Sequence[float] | None, answer: str) -> list[Site]:
    """``sites`` ranked by the model's probabilities (ties keep today's order), else the number it wrote first."""
    if probs and len(probs) == len(sites):
        order = sorted(range(len(sites)), key=lambda i: (-probs[i], i))
        return [sites[i] for i in order]
    found = re.search(r"\d+", answer)
    k = int(found.group()) - 1 if found else -1
    if 0 <= k < len(sites):
        return [sites[k]] + [s for i, s in enumerate(sites) if i != k]
    return list(sites)


def name_request(prefix: list[ChatMessage], job: Job, sites: Sequence[Site]) -> GenerationRequest:
    """Each function's name scored as the answer (``ContinuationScores``)."""
    text = ASK_NAME.format(listing=listing(sites), expects=expectations(job, sites[0]))
    return GenerationRequest(messages=list(prefix) + [ChatMessage("user", text)], max_tokens=4, thinking=False,
                             prefill=NAME_PREFILL, continuations=[f"{s.name}`" for s in sites])


def choose_site(backend, prefix: list[ChatMessage], job: Job, sites: list[Site],
                cancel: threading.Event | None = None) -> Iterator[SessionEvent]:
    """Ask the model where the bug is; returns ``sites`` re-ranked (unchanged when the choice fails): by the
    likelihood of each function's name as its answer, else (a backend that scores no texts) by a number."""
    probs: list[float] | None = None
    answer = ""
    try:
        for ev in backend.generate(name_request(prefix, job, sites)):
            if isinstance(ev, ContinuationScores) and len(ev.logprobs) == len(sites):
                probs = softmax(list(ev.logprobs))
    except RdebugError:
        probs = None
    if probs is not None:
        ranked = reorder(sites, probs, "")
        yield Status(f"the model chose {ranked[0].name} in {ranked[0].path} ({max(probs):.0%}) among "
                     f"{len(sites)} functions")
        return ranked
    try:
        for ev in backend.generate(choice_request(prefix, job, sites)):
            if isinstance(ev, ChoiceScores):
                probs = list(ev.probs)
            elif isinstance(ev, AnswerDelta):
                answer += ev.text
            elif isinstance(ev, Error):
                yield Status(f"the model could not choose a function: {ev.message}")
                return sites
    except RdebugError as exc:
        yield Status(f"the model could not choose a function: {exc.message}")
        return sites
    if cancel is not None and cancel.is_set():
        return sites
    ranked = reorder(sites, probs, answer)
    top = ranked[0]
    share = f" ({max(probs):.0%})" if probs else ""
    yield Status(f"the model chose {top.name} in {top.path}{share} among {len(sites)} functions")
    return ranked
