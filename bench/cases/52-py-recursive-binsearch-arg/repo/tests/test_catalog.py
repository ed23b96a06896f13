from lookup.catalog import Catalog

CATALOG = Catalog({1042: "kettle", 2210: "toaster", 3301: "blender", 4000: "grinder", 5120: "scale"})


def test_known_skus():
    assert [CATALOG.name(sku) for sku in (1042, 2210, 3301, 4000, 5120)] == [
        "kettle", "toaster", "blender", "grinder", "scale"]


def test_unknown_skus():
    assert CATALOG.name(1000) is None
    assert CATALOG.name(3000) is None
    assert CATALOG.name(4500) is None
    assert CATALOG.name(9999) is None
