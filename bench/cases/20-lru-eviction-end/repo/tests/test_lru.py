from lru import LRUCache


def test_capacity_respected():
    cache = LRUCache(2)
    for key in "abc":
        cache.put(key, key.upper())
    assert len(cache) == 2


def test_newest_survives():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert cache.get("c") == 3


def test_least_recently_used_evicted():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1
