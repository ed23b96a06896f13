from shop.shipping import quote


def test_single_item():
    assert quote([{"sku": "A1", "unit_weight_kg": 0.4, "quantity": 1}]) == 9.0


def test_free_shipping():
    assert quote([{"sku": "A1", "unit_weight_kg": 9.0, "quantity": 3}], order_value=250) == 0.0


def test_quantities_count():
    lines = [
        {"sku": "A1", "unit_weight_kg": 0.5, "quantity": 4},
        {"sku": "B2", "unit_weight_kg": 1.2, "quantity": 1},
    ]
    assert quote(lines) == 21.0
