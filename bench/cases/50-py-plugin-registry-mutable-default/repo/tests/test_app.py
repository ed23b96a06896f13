from plugins.app import build_registry


def test_legacy_exporters():
    assert build_registry().members("legacy") == ["xml"]


def test_only_csv_is_a_spreadsheet_exporter():
    registry = build_registry()
    assert registry.members("spreadsheet") == ["csv"]
    assert registry.groups_of("json") == []
