"""Issue 23 §4: every setting is declared once; its flag, environment variable, config key and options field
are derived from that declaration and agree."""

from __future__ import annotations

from dataclasses import MISSING, fields

import pytest

from rdebug.cli import parse_args, _cli_overrides
from rdebug.config import LOAD_KEYS, Config, env_config, with_overrides
from rdebug.job import RoundOptions
from rdebug.settings import declared, env_name

SAMPLE = {"bool": "false", "int": "7", "float": "2.5", "str": "x"}
ROUND_ONLY = {"verify", "question", "history"}  # a round's own fields, not settings


def _value(f, s):
    if s.choices:
        return s.choices[-1]
    kind = str(f.type)
    if "bool" in kind:  # the other value than the default
        return "false" if f.default else "true"
    return next(v for k, v in SAMPLE.items() if k in kind)


def _settings():
    return [(f, s) for f, s in declared(Config) if f.name != "keymap"]


def test_every_config_field_is_declared():
    assert {f.name for f in fields(Config)} == {f.name for f, _ in declared(Config)}


@pytest.mark.parametrize("f,s", _settings(), ids=lambda x: getattr(x, "name", ""))
def test_the_config_key_and_the_environment_variable_set_the_same_field(f, s):
    value = _value(f, s)
    from_file = with_overrides(Config(), {f.name: value}, "test")
    assert env_config({env_name(f.name): value}) == {f.name: value}
    from_env = with_overrides(Config(), env_config({env_name(f.name): value}), "environment")
    assert getattr(from_file, f.name) == getattr(from_env, f.name) != (f.default if f.default is not MISSING else None)


@pytest.mark.parametrize("f,s", [(f, s) for f, s in _settings() if s.flags], ids=lambda x: getattr(x, "name", ""))
def test_each_flag_sets_its_setting_by_name(f, s):
    for flag in s.flags:
        argv = ["fix", flag] if "bool" in str(f.type) else ["fix", flag, _value(f, s)]
        _name, args = parse_args(argv)
        given = _cli_overrides(args)
        assert given[f.name] is not None and all(v is None for k, v in given.items() if k != f.name)
        cfg = with_overrides(Config(), {f.name: given[f.name]}, "command line")
        assert getattr(cfg, f.name) == given[f.name]


def test_the_round_options_take_the_settings_names():
    names = {f.name for f in fields(RoundOptions)}
    assert names - ROUND_ONLY <= Config.keys()
    cfg = with_overrides(Config(), {"attempts": 5, "search_seconds": 9, "focus": False}, "test")
    opts = RoundOptions.from_config(cfg)
    assert (opts.attempts, opts.search_seconds, opts.focus) == (5, 9.0, False)


def test_load_keys_are_declared_and_not_round_options():
    assert {"model", "ctx", "threads", "repack"} <= LOAD_KEYS
    assert not LOAD_KEYS & {f.name for f in fields(RoundOptions)}
