"""Which failed Route 53 requests are tried again, and how long to wait in between.

Retried: throttling (``Throttling`` and its cousins, HTTP 429), ``PriorRequestNotComplete``,
HTTP 5xx (``ServiceUnavailable``, ``InternalFailure``...), ``RequestTimeout``, and every
transport failure (connection refused, reset or closed before an answer, read
timeouts). Anything else (a 4xx that says the request is wrong or refused) is final.

A failure is *uncertain* when the request may have been carried out although no
answer said so: the connection broke after the request was sent, the read timed out,
or the service answered 5xx. A retry of a write after an uncertain failure may then
meet the effect of its own first attempt (``HostedZoneAlreadyExists``,
``InvalidChangeBatch``); :class:`zonecut.aws.route53.Route53Account` recognises that.

Waits are "full jitter" exponential backoff: attempt ``n`` (1-based) failed, wait a
uniform random time in ``[0, min(max_delay, base_delay * 2 ** (n - 1))]``.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
    "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
    "PriorRequestNotComplete",
    # Route 53's DNSSEC calls: "Another user submitted a request to create, update, or
    # delete the object at the same time that you did. Retry the request." (service model)
    "ConcurrentModification",
})
TRANSIENT_CODES = frozenset({
    "ServiceUnavailable", "InternalFailure", "InternalError", "InternalServerError",
    "RequestTimeout", "RequestTimeoutException",
})


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` counts every attempt, the first included."""

    max_attempts: int = 12
    base_delay: float = 0.25
    max_delay: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must not be negative")

    def delay(self, failed_attempt: int, rng: random.Random) -> float:
        """Seconds to wait after attempt ``failed_attempt`` (1-based) failed."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (failed_attempt - 1))
        return rng.uniform(0.0, ceiling)

    def worst_case_wait(self) -> float:
        """The longest the backoff can sleep over all attempts of one call."""
        return float(sum(min(self.max_delay, self.base_delay * 2 ** n)
                         for n in range(self.max_attempts - 1)))


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Failure:
    """One failed attempt, classified."""

    reason: str  # the error code, or the transport exception's class name
    retryable: bool
    uncertain: bool


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "")) or "Unknown"
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in THROTTLING_CODES or status == 429:
            return Failure(code, retryable=True, uncertain=False)
        if code in TRANSIENT_CODES or status >= 500:
            return Failure(code, retryable=True, uncertain=True)
        return Failure(code, retryable=False, uncertain=False)
    name = type(exc).__name__
    if isinstance(exc, (ConnectTimeoutError, EndpointConnectionError)):
        # no connection was made: the request never left
        return Failure(name, retryable=True, uncertain=False)
    if isinstance(exc, (BotoConnectionError, HTTPClientError, IncompleteReadError)):
        return Failure(name, retryable=True, uncertain=True)
    if isinstance(exc, BotoCoreError):
        return Failure(name, retryable=False, uncertain=False)
    return Failure(name, retryable=False, uncertain=False)


@dataclass
class Attempts:
    """What the attempts of one call met."""

    count: int = 0
    uncertain: bool = False
    """An attempt failed in a way that leaves open whether it was carried out."""
    reasons: Counter[str] = field(default_factory=Counter)
    waited: float = 0.0

    def summary(self) -> str:
        met = ", ".join(f"{reason} x{n}" if n > 1 else reason
                        for reason, n in sorted(self.reasons.items()))
        return f"{self.count} attempt(s)" + (f"; met {met}" if met else "")
