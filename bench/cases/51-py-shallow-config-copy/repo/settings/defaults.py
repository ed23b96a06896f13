"""The settings every environment starts from."""

DEFAULTS = {
    "database": {"host": "localhost", "port": 5432, "options": {"timeout": 30}},
    "cache": {"backend": "memory", "ttl": 300},
    "features": ["search"],
}
