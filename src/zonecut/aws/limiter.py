"""The client side of Route 53's token buckets: every request of an account waits for a
token of the account's bucket and of its operation's bucket (:mod:`zonecut.quotas`),
so zonecut does not meet ``Throttling`` in the first place.

Each bucket is kept as the time it will be full again ("virtual scheduling", the
generic cell rate algorithm): a request may go at ``t`` when ``t >= full_at -
(burst - 1) / rate``; sending pushes ``full_at`` to ``max(full_at, t) + 1 / rate``.
A request's time is the latest of its two buckets' earliest times, and it is booked
in both at that time, so a request held back by its operation's bucket does not
spend an account token it cannot use yet.

Why tokens are held in reserve, and how many. The service takes a request's token when
it handles the request, later than the client booked it, and by a delay that varies
(latency, queues, a loaded machine): while the service's bucket is full, the tokens it
would have gained in that delay are lost, so it can hold fewer than the client's copy.
The shortfall is at most the number of requests booked but not yet handled at the time
the loss happens (while the service's bucket is full and ``p`` requests are on their
way, it counts as ``burst - p`` once they land), so it never exceeds the requests in
flight at once. The limiter therefore lets at most ``in_flight`` requests of the account
be in flight (from booking until the answer came back) and keeps ``in_flight`` tokens of
each bucket in reserve: every request then finds a token when the service handles it,
whatever the delays (tests/aws/test_limiter_in_flight.py drives the sandbox's own
buckets with delayed sends on a simulated clock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from zonecut.quotas import ROUTE53_OPERATION_DEFAULT, ROUTE53_OPERATIONS, Bucket

IN_FLIGHT = 8
"""Requests of one account in flight at once (below botocore's 10 pooled connections per
client); also the tokens each bucket keeps in reserve."""


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

    ``acquire(operation)`` blocks until one of ``in_flight`` slots is free and the
    request may go, and returns the seconds it waited for its tokens; ``release()``, once
    the answer came back, frees the calling thread's slot. Each bucket is kept smaller by
    ``in_flight`` tokens (see the module's docstring; a bucket of ``in_flight`` tokens or
    fewer keeps one), and refills at ``pace`` of the service's rate: room for clocks and
    bucket implementations not quite the same as the service's.
    """

    def __init__(
        self,
        account: Bucket,
        operations: Mapping[str, Bucket] = ROUTE53_OPERATIONS,
        default_operation: Bucket | None = ROUTE53_OPERATION_DEFAULT,
        *,
        in_flight: int = IN_FLIGHT,
        pace: float = 0.95,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, not {in_flight}")
        self.account = account
        self.operations = dict(operations)
        self.default_operation = default_operation
        self.in_flight = in_flight
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(in_flight)
        self._holding = threading.local()
        now = clock()
        self._account = _Schedule(self._kept(account), now)
        self._per_operation: dict[str, _Schedule] = {}
        self.waited = 0.0

    def _kept(self, bucket: Bucket) -> Bucket:
        held = min(float(self.in_flight), bucket.burst - 1.0)
        return Bucket(burst=bucket.burst - held, rate=bucket.rate * self.pace)

    def bucket_for(self, operation: str) -> Bucket | None:
        return self.operations.get(operation, self.default_operation)

    def acquire(self, operation: str | None = None) -> float:
        if not getattr(self._holding, "slot", False):
            # a thread holding one already lost its answer's release (botocore sends
            # one request at a time per thread): its last request is over, reuse it
            self._slots.acquire()
            self._holding.slot = True
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

    def release(self) -> None:
        """The calling thread's request was answered (or failed): free its slot. Does
        nothing when the thread holds none, so it may be called more than once."""
        if getattr(self._holding, "slot", False):
            self._holding.slot = False
            self._slots.release()
