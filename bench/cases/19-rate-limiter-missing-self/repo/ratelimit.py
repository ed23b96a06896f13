"""A fixed-window rate limiter."""
import time


class RateLimiter:
    def __init__(self, limit: int, window_s: float, clock=time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self.window_start = clock()
        self.count = 0

    def allow(self) -> bool:
        """True if one more call fits in the current window (and count it)."""
        now = self.clock()
        if now - self.window_start >= self.window_s:
            self.window_start = now
            count = 0
        if self.count < self.limit:
            self.count += 1
            return True
        return False
