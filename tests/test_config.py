from pathlib import Path

import pytest

from rdebug.config import Config, load_config
from rdebug.errors import ConfigError


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "user-config.toml"))
    for name in list(__import__("os").environ):
        if name.startswith("RDEBUG_") and name != "RDEBUG_CONFIG":
            monkeypatch.delenv(name)


def test_defaults(tmp_path):
    cfg = load_config(tmp_path, {}, environ={})
    assert cfg == Config()
    assert cfg.budget == 6000 and cfg.timeout == 300


def test_precedence_cli_over_env_over_repo_over_user(tmp_path, monkeypatch):
    (tmp_path / "user-config.toml").write_text('budget = 1\nattempts = 7\nthreads = 2\nmodel = "u"\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[tool.rdebug]\nbudget = 2\nattempts = 8\nmodel = "r"\n')
    env = {"RDEBUG_BUDGET": "3", "RDEBUG_MODEL": "e"}
    cfg = load_config(repo, {"budget": 4, "attempts": None}, environ=env)
    assert cfg.budget == 4  # cli
    assert cfg.model == "e"  # env
    assert cfg.attempts == 8  # repo
    assert cfg.threads == 2  # user


def test_dot_rdebug_toml_and_keymap(tmp_path):
    (tmp_path / ".rdebug.toml").write_text('thinking = false\n[keymap]\ntoggle_thinking = "ctrl+t"\n')
    cfg = load_config(tmp_path, {}, environ={})
    assert cfg.thinking is False
    assert cfg.keymap == {"toggle_thinking": "ctrl+t"}


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[tool.rdebug]\nbugdet = 3\n", "unknown configuration key 'bugdet'"),
        ("[tool.rdebug]\nbudget = 'lots'\n", "bad value for 'budget'"),
        ("[tool.rdebug\n", "invalid TOML"),
    ],
)
def test_bad_repo_config_names_the_problem(tmp_path, text, needle):
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, {}, environ={})
    assert needle in str(err.value)


def test_env_bool_and_unknown_env_ignored(tmp_path):
    cfg = load_config(tmp_path, {}, environ={"RDEBUG_THINKING": "no", "RDEBUG_NOT_A_KEY": "1"})
    assert cfg.thinking is False


# --- issue 12: ranges, keymap actions, a non-UTF-8 pyproject.toml, repack ---


@pytest.mark.parametrize(
    "layer, key, value",
    [
        ("cli", "timeout", -1.0), ("cli", "timeout", 0.0), ("env", "timeout", "nan"), ("repo", "budget", -5),
        ("repo", "attempts", 0), ("env", "samples", "0"), ("repo", "max_tokens", 0), ("cli", "ctx", 0),
        ("repo", "threads", 0), ("repo", "threads_batch", -2), ("repo", "think_budget", -1),
        ("cli", "gpu_layers", -2), ("repo", "kv_type", "q4"),
    ],
)
def test_out_of_range_values_are_refused(tmp_path, layer, key, value):
    cli, env = {}, {}
    if layer == "cli":
        cli[key] = value
    elif layer == "env":
        env[f"RDEBUG_{key.upper()}"] = value
    else:
        (tmp_path / "pyproject.toml").write_text(f"[tool.rdebug]\n{key} = {value!r}\n".replace("'", '"'))
    with pytest.raises(ConfigError, match=rf"bad value for '{key}'"):
        load_config(tmp_path, cli, environ=env)


def test_edge_values_are_accepted(tmp_path):
    cfg = load_config(tmp_path, {"timeout": 0.5, "gpu_layers": -1, "think_budget": 0, "attempts": 1}, environ={})
    assert (cfg.timeout, cfg.gpu_layers, cfg.think_budget, cfg.attempts) == (0.5, -1, 0, 1)


def test_unknown_keymap_action_is_an_error_naming_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.rdebug.keymap]\ntoggle_thinking = "T"\nfly_away = "x"\n')
    with pytest.raises(ConfigError, match="unknown action 'fly_away'"):
        load_config(tmp_path, {}, environ={})


def test_keymap_actions_are_the_tui_binding_ids():
    pytest.importorskip("textual")
    from rdebug_tui.keys import binding_ids

    from rdebug.config import KEYMAP_ACTIONS

    assert binding_ids() == set(KEYMAP_ACTIONS)


def test_non_utf8_pyproject_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.rdebug]\nbudget = 1\n# caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path, {}, environ={})


def test_repack_from_config_env_and_flag(tmp_path):
    from rdebug.cli import _cli_overrides, parse_args

    assert load_config(tmp_path, {}, environ={}).repack is True
    assert load_config(tmp_path, {}, environ={"RDEBUG_REPACK": "false"}).repack is False
    (tmp_path / ".rdebug.toml").write_text("repack = false\n")
    assert load_config(tmp_path, {}, environ={}).repack is False
    (tmp_path / ".rdebug.toml").unlink()
    _name, args = parse_args(["ask", "--no-repack"])
    assert load_config(tmp_path, _cli_overrides(args), environ={}).repack is False
    _name, args = parse_args(["ask"])
    assert args.repack is None and load_config(tmp_path, _cli_overrides(args), environ={}).repack is True
