"""The typed model profile: each backend fills it once; its defaults are the only defaults."""

from __future__ import annotations

import importlib.util

import httpx
import pytest

from rdebug.events import ModelProfile, ModelReady, ModelStats, profile_of, resolve_thinking
from rdebug.runtime.catalog import load_catalog
from rdebug.runtime.fake import ScriptedBackend
from rdebug.runtime.openai_backend import OpenAIBackend

CAPABILITY_KEYS = {"edit_format", "system_prompt", "think_default", "default_think_budget", "source"}


def test_defaults_when_nothing_is_loaded():
    assert profile_of(None) == ModelProfile() == ModelStats("m").profile
    assert ModelProfile().parallel_sequences == 1 and ModelProfile().edit_format == "search-replace"
    assert resolve_thinking(None, None) is True and resolve_thinking(False, None) is False
    assert resolve_thinking(None, ModelStats("m", profile=ModelProfile(think_default=False))) is False


def test_a_catalog_entry_gives_its_profile():
    entry = load_catalog().get("qwen2.5-coder-1.5b-instruct")
    profile = ModelProfile.from_entry(entry, "catalog", default_think_budget=768)
    assert (profile.edit_format, profile.think_default, profile.thinking_mode) == ("function", False, "prompted")
    assert (profile.default_think_budget, profile.source, profile.parallel_sequences) == (768, "catalog", 1)


def test_scripted_and_replay_backends_fill_the_profile(tmp_path):
    backend = ScriptedBackend(["x"], thinking_mode="none")
    stats = [e for e in backend.load() if isinstance(e, ModelReady)][0].stats
    assert stats.profile == ModelProfile(thinking_mode="none") and stats.thinking_mode == "none"
    assert not CAPABILITY_KEYS & set(stats.extra)


def test_the_openai_backend_fills_the_profile_from_the_catalog():
    def handler(request):
        return httpx.Response(200, json={"data": [{"id": "served"}]})

    backend = OpenAIBackend("http://127.0.0.1:9/v1", model="qwen2.5-coder-1.5b-instruct",
                            transport=httpx.MockTransport(handler))
    stats = [e for e in backend.load() if isinstance(e, ModelReady)][0].stats
    assert (stats.profile.edit_format, stats.profile.think_default, stats.profile.source) == ("function", False,
                                                                                             "server")
    assert stats.extra == {"base_url": "http://127.0.0.1:9/v1", "served_model": "served"}


@pytest.mark.model
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed")
def test_the_llama_backend_fills_the_profile_once(smollm2):
    from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions

    backend = LlamaBackend(smollm2, LlamaOptions(ctx=1024, threads=1))
    try:
        stats = [e for e in backend.load() if isinstance(e, ModelReady)][0].stats
        expected = ModelProfile.from_entry(backend.entry, stats.profile.source, default_think_budget=768)
        assert stats.profile == expected and stats.thinking_mode == backend.entry.thinking == "prompted"
        assert not CAPABILITY_KEYS & set(stats.extra)
    finally:
        backend.close()
