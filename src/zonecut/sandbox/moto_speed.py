"""moto's accidental per-request costs, cut without changing any answer.

Measured in the sandbox (cProfile of the WSGI app, GetChange, 2026-12-01): about a
quarter of a request's time went to moto's ``DomainDispatcherApplication.
get_backend_for_host``, which lists moto's package directory (``os.listdir`` and an
``isdir`` of each of ~180 entries) and tries every backend's URL pattern, twice per
request and under the dispatcher's one lock; about a seventh to ``_get_action``, which
matches the request path against the service's routes again each of the six times a
Route 53 request asks for its operation; and 7% to ``method_names_from_class``
(``inspect.getmembers`` of the response class) to ask whether one name is a method.

- :func:`get_backend_for_host` answers a host moto already resolved from a table
  (moto's own answer for it: the package list and URL patterns do not change while
  the process runs).
- Route 53's ``_get_action`` keeps the operation it found for the request it was
  found for (the same ``querystring``, ``headers`` and request objects that
  ``setup_class`` made; a new ``setup_class`` finds it again).
- ``call_action``'s method-name test asks the class for that one name
  (``inspect.isfunction(getattr(cls, name))``, what ``getmembers`` tests for each),
  so methods our patches add and remove later are seen at once.

:func:`install` is idempotent; :func:`uninstall` puts moto's functions back.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

import moto.core.responses as moto_responses
from moto.core.utils import method_names_from_class as moto_method_names
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.route53.responses import Route53

_MAX_HOSTS = 256
"""Hosts remembered; beyond that moto resolves each one again (a client sending many
distinct Host headers gets moto's speed, not unbounded memory)."""

_originals: dict[str, Any] = {}
_hosts: dict[str | None, Any] = {}
_hosts_lock = threading.Lock()
_ACTION_MEMO = "_zonecut_action"
_misses = [0]


def backend_lookups() -> int:
    """Hosts resolved by moto itself since :func:`install` (the table's misses)."""
    return _misses[0]


def _get_backend_for_host(self: Any, host: str | None) -> Any:
    found = _hosts.get(host, _hosts)
    if found is not _hosts:
        return found
    backend = _originals["get_backend_for_host"](self, host)
    with _hosts_lock:
        _misses[0] += 1
        if len(_hosts) < _MAX_HOSTS:
            _hosts[host] = backend
    return backend


def _route53_get_action(self: Any) -> str:
    """The request's operation, found once per request (see the module docstring)."""
    key = (getattr(self, "querystring", None), getattr(self, "headers", None),
           getattr(self, "normalized_request", None))
    memo = self.__dict__.get(_ACTION_MEMO)
    if memo is not None and all(a is b for a, b in zip(memo[0], key, strict=True)):
        return str(memo[1])
    action = _originals["route53_get_action"](self)
    if key[0] is not None:
        self.__dict__[_ACTION_MEMO] = (key, action)
    return str(action)


class FunctionNames:
    """What ``method_names_from_class(cls)`` lists, asked one name at a time."""

    def __init__(self, cls: type[Any]) -> None:
        self._cls = cls

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and inspect.isfunction(getattr(self._cls, name, None))

    def __iter__(self) -> Iterator[str]:
        return iter(moto_method_names(self._cls))


def _method_names_from_class(clazz: type[Any]) -> FunctionNames:
    return FunctionNames(clazz)


def _swap(name: str, owner: Any, attribute: str, patch: Callable[..., Any]) -> None:
    current = getattr(owner, attribute)
    if current is not patch:
        _originals[name] = current
        setattr(owner, attribute, patch)


def install() -> None:
    """Patch moto (once); the host table starts empty."""
    with _hosts_lock:
        _hosts.clear()
        _misses[0] = 0
    _swap("get_backend_for_host", DomainDispatcherApplication, "get_backend_for_host",
          _get_backend_for_host)
    if Route53.__dict__.get("_get_action") is not _route53_get_action:
        _originals["route53_get_action"] = Route53._get_action
        Route53._get_action = _route53_get_action  # type: ignore[method-assign]
    _swap("method_names_from_class", moto_responses, "method_names_from_class",
          _method_names_from_class)


def uninstall() -> None:
    if "get_backend_for_host" in _originals:
        DomainDispatcherApplication.get_backend_for_host = (  # type: ignore[method-assign]
            _originals.pop("get_backend_for_host"))
    if "route53_get_action" in _originals:
        _originals.pop("route53_get_action")
        if Route53.__dict__.get("_get_action") is _route53_get_action:
            del Route53._get_action
    if "method_names_from_class" in _originals:
        moto_responses.method_names_from_class = _originals.pop(  # type: ignore[attr-defined]
            "method_names_from_class")
    with _hosts_lock:
        _hosts.clear()


def installed() -> bool:
    return (DomainDispatcherApplication.get_backend_for_host is _get_backend_for_host
            and Route53.__dict__.get("_get_action") is _route53_get_action
            and moto_responses.__dict__.get("method_names_from_class")
            is _method_names_from_class)
