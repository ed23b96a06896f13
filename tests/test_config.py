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
