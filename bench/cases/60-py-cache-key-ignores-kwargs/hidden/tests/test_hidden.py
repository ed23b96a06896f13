from shop.cache import memoize
from shop import pricing


def counted():
    calls = []

    @memoize
    def f(*args, **kwargs):
        calls.append((args, kwargs))
        return (args, sorted(kwargs.items()))

    return f, calls


def test_keyword_values_tell_calls_apart():
    f, calls = counted()
    assert f(1, a=1, b=2) == ((1,), [("a", 1), ("b", 2)])
    assert f(1, a=2, b=1) == ((1,), [("a", 2), ("b", 1)])
    assert f(1, a=1, b=3) == ((1,), [("a", 1), ("b", 3)])
    assert len(calls) == 3


def test_keyword_order_does_not_matter():
    f, calls = counted()
    f(a=1, b=2)
    f(b=2, a=1)
    assert len(calls) == 1


def test_positional_values_still_count():
    f, calls = counted()
    f(1)
    f(2)
    f(1)
    assert len(calls) == 2


def test_every_currency_and_sku_is_priced_once():
    pricing.price_of.cache.clear()
    pricing.lookups.clear()
    for _ in range(2):
        assert pricing.quote({"widget": 1, "gadget": 2}, currency="USD") == 66.0
        assert pricing.quote({"gadget": 1}, currency="EUR") == 25.0
    assert sorted(pricing.lookups) == [("gadget", "EUR"), ("gadget", "USD"), ("widget", "USD")]
