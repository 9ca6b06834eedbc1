"""Simulated process death at an API call boundary, and the no-dangling invariant.

A botocore ``before-send`` handler raises :class:`Crash` when the run is about to
send its (k+1)-th Route 53 request: everything before it happened, nothing after.
An ``after-call`` handler checks after every request that no parent NS rrset points
at a zone that does not exist (read straight from the emulated Route 53).
"""

from __future__ import annotations

import threading
from typing import Any

from zonecut.names import is_below, normalize
from zonecut.runtime import Runtime
from zonecut.sandbox.zone_data import all_zones


class Crash(BaseException):
    """Not an Exception: nothing in zonecut may catch it, as nothing catches a kill."""


def dangling() -> list[str]:
    """Delegations in any zone to a name whose servers no existing zone of that name has."""
    zones = all_zones()
    by_name: dict[str, list[frozenset[str]]] = {}
    for zone in zones:
        by_name.setdefault(zone.name, []).append(frozenset(zone.name_servers))
    found = []
    for zone in zones:
        for record in zone.records:
            if record.type != "NS" or record.name == zone.name:
                continue
            if not is_below(record.name, zone.name):
                continue
            values = frozenset(normalize(v) for v in record.values)
            if not any(values <= servers for servers in by_name.get(record.name, [])):
                found.append(f"{zone.name} delegates {record.name} to {sorted(values)}")
    return found


class CrashAfter:
    """Arms every Route 53 client of ``runtime`` to crash before request ``limit + 1``."""

    def __init__(self, runtime: Runtime, accounts: list[str], limit: int | None) -> None:
        self.limit = limit
        self.sent = 0
        self.violations: list[str] = []
        self.lock = threading.Lock()
        for account in accounts:
            events = runtime.fleet.route53(account).client.meta.events
            events.register_first("before-send.route53", self.before_send)
            events.register("after-call.route53", self.after_call)

    def before_send(self, **kwargs: Any) -> None:
        with self.lock:
            if self.limit is not None and self.sent >= self.limit:
                raise Crash()
            self.sent += 1

    def after_call(self, **kwargs: Any) -> None:
        problems = dangling()
        if problems:
            with self.lock:
                self.violations.extend(problems)
