"""The application's exporters."""
from plugins.registry import Registry


def build_registry(exporters: list[str] = ("csv", "json")) -> Registry:
    registry = Registry()
    for name in exporters:
        registry.register(name)
    registry.register("xml", ["legacy"])
    registry.add_to_group("csv", "spreadsheet")
    return registry
