"""Resolve one name iteratively from the root, uncached (the demo and certificate checks)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zonecut.verify.addresses import scope_for
from zonecut.verify.observations import Outcome, Role
from zonecut.verify.targets import ServerLike, VerifyPolicy
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
                  retries: int = 1, policy: VerifyPolicy | None = None) -> Resolution:
    """Walk from ``roots`` to ``qname``/``qtype`` within verify's bounds (``policy``:
    its zone deadline, caps on NS names and glueless look-ups, address scope)."""
    bounds = policy or VerifyPolicy()
    scope = scope_for((r.address for r in roots), bounds.address_scope)
    walker = Walker(Transport(timeout=timeout, retries=retries, concurrency=16, scope=scope),
                    roots, port_map, max_ns=bounds.max_ns_per_referral,
                    max_glueless=bounds.max_glueless)
    try:
        descent = await asyncio.wait_for(
            walker.descend(qname, qtype, stop_at_cut=False, role=Role.WALK,
                           chain=frozenset()), timeout=bounds.zone_deadline)
    except TimeoutError:
        return Resolution(qname, qtype, (), "failed",
                          error=f"not resolved within {bounds.zone_deadline:g} s")
    final = descent.final
    if final is None:
        return Resolution(qname, qtype, descent.hops, "failed",
                          error=descent.error or "the walk ended at a referral")
    return Resolution(qname, qtype, descent.hops, final.outcome.value,
                      addresses=final.answer_addresses, cname=final.answer_cname,
                      authoritative=final.aa, server=final.server, error=descent.error)


def resolve_sync(qname: str, qtype: str, roots: Sequence[ServerLike], *,
                 port_map: Mapping[str, int] | None = None, timeout: float = 2.0,
                 retries: int = 1, policy: VerifyPolicy | None = None) -> Resolution:
    return asyncio.run(resolve(qname, qtype, roots, port_map=port_map, timeout=timeout,
                               retries=retries, policy=policy))
