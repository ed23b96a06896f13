import pytest

from shop import pricing


@pytest.fixture(autouse=True)
def fresh_cache():
    pricing.price_of.cache.clear()
    pricing.lookups.clear()


def test_quote_in_euros():
    assert pricing.quote({"widget": 2, "gadget": 1}) == 45.0


def test_quotes_in_two_currencies():
    assert pricing.quote({"widget": 2}, currency="EUR") == 20.0
    assert pricing.quote({"widget": 2}, currency="USD") == 22.0


def test_a_price_is_looked_up_once():
    pricing.quote({"widget": 1}, currency="USD")
    pricing.quote({"widget": 3}, currency="USD")
    assert pricing.lookups == [("widget", "USD")]
