"""Resolve one name iteratively from the root, uncached (the demo and certificate checks)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zonecut.verify.observations import Outcome, Role
from zonecut.verify.targets import ServerLike
from zonecut.verify.transport import Transport
from zonecut.verify.walk import Walker


@dataclass(frozen=True)
class Resolution:
    """Where a walk from the root for ``qname``/``qtype`` ended."""

    qname: str
    qtype: str
    hops: tuple[str, ...]
    outcome: str
    addresses: tuple[str, ...] = ()
    cname: str | None = None
    authoritative: bool = False
    server: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.outcome == Outcome.ANSWER.value


async def resolve(qname: str, qtype: str, roots: Sequence[ServerLike], *,
                  port_map: Mapping[str, int] | None = None, timeout: float = 2.0,
                  retries: int = 1) -> Resolution:
    walker = Walker(Transport(timeout=timeout, retries=retries, concurrency=16), roots,
                    port_map)
    descent = await walker.descend(qname, qtype, stop_at_cut=False, role=Role.WALK,
                                   chain=frozenset())
    final = descent.final
    if final is None:
        return Resolution(qname, qtype, descent.hops, "failed",
                          error=descent.error or "the walk ended at a referral")
    return Resolution(qname, qtype, descent.hops, final.outcome.value,
                      addresses=final.answer_addresses, cname=final.answer_cname,
                      authoritative=final.aa, server=final.server, error=descent.error)


def resolve_sync(qname: str, qtype: str, roots: Sequence[ServerLike], *,
                 port_map: Mapping[str, int] | None = None, timeout: float = 2.0,
                 retries: int = 1) -> Resolution:
    return asyncio.run(resolve(qname, qtype, roots, port_map=port_map, timeout=timeout,
                               retries=retries))
