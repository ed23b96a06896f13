"""Settings for one environment: the defaults with that environment's overrides."""
from settings.defaults import DEFAULTS


def settings_for(env: str, overrides: dict | None = None) -> dict:
    """The defaults, each section updated key by key from ``overrides`` (a list or a value replaces)."""
    config = dict(DEFAULTS)
    for section, values in (overrides or {}).items():
        if isinstance(values, dict) and isinstance(config.get(section), dict):
            config[section].update(values)
        else:
            config[section] = values
    config["env"] = env
    return config
