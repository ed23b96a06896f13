from ratelimit import RateLimiter


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_limit_within_window():
    limiter = RateLimiter(2, 1.0, FakeClock())
    assert [limiter.allow() for _ in range(3)] == [True, True, False]


def test_new_window_resets():
    clock = FakeClock()
    limiter = RateLimiter(2, 1.0, clock)
    assert limiter.allow() and limiter.allow()
    clock.now = 1.5
    assert limiter.allow()
