"""A small authoritative DNS hierarchy on loopback, for probe tests.

Each :class:`FakeServer` listens on its own 127.x address (UDP and TCP, one port),
serves the zones given to it authoritatively, refers below its cuts with glue, and
answers REFUSED for names outside its zones. Behaviours inject faults:
``normal``, ``silent`` (never answers), ``no-aa``, ``refused``, ``servfail``,
``drop-first`` (ignores the first copy of each question: answers on the retry) and
``truncate`` (UDP answers carry TC and nothing else; TCP answers in full).
:attr:`DnsLab.answer_delay` makes the whole lab a busy server: its one thread sleeps
that long before each UDP answer, so queries sent at once queue behind each other.
"""

from __future__ import annotations

import itertools
import selectors
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from zonecut.verify.targets import ServerAddress

_lab_numbers = itertools.count(1)


def _below(name: str, zone: str) -> bool:
    return name != zone and (zone == "." or name.endswith("." + zone))


def _at_or_below(name: str, zone: str) -> bool:
    return name == zone or _below(name, zone)


def _fqdn(name: str) -> str:
    return "." if name == "." else name + "."


def _canon(name: dns.name.Name) -> str:
    text = name.to_text(omit_final_dot=True).lower()
    return text or "."


@dataclass
class FakeZone:
    """Record sets of one zone, keyed by (owner, type)."""

    name: str
    rrsets: dict[tuple[str, str], dns.rrset.RRset] = field(default_factory=dict)

    def set(self, owner: str, rtype: str, ttl: int, *values: str) -> None:
        self.rrsets[(owner, rtype)] = dns.rrset.from_text(_fqdn(owner), ttl, "IN", rtype,
                                                          *values)

    def drop(self, owner: str, rtype: str) -> None:
        self.rrsets.pop((owner, rtype), None)

    def cut_above(self, qname: str) -> str | None:
        """The deepest delegation (NS below the apex) at or above ``qname``."""
        best: str | None = None
        for owner, rtype in self.rrsets:
            if rtype == "NS" and owner != self.name and _at_or_below(qname, owner) \
                    and (best is None or len(owner) > len(best)):
                best = owner
        return best

    def name_exists(self, qname: str) -> bool:
        return any(_at_or_below(owner, qname) for owner, _ in self.rrsets)


class FakeServer:
    """One authoritative server on one loopback address."""

    def __init__(self, name: str, address: str) -> None:
        self.name = name
        self.address = address
        self.port = 0
        self.zones: dict[str, FakeZone] = {}
        self.behaviour = "normal"
        self.received = 0
        self.offline = False  # True: never bound (its address refuses packets)
        self.flags_seen: set[tuple[bool, bool]] = set()  # (RD set, EDNS present)
        self._seen: set[tuple[str, int, str]] = set()
        self._lock = threading.Lock()

    # ---- answering -------------------------------------------------------------------

    def respond(self, wire: bytes, *, tcp: bool) -> bytes | None:
        with self._lock:
            self.received += 1
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None
        with self._lock:
            self.flags_seen.add((bool(query.flags & dns.flags.RD), query.edns >= 0))
        behaviour = self.behaviour
        if behaviour == "silent":
            return None
        question = query.question[0]
        qname, rdtype = _canon(question.name), question.rdtype
        if behaviour == "drop-first":
            key = (qname, int(rdtype), "tcp" if tcp else "udp")
            with self._lock:
                if key not in self._seen:
                    self._seen.add(key)
                    return None
        response = dns.message.make_response(query)
        response.flags &= ~dns.flags.RD
        if behaviour == "refused":
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        if behaviour == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        if behaviour == "truncate" and not tcp:
            response.flags |= dns.flags.TC
            return response.to_wire()
        zone = self._zone_for(qname)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        self._fill(response, zone, qname, rdtype)
        if behaviour == "no-aa":
            response.flags &= ~dns.flags.AA
        return response.to_wire()

    def _zone_for(self, qname: str) -> FakeZone | None:
        """The deepest zone on this server that holds ``qname``."""
        holding = [z for z in self.zones.values() if _at_or_below(qname, z.name)]
        if not holding:
            return None
        return max(holding, key=lambda z: 0 if z.name == "." else len(z.name) + 1)

    def _fill(self, response: dns.message.Message, zone: FakeZone, qname: str,
              rdtype: dns.rdatatype.RdataType) -> None:
        cut = zone.cut_above(qname)
        if cut is not None:
            ns = zone.rrsets[(cut, "NS")]
            response.authority.append(ns)
            for rdata in ns:
                target = _canon(rdata.target)
                glue = zone.rrsets.get((target, "A"))
                if glue is not None:
                    response.additional.append(glue)
            return
        response.flags |= dns.flags.AA
        rtype = dns.rdatatype.to_text(rdtype)
        found = zone.rrsets.get((qname, rtype))
        if found is not None:
            response.answer.append(found)
            return
        cname = zone.rrsets.get((qname, "CNAME"))
        if cname is not None:
            response.answer.append(cname)
            return
        soa = zone.rrsets.get((zone.name, "SOA"))
        if soa is not None:
            response.authority.append(soa)
        if not zone.name_exists(qname):
            response.set_rcode(dns.rcode.NXDOMAIN)

    # ---- sockets ---------------------------------------------------------------------

    def bind(self, port: int = 0) -> list[socket.socket]:
        """Bind UDP and TCP on one port (``0``: any free port) of this server's address."""
        for _ in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind((self.address, port))
            chosen = udp.getsockname()[1]
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind((self.address, chosen))
            except OSError:
                udp.close()
                tcp.close()
                if port:
                    raise
                continue
            tcp.listen(16)
            self.port = chosen
            return [udp, tcp]
        raise OSError(f"no free port on {self.address} for both UDP and TCP")

    def serve_tcp(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        with conn:
            try:
                while True:
                    header = _recv_exact(conn, 2)
                    if header is None:
                        return
                    data = _recv_exact(conn, struct.unpack("!H", header)[0])
                    if data is None:
                        return
                    reply = self.respond(data, tcp=True)
                    if reply is None:
                        return
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
            except OSError:
                return


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class _Loop:
    """One thread serving every socket of a lab (TCP connections get their own thread)."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.delay = 0.0

    def add(self, server: FakeServer, sockets: list[socket.socket]) -> None:
        for sock in sockets:
            sock.setblocking(False)
            self._selector.register(sock, selectors.EVENT_READ, server)
            self._sockets.append(sock)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=0.02):
                sock: socket.socket = key.fileobj  # type: ignore[assignment]
                server: FakeServer = key.data
                try:
                    if sock.type == socket.SOCK_DGRAM:
                        data, peer = sock.recvfrom(65535)
                        if self.delay:
                            time.sleep(self.delay)
                        reply = server.respond(data, tcp=False)
                        if reply is not None:
                            sock.sendto(reply, peer)
                    else:
                        conn, _ = sock.accept()
                        conn.setblocking(True)
                        threading.Thread(target=server.serve_tcp, args=(conn,),
                                         daemon=True).start()
                except OSError:
                    continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        for sock in self._sockets:
            self._selector.unregister(sock)
            sock.close()
        self._selector.close()


class DnsLab:
    """A hierarchy of fake servers; zones, delegations and faults set by the test."""

    def __init__(self) -> None:
        self.number = next(_lab_numbers) % 200 + 20
        self.servers: dict[str, FakeServer] = {}
        self.zones: dict[str, FakeZone] = {}
        self.root_names: list[str] = []
        self._next_host = itertools.count(1)
        self._loop = _Loop()
        self.answer_delay = 0.0

    # ---- building --------------------------------------------------------------------

    def server(self, name: str) -> FakeServer:
        if name not in self.servers:
            host = next(self._next_host)
            address = f"127.{self.number}.{host // 250}.{host % 250 + 1}"
            self.servers[name] = FakeServer(name, address)
        return self.servers[name]

    def zone(self, name: str, servers: Sequence[str], *, serial: int = 1,
             ns_ttl: int = 172800) -> FakeZone:
        """Create ``name`` on ``servers`` (apex SOA and NS), like a new hosted zone."""
        zone = FakeZone(name)
        zone.set(name, "SOA", 900, f"{_fqdn(servers[0])} hostmaster.{_fqdn(name)} "
                 f"{serial} 7200 900 1209600 86400".replace("hostmaster..", "hostmaster."))
        zone.set(name, "NS", ns_ttl, *(_fqdn(s) for s in servers))
        self.zones[name] = zone
        for server in servers:
            self.server(server).zones[name] = zone
        if name == ".":
            self.root_names = list(servers)
        return zone

    def delegate(self, parent: str, child: str, servers: Sequence[str], *,
                 ttl: int = 172800) -> None:
        self.zones[parent].set(child, "NS", ttl, *(_fqdn(s) for s in servers))

    def undelegate(self, parent: str, child: str) -> None:
        self.zones[parent].drop(child, "NS")

    def record(self, zone: str, owner: str, rtype: str, *values: str, ttl: int = 300) -> None:
        self.zones[zone].set(owner, rtype, ttl, *values)

    def unhost(self, zone: str) -> None:
        """Delete ``zone`` from every server (its servers now refuse it)."""
        for server in self.servers.values():
            server.zones.pop(zone, None)

    def set_serial(self, server: str, zone: str, serial: int) -> None:
        """Give one server its own copy of ``zone`` with another SOA serial."""
        original = self.zones[zone]
        copy = FakeZone(zone, dict(original.rrsets))
        soa = original.rrsets[(zone, "SOA")][0]
        copy.set(zone, "SOA", 900, soa.replace(serial=serial).to_text())
        self.servers[server].zones[zone] = copy

    def set_behaviour(self, server: str, behaviour: str) -> None:
        self.servers[server].behaviour = behaviour

    def _add_host_records(self) -> None:
        """An A record for every server, in the closest zone that holds its name."""
        for server in self.servers.values():
            candidates = [z for z in self.zones.values() if _at_or_below(server.name, z.name)]
            if not candidates:
                continue
            home = max(candidates, key=lambda z: -1 if z.name == "." else len(z.name))
            home.set(server.name, "A", 3600, server.address)

    # ---- running ---------------------------------------------------------------------

    def start(self, *, port: int = 0) -> None:
        self._add_host_records()
        self._loop = _Loop()
        self._loop.delay = self.answer_delay
        try:
            for server in self.servers.values():
                if not server.offline:
                    self._loop.add(server, server.bind(port))
        except OSError:
            self._loop.stop()
            raise
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    @property
    def port_map(self) -> dict[str, int]:
        return {s.address: s.port for s in self.servers.values()}

    @property
    def roots(self) -> list[ServerAddress]:
        return [ServerAddress(n, self.servers[n].address, self.servers[n].port)
                for n in self.root_names]

    def root_hints(self) -> str:
        """The root as a named.root file."""
        lines = []
        for root in self.roots:
            lines.append(f".\t3600000\tNS\t{root.name}.")
            lines.append(f"{root.name}.\t3600000\tA\t{root.address}")
        return "\n".join(lines) + "\n"

    def total_received(self) -> int:
        return sum(s.received for s in self.servers.values())


R53 = {
    "example.com": ("ns-1.awsdns-01.com", "ns-513.awsdns-01.net",
                    "ns-1025.awsdns-01.org", "ns-1537.awsdns-01.co.uk"),
    "dev.example.com": ("ns-2.awsdns-02.com", "ns-514.awsdns-02.net",
                        "ns-1026.awsdns-02.org", "ns-1538.awsdns-02.co.uk"),
    "team-a.dev.example.com": ("ns-3.awsdns-03.com", "ns-515.awsdns-03.net",
                               "ns-1027.awsdns-03.org", "ns-1539.awsdns-03.co.uk"),
}


def standard_tree(lab: DnsLab) -> DnsLab:
    """Root, TLDs (com, net, org, uk, co.uk) and the healthy example.com tree of R53.

    TLD servers get glue from the root; the Route 53-like servers have their A records
    in their TLD zone (no glue in referrals to example.com: glueless, as in Route 53).
    """
    lab.zone(".", ["a.root-servers.net", "b.root-servers.net"])
    tld_servers = ["a.gtld-servers.net", "b.gtld-servers.net"]
    for tld in ("com", "net", "org", "uk"):
        lab.zone(tld, tld_servers)
        lab.delegate(".", tld, tld_servers)
    lab.zone("co.uk", ["ns1.nic.uk"])
    lab.delegate("uk", "co.uk", ["ns1.nic.uk"])
    for zone, servers in R53.items():
        lab.zone(zone, servers)
    lab.delegate("com", "example.com", R53["example.com"])
    lab.delegate("example.com", "dev.example.com", R53["dev.example.com"], ttl=3600)
    lab.delegate("dev.example.com", "team-a.dev.example.com", R53["team-a.dev.example.com"],
                 ttl=3600)
    lab.record("team-a.dev.example.com", "www.team-a.dev.example.com", "A", "192.0.2.10")
    # Root glue: the root is authoritative for everything, so out-of-zone glue is fine.
    return lab


def _root_glue(lab: DnsLab) -> None:
    root = lab.zones["."]
    for name in ("a.gtld-servers.net", "b.gtld-servers.net", "ns1.nic.uk",
                 "a.root-servers.net", "b.root-servers.net"):
        if name in lab.servers:
            root.set(name, "A", 3600, lab.servers[name].address)


@contextmanager
def running(lab: DnsLab, *, port: int = 0) -> Iterator[DnsLab]:
    """Start ``lab`` (adding root glue for TLD servers), stop it afterwards."""
    _root_glue(lab)
    lab.start(port=port)
    try:
        yield lab
    finally:
        lab.stop()
