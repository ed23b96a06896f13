"""A worker that dies from SIGILL with extra buffer types is retried without them, and the choice is kept.

The crash is simulated (the CPU here may not have AMX); the model that then loads is the real SmolLM2.
"""

from __future__ import annotations

import importlib.util

import pytest

from rdebug.events import AnswerDelta, Error, ModelReady, Status, ThinkingDelta
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions
from rdebug.runtime.load_settings import LoadSetting, LoadSettings

pytestmark = [pytest.mark.model, pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                                    reason="llama-cpp-python is not installed")]

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0, seed=1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RDEBUG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def backend(model, target: str | None, **opts) -> LlamaBackend:
    import crashing_worker

    b = LlamaBackend(model, LlamaOptions(ctx=1024, threads=1, **opts))
    b.worker_target = getattr(crashing_worker, target) if target else None
    return b


def say_hello() -> GenerationRequest:
    return GenerationRequest([ChatMessage("user", "Say hello.")], max_tokens=6, thinking=False, sampling=GREEDY)


def test_sigill_at_load_is_retried_without_extra_buffer_types_and_remembered(smollm2):
    b = backend(smollm2, "crash_at_load_with_repack")
    try:
        events = list(b.load())
        notes = [e.message for e in events if isinstance(e, Status)]
        assert len(notes) == 1 and "SIGILL" in notes[0] and "retrying without" in notes[0]
        assert not [e for e in events if isinstance(e, Error)]
        assert isinstance(events[-1], ModelReady) and events[-1].stats.extra["repack"] is False
        text = "".join(e.text for e in b.generate(say_hello()) if isinstance(e, (ThinkingDelta, AnswerDelta)))
        assert text.strip()
    finally:
        b.close()
    assert LoadSettings().get(smollm2).repack is False
    again = backend(smollm2, "crash_at_load_with_repack")  # the next start goes straight to the working setting
    try:
        events = list(again.load())
        assert not [e for e in events if isinstance(e, (Status, Error))]
        assert events[-1].stats.extra["repack"] is False
    finally:
        again.close()


def test_sigill_at_first_decode_is_retried_and_the_request_still_answered(smollm2):
    b = backend(smollm2, "crash_at_first_decode_with_repack")
    try:
        assert isinstance(list(b.load())[-1], ModelReady) and b.repack is True
        events = list(b.generate(say_hello()))
        assert [e for e in events if isinstance(e, Status)], events
        assert not [e for e in events if isinstance(e, Error)]
        assert [e for e in events if isinstance(e, ModelReady)] and b.repack is False
        assert "".join(e.text for e in events if isinstance(e, (ThinkingDelta, AnswerDelta))).strip()
    finally:
        b.close()
    assert LoadSettings().get(smollm2).repack is False


def test_a_crash_at_the_first_batch_of_several_sequences_is_retried(smollm2):
    """Single replies ran with extra buffer types; the first k-candidate batch crashed: retried without them."""
    from dataclasses import replace

    b = backend(smollm2, "crash_at_first_batch_with_repack", parallel=2)
    try:
        assert isinstance(list(b.load())[-1], ModelReady) and b.repack is True
        single = list(b.generate(say_hello()))
        assert not [e for e in single if isinstance(e, (Error, Status))] and b.repack is True
        events = list(b.generate(replace(say_hello(), n=2)))
        assert [e for e in events if isinstance(e, Status)], events
        assert not [e for e in events if isinstance(e, Error)] and b.repack is False
        done = sorted(e.candidate for e in events if type(e).__name__ == "Done")
        assert done == [0, 1]
    finally:
        b.close()
    assert LoadSettings().get(smollm2).repack is False


def test_no_repack_forces_the_setting_without_a_crash(smollm2):
    b = backend(smollm2, None, repack=False)
    try:
        events = list(b.load())
        assert events[-1].stats.extra["repack"] is False
        assert not [e for e in events if isinstance(e, Status)]
        assert "".join(e.text for e in b.generate(say_hello()) if isinstance(e, (ThinkingDelta, AnswerDelta)))
    finally:
        b.close()
    assert LoadSettings().get(smollm2) is None  # forced, not learned


def test_a_crash_without_extra_buffer_types_is_an_error_not_a_loop(smollm2):
    b = backend(smollm2, "always_crash")
    try:
        events = list(b.load())
        errors = [e for e in events if isinstance(e, Error)]
        assert len([e for e in events if isinstance(e, Status)]) == 1  # one retry, no more
        assert errors and "SIGILL" in errors[-1].message
        assert not b.loaded
    finally:
        b.close()


def test_doctor_smoke_reports_the_crash_and_the_setting_that_works(smollm2):
    import crashing_worker
    from rdebug.runtime.smoke import smoke_check

    results = smoke_check(smollm2, threads=1, worker_target=crashing_worker.crash_at_load_with_repack)
    assert [r.repack for r in results] == [True, False]
    assert results[0].crash and "SIGILL" in results[0].crash and not results[0].ok
    assert results[1].ok and results[1].tokens > 0
    assert "CRASHED" in results[0].describe() and results[1].describe().startswith("ok")
    assert LoadSettings().get(smollm2) == LoadSetting(False, results[0].crash + " with extra buffer types",
                                                      LoadSettings().get(smollm2).when)


def test_load_settings_survive_a_corrupt_file(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    store = LoadSettings(path)
    assert store.get(tmp_path / "m.gguf") is None
    store.remember(tmp_path / "m.gguf", LoadSetting(False, "signal 4, SIGILL"))
    assert store.get(tmp_path / "m.gguf").repack is False
