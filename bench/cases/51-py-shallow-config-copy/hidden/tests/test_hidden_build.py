import copy

from settings.build import settings_for
from settings.defaults import DEFAULTS

PRISTINE = copy.deepcopy(DEFAULTS)


def test_the_defaults_never_change():
    prod = settings_for("prod", {"database": {"host": "db", "options": {"timeout": 5}}, "cache": {"ttl": 1}})
    prod["database"]["options"]["timeout"] = 99
    prod["features"].append("beta")
    assert DEFAULTS == PRISTINE


def test_each_environment_gets_its_own_copy():
    a, b = settings_for("a"), settings_for("b")
    a["cache"]["ttl"] = 1
    a["features"].append("x")
    assert b["cache"]["ttl"] == 300 and b["features"] == ["search"]


def test_sections_are_updated_key_by_key():
    cfg = settings_for("ci", {"cache": {"backend": "redis"}, "queue": {"size": 3}})
    assert cfg["cache"] == {"backend": "redis", "ttl": 300}
    assert cfg["queue"] == {"size": 3}
    assert cfg["env"] == "ci"
