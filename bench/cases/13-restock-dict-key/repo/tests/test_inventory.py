from inventory import parse_delivery, restock


def test_parse():
    assert parse_delivery(" ab-1 : 5") == {"sku": "AB-1", "qty": 5}


def test_restock():
    deliveries = [parse_delivery(line) for line in ["AB-1:5", "zz-9:2"]]
    assert restock({"AB-1": 1}, deliveries) == {"AB-1": 6, "ZZ-9": 2}


def test_nothing_delivered():
    assert restock({"AB-1": 1}, []) == {"AB-1": 1}
