from settings.loader import DEFAULTS, describe, load


def test_defaults_alone():
    assert load() == DEFAULTS
    assert describe(load()) == "http://127.0.0.1:8080"


def test_site_file_changes_one_key_of_a_section():
    settings = load({"server": {"port": 9000}})
    assert describe(settings) == "http://127.0.0.1:9000"


def test_lists_are_replaced():
    assert load({"features": ["search", "export"]})["features"] == ["search", "export"]


def test_later_layers_win():
    site = {"database": {"pool": 20}}
    command_line = {"database": {"pool": 2}}
    assert load(site, command_line)["database"] == {"url": "sqlite:///app.db", "pool": 2, "timeout_s": 10}
