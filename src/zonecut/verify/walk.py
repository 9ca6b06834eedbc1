"""Walking from the root: follow referrals to a zone's servers, resolve server host names.

No caching resolver is involved: every step is an RD=0 query to an explicit server.
Within one run each distinct query is sent once (memoised), each zone walked once and
each host name resolved once. Glueless referrals are followed by a nested walk for the
server's address; a chain of nested look-ups that comes back to a name it is already
resolving stops with an error instead of waiting on itself.

Bounded: the servers of a referral are asked at the same time (not one after
another); at most ``max_ns`` NS names of one referral are followed and at most
``max_glueless`` of them looked up when they come without glue. A cap that is hit is
recorded in :attr:`Walker.limits` (by zone), for the checks to report. Shared work is
awaited through :func:`asyncio.shield`, so a target cancelled at its deadline does
not cancel what other targets wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zonecut.verify.observations import HostAddresses, Outcome, QueryRecord, Role
from zonecut.verify.targets import ServerLike
from zonecut.verify.transport import Transport

ROOT = "."
MAX_REFERRALS = 24
MAX_CNAMES = 8
MAX_NESTING = 6


def below_zone(name: str, zone: str) -> bool:
    """``name`` lies strictly below ``zone`` on a label boundary (``"."`` is the root)."""
    if zone == ROOT:
        return name != ROOT
    return name.endswith("." + zone)


def at_or_below_zone(name: str, zone: str) -> bool:
    return name == zone or below_zone(name, zone)


def usable(record: QueryRecord) -> bool:
    """A response the walk can act on: a referral or an authoritative answer/denial."""
    if record.outcome is Outcome.REFERRAL:
        return True
    return record.aa and record.outcome in (Outcome.ANSWER, Outcome.NXDOMAIN, Outcome.NODATA)


@dataclass(frozen=True)
class Descent:
    """Where a walk toward ``qname`` ended.

    ``zone``/``servers`` are the deepest zone reached and its servers; ``previous_*``
    the zone above it. ``final`` is the last usable response (``None`` when the walk
    stopped at a referral or failed); ``error`` says why the walk failed.
    """

    qname: str
    hops: tuple[str, ...]
    zone: str
    servers: tuple[str, ...]
    previous_zone: str | None
    previous_servers: tuple[str, ...]
    final: QueryRecord | None = None
    error: str | None = None


class Walker:
    """One run's walks, host look-ups and memoised queries."""

    def __init__(
        self,
        transport: Transport,
        roots: Sequence[ServerLike],
        port_map: Mapping[str, int] | None = None,
        *,
        max_ns: int = 16,
        max_glueless: int = 8,
    ) -> None:
        self._transport = transport
        self._max_ns = max(1, max_ns)
        self._max_glueless = max(0, max_glueless)
        self.limits: dict[str, str] = {}
        self._port_map = dict(port_map or {})
        self._roots = tuple(sorted({r.name for r in roots}))
        self._glue: dict[str, list[str]] = {}
        self._root_ports: dict[str, int] = {}
        for root in roots:
            self._glue.setdefault(root.name, [])
            if root.address not in self._glue[root.name]:
                self._glue[root.name].append(root.address)
            self._root_ports[root.address] = root.port
        self._queries: dict[tuple[bool, str, int, str, str], asyncio.Task[QueryRecord]] = {}
        self._hosts: dict[str, HostAddresses] = {}
        self._host_tasks: dict[str, asyncio.Task[HostAddresses]] = {}
        self._zone_tasks: dict[str, asyncio.Task[Descent]] = {}

    # ---- queries ---------------------------------------------------------------------

    def port(self, address: str) -> int:
        return self._port_map.get(address, self._root_ports.get(address, 53))

    async def ask(self, *, role: Role, server: str, address: str, qname: str, qtype: str
                  ) -> QueryRecord:
        """Send (once per run) ``qname``/``qtype`` to ``address``."""
        port = self.port(address)
        key = (role is Role.CHILD, address, port, qname, qtype)
        task = self._queries.get(key)
        if task is None:
            task = asyncio.ensure_future(self._transport.ask(
                role=role, server=server, address=address, port=port,
                qname=qname, qtype=qtype,
            ))
            self._queries[key] = task
        return await asyncio.shield(task)

    def records(self) -> list[QueryRecord]:
        return [t.result() for t in self._queries.values() if t.done() and not t.cancelled()]

    def hosts(self) -> list[HostAddresses]:
        return list(self._hosts.values())

    # ---- zones -----------------------------------------------------------------------

    async def zone_servers(self, zone: str) -> Descent:
        """Walk from the root to the referral for ``zone`` (memoised per run)."""
        task = self._zone_tasks.get(zone)
        if task is None:
            task = asyncio.ensure_future(self.descend(zone, "NS", stop_at_cut=True,
                                                      role=Role.WALK, chain=frozenset()))
            self._zone_tasks[zone] = task
        return await asyncio.shield(task)

    async def descend(self, qname: str, qtype: str, *, stop_at_cut: bool, role: Role,
                      chain: frozenset[str]) -> Descent:
        """Follow referrals from the root toward ``qname``."""
        zone, servers = ROOT, self._roots
        previous: tuple[str | None, tuple[str, ...]] = (None, ())
        hops = [ROOT]

        def result(final: QueryRecord | None = None, error: str | None = None) -> Descent:
            return Descent(qname, tuple(hops), zone, servers, previous[0], previous[1],
                           final, error)

        for _ in range(MAX_REFERRALS):
            record, failures = await self._ask_zone(zone, servers, qname, qtype, role, chain)
            if record is None:
                where = "the root" if zone == ROOT else zone
                return result(error=f"no server of {where} gave a usable answer for "
                              f"{qname} {qtype} ({failures or 'no server address'})")
            if record.outcome is not Outcome.REFERRAL:
                return result(final=record)
            owner = record.authority_zone or ROOT
            if not (at_or_below_zone(qname, owner) and below_zone(owner, zone)):
                return result(error=f"{record.server} ({record.address}) of {zone} referred "
                              f"{qname} to {owner}, which is not below {zone}")
            for name, address in record.glue:
                if at_or_below_zone(name, zone):
                    known = self._glue.setdefault(name, [])
                    if address not in known:
                        known.append(address)
            previous = (zone, servers)
            zone, servers = owner, record.authority_ns
            hops.append(owner)
            if stop_at_cut and owner == qname:
                return result()
        return result(error=f"more than {MAX_REFERRALS} referrals toward {qname}")

    def capped(self, zone: str, names: Sequence[str]) -> list[str]:
        """The NS names of ``zone``'s referral that are followed (at most ``max_ns``;
        sorted, so a run is repeatable); a longer list is recorded as a limit hit."""
        ordered = sorted(set(names))
        if len(ordered) > self._max_ns:
            self.limits.setdefault(zone, (
                f"the referral for {zone} lists {len(ordered)} NS names; only "
                f"{self._max_ns} were followed"))
            ordered = ordered[:self._max_ns]
        return ordered

    async def _ask_zone(self, zone: str, servers: Sequence[str], qname: str, qtype: str,
                        role: Role, chain: frozenset[str]) -> tuple[QueryRecord | None, str]:
        """Ask the servers of ``zone`` (all at once) until one gives a usable response:
        those with glue first, then those without, looked up at most ``max_glueless``."""
        failures: list[str] = []
        names = self.capped(zone, servers)
        glued = [n for n in names if self._glue.get(n)]
        record = await self._first_usable(glued, qname, qtype, role, failures)
        if record is not None:
            return record, ""
        glueless = [n for n in names if not self._glue.get(n)]
        if chain and len(chain) >= MAX_NESTING:
            failures.extend(f"{n}: no address (look-ups nested too deep)" for n in glueless)
            return None, "; ".join(failures)
        lookable = [n for n in glueless if n not in chain]
        failures.extend(f"{n}: no address (circular)" for n in glueless if n in chain)
        if len(lookable) > self._max_glueless:
            self.limits.setdefault(zone, (
                f"the referral for {zone} names {len(lookable)} servers without glue; "
                f"only {self._max_glueless} were looked up"))
            failures.extend(f"{n}: not looked up (limit)" for n in lookable[self._max_glueless:])
            lookable = lookable[:self._max_glueless]
        hosts = await asyncio.gather(*(self.host(n, chain) for n in lookable))
        for host in hosts:
            if not host.addresses:
                failures.append(f"{host.name}: no address")
        found = [h.name for h in hosts if h.addresses]
        record = await self._first_usable(found, qname, qtype, role, failures,
                                          {h.name: list(h.addresses) for h in hosts})
        return record, "; ".join(failures)

    async def _first_usable(self, names: Sequence[str], qname: str, qtype: str, role: Role,
                            failures: list[str],
                            addresses: Mapping[str, list[str]] | None = None
                            ) -> QueryRecord | None:
        """Ask every address of ``names`` at once; the first usable response in name
        order, and every failure appended to ``failures``."""
        pairs = [(name, address) for name in names
                 for address in (addresses or {}).get(name, self._glue.get(name, []))]
        records = await asyncio.gather(*(
            self.ask(role=role, server=name, address=address, qname=qname, qtype=qtype)
            for name, address in pairs))
        for (name, address), record in zip(pairs, records, strict=True):
            if usable(record):
                return record
            failures.append(f"{name} {address}: {_describe(record)}")
        return None

    # ---- host names ------------------------------------------------------------------

    async def host(self, name: str, chain: frozenset[str] = frozenset()) -> HostAddresses:
        """The IPv4 addresses of ``name``, found by walking from the root.

        Top-level look-ups share one task per name; nested ones (inside another
        look-up) run on their own so that a cycle of glueless names cannot deadlock.
        """
        done = self._hosts.get(name)
        if done is not None:
            return done
        if chain:
            if name in chain:
                return HostAddresses(name, (), "circular dependency between glueless names")
            return await self._resolve(name, chain)
        task = self._host_tasks.get(name)
        if task is None:
            task = asyncio.ensure_future(self._resolve(name, frozenset()))
            self._host_tasks[name] = task
        return await asyncio.shield(task)

    async def _resolve(self, name: str, chain: frozenset[str]) -> HostAddresses:
        result = await self._lookup(name, chain | {name})
        if not result.addresses and self._glue.get(name):
            # Not resolvable from the root, but a parent handed out glue for it.
            result = HostAddresses(name, tuple(self._glue[name]),
                                   f"glue only ({result.error})")
        self._hosts.setdefault(name, result)
        return self._hosts[name]

    async def _lookup(self, name: str, chain: frozenset[str]) -> HostAddresses:
        target = name
        for _ in range(MAX_CNAMES):
            descent = await self.descend(target, "A", stop_at_cut=False, role=Role.RESOLVE,
                                         chain=chain)
            final = descent.final
            if final is None:
                return HostAddresses(name, (), descent.error or "the walk stopped at a "
                                     "referral")
            if final.answer_addresses:
                return HostAddresses(name, final.answer_addresses)
            if final.answer_cname:
                target = final.answer_cname
                continue
            return HostAddresses(name, (), f"{final.server} ({descent.zone}) answers "
                                 f"{final.outcome.value} for {target} A",
                                 denied=final.outcome in (Outcome.NXDOMAIN, Outcome.NODATA))
        return HostAddresses(name, (), f"more than {MAX_CNAMES} CNAMEs")


def _describe(record: QueryRecord) -> str:
    if record.outcome in (Outcome.ANSWER, Outcome.NXDOMAIN, Outcome.NODATA) and not record.aa:
        return f"{record.outcome.value} without AA"
    if record.error:
        return f"{record.outcome.value} ({record.error})"
    return record.outcome.value
