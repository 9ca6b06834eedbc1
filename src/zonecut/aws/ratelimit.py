"""A thread-safe token bucket: each account's Route 53 calls stay under its rate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Allows ``rate`` acquisitions per second on average, ``burst`` at once.

    ``acquire`` blocks until a token is free and returns the seconds it waited.
    """

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self, operation: str | None = None) -> float:
        """``operation`` is ignored: one bucket for every request (see
        :class:`zonecut.aws.limiter.QuotaLimiter` for per-operation buckets)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        return wait

    def release(self) -> None:
        """Nothing to free: this bucket keeps no count of requests in flight."""
