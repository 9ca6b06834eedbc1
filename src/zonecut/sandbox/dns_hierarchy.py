"""The sandbox's DNS tree on loopback: a root, TLD servers and every pool name server.

Address plan (N is the network octet, 53 unless that block is busy):

- ``a.root-servers.sandbox`` at 127.N.0.1. The root zone holds ``sandbox`` itself (no
  cut), so the root and TLD server names resolve through the root alone.
- one server per TLD, ``<tld>.tld-servers.sandbox`` at 127.N.0.2, .3, ... (com, net,
  org, uk first; a TLD of a registered zone gets a server when first needed). A TLD
  zone holds the A records of the pool servers under it (``co.uk`` ones are in
  ``uk``) and, like a registry, an NS set for every registered zone.
- pool name server i at 127.N.(1 + i // 254).(1 + i % 254), answering only for the
  live public hosted zones assigned to it (REFUSED otherwise).

Every server listens on the same port: 53 as root (needed by resolvers such as
Unbound, which always use port 53), otherwise one free high port.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Sequence

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata

from zonecut.names import canonical, normalize
from zonecut.sandbox import domains_state
from zonecut.sandbox.dns_route53 import Route53View
from zonecut.sandbox.dns_server import DnsListeners, Handler, bind_pair
from zonecut.sandbox.dns_sign import SigningKey, ZoneSigner, local_key, unsigned_referral_ds
from zonecut.sandbox.dns_wire import BEHAVIOURS, Behaviour, reply
from zonecut.sandbox.dns_zone import AuthZone, check_ds
from zonecut.sandbox.dnssec_keys import KSK_FLAGS
from zonecut.sandbox.info import ROOT_SERVER_NAME, ServerAddress
from zonecut.sandbox.nameservers import NameServerPool

log = logging.getLogger(__name__)

SANDBOX_TLD = "sandbox"
BASE_TLDS: tuple[str, ...] = ("com", "net", "org", "uk")
FIRST_NETWORK = 53
NETWORK_ATTEMPTS = 40
TLD_NS_TTL = 172800
DS_TTL = 86400
HOST_TTL = 172800
_SOA_TIMERS = "1 1800 900 604800 60"


def tld_server_name(tld: str) -> str:
    return f"{tld}.tld-servers.{SANDBOX_TLD}"


def pool_address(network: int, index: int) -> str:
    return f"127.{network}.{1 + index // 254}.{1 + index % 254}"


def default_port() -> int | None:
    """53 when running as root, else None (pick a free high port)."""
    return 53 if os.geteuid() == 0 else None


class DnsHierarchy:
    """Registrations, behaviours, the static root/TLD zones and all the listeners."""

    def __init__(
        self,
        pool: NameServerPool,
        *,
        port: int | None = None,
        network: int | None = None,
    ) -> None:
        self.pool = pool
        self._port_wanted = port
        self._network_wanted = network
        self.port = 0
        self.network = 0
        self._listeners = DnsListeners()
        self._lock = threading.RLock()
        self._servers: dict[str, ServerAddress] = {}
        self._tlds: list[str] = []
        self._registrations: dict[str, tuple[str, ...]] = {}
        self._registered_ds: dict[str, tuple[str, ...]] = {}
        # domains registered in Route 53 Domains (moto, any account): they win over
        # register() (see _sync_domains)
        self._domains: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._domains_generation = -1
        self._behaviours: dict[str, Behaviour] = {}
        self._static: dict[str, AuthZone] = {}
        # DNSSEC: one key (flags 257, signing everything) per static zone, for the
        # hierarchy's life; the root's is the sandbox's trust anchor
        self._static_keys: dict[str, SigningKey] = {}
        self._route53 = Route53View()
        self._pool_names = frozenset(pool.names)

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        """Bind every listener, trying the next 127.N block (or port) when one is busy."""
        networks = (
            [self._network_wanted]
            if self._network_wanted is not None
            else list(range(FIRST_NETWORK, FIRST_NETWORK + NETWORK_ATTEMPTS))
        )
        last_error: OSError | None = None
        for network in networks:
            try:
                self._bind_all(network)
            except OSError as exc:
                last_error = exc
                continue
            return
        raise OSError(f"could not bind the sandbox DNS servers: {last_error}")

    def _bind_all(self, network: int) -> None:
        names = [ROOT_SERVER_NAME, *(tld_server_name(t) for t in BASE_TLDS)]
        addresses = [f"127.{network}.0.{1 + i}" for i in range(len(names))]
        names += list(self.pool.names)
        addresses += [pool_address(network, i) for i in range(self.pool.size)]
        port = self._port_wanted if self._port_wanted is not None else 0
        bound: list[tuple[socket.socket, socket.socket]] = []
        try:
            for address in addresses:
                pair = bind_pair(address, port)
                bound.append(pair)
                if port == 0:
                    port = pair[0].getsockname()[1]
        except OSError:
            for udp, tcp in bound:
                udp.close()
                tcp.close()
            raise
        self.network, self.port = network, port
        with self._lock:
            self._tlds = list(BASE_TLDS)
            for name, address, (udp, tcp) in zip(names, addresses, bound, strict=True):
                self._servers[name] = ServerAddress(name, address, port)
                self._listeners.add_sockets(udp, tcp, self._handler(name))
            self._rebuild_static()

    def stop(self) -> None:
        self._listeners.stop()

    # -- what callers see -------------------------------------------------------------
    @property
    def servers(self) -> dict[str, ServerAddress]:
        with self._lock:
            return dict(self._servers)

    @property
    def root_hints(self) -> list[ServerAddress]:
        with self._lock:
            return [self._servers[ROOT_SERVER_NAME]]

    @property
    def registrations(self) -> dict[str, tuple[str, ...]]:
        self._sync_domains()
        with self._lock:
            return {**self._registrations, **{k: v[0] for k, v in self._domains.items()}}

    def registration(self, zone_name: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(NS, DS) registered for ``zone_name`` at its TLD, or None: the domain in Route
        53 Domains (any account) when it is registered there, else :meth:`register`'s."""
        name = normalize(zone_name)
        self._sync_domains()
        with self._lock:
            if name in self._domains:
                return self._domains[name]
            servers = self._registrations.get(name)
            if servers is None:
                return None
            return servers, self._registered_ds.get(name, ())

    # -- registrar and faults ---------------------------------------------------------
    def register(self, zone_name: str, name_servers: Sequence[str],
                 ds: Sequence[str] = ()) -> None:
        zone = canonical(zone_name)
        tld = zone.rsplit(".", 1)[-1]
        if tld == SANDBOX_TLD:
            raise ValueError(f"{zone!r}: the {SANDBOX_TLD!r} TLD is the sandbox's own")
        servers = tuple(canonical(ns) for ns in name_servers)
        if not servers:
            raise ValueError(f"{zone!r}: a registration needs at least one name server")
        ds_values = tuple(" ".join(str(d).split()) for d in ds)
        for value in ds_values:
            check_ds(zone, value)
        with self._lock:
            if tld not in self._tlds:
                self._add_tld(tld)
            self._registrations[zone] = servers
            if ds_values:
                self._registered_ds[zone] = ds_values
            else:
                self._registered_ds.pop(zone, None)
            self._rebuild_static()

    def unregister(self, zone_name: str) -> None:
        with self._lock:
            self._registrations.pop(normalize(zone_name), None)
            self._registered_ds.pop(normalize(zone_name), None)
            self._rebuild_static()

    def set_behaviour(self, server_name: str, behaviour: Behaviour) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
        name = normalize(server_name)
        with self._lock:
            if name not in self._servers:
                raise ValueError(f"{server_name!r} is not a sandbox DNS server")
            if behaviour == "normal":
                self._behaviours.pop(name, None)
            else:
                self._behaviours[name] = behaviour

    def reset(self) -> None:
        """No registrations, every server normal, Route 53 data re-read."""
        with self._lock:
            self._registrations.clear()
            self._registered_ds.clear()
            self._behaviours.clear()
            self._rebuild_static()
        self._route53.invalidate()

    # -- internals --------------------------------------------------------------------
    def _sync_domains(self) -> None:
        """Rebuild the TLD zones when Route 53 Domains changed since the last look."""
        current = domains_state.generation()
        if current == self._domains_generation:
            return
        domains = domains_state.registered_domains()
        with self._lock:
            self._domains_generation = current
            if domains == self._domains:
                return
            self._domains = domains
            if self._servers:
                self._rebuild_static()

    def _add_tld(self, tld: str) -> None:
        if len(self._tlds) >= 250:
            raise ValueError("too many TLDs in the sandbox")
        address = f"127.{self.network}.0.{2 + len(self._tlds)}"
        name = tld_server_name(tld)
        self._listeners.add(address, self.port, self._handler(name))
        self._servers[name] = ServerAddress(name, address, self.port)
        self._tlds.append(tld)

    def _delegations(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        found = {name: (servers, self._registered_ds.get(name, ()))
                 for name, servers in self._registrations.items()}
        found.update(self._domains)
        return found

    def _rebuild_static(self) -> None:
        for name in self._domains:
            tld = name.rsplit(".", 1)[-1]
            if tld not in self._tlds and tld != SANDBOX_TLD:
                self._add_tld(tld)
        root_address = self._servers[ROOT_SERVER_NAME].address
        soa_root = f"{ROOT_SERVER_NAME}. hostmaster.root-servers.{SANDBOX_TLD}. {_SOA_TIMERS}"
        root = AuthZone(dns.name.root)
        root.add(".", "SOA", 86400, [soa_root])
        root.add(".", "NS", 518400, [ROOT_SERVER_NAME + "."])
        root.add(ROOT_SERVER_NAME, "A", 518400, [root_address])
        static = {ROOT_SERVER_NAME: root}
        self._sign(root)
        for tld in self._tlds:
            server = self._servers[tld_server_name(tld)]
            root.add(tld, "NS", TLD_NS_TTL, [server.name + "."])
            root.add(server.name, "A", TLD_NS_TTL, [server.address])
            zone = AuthZone(dns.name.from_text(tld))
            soa = f"{server.name}. hostmaster.root-servers.{SANDBOX_TLD}. {_SOA_TIMERS}"
            zone.add(tld, "SOA", 900, [soa])
            zone.add(tld, "NS", TLD_NS_TTL, [server.name + "."])
            for host, address in self._servers.items():
                if self.pool_member(host) and host.endswith("." + tld):
                    zone.add(host, "A", HOST_TTL, [address.address])
            for registered, (servers, ds) in self._delegations().items():
                if registered.endswith("." + tld) and servers:
                    zone.add(registered, "NS", TLD_NS_TTL, [s + "." for s in servers])
                    zone.add(registered, "DS", DS_TTL, ds)
            static[server.name] = zone
            root.add(tld, "DS", DS_TTL, [self._sign(zone).to_text()])
        self._static = static

    def _key(self, zone: str) -> SigningKey:
        key = self._static_keys.get(zone)
        if key is None:
            key = self._static_keys[zone] = local_key(KSK_FLAGS)
        return key

    def _sign(self, zone: AuthZone) -> dns.rdata.Rdata:
        """Make ``zone`` (root or TLD) answer signed with its key; return its DS."""
        key = self._key(zone.origin.to_text())
        ZoneSigner(zone.origin, [key], key).install(zone)
        return dns.dnssec.make_ds(zone.origin, key.dnskey, "SHA256")

    @property
    def trust_anchor(self) -> list[str]:
        """The sandbox root's DS, as a trust anchor line (``. IN DS <tag> 13 2 <hex>``)."""
        with self._lock:
            key = self._key(".")
        ds = dns.dnssec.make_ds(dns.name.root, key.dnskey, "SHA256")
        return [f". IN DS {ds.to_text()}"]

    def pool_member(self, name: str) -> bool:
        return name in self._pool_names

    def _handler(self, server: str) -> Handler:
        def handle(wire: bytes, tcp: bool) -> bytes | None:
            behaviour = self._behaviours.get(server, "normal")
            return reply(
                wire, tcp=tcp, behaviour=behaviour, answer=lambda r: self._answer(server, r)
            )

        return handle

    def _answer(self, server: str, response: dns.message.Message) -> None:
        self._sync_domains()
        question = response.question[0]
        zone = self._static.get(server)
        if zone is None:
            zone = self._route53.zone_for(server, question.name)
        if zone is None or not zone.contains(question.name):
            response.set_rcode(dns.rcode.REFUSED)
            return
        zone.answer(response, question.name, question.rdtype)
        if response.ednsflags & dns.flags.DO:
            if zone.signer is not None:
                zone.signer.sign(zone, response, question.name, question.rdtype)
            else:
                unsigned_referral_ds(zone, response)
