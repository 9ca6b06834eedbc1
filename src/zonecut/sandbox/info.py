"""What a running sandbox tells its users: endpoint, DNS servers. Plain data, JSON."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from zonecut.errors import ZonecutError

ROOT_SERVER_NAME = "a.root-servers.sandbox"


class SandboxInfoRefused(ZonecutError):
    """Sandbox info naming a DNS server off loopback: the sandbox promises that nothing
    leaves the machine, so zonecut refuses to use it."""


@dataclass(frozen=True)
class ServerAddress:
    """One DNS server of the sandbox: host name (no trailing dot), address and port."""

    name: str
    address: str
    port: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServerAddress:
        return cls(name=str(data["name"]), address=str(data["address"]), port=int(data["port"]))


def _loopback(server: ServerAddress, where: str) -> ServerAddress:
    try:
        loopback = ipaddress.ip_address(server.address).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SandboxInfoRefused(
            f"sandbox info: {where} {server.name} has address {server.address!r}, which is "
            "not a loopback address; the sandbox serves DNS on loopback only, refusing it")
    return server


@dataclass
class SandboxInfo:
    """Everything needed to use a running sandbox; written to ``sandbox.json`` in background mode.

    ``trust_anchor`` is the DS of the sandbox root's key (the root and TLD zones are
    signed; so are hosted zones with DNSSEC signing enabled): give it to a validating
    resolver (Unbound ``trust-anchor:``, :func:`zonecut.sandbox.write_trust_anchor`).
    ``servers`` maps the host name of every DNS server (root, TLDs, every pool name
    server) to its address. TLD servers for registered zones under new TLDs are added
    while the sandbox runs: ask the sandbox (``Sandbox.info`` or
    ``SandboxClient.refresh()``) for the current map.
    """

    endpoint_url: str
    pid: int
    dns: bool
    root_hints: list[ServerAddress] = field(default_factory=list)
    servers: dict[str, ServerAddress] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)
    # DNSSEC: the sandbox root's DS as trust anchor lines (". IN DS <tag> 13 2 <hex>")
    trust_anchor: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxInfo:
        return cls(
            endpoint_url=str(data["endpoint_url"]),
            pid=int(data["pid"]),
            dns=bool(data["dns"]),
            root_hints=[_loopback(ServerAddress.from_dict(d), "root server")
                        for d in data.get("root_hints", [])],
            servers={
                str(name): _loopback(ServerAddress.from_dict(d), "DNS server")
                for name, d in dict(data.get("servers", {})).items()
            },
            accounts=[str(a) for a in data.get("accounts", [])],
            trust_anchor=[str(a) for a in data.get("trust_anchor", [])],
        )

    @classmethod
    def from_json(cls, text: str) -> SandboxInfo:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("sandbox info must be a JSON object")
        return cls.from_dict(data)

    def server(self, name: str) -> ServerAddress:
        """The address of DNS server ``name`` (trailing dot and case ignored)."""
        return self.servers[name.rstrip(".").lower()]
