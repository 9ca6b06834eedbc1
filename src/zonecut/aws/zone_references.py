"""The CallerReferences zonecut sends with CreateHostedZone, and how it knows its own.

Route 53 spends a CallerReference for good: "You must use a unique CallerReference string
every time you submit a CreateHostedZone request" (API reference), and a reference once
used is ``HostedZoneAlreadyExists`` even after its zone was deleted. So every request
gets a new one: ``zonecut-<name, cut>-<mark>-<stamp>`` where ``mark`` (16 hex digits of
SHA-256 over account and name) says "zonecut made this zone for this name in this
account" and ``stamp`` (creation time in nanoseconds, then random bits, hex) orders
concurrent creations the same way for every apply that sees them: the earliest is the
one kept. References of the earlier scheme (``...-<mark>-<attempt>``) are recognised
too, and count as older than any new one. At most 8 + 60 + 1 + 16 + 1 + 24 = 110
characters (the limit is 128, ``Nonce``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

NAME_PART = 60


@dataclass(frozen=True)
class ZoneReferences:
    """References for creating ``name`` in ``account_id``."""

    account_id: str
    name: str
    clock: Callable[[], int] = field(default=time.time_ns, compare=False)
    random_bits: Callable[[], int] = field(default=lambda: secrets.randbits(32), compare=False)

    @property
    def mark(self) -> str:
        return hashlib.sha256(f"{self.account_id}|{self.name}".encode()).hexdigest()[:16]

    @property
    def _head(self) -> str:
        return f"zonecut-{self.name[:NAME_PART]}-{self.mark}-"

    def new(self) -> str:
        """A reference never sent before (time and random bits)."""
        return f"{self._head}{self.clock():016x}{self.random_bits():08x}"

    def is_ours(self, reference: str) -> bool:
        """Made by zonecut for this name in this account (this scheme or the earlier)."""
        return reference.startswith("zonecut-") and f"-{self.mark}-" in reference

    def order(self, reference: str) -> tuple[int, str]:
        """Sort key: earlier scheme first (by attempt), then by creation stamp."""
        tail = reference.rsplit(f"-{self.mark}-", 1)[-1]
        if len(tail) == 24:
            return (1, tail)
        return (0, tail.rjust(24, "0"))
