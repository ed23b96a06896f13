"""Configuration: CLI flags > environment (RDEBUG_*) > repo config > user config > defaults.

Repo config is ``[tool.rdebug]`` in the repository's ``pyproject.toml`` or a ``.rdebug.toml``
(top-level keys). User config is ``config.toml`` in the platformdirs user config directory
(override the file with ``RDEBUG_CONFIG``). Unknown keys are an error naming the key.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from rdebug.errors import ConfigError
from rdebug.settings import declared, env_name, setting

DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct"


@dataclass
class Config:
    """Every setting, declared once (``rdebug.settings``): flag, environment variable and config key derive
    from the field's name; ``RoundOptions`` and the other options objects take the same names."""

    # --- intake -----------------------------------------------------------------------------------------
    test_cmd: str | None = setting(None, "the project's test command (overrides detection)", flags=("--test-cmd",),
                                   metavar="CMD", group="intake")  # shell-like, split with shlex
    timeout: float = setting(300.0, "timeout for a test command in seconds (300)", flags=("--timeout",),
                             metavar="S", group="intake", positive=True)
    # --- context ----------------------------------------------------------------------------------------
    budget: int = setting(6000, "context token budget (6000)", flags=("--budget",), metavar="N", group="context",
                          minimum=1)
    # --- model ------------------------------------------------------------------------------------------
    model: str = setting(DEFAULT_MODEL, "GGUF path, catalog name or hf:REPO/FILE", flags=("--model",), metavar="M",
                         group="model", load=True)
    backend: str = setting("llama", "llama (default), openai, replay:FILE", flags=("--backend",), metavar="B",
                           group="model", load=True)  # or "fake"
    base_url: str | None = setting(None, "server URL for --backend openai", flags=("--base-url",), metavar="URL",
                                   group="model", load=True)
    api_key: str | None = setting(None, "the openai backend's API key", group="model", load=True)
    gpu_layers: int | None = setting(None, "layers to offload (-1 all; default: all when a GPU is usable)",
                                     flags=("--gpu-layers",), metavar="N", group="model", minimum=-1, load=True)
    ctx: int | None = setting(None, "context size in tokens", flags=("--ctx",), metavar="N", group="model",
                              minimum=1, load=True)  # None: from the model's trained context and the prompt size
    threads: int | None = setting(None, "CPU threads", flags=("--threads",), metavar="N", group="model", minimum=1,
                                  load=True)
    threads_batch: int | None = setting(None, "prompt processing threads (default: all cores)", group="model",
                                        minimum=1, load=True)
    kv_type: str = setting("f16", "KV cache type", flags=("--kv-type",), group="model", choices=("f16", "q8_0"),
                           load=True)
    repack: bool = setting(True, "load without llama.cpp's extra buffer types (AMX/repacked weights); use when the "
                           "model crashes with SIGILL", flags=("--no-repack",), group="model", load=True)
    flash_attn: str = setting("auto", "flash attention (default auto: llama.cpp decides per device; on with "
                              "--kv-type q8_0)", flags=("--flash-attn",), group="model", choices=("auto", "on", "off"),
                              load=True)
    max_tokens: int = setting(2048, "max tokens per reply (thinking + answer)", flags=("--max-tokens",), metavar="N",
                              group="model", minimum=1)
    thinking: bool | None = setting(None, "let the model think (default: as the model's catalog entry says)",
                                    flags=("--think", "--no-think"), group="model",
                                    off_help="answer without thinking")  # None: the catalog's think_default
    think_budget: int | None = setting(None, "close the thought after N tokens", flags=("--think-budget",),
                                       metavar="N", group="model", minimum=0)
    models_dir: str | None = setting(None, "where GGUF files live", flags=("--models-dir",), metavar="DIR",
                                     group="model", load=True)  # None: platformdirs user data dir / models
    # --- repair -----------------------------------------------------------------------------------------
    attempts: int = setting(3, "repair attempts (3)", flags=("--attempts",), metavar="N", minimum=1)
    samples: int = setting(1, "candidates per attempt, decoded together in one batch by the llama backend (1)",
                           flags=("--samples",), metavar="K", minimum=1)
    all_candidates: bool = setting(False, "verify every candidate of a round and rank them (default: the first "
                                   "verified one ends the round)", flags=("--all-candidates",))
    search: bool = setting(True, "do not try small edits at the suspicious lines", flags=("--no-search",))
    search_max: int = setting(300, "candidates the search verifies at most", minimum=1)
    search_seconds: float = setting(60.0, "wall time of the search at most", positive=True)
    templates: bool = setting(True, "the search tries single-token edits only, no fix templates",
                              flags=("--no-templates",))
    # several verified fixes: on cases 56 and 67-70 (a weak test each) the right fix came first in 5 of 5 with
    # the 1.5B model scoring them (two runs), 3 of 5 by the search's order alone, and case 56 went wrong when the
    # model chose from the diffs in words
    compare: bool = setting(True, "when several verified fixes pass, the model chooses from the diffs in words "
                            "(default: an input on which they differ is looked for, and the model scores each "
                            "fix's result there, or each fixed function)", flags=("--no-compare",))
    search_beside: bool = setting(True, "run the search before the model's attempts (default: while the model "
                                  "decodes)", flags=("--search-first",), const=False)
    precheck: bool = setting(True, "run every model candidate's tests, without the static pre-check first",
                             flags=("--no-precheck",))
    resample: bool = setting(True, "count a reply that repeats a tried fix as an attempt (default: sample another)",
                             flags=("--no-resample",))
    # on: on the 22 cases no single edit fixes (default model, 3 attempts, the search beside it), focus + localize
    # with spread 3 fixed 5 and 6 (none wrong) against the open request's 4 and 4 (1 wrong each), in two runs
    focus: bool = setting(True, "function-format models rewrite chosen functions, their first line given (the "
                          "default)", flags=("--focus", "--no-focus"),
                          off_help="ask for a fix anywhere in one open request")
    localize: bool = setting(True, "the model ranks the functions to rewrite or fill (each name scored as its "
                             "answer, nothing decoded; the default)", flags=("--localize", "--no-localize"),
                             off_help="the suspicious lines' order ranks them")
    # 3: bench_choose put the buggy function among the top 3 by likelihood in 16 of 17 hard cases
    spread: int = setting(3, "a focused attempt rewrites the top N functions, one candidate each, decoded "
                          "together (3)", flags=("--spread",), metavar="N", minimum=1)
    infill: bool = setting(False, "the model fills masked lines of the top-ranked function; the search's pool "
                           "verifies each fill", flags=("--infill", "--no-infill"),
                           off_help="no infill (the default)")
    fim: bool = setting(True, "fill masked lines by prefix completion even when the model has fill-in-the-middle "
                        "tokens", flags=("--no-fim",))
    calls: bool = setting(False, "re-run the failing pytest test under a tracer and show the model what it called "
                          "and returned", flags=("--calls", "--no-calls"),
                          off_help="no call record (the default for now)")
    # off: on 16 model-only cases it fixed 3 either way and cost ~7 s a case (bench figures in the README)
    spectrum: bool = setting(False, "run the tests once under a line tracer and show the model the functions only "
                             "the failing test runs (Ochiai)", flags=("--spectrum", "--no-spectrum"),
                             off_help="do not run the tests under the line tracer (the default for now)")
    # --- the app ----------------------------------------------------------------------------------------
    keymap: dict[str, str] = setting(help="action id = key(s) for the interactive app", factory=dict, env=False)

    @classmethod
    def keys(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    @property
    def parallel(self) -> int:
        """Candidates decoded together at most: ``samples``, or ``spread`` when attempts are focused."""
        return max(1, self.samples, self.spread if self.focus else 1)


_TYPES = {f.name: str(f.type) for f in fields(Config)}
_DECLARED = {f.name: s for f, s in declared(Config)}
MINIMUM: dict[str, float] = {k: s.minimum for k, s in _DECLARED.items() if s.minimum is not None}
POSITIVE = {k for k, s in _DECLARED.items() if s.positive}  # must be > 0
CHOICES = {k: s.choices for k, s in _DECLARED.items() if s.choices}
LOAD_KEYS = frozenset(k for k, s in _DECLARED.items() if s.load)  # read when the model loads

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
    names = {env_name(k): k for k, s in _DECLARED.items() if s.env}
    for name, value in environ.items():
        if name in names:
            out[names[name]] = value
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
