"""Hand-built targets and observations for the pure check tests (no packets).

``World.healthy()`` is the tree example.com (a root zone, delegated by com),
dev.example.com and team-a.dev.example.com, with every query answered as a healthy
Route 53 would. Tests then change one thing and assert the findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from zonecut.state import HostedZone, RRSet
from zonecut.verify.observations import (
    HostAddresses,
    Observations,
    Outcome,
    PathRecord,
    QueryRecord,
    Role,
)
from zonecut.verify.targets import DelegationTarget

SETS = {
    "example.com": ("ns-1.awsdns-01.com", "ns-1025.awsdns-01.org",
                    "ns-1537.awsdns-01.co.uk", "ns-513.awsdns-01.net"),
    "dev.example.com": ("ns-1026.awsdns-02.org", "ns-1538.awsdns-02.co.uk",
                        "ns-2.awsdns-02.com", "ns-514.awsdns-02.net"),
    "team-a.dev.example.com": ("ns-1027.awsdns-03.org", "ns-1539.awsdns-03.co.uk",
                               "ns-3.awsdns-03.com", "ns-515.awsdns-03.net"),
}
PARENTS = {"example.com": None, "dev.example.com": "example.com",
           "team-a.dev.example.com": "dev.example.com"}
TLD_SERVERS = ("a.gtld-servers.net", "b.gtld-servers.net")
NEW_SET = ("ns-1028.awsdns-04.org", "ns-1540.awsdns-04.co.uk", "ns-4.awsdns-04.com",
           "ns-516.awsdns-04.net")


def make_target(child: str, parent: str | None, servers: tuple[str, ...], *,
                parent_ns: tuple[str, ...] | None = None, ttl: int = 3600) -> DelegationTarget:
    servers = tuple(sorted(servers))
    in_parent = servers if parent_ns is None else tuple(sorted(parent_ns))
    return DelegationTarget(
        child=child,
        parent=parent,
        child_account="111111111111",
        parent_account="111111111111" if parent else None,
        child_zone=HostedZone(f"Z{abs(hash(child)) % 10**8}", child, "111111111111", servers),
        child_apex_ns=RRSet(child, "NS", 172800, servers),
        parent_ns=RRSet(child, "NS", ttl, in_parent) if parent else None,
    )


@dataclass
class World:
    targets: dict[str, DelegationTarget] = field(default_factory=dict)
    hosts: dict[str, HostAddresses] = field(default_factory=dict)
    paths: dict[str, PathRecord] = field(default_factory=dict)
    queries: dict[tuple[bool, str, str, str], QueryRecord] = field(default_factory=dict)

    @classmethod
    def healthy(cls) -> World:
        world = cls()
        for child, parent in PARENTS.items():
            world.targets[child] = make_target(child, parent, SETS[child])
            world.serve(child, SETS[child])
        world.path("example.com", "com", TLD_SERVERS)
        for server in TLD_SERVERS:
            world.parent_says("example.com", server, SETS["example.com"])
        for child in ("dev.example.com", "team-a.dev.example.com"):
            parent = PARENTS[child]
            assert parent is not None
            world.path(child, parent, SETS[parent])
            for server in SETS[parent]:
                world.parent_says(child, server, SETS[child])
        return world

    # ---- building blocks ----------------------------------------------------------------

    def address(self, server: str) -> str:
        if server not in self.hosts:
            n = len(self.hosts) + 1
            self.hosts[server] = HostAddresses(server, (f"192.0.2.{n}",))
        return self.hosts[server].addresses[0]

    def path(self, child: str, parent_zone: str | None, servers: tuple[str, ...],
             walk_error: str | None = None) -> None:
        for server in servers:
            self.address(server)
        self.paths[child] = PathRecord(child, parent_zone, tuple(servers), (), walk_error)

    def record(self, role: Role, server: str, qname: str, qtype: str, outcome: Outcome,
               **fields: object) -> None:
        address = self.address(server)
        record = QueryRecord(role=role, server=server, address=address, port=53, qname=qname,
                             qtype=qtype, outcome=outcome)
        record = replace(record, **fields)  # type: ignore[arg-type]
        self.queries[(role is Role.CHILD, address, qname, qtype)] = record

    def parent_says(self, child: str, server: str, ns: tuple[str, ...] = (),
                    outcome: Outcome = Outcome.REFERRAL, aa: bool = False) -> None:
        if outcome is Outcome.REFERRAL:
            self.record(Role.PARENT, server, child, "NS", outcome, authority_zone=child,
                        authority_ns=tuple(sorted(ns)))
        else:
            self.record(Role.PARENT, server, child, "NS", outcome, aa=aa,
                        rcode="NXDOMAIN" if outcome is Outcome.NXDOMAIN else "NOERROR")

    def parent_fails(self, child: str, server: str, outcome: Outcome) -> None:
        """A parent server times out or refuses when asked for ``child`` NS."""
        silent = not outcome.responded
        self.record(Role.PARENT, server, child, "NS", outcome,
                    rcode="" if silent else outcome.value.upper(), attempts=2 if silent else 1)

    def child_says(self, zone: str, server: str, outcome: Outcome = Outcome.ANSWER, *,
                   aa: bool = True, serial: int = 1, ns: tuple[str, ...] | None = None,
                   attempts: int = 1, qtypes: tuple[str, ...] = ("SOA", "NS")) -> None:
        answer_ns = tuple(sorted(ns if ns is not None else SETS.get(zone, ())))
        for qtype in qtypes:
            fields: dict[str, object] = {"aa": aa, "attempts": attempts}
            if outcome is Outcome.ANSWER and qtype == "SOA":
                fields["soa_serial"] = serial
            if outcome is Outcome.ANSWER and qtype == "NS":
                fields["answer_ns"] = answer_ns
            if not outcome.responded:
                fields["aa"] = False
                fields["rcode"] = ""
            self.record(Role.CHILD, server, zone, qtype, outcome, **fields)

    def serve(self, zone: str, servers: tuple[str, ...], **kwargs: object) -> None:
        for server in servers:
            self.child_says(zone, server, ns=tuple(servers), **kwargs)  # type: ignore[arg-type]

    def update(self, child: str, **changes: object) -> None:
        self.targets[child] = replace(self.targets[child], **changes)  # type: ignore[arg-type]

    def observations(self) -> Observations:
        return Observations(
            queries=tuple(self.queries.values()),
            hosts=tuple(self.hosts.values()),
            paths=tuple(self.paths.values()),
        )

    def target_list(self) -> list[DelegationTarget]:
        return list(self.targets.values())
