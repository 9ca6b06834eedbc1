"""What the probe saw: plain data, saved and replayed as versioned JSON.

Three kinds of record:

- :class:`QueryRecord`: one question to one address of one server, and its outcome;
- :class:`HostAddresses`: the addresses of a name server host, found by walking;
- :class:`PathRecord`: for each target, the zone whose servers were asked for the
  child's NS (the declared parent, or for a root zone the zone above it found by the
  walk), its servers, and why the walk stopped short if it did.

The checks read nothing else, so a saved file replays to the same findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from zonecut.verify.targets import (
    DelegationTarget,
    ServerAddress,
    target_from_dict,
    target_to_dict,
)

FORMAT = "zonecut.verify.observations"
VERSION = 1


class Outcome(StrEnum):
    """How a query ended, from the point of view of the question asked."""

    ANSWER = "answer"  # the answer section holds the asked type (or a CNAME) for qname
    REFERRAL = "referral"  # no answer, NS in authority, AA clear
    NXDOMAIN = "nxdomain"
    NODATA = "nodata"  # NOERROR, nothing for the name and type, not a referral
    REFUSED = "refused"
    SERVFAIL = "servfail"
    OTHER_RCODE = "other_rcode"  # any other rcode (see ``rcode``)
    TIMEOUT = "timeout"  # no response after every attempt
    NETWORK_ERROR = "network_error"  # the address could not be reached (see ``error``)
    BAD_RESPONSE = "bad_response"  # a response that could not be parsed
    NOT_QUERIED = "not_queried"  # an address zonecut never sends to (see ``error``)

    @property
    def responded(self) -> bool:
        """The server sent something back (even a refusal)."""
        return self not in (Outcome.TIMEOUT, Outcome.NETWORK_ERROR, Outcome.NOT_QUERIED)


class Role(StrEnum):
    """Why the probe asked."""

    WALK = "walk"  # following referrals from the root toward a zone
    RESOLVE = "resolve"  # looking up a name server host's addresses
    PARENT = "parent"  # asking a server of the parent zone for the child's NS
    CHILD = "child"  # asking a listed server for the child's SOA or NS


@dataclass(frozen=True)
class QueryRecord:
    """One query (with its retries) to one address, and what came back."""

    role: Role
    server: str
    address: str
    port: int
    qname: str
    qtype: str
    outcome: Outcome
    rcode: str = "NOERROR"
    aa: bool = False
    tcp: bool = False
    answer_ns: tuple[str, ...] = ()
    answer_addresses: tuple[str, ...] = ()
    answer_cname: str | None = None
    authority_zone: str | None = None
    authority_ns: tuple[str, ...] = ()
    glue: tuple[tuple[str, str], ...] = ()
    soa_serial: int | None = None
    attempts: int = 1
    rtt_ms: float = 0.0
    error: str = ""

    @property
    def authoritative_answer(self) -> bool:
        return self.outcome is Outcome.ANSWER and self.aa

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "role": self.role.value,
            "server": self.server,
            "address": self.address,
            "port": self.port,
            "qname": self.qname,
            "qtype": self.qtype,
            "outcome": self.outcome.value,
            "rcode": self.rcode,
            "aa": self.aa,
            "tcp": self.tcp,
            "answer_ns": list(self.answer_ns),
            "answer_addresses": list(self.answer_addresses),
            "answer_cname": self.answer_cname,
            "authority_zone": self.authority_zone,
            "authority_ns": list(self.authority_ns),
            "glue": [list(pair) for pair in self.glue],
            "soa_serial": self.soa_serial,
            "attempts": self.attempts,
            "rtt_ms": round(self.rtt_ms, 3),
            "error": self.error,
        }
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueryRecord:
        serial = data.get("soa_serial")
        return cls(
            role=Role(data["role"]),
            server=str(data["server"]),
            address=str(data["address"]),
            port=int(data["port"]),
            qname=str(data["qname"]),
            qtype=str(data["qtype"]),
            outcome=Outcome(data["outcome"]),
            rcode=str(data.get("rcode", "NOERROR")),
            aa=bool(data.get("aa", False)),
            tcp=bool(data.get("tcp", False)),
            answer_ns=tuple(str(n) for n in data.get("answer_ns", ())),
            answer_addresses=tuple(str(a) for a in data.get("answer_addresses", ())),
            answer_cname=data.get("answer_cname"),
            authority_zone=data.get("authority_zone"),
            authority_ns=tuple(str(n) for n in data.get("authority_ns", ())),
            glue=tuple((str(n), str(a)) for n, a in data.get("glue", ())),
            soa_serial=int(serial) if serial is not None else None,
            attempts=int(data.get("attempts", 1)),
            rtt_ms=float(data.get("rtt_ms", 0.0)),
            error=str(data.get("error", "")),
        )


@dataclass(frozen=True)
class HostAddresses:
    """The IPv4 addresses of a name server host name (empty, with ``error``, if none).

    ``denied``: an authoritative server said the name has no address (NXDOMAIN or
    NODATA), as opposed to a look-up that could not be completed.
    """

    name: str
    addresses: tuple[str, ...]
    error: str = ""
    denied: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "addresses": list(self.addresses), "error": self.error,
                "denied": self.denied}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HostAddresses:
        return cls(
            name=str(data["name"]),
            addresses=tuple(str(a) for a in data["addresses"]),
            error=str(data.get("error", "")),
            denied=bool(data.get("denied", False)),
        )


@dataclass(frozen=True)
class PathRecord:
    """How the probe reached the servers that delegate one target's child zone.

    ``parent_zone`` is ``None`` when the walk never got below the root's servers.
    ``walk_error`` says why the walk did not reach the parent's servers, if it did not.
    ``hops`` are the zones crossed from the root (``"."`` first). ``limits`` says which
    caps of the probe were hit (NS names per referral, glueless look-ups);
    ``incomplete`` why the probe of this target stopped (a deadline), if it did.
    """

    child: str
    parent_zone: str | None
    parent_servers: tuple[str, ...]
    hops: tuple[str, ...] = ()
    walk_error: str | None = None
    limits: tuple[str, ...] = ()
    incomplete: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "child": self.child,
            "parent_zone": self.parent_zone,
            "parent_servers": list(self.parent_servers),
            "hops": list(self.hops),
            "walk_error": self.walk_error,
            "limits": list(self.limits),
            "incomplete": self.incomplete,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PathRecord:
        return cls(
            child=str(data["child"]),
            parent_zone=data.get("parent_zone"),
            parent_servers=tuple(str(s) for s in data["parent_servers"]),
            hops=tuple(str(h) for h in data.get("hops", ())),
            walk_error=data.get("walk_error"),
            limits=tuple(str(m) for m in data.get("limits", ())),
            incomplete=data.get("incomplete"),
        )


@dataclass(frozen=True)
class ProbeStats:
    """Counts for benchmarks: distinct queries, packets' worth of attempts, wall time."""

    queries: int = 0
    attempts: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"queries": self.queries, "attempts": self.attempts,
                "seconds": round(self.seconds, 4)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProbeStats:
        return cls(int(data.get("queries", 0)), int(data.get("attempts", 0)),
                   float(data.get("seconds", 0.0)))


class ObservationsFormatError(ValueError):
    """A saved file that is not zonecut observations of a version this build reads."""


@dataclass(frozen=True)
class Observations:
    """Everything one probe run saw; the only input of the checks besides the targets."""

    queries: tuple[QueryRecord, ...] = ()
    hosts: tuple[HostAddresses, ...] = ()
    paths: tuple[PathRecord, ...] = ()
    roots: tuple[ServerAddress, ...] = ()
    targets: tuple[DelegationTarget, ...] = ()
    stats: ProbeStats = field(default_factory=ProbeStats)

    # ---- lookups used by the checks -------------------------------------------------

    @cached_property
    def _path_index(self) -> dict[str, PathRecord]:
        return {record.child: record for record in self.paths}

    @cached_property
    def _host_index(self) -> dict[str, HostAddresses]:
        return {record.name: record for record in self.hosts}

    @cached_property
    def _query_index(self) -> dict[tuple[bool, str, str, str], QueryRecord]:
        index: dict[tuple[bool, str, str, str], QueryRecord] = {}
        for record in self.queries:
            key = (record.role is Role.CHILD, record.address, record.qname, record.qtype)
            index.setdefault(key, record)
        return index

    def path(self, child: str) -> PathRecord | None:
        return self._path_index.get(child)

    def host(self, name: str) -> HostAddresses | None:
        return self._host_index.get(name)

    def addresses_of(self, name: str) -> tuple[str, ...]:
        record = self.host(name)
        return record.addresses if record else ()

    def find(self, *, child_side: bool, address: str, qname: str, qtype: str
             ) -> QueryRecord | None:
        """The query asked of ``address``: child side (SOA/NS of a zone at its own servers)
        or delegation side (walk, resolve and parent queries, which share answers)."""
        return self._query_index.get((child_side, address, qname, qtype))

    # ---- JSON ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "stats": self.stats.to_dict(),
            "roots": [
                {"name": r.name, "address": r.address, "port": r.port} for r in self.roots
            ],
            "targets": [target_to_dict(t) for t in self.targets],
            "paths": [p.to_dict() for p in self.paths],
            "hosts": [h.to_dict() for h in self.hosts],
            "queries": [q.to_dict() for q in self.queries],
        }

    def to_json(self) -> str:
        """Stable text: same observations, same bytes (keys sorted, records in order)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observations:
        """Read a saved file's data; every field is validated first (pydantic), so a
        malformed file is one :class:`ObservationsFormatError` naming the field."""
        if data.get("format") != FORMAT:
            raise ObservationsFormatError("not a zonecut observations file")
        version = data.get("version")
        if version != VERSION:
            raise ObservationsFormatError(
                f"observations version {version!r} is not supported (this build reads "
                f"version {VERSION})"
            )
        from zonecut.verify.replay_schema import validation_problem

        problem = validation_problem(data)
        if problem is not None:
            raise ObservationsFormatError(problem)
        return cls(
            queries=tuple(QueryRecord.from_dict(q) for q in data.get("queries", ())),
            hosts=tuple(HostAddresses.from_dict(h) for h in data.get("hosts", ())),
            paths=tuple(PathRecord.from_dict(p) for p in data.get("paths", ())),
            roots=tuple(
                ServerAddress(str(r["name"]), str(r["address"]), int(r.get("port", 53)))
                for r in data.get("roots", ())
            ),
            targets=tuple(target_from_dict(t) for t in data.get("targets", ())),
            stats=ProbeStats.from_dict(data.get("stats", {})),
        )

    @classmethod
    def from_json(cls, text: str) -> Observations:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ObservationsFormatError(f"observations are not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ObservationsFormatError("observations must be a JSON object")
        return cls.from_dict(data)


def sorted_queries(records: Iterable[QueryRecord]) -> tuple[QueryRecord, ...]:
    """Records in a stable order (role, qname, qtype, server, address)."""
    order = {role: index for index, role in enumerate(Role)}
    return tuple(sorted(
        records,
        key=lambda r: (order[r.role], r.qname, r.qtype, r.server, r.address, r.port),
    ))


def referred_servers(record: QueryRecord, child: str) -> tuple[str, ...]:
    """The servers a parent-side response names for ``child`` (referral or answer)."""
    if record.outcome is Outcome.REFERRAL and record.authority_zone == child:
        return record.authority_ns
    if record.outcome is Outcome.ANSWER and record.qtype == "NS" and record.qname == child:
        return record.answer_ns
    return ()
