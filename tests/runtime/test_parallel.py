"""Real SmolLM2: k candidates decoded together in one llama.cpp batch (runtime/parallel.py)."""

from __future__ import annotations

import importlib.util
import threading

import pytest

from rdebug.events import AnswerDelta, Done, ModelReady, Status, ThinkingDelta, Usage
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling, Variant, candidate_sampling
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions
from rdebug.runtime.parallel import fit_candidates

pytestmark = [pytest.mark.model, pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                                    reason="llama-cpp-python is not installed")]

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0, seed=1)
STORY = "Write a short story about a cat who learns to program. Start with its name."


@pytest.fixture(scope="module")
def backend(smollm2):
    b = LlamaBackend(smollm2, LlamaOptions(ctx=2048, threads=2, parallel=3))
    ready = [e for e in b.load() if isinstance(e, ModelReady)]
    assert ready and ready[0].stats.profile.parallel_sequences == 3
    yield b
    b.close()


def request(n: int, max_tokens: int = 32, text: str = STORY) -> GenerationRequest:
    return GenerationRequest([ChatMessage("user", text)], max_tokens=max_tokens, sampling=GREEDY, thinking=False,
                             n=n)


def texts(events) -> dict[int, str]:
    out: dict[int, str] = {}
    for ev in events:
        if isinstance(ev, (ThinkingDelta, AnswerDelta)):
            out[ev.candidate] = out.get(ev.candidate, "") + ev.text
    return out


def test_k_candidates_are_k_distinct_streams_and_the_first_is_the_single_reply(backend):
    single = list(backend.generate(request(1)))
    many = list(backend.generate(request(3)))
    done = sorted((e.candidate, e.reason) for e in many if isinstance(e, Done))
    assert done == [(0, "length"), (1, "length"), (2, "length")]
    usages = {e.candidate: e for e in many if isinstance(e, Usage)}
    assert sorted(usages) == [0, 1, 2] and all(u.answer_tokens == 32 for u in usages.values())
    got = texts(many)
    assert got[0] == texts(single)[0]  # candidate 0 samples as asked (greedy here): the same reply as k=1
    assert len(set(got.values())) == 3  # the others sample hotter, each with its own seed


def test_variants_each_continue_their_own_prompt_in_one_batch(backend):
    """Candidates with different prompts (a focused request's functions): the shared prefix is evaluated
    once, each variant's own part on its sequence; candidate i asks variant i mod 2."""
    fruit = Variant([ChatMessage("user", "Name three fruits that are red.")], "The first fruit is")
    sea = Variant([ChatMessage("user", "Write a poem about the sea.")], "The sea")
    singles = [texts(backend.generate(GenerationRequest(v.messages, max_tokens=16, sampling=GREEDY, thinking=False,
                                                        prefill=v.prefill)))[0] for v in (fruit, sea)]
    many = list(backend.generate(GenerationRequest(fruit.messages, max_tokens=16, sampling=GREEDY, thinking=False,
                                                   n=3, prefill=fruit.prefill, variants=[fruit, sea])))
    assert sorted(e.candidate for e in many if isinstance(e, Done)) == [0, 1, 2]
    got = texts(many)
    assert got[0] == singles[0] and got[1] == singles[1]  # greedy: each as its own single reply
    usages = {e.candidate: e for e in many if isinstance(e, Usage)}
    assert usages[0].prompt_tokens == usages[2].prompt_tokens != usages[1].prompt_tokens
    again = [e for e in backend.generate(GenerationRequest(sea.messages, max_tokens=4, sampling=GREEDY,
                                                           thinking=False)) if isinstance(e, Usage)][0]
    assert 0 < again.cached_tokens < again.prompt_tokens  # the shared prefix stays cached, not a variant's part


def test_the_prompt_stays_cached_for_the_next_turn(backend):
    list(backend.generate(request(3, 8)))
    again = [e for e in backend.generate(request(1, 8)) if isinstance(e, Usage)][0]
    assert again.cached_tokens >= again.prompt_tokens - 1


def test_cancel_ends_every_candidate(backend):
    events: list = []
    started = threading.Event()

    def consume() -> None:
        for ev in backend.generate(request(3, 400)):
            events.append(ev)
            if isinstance(ev, (ThinkingDelta, AnswerDelta)):
                started.set()

    t = threading.Thread(target=consume)
    t.start()
    assert started.wait(60)
    backend.cancel()
    t.join(30)
    assert not t.is_alive()
    assert sorted((e.candidate, e.reason) for e in events if isinstance(e, Done)) == [
        (0, "cancelled"), (1, "cancelled"), (2, "cancelled")]
    after = [e for e in backend.generate(request(1, 4)) if isinstance(e, Done)]  # the model still answers
    assert after == [Done("length")]


def test_more_candidates_than_loaded_are_capped_with_a_status(backend):
    events = list(backend.generate(request(5, 4)))
    assert any(isinstance(e, Status) and "3 of 5 candidates" in e.message for e in events)
    assert sorted(e.candidate for e in events if isinstance(e, Done)) == [0, 1, 2]


def test_fit_and_sampling_rules():
    assert fit_candidates(4, 4, room=10_000, max_tokens=2048) == 4
    assert fit_candidates(4, 4, room=1_100, max_tokens=2048) == 2  # 512 tokens each at least
    assert fit_candidates(4, 2, room=10_000, max_tokens=2048) == 2
    assert fit_candidates(4, 4, room=100, max_tokens=2048) == 1
    base = Sampling(temperature=0.3, top_k=20, seed=5)
    assert candidate_sampling(base, 0) == base
    hotter = [candidate_sampling(base, i) for i in (1, 2, 3)]
    assert [s.temperature for s in hotter] == [0.5, 0.6, 0.5] and len({s.seed for s in hotter}) == 3
    assert candidate_sampling(GREEDY, 1).top_k > 1  # top_k 1 would be greedy at any temperature
