from settings.build import settings_for


def test_production_overrides_the_database_host():
    prod = settings_for("prod", {"database": {"host": "db.internal"}, "features": ["search", "billing"]})
    assert prod["env"] == "prod"
    assert prod["database"] == {"host": "db.internal", "port": 5432, "options": {"timeout": 30}}
    assert prod["features"] == ["search", "billing"]


def test_development_keeps_the_defaults():
    settings_for("staging", {"cache": {"ttl": 60}, "database": {"host": "db.staging"}})
    dev = settings_for("dev")
    assert dev["database"]["host"] == "localhost"
    assert dev["cache"] == {"backend": "memory", "ttl": 300}
