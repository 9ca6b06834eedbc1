"""Server-side count of Route 53, Route 53 Domains and STS requests, per account and operation.

moto resolves the account of a request in ``BaseResponse.setup_class`` (the access
key of the request's signature is looked up among the keys handed out by STS
``AssumeRole``, so assumed-role credentials map to the role's account; unknown keys
are the default account 123456789012). The count is taken in ``call_action``, after
that, by wrapping the method on moto's Route 53 and STS response classes. Requests
that fail (``InvalidChangeBatch``, ``NoSuchHostedZone``...) count too: they reached
the service.

An interceptor (:func:`set_interceptor`; the sandbox's fault injection) sees each
request after it was counted and decides how it is answered.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from moto.route53.responses import Route53
from moto.route53domains.responses import Route53DomainsResponse
from moto.sts.responses import TokenResponse

_RESPONSE_CLASSES: tuple[type[Any], ...] = (Route53, TokenResponse, Route53DomainsResponse)


class CallCounter:
    """Thread-safe counts keyed (account id, operation name such as ``CreateHostedZone``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def record(self, account_id: str, operation: str) -> None:
        with self._lock:
            self._counts[(account_id, operation)] += 1

    def calls(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


Interceptor = Callable[[str, str, str, Callable[[], Any]], Any]
"""``(service, account id, operation, proceed)``: returns moto's ``(status, headers,
body)``, from ``proceed()`` or made up."""

_counter: CallCounter | None = None
_interceptor: Interceptor | None = None
_originals: dict[type[Any], Any] = {}


def _counting(original: Callable[..., Any]) -> Callable[..., Any]:
    def call_action(self: Any) -> Any:
        counter = _counter
        account, operation = str(self.current_account), str(self._get_action())
        if counter is not None:
            counter.record(account, operation)
        interceptor = _interceptor
        if interceptor is None:
            return original(self)
        return interceptor(str(self.service_name), account, operation, lambda: original(self))

    call_action.zonecut_counting = True  # type: ignore[attr-defined]
    return call_action


def install(counter: CallCounter) -> None:
    """Count into ``counter`` from now on (patches once; idempotent)."""
    global _counter
    _counter = counter
    for cls in _RESPONSE_CLASSES:
        if not getattr(cls.call_action, "zonecut_counting", False):
            _originals[cls] = cls.__dict__.get("call_action")
            cls.call_action = _counting(cls.call_action)


def set_interceptor(interceptor: Interceptor | None) -> None:
    """Send every counted request through ``interceptor`` (None: straight to moto)."""
    global _interceptor
    _interceptor = interceptor


def uninstall() -> None:
    global _counter, _interceptor
    _counter = None
    _interceptor = None
    for cls, own in _originals.items():
        if own is None:
            del cls.call_action
        else:
            cls.call_action = own
    _originals.clear()
