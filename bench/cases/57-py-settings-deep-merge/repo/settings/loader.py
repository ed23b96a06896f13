"""Loading the service's settings."""

from __future__ import annotations

import copy
from typing import Any, Mapping

from settings.merge import deep_merge

DEFAULTS: dict[str, Any] = {
    "server": {"host": "127.0.0.1", "port": 8080, "tls": {"enabled": False, "cert": None, "key": None}},
    "database": {"url": "sqlite:///app.db", "pool": 5, "timeout_s": 10},
    "features": ["search"],
}


def load(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults with each layer laid over them in turn (a later layer wins)."""
    settings = copy.deepcopy(DEFAULTS)
    for layer in layers:
        settings = deep_merge(settings, layer)
    return settings


def describe(settings: Mapping[str, Any]) -> str:
    server = settings["server"]
    scheme = "https" if server["tls"]["enabled"] else "http"
    return f"{scheme}://{server['host']}:{server['port']}"
