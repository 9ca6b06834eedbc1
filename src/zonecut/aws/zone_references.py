"""The CallerReferences zonecut sends with CreateHostedZone, and how it knows its own.

Route 53 spends a CallerReference for good: "You must use a unique CallerReference string
every time you submit a CreateHostedZone request" (API reference), and a reference once
used is ``HostedZoneAlreadyExists`` even after its zone was deleted.

References are ``zonecut-<name, cut>-<mark>-<window>-<n>``: ``mark`` (16 hex digits of
SHA-256 over account and name) says "zonecut made this zone for this name in this
account"; ``window`` is the 10-minute window of the UTC clock (hex) and ``n`` counts the
references of that window spent by zones since deleted. Every apply creating the name in
the same window walks the same sequence, so Route 53 itself decides between concurrent
applies (the second meets ``HostedZoneAlreadyExists`` and adopts the live zone), and a
new window starts the count again: creations never run out, and a name deleted and
created k times within 10 minutes costs k refused calls at most. After
:data:`PER_WINDOW` in one window, references get random bits instead (``-r<hex>``).

Applies that straddle a window boundary send different references and may both create
a zone; :meth:`ZoneReferences.order` orders them (earlier window first), and
``Route53Account.create_zone`` keeps the first and deletes the empty extra. That
assumes the applies' clocks agree to within the time between one apply's creation and
the other's. References of the earlier scheme (``...-<mark>-<attempt>``) are recognised
too, and count as older than any of these. At most 8 + 60 + 1 + 16 + 1 + 12 + 1 + 9 =
108 characters (the limit is 128, ``Nonce``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

NAME_PART = 60
WINDOW_SECONDS = 600
PER_WINDOW = 16


@dataclass(frozen=True)
class ZoneReferences:
    """References for creating ``name`` in ``account_id``."""

    account_id: str
    name: str
    clock: Callable[[], float] = field(default=time.time, compare=False)
    random_bits: Callable[[], int] = field(default=lambda: secrets.randbits(32), compare=False)

    @property
    def mark(self) -> str:
        return hashlib.sha256(f"{self.account_id}|{self.name}".encode()).hexdigest()[:16]

    def window(self) -> int:
        return int(self.clock() // WINDOW_SECONDS)

    def sequence(self) -> list[str]:
        """The references to try, in order: this window's ``PER_WINDOW``, then one that
        is unique (random bits)."""
        head = f"zonecut-{self.name[:NAME_PART]}-{self.mark}-{self.window():x}-"
        return [f"{head}{n}" for n in range(PER_WINDOW)] + [
            f"{head}r{self.random_bits():08x}"]

    def is_ours(self, reference: str) -> bool:
        """Made by zonecut for this name in this account (this scheme or the earlier)."""
        return reference.startswith("zonecut-") and f"-{self.mark}-" in reference

    def order(self, reference: str) -> tuple[int, int, int, str]:
        """Sort key: earlier scheme first, then by window and count."""
        tail = reference.rsplit(f"-{self.mark}-", 1)[-1]
        window, sep, count = tail.partition("-")
        if not sep:
            return (0, 0, int(window) if window.isdigit() else 0, "")
        try:
            number = int(window, 16)
        except ValueError:
            number = 0
        if count.isdigit():
            return (1, number, int(count), "")
        return (1, number, PER_WINDOW, count)
