"""How many queries are in flight: an adaptive limit, so that zonecut's own queueing
is not blamed on a server.

:class:`Pacer` allows at most the policy's ``concurrency`` in flight. It starts at
:data:`START` and grows by one per quick answer, like TCP's slow start. An answer that
took longer than a quarter of the timeout and :data:`QUEUED` times the quickest answer
of the same address (so the wait was a queue, not the distance to a far server) halves
it, at most once per such window and never below :data:`FLOOR`; after a cut it grows by
one per ``limit`` answers. A timeout never cuts it: a silent server says nothing
about queues, and must not make the rest of the run wait one at a time; before any cut
it grows it as a quick answer would (nothing yet says the servers queue), after a cut
it leaves it alone. Servers
that answer quickly never meet the cut; a server that queues what zonecut sends (the
sandbox's single-threaded server on a busy machine) is sent less at once, so its queue
stays well inside the timeout instead of growing past it and turning into retries.

Pure bookkeeping on the running loop: no packets, no I/O.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib

START = 8
FLOOR = 4
QUEUED = 3.0


class Pacer:
    """An adaptive in-flight limit between 1 and ``ceiling``."""

    def __init__(self, ceiling: int, timeout: float) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = float(min(self.ceiling, START))
        self.in_flight = 0
        self.peak = 0
        self.cuts = 0
        self._slow = max(0.0, timeout) / 4
        self._growing_fast = True
        self._cut_at = float("-inf")
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._quickest: dict[str, float] = {}

    async def acquire(self) -> None:
        if self.in_flight < int(self.limit) and not self._waiters:
            self._take()
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted, then cancelled: hand it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self, address: str = "", rtt: float | None = None) -> None:
        """A query to ``address`` ended: answered after ``rtt`` seconds, or timed out
        (``None``); no ``address``: cancelled, telling nothing."""
        self.in_flight -= 1
        if rtt is not None:
            self._adjust(address, rtt)
        elif address and self._growing_fast:
            self.limit = min(float(self.ceiling), self.limit + 1.0)
        self._wake()

    def _take(self) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)

    def _adjust(self, address: str, rtt: float) -> None:
        quickest = min(rtt, self._quickest.get(address, rtt))
        self._quickest[address] = quickest
        if rtt > self._slow and rtt > QUEUED * quickest:
            now = asyncio.get_running_loop().time()
            if now - self._cut_at > self._slow:
                self.limit = max(float(min(FLOOR, self.ceiling)), self.limit / 2)
                self._cut_at = now
                self._growing_fast = False
                self.cuts += 1
            return
        step = 1.0 if self._growing_fast else 1.0 / max(1.0, self.limit)
        self.limit = min(float(self.ceiling), self.limit + step)

    def _wake(self) -> None:
        while self._waiters and self.in_flight < int(self.limit):
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._take()
                waiter.set_result(None)
