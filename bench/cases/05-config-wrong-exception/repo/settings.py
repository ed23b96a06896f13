"""Read server settings from environment-style mappings."""


class ConfigError(Exception):
    """An invalid configuration value."""


def parse_port(raw: str) -> int:
    """A TCP port number; ConfigError when `raw` is not one."""
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"port must be a number, got {raw!r}")
    if not 1 <= port <= 65535:
        raise ConfigError(f"port out of range: {port}")
    return port


def load(env: dict) -> dict:
    return {
        "host": env.get("HOST", "localhost"),
        "port": parse_port(env.get("PORT", "8080")),
        "debug": env.get("DEBUG", "0") in ("1", "true", "yes"),
    }
