"""Waiting for Route 53 changes to become INSYNC: one poller per account, for all of its
pending changes, that ends each wait soon after the change syncs.

``GetChange`` takes one change id, and Route 53 documents no order in which changes
sync (not even within one zone), so every change is confirmed by its own ``GetChange``
answering INSYNC: nothing is inferred from another change's status. What the poller
saves is the polling of changes that are still pending:

- it polls an account's pending changes in the order they were submitted and ends a
  round at the first PENDING answer (changes submitted later are very likely pending
  too), so a round costs one call while the oldest change is pending, and each change
  costs one more call when its turn comes after it synced; once the oldest is INSYNC
  the next are asked in growing groups sent at once (1, 2, 4, 8), so confirming a
  wave of changes takes a few round trips, not one per change;
- rounds are spaced by ``max(min_interval, fraction * age)`` where ``age`` is how long
  the oldest pending change has been waited for, capped at ``max_interval``. A change
  that syncs between two rounds is seen at the next: the overshoot after INSYNC is at
  most one interval plus one request, i.e. at most ``max(min_interval, fraction * wait)``
  plus the request's latency (``0.5 s`` and ``10 %`` by default: a 60 s wait ends within
  about 6 s of the sync, a 10 s wait within about 0.5 s);
- once a change of the account synced after it was seen PENDING at age ``a``, later
  rounds also go when the oldest pending change reaches age ``a`` and then every
  ``min_interval`` for one more interval (changes submitted together sync together):
  such waits end within about ``min_interval`` of the sync, for a few calls more;
- a change's age counts from its submission (:meth:`ChangePoller.watch`); a waiter
  that asks about a change never polled gets a round at once (a change may be INSYNC
  already); the polling happens in the waiting thread (one round at a time per account;
  other waiters of the account share its answers).

If a later change syncs before an earlier one, it is confirmed when the earlier one
is (its wait may then overshoot by the difference). Every call goes through the
account's limiter (``get_status`` is the account's own ``GetChange`` call), so the
polling stays within the account's request rate: at the default spacing it is at most
two requests per second per account while a change is pending (fewer as the wait
grows: a 60 s wait costs about 36 rounds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

MIN_INTERVAL = 0.5
FRACTION = 0.1
MAX_INTERVAL = 15.0
FAN_OUT = 8
"""At most this many GetChange calls of one round at once (an account's other calls
share its limiter)."""


@dataclass(frozen=True)
class PollSchedule:
    min_interval: float = MIN_INTERVAL
    fraction: float = FRACTION
    max_interval: float = MAX_INTERVAL

    def __post_init__(self) -> None:
        if self.min_interval <= 0 or self.max_interval < self.min_interval:
            raise ValueError("need 0 < min_interval <= max_interval")
        if not 0 <= self.fraction < 1:
            raise ValueError("fraction must be in [0, 1)")

    def interval(self, age: float) -> float:
        """Seconds between rounds when the oldest pending change was submitted ``age`` s ago."""
        return min(self.max_interval, max(self.min_interval, self.fraction * max(0.0, age)))


class ChangePoller:
    """All pending changes of one account. Whichever waiter finds no round under way
    polls (in its own thread, sleeping through ``sleep``); the others wait for its
    answers, so an account never has two rounds at once."""

    def __init__(self, get_status: Callable[[str], str], *,
                 schedule: PollSchedule | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._get_status = get_status
        self.schedule = schedule or PollSchedule()
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._pending: dict[str, float] = {}  # change id -> since when (insertion order)
        self._insync: set[str] = set()
        self._polling = False
        self._next_round = 0.0
        self._seen_pending: dict[str, float] = {}  # change id -> last answered PENDING
        self._typical: float | None = None  # the last synced change was PENDING this long
        self.rounds = 0

    def watch(self, change_id: str) -> None:
        """Note when ``change_id`` was submitted (its wait's age counts from then)."""
        with self._cond:
            if change_id not in self._insync:
                self._pending.setdefault(change_id, self._clock())

    def wait(self, change_ids: Sequence[str], deadline: float) -> list[str]:
        """Block until every change is INSYNC or ``deadline`` (on this poller's clock)
        passes; returns the changes still pending then. A failed ``GetChange`` (after
        its retries) raises in the waiter that sent it."""
        wanted = list(dict.fromkeys(change_ids))
        with self._cond:
            fresh = False
            for change_id in wanted:
                if change_id not in self._insync and change_id not in self._pending:
                    self._pending[change_id] = self._clock()
                    fresh = True
            if fresh:
                self._next_round = self._clock()  # a change never polled: poll now
        while True:
            with self._cond:
                left = [c for c in wanted if c not in self._insync]
                if not left:
                    return []
                now = self._clock()
                if now >= deadline:
                    for change_id in left:  # given up: no longer holds up the rounds
                        self._pending.pop(change_id, None)
                        self._seen_pending.pop(change_id, None)
                    return left
                if self._polling:
                    self._cond.wait(timeout=min(deadline - now, 1.0))
                    continue
                self._polling = True
                pause = min(self._next_round, deadline) - now
            try:
                if pause > 0:
                    self._sleep(pause)
                self._round()
            finally:
                with self._cond:
                    self._polling = False
                    self.rounds += 1
                    self._next_round = self._after(self._clock())
                    self._cond.notify_all()

    def _after(self, now: float) -> float:
        """When the next round goes (called holding the lock): one interval of the
        schedule on, or sooner around the time the oldest pending change is due, if a
        change of this account was seen to take ``typical`` seconds at least (it was
        still PENDING at that age): at that time, then every ``min_interval`` for one
        interval of the schedule (changes submitted together sync together, so this ends
        such a wait within ``min_interval`` of the sync instead of ``fraction`` of it)."""
        oldest = min(self._pending.values(), default=now)
        interval = self.schedule.interval(now - oldest)
        if self._typical is not None and self._pending:
            due = oldest + self._typical
            if now < due:
                interval = min(interval, due - now)
            elif now < due + self.schedule.interval(self._typical):
                interval = min(interval, self.schedule.min_interval)
        return now + interval

    def _round(self) -> None:
        """Poll the pending changes oldest first; stop at the first group holding a
        PENDING answer. After the oldest answers INSYNC the next are asked in groups,
        each sent at once and twice the last (1, 2, 4, up to :data:`FAN_OUT`): a wave of
        changes submitted together is confirmed in a few round trips instead of one per
        change, and a round asks at most as many changes after a PENDING one as it
        confirmed before it."""
        with self._cond:
            order = list(self._pending)
        size, start = 1, 0
        while start < len(order):
            group = order[start:start + size]
            if len(group) == 1:
                answers = [self._get_status(group[0])]
            else:
                with ThreadPoolExecutor(max_workers=len(group)) as pool:
                    answers = list(pool.map(self._get_status, group))
            with self._cond:
                answered = self._clock()
                for change_id, status in zip(group, answers, strict=True):
                    if status != "INSYNC":
                        self._seen_pending[change_id] = answered
                        continue
                    since = self._pending.pop(change_id, None)
                    seen = self._seen_pending.pop(change_id, None)
                    if since is not None and seen is not None:
                        self._typical = seen - since
                    self._insync.add(change_id)
            if any(status != "INSYNC" for status in answers):
                return
            start += len(group)
            size = min(2 * size, FAN_OUT)
