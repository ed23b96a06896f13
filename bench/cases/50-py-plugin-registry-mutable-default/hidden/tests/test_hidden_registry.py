from plugins.app import build_registry
from plugins.registry import Registry


def test_plugins_registered_without_groups_do_not_share_them():
    registry = Registry().register("a").register("b").register("c")
    registry.add_to_group("a", "one")
    registry.add_to_group("b", "two")
    assert registry.groups_of("a") == ["one"]
    assert registry.groups_of("b") == ["two"]
    assert registry.groups_of("c") == []


def test_registries_do_not_share_groups():
    first, second = Registry().register("a"), Registry().register("a")
    first.add_to_group("a", "x")
    assert second.groups_of("a") == []


def test_given_groups_are_kept():
    registry = Registry().register("xml", ["legacy", "text"])
    registry.add_to_group("xml", "text")
    assert registry.groups_of("xml") == ["legacy", "text"]


def test_building_twice_gives_the_same_registry():
    build_registry()
    registry = build_registry(["csv", "json", "yaml"])
    assert registry.members("spreadsheet") == ["csv"]
    assert registry.groups_of("yaml") == []
