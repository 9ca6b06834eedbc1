"""The Lambda deadline: every wait, retry and request of a handler is bounded by it.

The time left comes from the Lambda context (``get_remaining_time_in_millis()``), read
afresh each time; ``reserve`` seconds are kept back for answering CloudFormation. A
request starts only if it can finish before that (:data:`zonecut.aws.bounded.
REQUEST_SECONDS`); a retry sleeps only if the sleep ends before it. Without a context
(a direct call from a test or a script) the handler gets ``DEFAULT_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from zonecut.aws.bounded import REQUEST_SECONDS
from zonecut.errors import ZonecutError

DEFAULT_SECONDS = 900.0
"""Lambda's longest timeout."""


class DeadlineExceeded(ZonecutError):
    """Too little time is left to do the next step and still answer."""


class Deadline:
    def __init__(self, context: Any = None, *, reserve: float = 5.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._context = context
        self.reserve = reserve
        self._clock = clock
        self._sleep = sleep
        self._ends = clock() + DEFAULT_SECONDS

    def left(self) -> float:
        """Seconds until the function is stopped."""
        probe = getattr(self._context, "get_remaining_time_in_millis", None)
        if callable(probe):
            return float(probe()) / 1000.0
        return self._ends - self._clock()

    def remaining(self) -> float:
        """Seconds left for work, the answer's reserve taken off."""
        return self.left() - self.reserve

    def bound(self, seconds: float) -> float:
        """``seconds``, or less: what is left once one more request is allowed for."""
        return max(0.0, min(seconds, self.remaining() - REQUEST_SECONDS))

    def guard(self, **kwargs: Any) -> None:
        """botocore ``before-send`` hook: refuse a request that could outlast the deadline."""
        if self.remaining() < REQUEST_SECONDS:
            raise DeadlineExceeded(
                f"stopped before the next AWS request: {self.left():.1f} s left of the "
                f"function's time, {REQUEST_SECONDS + self.reserve:.0f} s needed for a "
                "request and the answer")

    def sleep(self, seconds: float) -> None:
        """A retry's backoff, refused when it would end past the deadline."""
        if self.remaining() - seconds < REQUEST_SECONDS:
            raise DeadlineExceeded(
                f"stopped retrying: waiting {seconds:.1f} s more would leave too little of "
                f"the function's {self.left():.1f} s to answer")
        self._sleep(seconds)
