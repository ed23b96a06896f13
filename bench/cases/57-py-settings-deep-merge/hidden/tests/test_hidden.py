import copy

from settings.loader import DEFAULTS, load
from settings.merge import deep_merge


def test_merges_at_every_depth():
    settings = load({"server": {"tls": {"enabled": True}}})
    assert settings["server"] == {"host": "127.0.0.1", "port": 8080,
                                  "tls": {"enabled": True, "cert": None, "key": None}}


def test_layers_merge_into_each_other():
    settings = load({"server": {"tls": {"cert": "a.pem"}}}, {"server": {"tls": {"key": "a.key"}, "port": 443}})
    assert settings["server"] == {"host": "127.0.0.1", "port": 443,
                                  "tls": {"enabled": False, "cert": "a.pem", "key": "a.key"}}


def test_new_sections_and_keys_are_added():
    settings = load({"cache": {"ttl": 60}, "database": {"replica": "r1"}})
    assert settings["cache"] == {"ttl": 60}
    assert settings["database"] == {"url": "sqlite:///app.db", "pool": 5, "timeout_s": 10, "replica": "r1"}


def test_a_scalar_replaces_a_section_and_a_section_a_scalar():
    assert deep_merge({"a": {"b": 1}}, {"a": 3}) == {"a": 3}
    assert deep_merge({"a": 3}, {"a": {"b": 1}}) == {"a": {"b": 1}}


def test_inputs_are_not_changed():
    before = copy.deepcopy(DEFAULTS)
    base = {"x": {"y": {"z": 1, "w": 2}}}
    override = {"x": {"y": {"z": 5}}}
    assert deep_merge(base, override) == {"x": {"y": {"z": 5, "w": 2}}}
    assert base == {"x": {"y": {"z": 1, "w": 2}}} and override == {"x": {"y": {"z": 5}}}
    load({"server": {"tls": {"enabled": True}}}, {"database": {"pool": 1}})
    assert DEFAULTS == before
