from parcel.postage import postage, tier_price


def test_tier_price():
    assert tier_price(1.5) == 4.5
    assert tier_price(12.0) == 21.0
    assert tier_price(45.0) == 60.0


def test_light_parcel():
    assert postage(["mug", "spoon"]) == 4.5


def test_heavier_parcel():
    assert postage(["teapot", "kettle", "mug"]) == 9.0
