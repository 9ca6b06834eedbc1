"""The probe: real DNS queries for every delegation, recorded as :class:`Observations`.

For each target:

1. walk from the root to the servers of the parent zone (for a root zone: to the
   referral for the zone itself; the zone that gives it plays the parent);
2. ask every address of every parent server for the child's NS;
3. ask every address of every server named by those referrals, by the parent's NS
   rrset in the API, by the child's apex NS rrset and by the child's delegation set
   for the child's SOA and NS.

Bounded: each target within ``zone_deadline``, the whole run within ``deadline``
(a target cut short is recorded as ``incomplete``); the walker's caps on NS names and
glueless look-ups are recorded per target as ``limits``.

Nothing is interpreted here beyond what the walk needs; the checks do the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from zonecut.verify.addresses import scope_for
from zonecut.verify.observations import (
    Observations,
    PathRecord,
    ProbeStats,
    QueryRecord,
    Role,
    referred_servers,
    sorted_queries,
)
from zonecut.verify.targets import (
    DelegationTarget,
    ServerAddress,
    ServerLike,
    VerifyPolicy,
    ZoneLookup,
)
from zonecut.verify.transport import Transport
from zonecut.verify.walk import Walker


async def probe(
    targets: Sequence[DelegationTarget],
    roots: Sequence[ServerLike],
    *,
    policy: VerifyPolicy,
    port_map: Mapping[str, int] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> Observations:
    """Query the DNS for every target and return what was seen. ``on_done`` is called
    with a target's zone name as each target's checks end (for progress)."""
    started = time.perf_counter()
    transport = Transport(timeout=policy.timeout, retries=policy.retries,
                          concurrency=policy.concurrency,
                          scope=scope_for((r.address for r in roots), policy.address_scope))
    walker = Walker(transport, roots, port_map, max_ns=policy.max_ns_per_referral,
                    max_glueless=policy.max_glueless)
    tasks = [asyncio.ensure_future(_bounded(walker, t, policy)) for t in targets]
    if on_done is not None:
        for target, task in zip(targets, tasks, strict=True):
            task.add_done_callback(_reporter(on_done, target.child))
    paths: list[PathRecord] = []
    if tasks:
        done, pending = await asyncio.wait(tasks, timeout=max(0.0, policy.deadline))
        for task in pending:
            task.cancel()
        for target, task in zip(targets, tasks, strict=True):
            if task in done and not task.cancelled():
                paths.append(task.result())
            else:
                paths.append(PathRecord(
                    target.child, target.parent, (), (), limits=_limits(walker, target),
                    incomplete=f"the run's deadline ({policy.deadline:g} s) passed first"))
    records = walker.records()
    return Observations(
        queries=sorted_queries(records),
        hosts=tuple(sorted(walker.hosts(), key=lambda h: h.name)),
        paths=tuple(sorted(paths, key=lambda p: p.child)),
        roots=tuple(ServerAddress(r.name, r.address, r.port) for r in roots),
        targets=tuple(targets),
        stats=ProbeStats(queries=len(records), attempts=transport.attempts,
                         seconds=time.perf_counter() - started),
    )


def probe_sync(
    targets: Sequence[DelegationTarget],
    roots: Sequence[ServerLike],
    *,
    policy: VerifyPolicy,
    port_map: Mapping[str, int] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> Observations:
    """:func:`probe` for callers without an event loop."""
    return asyncio.run(probe(targets, roots, policy=policy, port_map=port_map,
                             on_done=on_done))


def _reporter(on_done: Callable[[str], None], name: str
              ) -> Callable[[asyncio.Future[PathRecord]], None]:
    def done(_: asyncio.Future[PathRecord]) -> None:
        on_done(name)
    return done


async def _bounded(walker: Walker, target: DelegationTarget, policy: VerifyPolicy
                   ) -> PathRecord:
    """:func:`_probe_target` within the zone deadline; the caps hit on its path."""
    if target.lookup is ZoneLookup.UNREAD:
        return PathRecord(target.child, target.parent, (), (),
                          walk_error="not probed: the zone's account could not be read")
    try:
        path = await asyncio.wait_for(_probe_target(walker, target),
                                      timeout=max(0.0, policy.zone_deadline))
    except TimeoutError:
        return PathRecord(target.child, target.parent, (), (), limits=_limits(walker, target),
                          incomplete=f"not finished within the zone deadline "
                          f"({policy.zone_deadline:g} s)")
    return replace(path, limits=_limits(walker, target, path.hops))


def _limits(walker: Walker, target: DelegationTarget, hops: Sequence[str] = ()
            ) -> tuple[str, ...]:
    zones = {*hops, target.child, *([target.parent] if target.parent else [])}
    return tuple(message for zone, message in sorted(walker.limits.items()) if zone in zones)


async def _probe_target(walker: Walker, target: DelegationTarget) -> PathRecord:
    path = await _find_parent(walker, target)
    parent_records = await asyncio.gather(*(
        _ask_all_addresses(walker, Role.PARENT, name, target.child, ("NS",))
        for name in walker.capped(path.parent_zone or target.child, path.parent_servers)
    ))
    listed: set[str] = set(target.delegation_set)
    if target.parent_ns is not None:
        listed.update(target.parent_ns.values)
    if target.child_apex_ns is not None:  # resolvers use the apex set too (RFC 2181)
        listed.update(target.child_apex_ns.values)
    for records in parent_records:
        for record in records:
            listed.update(walker.capped(target.child, referred_servers(record, target.child)))
    await asyncio.gather(*(
        _ask_all_addresses(walker, Role.CHILD, name, target.child, ("SOA", "NS"))
        for name in sorted(listed)
    ))
    return path


async def _find_parent(walker: Walker, target: DelegationTarget) -> PathRecord:
    """The zone (and its servers) that should hold the delegation of ``target.child``."""
    if target.parent is not None:
        descent = await walker.zone_servers(target.parent)
        if descent.final is not None and descent.final.authoritative_answer \
                and descent.final.answer_ns:
            # The parent is served by the same servers as its own parent.
            return PathRecord(target.child, target.parent, descent.final.answer_ns,
                              descent.hops)
        if descent.error is None and descent.final is None and descent.zone == target.parent:
            return PathRecord(target.child, target.parent, descent.servers, descent.hops)
        return PathRecord(target.child, target.parent, (), descent.hops,
                          walk_error=_walk_error(descent.error, descent.final, target.parent))
    # A root zone: the walk toward the zone itself shows who delegates it.
    descent = await walker.zone_servers(target.child)
    if descent.error is None and descent.final is None and descent.zone == target.child:
        return PathRecord(target.child, descent.previous_zone, descent.previous_servers,
                          descent.hops)
    if descent.error is None and descent.final is not None:
        # The deepest zone reached answered for the name itself (NXDOMAIN, NODATA,
        # or an answer): ask all of its servers, as a parent's.
        return PathRecord(target.child, descent.zone, descent.servers, descent.hops)
    return PathRecord(target.child, None, (), descent.hops, walk_error=descent.error)


def _walk_error(error: str | None, final: QueryRecord | None, zone: str) -> str:
    if error:
        return error
    if final is not None:
        return (f"{zone} is not delegated: {final.server} ({final.address}) answers "
                f"{final.outcome.value} for {zone} NS")
    return f"the walk did not reach {zone}"


async def _ask_all_addresses(walker: Walker, role: Role, server: str, qname: str,
                             qtypes: Sequence[str]) -> list[QueryRecord]:
    host = await walker.host(server)
    return list(await asyncio.gather(*(
        walker.ask(role=role, server=server, address=address, qname=qname, qtype=qtype)
        for address in host.addresses
        for qtype in qtypes
    )))
