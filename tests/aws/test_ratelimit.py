from __future__ import annotations

import threading

from zonecut.aws.ratelimit import TokenBucket


class FakeTime:
    """A clock that only moves when someone sleeps: deterministic rate tests."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_rate_is_respected() -> None:
    t = FakeTime()
    bucket = TokenBucket(5.0, clock=t.clock, sleep=t.sleep)
    for _ in range(11):
        bucket.acquire()
    # 1 free token, then 10 more at 5/s
    assert abs(t.now - 2.0) < 1e-9


def test_idle_time_refills_up_to_burst_only() -> None:
    t = FakeTime()
    bucket = TokenBucket(5.0, burst=2, clock=t.clock, sleep=t.sleep)
    t.now = 100.0
    bucket.acquire()
    bucket.acquire()
    assert t.now == 100.0
    bucket.acquire()
    assert abs(t.now - 100.2) < 1e-9
