"""Configuration: CLI flags > environment (RDEBUG_*) > repo config > user config > defaults.

Repo config is ``[tool.rdebug]`` in the repository's ``pyproject.toml`` or a ``.rdebug.toml``
(top-level keys). User config is ``config.toml`` in the platformdirs user config directory
(override the file with ``RDEBUG_CONFIG``). Unknown keys are an error naming the key.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from rdebug.errors import ConfigError

DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct"


@dataclass
class Config:
    model: str = DEFAULT_MODEL  # path, catalog name or hf:REPO/FILE
    backend: str = "llama"  # "llama", "openai", "replay:FILE", "fake"
    base_url: str | None = None  # for the openai backend
    api_key: str | None = None
    gpu_layers: int | None = None  # None: all when offload is supported, else 0
    ctx: int | None = None  # None: from the model's trained context and the prompt size
    threads: int | None = None
    threads_batch: int | None = None  # prompt processing threads; None: all cores
    kv_type: str = "f16"  # "f16" or "q8_0"
    repack: bool = True  # False: load without llama.cpp's extra buffer types (AMX/repacked weights)
    flash_attn: str = "auto"  # "auto" (llama.cpp decides per device), "on", "off"
    max_tokens: int = 2048
    thinking: bool | None = None  # None: the model's default (the catalog's think_default)
    think_budget: int | None = None
    timeout: float = 300.0  # seconds for a test/user command
    budget: int = 6000  # context tokens
    test_cmd: str | None = None  # shell-like string, split with shlex
    attempts: int = 3
    samples: int = 1  # candidates per attempt (decoded together by the llama backend)
    all_candidates: bool = False  # verify every candidate of a round (else the first verified ends it)
    search: bool = True  # try small edits at suspicious lines before asking the model (rdebug.search)
    search_max: int = 300  # candidates the search verifies at most
    search_seconds: float = 60.0  # wall time of the search at most
    search_beside: bool = True  # the search runs while the model decodes (False: before the model's attempts)
    precheck: bool = True  # statically check a model candidate (pyflakes, node --check) before its test run
    resample: bool = True  # a reply repeating a tried fix (or changing nothing) is resampled, not an attempt
    focus: bool = True  # function-format models rewrite one chosen function, its first line pre-filled
    localize: bool = True  # the model chooses that function from a numbered list first (one decode step)
    calls: bool = False  # show the model what the failing test called and returned (pytest; rdebug.facts);
    # off: on 16 model-only cases it fixed 3 either way and cost ~7 s a case (bench figures in the README)
    spectrum: bool = False  # run the suite once under a per-test line tracer; Ochiai ranks functions (rdebug.facts)
    models_dir: str | None = None  # None: platformdirs user data dir / models
    keymap: dict[str, str] = field(default_factory=dict)  # action id -> key(s)

    @classmethod
    def keys(cls) -> set[str]:
        return {f.name for f in fields(cls)}


_TYPES = {f.name: f.type for f in fields(Config)}

# the smallest value each number may take (None, where allowed, keeps its own meaning)
MINIMUM: dict[str, float] = {
    "max_tokens": 1, "budget": 1, "attempts": 1, "samples": 1, "ctx": 1, "threads": 1, "threads_batch": 1,
    "think_budget": 0, "gpu_layers": -1, "search_max": 1,
}
POSITIVE = {"timeout", "search_seconds"}  # must be > 0
CHOICES = {"kv_type": ("f16", "q8_0"), "flash_attn": ("auto", "on", "off")}

# the actions ``[keymap]`` may remap: the interactive UI's binding ids (tui/rdebug_tui/keys.py, which is
# checked against this list by a test; the engine never imports Textual)
KEYMAP_ACTIONS = frozenset({
    "toggle_thinking", "apply", "undo", "rerun", "next_attempt", "prev_attempt", "toggle_diff",
    "focus_followup", "thinking_mode", "think_budget_up", "think_budget_down", "cancel", "help", "quit",
    "drop_file", "panel_problem", "panel_context", "panel_thinking", "panel_answer", "panel_patch",
})


def _coerce(key: str, value: Any, source: str) -> Any:
    kind = _TYPES[key]
    try:
        if value is None:
            return None
        if "dict" in kind:
            if not isinstance(value, Mapping):
                raise ValueError("expected a table")
            return {str(k): str(v) for k, v in value.items()}
        if "bool" in kind:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if "int" in kind:
            if isinstance(value, bool):
                raise ValueError("expected an integer")
            return int(value)
        if "float" in kind:
            if isinstance(value, bool):
                raise ValueError("expected a number")
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: bad value for '{key}': {exc}") from None


def _check(key: str, value: Any, source: str) -> Any:
    """``value`` if it lies in the key's range, else a ConfigError naming the key and where it was set."""
    if value is None:
        return value
    bad = None
    if key in POSITIVE and not (math.isfinite(value) and value > 0):
        bad = "must be a positive number of seconds"
    elif key in MINIMUM and value < MINIMUM[key]:
        bad = f"must be at least {MINIMUM[key]:g}"
    elif key in CHOICES and value not in CHOICES[key]:
        bad = f"expected one of {', '.join(CHOICES[key])}"
    elif key == "keymap":
        unknown = sorted(set(value) - KEYMAP_ACTIONS)
        if unknown:
            bad = f"unknown action '{unknown[0]}' (known: {', '.join(sorted(KEYMAP_ACTIONS))})"
    if bad:
        got = "" if key == "keymap" else f" (got {value!r:.40})"
        raise ConfigError(f"{source}: bad value for '{key}': {bad}{got}")
    return value


def _apply(cfg: dict[str, Any], data: Mapping[str, Any], source: str) -> None:
    for key, value in data.items():
        norm = str(key).replace("-", "_")
        if norm not in _TYPES:
            raise ConfigError(f"{source}: unknown configuration key '{key}'")
        cfg[norm] = _check(norm, _coerce(norm, value, source), source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def user_config_path() -> Path:
    env = os.environ.get("RDEBUG_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("rdebug")) / "config.toml"


def repo_config(root: Path) -> tuple[dict[str, Any], str] | None:
    dot = root / ".rdebug.toml"
    if dot.is_file():
        return _read_toml(dot), str(dot)
    py = root / "pyproject.toml"
    if py.is_file():
        tool = _read_toml(py).get("tool", {})
        data = tool.get("rdebug") if isinstance(tool, dict) else None
        if data is not None:
            if not isinstance(data, dict):
                raise ConfigError(f"{py}: [tool.rdebug] must be a table")
            return data, f"{py} [tool.rdebug]"
    return None


def env_config(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for name, value in environ.items():
        if not name.startswith("RDEBUG_") or name == "RDEBUG_CONFIG":
            continue
        key = name[len("RDEBUG_"):].lower()
        if key in _TYPES and key != "keymap":
            out[key] = value
    return out


def load_config(
    root: Path | None,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Merge every layer; ``cli`` holds only the flags the user actually gave (None = not given)."""
    merged: dict[str, Any] = {}
    user = user_config_path()
    if user.is_file():
        _apply(merged, _read_toml(user), str(user))
    if root is not None:
        found = repo_config(root)
        if found:
            _apply(merged, *found)
    _apply(merged, env_config(environ), "environment")
    if cli:
        _apply(merged, {k: v for k, v in cli.items() if v is not None}, "command line")
    return Config(**merged)


def with_overrides(cfg: Config, data: Mapping[str, Any], source: str) -> Config:
    """``cfg`` with ``data``'s keys set, each parsed and checked as in a config file (ConfigError names it)."""
    from dataclasses import replace

    changed: dict[str, Any] = {}
    _apply(changed, data, source)
    return replace(cfg, **changed)


def models_dir(cfg: Config) -> Path:
    """Where GGUF files live: config/env, else the user data dir."""
    if cfg.models_dir:
        return Path(cfg.models_dir).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("rdebug")) / "models"
