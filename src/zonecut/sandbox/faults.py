"""Fault injection into the sandbox's Route 53: a per-account rate limit, random faults,
dropped responses and PENDING changes (settings: :mod:`zonecut.sandbox.fault_settings`).

:class:`FaultInjector` sees every Route 53 request once moto has resolved its account
(from the access key) and its operation, and after it was counted
(:mod:`zonecut.sandbox.calls` calls :meth:`FaultInjector.intercept`). Per request:

1. one draw from the account's seeded generator decides whether a fault is due, and
   which (``prior`` only for ChangeResourceRecordSets and CreateHostedZone);
2. the account's token bucket: no token left is ``Throttling`` (kind ``rate-limit``),
   the request is not processed; with ``quotas`` on, Route 53's documented buckets
   (account and operation, :mod:`zonecut.quotas`) too: kind ``quota``;
3. ``throttle``, ``prior`` and ``5xx`` are answered with Route 53's error, the request
   is not processed; ``drop`` processes it and then asks the WSGI layer
   (:func:`drop_connection`, in :mod:`zonecut.sandbox.control_app`) to close the
   connection without an answer;
4. change answers get their own change id, PENDING for ``pending_seconds``
   (:mod:`zonecut.sandbox.changes`).

With ``latency`` set, every Route 53 request sleeps half its (jittered) latency before
it is decided and half after it was answered.

Errors are serialised as moto serialises Route 53's own (REST-XML, ``ErrorResponse``),
so botocore reads the code. Every injected fault is counted per (account, kind).
"""

from __future__ import annotations

import base64
import contextlib
import os
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from zonecut.quotas import ROUTE53_ACCOUNT, operation_bucket
from zonecut.sandbox.changes import CHANGE_OPERATIONS, ChangeLog
from zonecut.sandbox.fault_settings import QUOTA_KIND, RATE_LIMIT_KIND, FaultSettings

PRIOR_OPERATIONS = frozenset({"ChangeResourceRecordSets", "CreateHostedZone"})
ROUTE53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/"
Response = tuple[int, dict[str, str], str]

# (HTTP status, Type, Code, Message) as Route 53 answers them.
THROTTLING = (400, "Sender", "Throttling", "Rate exceeded")
PRIOR_REQUEST = (400, "Sender", "PriorRequestNotComplete",
                 "The request was rejected because Route 53 was still processing a prior "
                 "request.")
SERVICE_UNAVAILABLE = (503, "Receiver", "ServiceUnavailable", "Service Unavailable")
INTERNAL_FAILURE = (500, "Receiver", "InternalFailure",
                    "The request processing has failed because of an unknown error.")

_thread = threading.local()


def error_response(status: int, fault: str, code: str, message: str) -> Response:
    """A Route 53 error answer: ``<ErrorResponse><Error><Type/><Code/><Message/>...``."""
    request_id = base64.b32encode(os.urandom(20)).decode().rstrip("=")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<ErrorResponse xmlns="{ROUTE53_XMLNS}"><Error><Type>{fault}</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id,
               "status": str(status)}
    return status, headers, body


class _Bucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def has(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1.0

    def take(self, now: float) -> bool:
        if not self.has(now):
            return False
        self.tokens -= 1.0
        return True


class FaultInjector:
    """Decides, per Route 53 request, whether it is throttled or faulted; counts it."""

    def __init__(self, settings: FaultSettings | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._settings = settings or FaultSettings()
        self._buckets: dict[str, _Bucket] = {}
        self._quota_buckets: dict[tuple[str, str], _Bucket] = {}
        self._latency_rng = random.Random()
        self._generators: dict[str, random.Random] = {}
        self._counts: Counter[tuple[str, str]] = Counter()
        self.changes = ChangeLog(clock)

    # -- settings and counts ----------------------------------------------------------
    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, settings: FaultSettings) -> None:
        """New settings: full buckets and generators restarted from the seed; counts kept."""
        with self._lock:
            self._settings = settings
            self._buckets.clear()
            self._quota_buckets.clear()
            self._generators.clear()

    def counts(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def reset(self, settings: FaultSettings) -> None:
        self.configure(settings)
        self.reset_counts()
        self.changes.reset()

    # -- per request ------------------------------------------------------------------
    def decide(self, account: str, operation: str) -> tuple[str | None, float]:
        """The fault kind for this request of ``account`` (None: serve it), and a draw
        in [0, 1) that picks a variant (for ``5xx``: below 0.5 is 503, else 500).

        Every request takes the same three draws from the account's generator, so the
        n-th request of an account meets the same fault whatever happened before it.
        """
        with self._lock:
            settings = self._settings
            generator = self._generators.get(account)
            if generator is None:
                generator = random.Random(f"{settings.fault_seed}/{account}")
                self._generators[account] = generator
            roll, pick, variant = generator.random(), generator.random(), generator.random()
            kind: str | None = None
            if roll < settings.fault_rate:
                eligible = [k for k in settings.fault_kinds
                            if k != "prior" or operation in PRIOR_OPERATIONS]
                if eligible:
                    kind = eligible[int(pick * len(eligible))]
            if settings.rate_limit > 0:
                now = self._clock()
                bucket = self._buckets.get(account)
                if bucket is None:
                    bucket = _Bucket(settings.rate_limit, settings.burst, now)
                    self._buckets[account] = bucket
                if not bucket.take(now):
                    kind = RATE_LIMIT_KIND
            if settings.quotas and kind != RATE_LIMIT_KIND and not self._quota_take(
                    account, operation):
                kind = QUOTA_KIND
            if kind is not None:
                self._counts[(account, kind)] += 1
            return kind, variant

    def _quota_take(self, account: str, operation: str) -> bool:
        """A token from the account's bucket and from its operation's, or neither
        (called with the lock held)."""
        now = self._clock()
        buckets = []
        for key, limit in (((account, ""), ROUTE53_ACCOUNT),
                           ((account, operation), operation_bucket(operation))):
            bucket = self._quota_buckets.get(key)
            if bucket is None:
                bucket = self._quota_buckets[key] = _Bucket(limit.rate, limit.burst, now)
            buckets.append(bucket)
        if not all(b.has(now) for b in buckets):
            return False
        for bucket in buckets:
            bucket.tokens -= 1.0
        return True

    def _latency(self) -> float:
        """Half of one request's latency (drawn once per request, used twice)."""
        settings = self._settings
        if settings.latency <= 0:
            return 0.0
        with self._lock:
            spread = self._latency_rng.uniform(-settings.latency_jitter, settings.latency_jitter)
        return settings.latency * (1.0 + spread) / 2.0

    def intercept(self, service: str, account: str, operation: str,
                  proceed: Callable[[], Any]) -> Any:
        """Called by the request counter for every request; serves or faults it."""
        if service != "route53":
            return proceed()
        half = self._latency()
        if half:
            time.sleep(half)  # on the way in: the buckets see the request arrive
        try:
            return self._answer(account, operation, proceed)
        finally:
            if half:
                time.sleep(half)  # on the way out

    def _answer(self, account: str, operation: str, proceed: Callable[[], Any]) -> Any:
        kind, variant = self.decide(account, operation)
        if kind in (RATE_LIMIT_KIND, QUOTA_KIND, "throttle"):
            return error_response(*THROTTLING)
        if kind == "prior":
            return error_response(*PRIOR_REQUEST)
        if kind == "5xx":
            return error_response(*(SERVICE_UNAVAILABLE if variant < 0.5 else INTERNAL_FAILURE))
        result = self._with_change_status(operation, proceed())
        if kind == "drop":
            _thread.drop = True
        return result

    def _with_change_status(self, operation: str, result: Any) -> Any:
        if operation not in CHANGE_OPERATIONS and operation != "GetChange":
            return result
        try:
            status, headers, body = result
        except (TypeError, ValueError):
            return result
        if not 200 <= int(status) < 300 or not isinstance(body, str):
            return result
        if operation == "GetChange":
            body = self.changes.answered(body)
        else:
            body = self.changes.submitted(body, self._settings.pending_seconds)
        headers = dict(headers)
        for key in [k for k in headers if k.lower() == "content-length"]:
            del headers[key]
        return status, headers, body


# -- dropped responses: the WSGI side --------------------------------------------------
def begin_request() -> None:
    """Called by the WSGI layer before each request (werkzeug: one thread per request)."""
    _thread.drop = False


def drop_requested() -> bool:
    return bool(getattr(_thread, "drop", False))


def drop_connection(environ: dict[str, Any], result: Any) -> None:
    """Close the client's connection without an answer (the request was processed)."""
    _thread.drop = False
    close = getattr(result, "close", None)
    if callable(close):
        close()
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    # werkzeug treats a ConnectionError from the application as a dropped connection
    # and writes nothing.
    raise ConnectionResetError("response dropped by the sandbox's fault injection")
