"""The client side of Route 53's token buckets: every request of an account waits for a
token of the account's bucket and of its operation's bucket (:mod:`zonecut.quotas`),
so zonecut does not meet ``Throttling`` in the first place.

Each bucket is kept as the time it will be full again ("virtual scheduling", the
generic cell rate algorithm): a request may go at ``t`` when ``t >= full_at -
(burst - 1) / rate``; sending pushes ``full_at`` to ``max(full_at, t) + 1 / rate``.
A request's time is the latest of its two buckets' earliest times, and it is booked
in both at that time, so a request held back by its operation's bucket does not
spend an account token it cannot use yet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from zonecut.quotas import ROUTE53_OPERATION_DEFAULT, ROUTE53_OPERATIONS, Bucket


class _Schedule:
    def __init__(self, bucket: Bucket, now: float) -> None:
        self.interval = 1.0 / bucket.rate
        self.tolerance = (bucket.burst - 1.0) * self.interval
        self.full_at = now

    def earliest(self, now: float) -> float:
        return max(now, self.full_at - self.tolerance)

    def book(self, at: float) -> None:
        self.full_at = max(self.full_at, at) + self.interval


class QuotaLimiter:
    """One account's Route 53 limiter: the account bucket plus a bucket per operation.

    ``acquire(operation)`` blocks until the request may go and returns the seconds it
    waited. Requests reach the service out of step with the times they were booked at
    (latency varies, a loaded machine schedules late), so each bucket is kept a little
    smaller and slower than the service's: ``margin`` of its burst (at least 2 tokens)
    is held back and it refills at ``pace`` of the service's rate, which lets the
    service's bucket fill back up while the client sends steadily.
    """

    def __init__(
        self,
        account: Bucket,
        operations: Mapping[str, Bucket] = ROUTE53_OPERATIONS,
        default_operation: Bucket | None = ROUTE53_OPERATION_DEFAULT,
        *,
        margin: float = 0.1,
        pace: float = 0.95,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.operations = dict(operations)
        self.default_operation = default_operation
        self.margin = margin
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        now = clock()
        self._account = _Schedule(self._kept(account), now)
        self._per_operation: dict[str, _Schedule] = {}
        self.waited = 0.0

    def _kept(self, bucket: Bucket) -> Bucket:
        held = max(2.0, self.margin * bucket.burst)
        return Bucket(burst=max(1.0, bucket.burst - held), rate=bucket.rate * self.pace)

    def bucket_for(self, operation: str) -> Bucket | None:
        return self.operations.get(operation, self.default_operation)

    def acquire(self, operation: str | None = None) -> float:
        with self._lock:
            now = self._clock()
            schedules = [self._account]
            bucket = self.bucket_for(operation) if operation else None
            if operation and bucket is not None:
                found = self._per_operation.get(operation)
                if found is None:
                    found = self._per_operation[operation] = _Schedule(self._kept(bucket), now)
                schedules.append(found)
            at = max(s.earliest(now) for s in schedules)
            if at - now < 1e-9:  # float noise of the booking arithmetic
                at = now
            for schedule in schedules:
                schedule.book(at)
            wait = at - now
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        return wait
