import pytest

from settings import ConfigError, load, parse_port


def test_defaults():
    assert load({}) == {"host": "localhost", "port": 8080, "debug": False}


def test_out_of_range_port():
    with pytest.raises(ConfigError):
        parse_port("70000")


def test_non_numeric_port():
    with pytest.raises(ConfigError):
        load({"PORT": "http"})
