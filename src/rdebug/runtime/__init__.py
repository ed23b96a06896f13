"""Model runtime: backends (llama.cpp worker, OpenAI-compatible server, replay, fake), catalog, splitter."""

from __future__ import annotations

from rdebug.config import Config
from rdebug.errors import ConfigError
from rdebug.runtime.base import Backend


def open_backend(cfg: Config) -> Backend:
    """The backend ``cfg.backend`` names: "llama", "openai", "replay:FILE" or "fake"."""
    kind = (cfg.backend or "llama").strip()
    if kind == "llama":
        from rdebug.runtime.llama_backend import LlamaBackend

        return LlamaBackend(cfg.model, cfg=cfg)
    if kind == "openai":
        if not cfg.base_url:
            raise ConfigError("the openai backend needs --base-url (e.g. http://127.0.0.1:8080/v1)")
        from rdebug.runtime.openai_backend import OpenAIBackend

        model = "" if cfg.model == Config.model else cfg.model
        return OpenAIBackend(cfg.base_url, model=model, api_key=cfg.api_key)
    if kind.startswith("replay:"):
        from rdebug.runtime.replay import ReplayBackend

        return ReplayBackend(kind[len("replay:"):])
    if kind == "fake":
        from rdebug.runtime.fake import ScriptedBackend

        return ScriptedBackend(["<think>This is the fake backend.</think>The fake backend has no answer."])
    raise ConfigError(f"unknown backend '{kind}' (expected llama, openai, replay:FILE or fake)")
