"""The demo's DNSSEC step: after apply, is the chain of trust secure from the sandbox
root's trust anchor down to every signed zone?

The DNSSEC probe (:mod:`zonecut.verify.dnssec_probe`, the only part that sends packets)
walks from the sandbox root to each zone; :func:`zonecut.verify.dnssec.why_insecure`
(pure) judges every link with dnspython's validation. The demo prints the lines.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from zonecut.config.tree import DesiredTree
from zonecut.verify import ServerAddress
from zonecut.verify.dnssec import why_insecure
from zonecut.verify.dnssec_probe import probe_dnssec_sync


@dataclass(frozen=True)
class ChainReport:
    """The zones judged, and for each one that is not secure, why (one line)."""

    zones: tuple[str, ...]
    broken: tuple[tuple[str, str], ...]

    @property
    def secure(self) -> bool:
        return bool(self.zones) and not self.broken

    def lines(self) -> list[str]:
        if self.secure:
            return [f"DNSSEC: chain of trust is secure from the sandbox root to every "
                    f"signed zone ({len(self.zones)} zones)"]
        head = (f"DNSSEC: the chain of trust is NOT secure for {len(self.broken)} of "
                f"{len(self.zones)} signed zone(s); validating resolvers treat these as "
                "unsigned or answer SERVFAIL:")
        return [head, *(f"  {zone}: {why}" for zone, why in self.broken)]


def signed_zones(tree: DesiredTree) -> list[str]:
    """The declared zones with ``dnssec: true`` (their own or from defaults)."""
    return [z.name for z in tree.zones if z.dnssec.sign is True]


def chain_of_trust(zones: Sequence[str], roots: Sequence[ServerAddress],
                   anchors: Sequence[str], *, timeout: float = 2.0,
                   now: float | None = None) -> ChainReport:
    """Probe the sandbox (loopback only) from ``roots`` and judge every zone's chain."""
    observed = probe_dnssec_sync(list(zones), roots, timeout=timeout, scope="loopback",
                                 anchors=anchors)
    when = time.time() if now is None else now
    broken = tuple((zone, why) for zone in zones
                   if (why := why_insecure(zone, observed, now=when)) is not None)
    return ChainReport(tuple(zones), broken)
