"""The client limiter against the sandbox's own token buckets (FaultInjector with quotas
on, Route 53's documented buckets) on one simulated clock, with the requests reaching
the service late by delays drawn at will: booked at ``t``, handled at ``t + d``. Up to
``in_flight`` requests of the account are on their way at once; not one may be refused.
Nothing is timed: events run in the simulated clock's order."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from zonecut.aws.limiter import IN_FLIGHT, QuotaLimiter
from zonecut.quotas import ROUTE53_ACCOUNT
from zonecut.sandbox.fault_settings import QUOTA_KIND, FaultSettings
from zonecut.sandbox.faults import FaultInjector

ACCOUNT = "222222222222"
OPERATIONS = ("CreateHostedZone", "GetChange", "ListHostedZonesByName",
              "ChangeResourceRecordSets", "DeleteHostedZone")


class Run:
    """``workers`` threads of an account, each sending its requests one after another
    (the next once the last was answered), as zonecut's threads do."""

    def __init__(self, limiter_in_flight: int = IN_FLIGHT) -> None:
        self.now = 0.0
        self.limiter = QuotaLimiter(ROUTE53_ACCOUNT, in_flight=limiter_in_flight,
                                    clock=self.clock, sleep=self.sleep)
        self.service = FaultInjector(FaultSettings(quotas=True), clock=self.clock)
        self.refused = 0
        self.handled = 0
        self._slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self._slept = seconds  # the request goes when the limiter's wait is over

    def play(self, requests: Sequence[tuple[str, float, float]], workers: int) -> float:
        """``requests`` (operation, delay to the service, delay of the answer), dealt
        to ``workers`` in turn; returns the simulated seconds the run took."""
        queues = [list(requests[i::workers]) for i in range(workers)]
        events: list[tuple[float, int, str, int, str, float]] = []
        seq = 0
        for worker in range(workers):
            events.append((0.0, seq, "ready", worker, "", 0.0))
            seq += 1
        heapq.heapify(events)
        while events:
            self.now, _, kind, worker, operation, back = heapq.heappop(events)
            if kind == "ready":
                if not queues[worker]:
                    continue
                operation, there, back = queues[worker].pop(0)
                self._slept = 0.0
                self.limiter.acquire(operation)
                sent = self.now + self._slept
                heapq.heappush(events, (sent + there, seq, "handle", worker, operation, back))
            elif kind == "handle":
                found, _ = self.service.decide(ACCOUNT, operation)
                self.handled += 1
                self.refused += found == QUOTA_KIND
                heapq.heappush(events, (self.now + back, seq, "answer", worker, "", 0.0))
            else:  # answered: the worker's next request
                self.limiter.release()
                heapq.heappush(events, (self.now, seq, "ready", worker, "", 0.0))
            seq += 1
        return self.now


def late_first(workers: int, n: int, late: float = 1.0) -> list[tuple[str, float, float]]:
    """The first ``workers`` requests reach the service ``late`` s after they were booked
    (the service's bucket stays full meanwhile); every other one at once."""
    return [("ListHostedZonesByName", late if i < workers else 0.0, 0.0) for i in range(n)]


def test_requests_that_arrive_late_together_are_not_refused() -> None:
    run = Run()
    run.play(late_first(IN_FLIGHT, 120), IN_FLIGHT)
    assert run.handled == 120
    assert run.refused == 0


def test_a_reserve_smaller_than_the_requests_in_flight_is_refused() -> None:
    """The case the reserve is for: with twice as many requests on their way as tokens
    kept back, the service refuses some (the bookings were right when they were made)."""
    run = Run(limiter_in_flight=IN_FLIGHT)
    run.play(late_first(2 * IN_FLIGHT, 120), 2 * IN_FLIGHT)
    assert run.refused > 0


delays = st.one_of(st.just(0.0), st.floats(0.0, 0.05), st.floats(0.0, 2.0))
requests = st.lists(st.tuples(st.sampled_from(OPERATIONS), delays, delays),
                    min_size=1, max_size=160)


@settings(max_examples=60, deadline=None)
@given(requests, st.integers(1, IN_FLIGHT))
def test_no_delays_get_a_request_refused(sent: list[tuple[str, float, float]],
                                         workers: int) -> None:
    run = Run()
    run.play(sent, workers)
    assert run.handled == len(sent)
    assert run.refused == 0


def test_a_ninth_request_waits_for_a_slot() -> None:
    limiter = QuotaLimiter(ROUTE53_ACCOUNT, in_flight=2)
    limiter.acquire("GetChange")
    limiter.release()
    limiter.release()  # a second release of the same thread frees nothing more
    held = threading.Barrier(3)
    done = threading.Event()
    sent: list[str] = []

    def hold() -> None:
        limiter.acquire("GetChange")
        held.wait()
        done.wait(timeout=30)
        limiter.release()

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for thread in holders:
        thread.start()
    held.wait()  # both slots taken

    def third() -> None:
        limiter.acquire("GetChange")
        sent.append("third")
        limiter.release()

    waiting = threading.Thread(target=third)
    waiting.start()
    waiting.join(timeout=0.3)
    assert sent == []  # still waiting for a slot
    done.set()
    waiting.join(timeout=30)
    for thread in holders:
        thread.join(timeout=30)
    assert sent == ["third"]
