"""Model runtime: backends (llama.cpp worker, OpenAI-compatible server, replay, fake), catalog, splitter."""

from __future__ import annotations

from pathlib import Path

from rdebug.config import Config
from rdebug.errors import ConfigError, ModelError
from rdebug.runtime.base import Backend

BACKENDS = ("llama", "openai", "replay:FILE", "fake")


def check_backend(cfg: Config) -> None:
    """Refuse a backend name that ``open_backend`` could not open, before any test runs or model loads."""
    kind = (cfg.backend or "llama").strip()
    if kind.startswith("replay:"):
        path = Path(kind[len("replay:"):])
        if not path.is_file():
            raise ModelError(f"cannot read replay file {str(path)[:200]}: no such file")
        return
    if kind not in BACKENDS:
        raise ConfigError(f"unknown backend '{kind[:60]}' (expected {', '.join(BACKENDS[:-1])} or fake)")


def open_backend(cfg: Config) -> Backend:
    """The backend ``cfg.backend`` names: "llama", "openai", "replay:FILE" or "fake"."""
    check_backend(cfg)
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
    raise ConfigError(f"unknown backend '{kind[:60]}' (expected llama, openai, replay:FILE or fake)")
