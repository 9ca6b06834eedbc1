"""What the DNSSEC probe saw on the path from the root to each zone: plain data.

One :class:`ZoneKeys` per zone cut (the root, TLDs, every zone on the way down): the DS
set its parent serves at the cut (with the parent's RRSIGs over it), and the DNSKEY and
SOA sets its own servers serve (with their RRSIGs). Records are kept in presentation
form (``dns.rdata`` text), so observations are JSON and the checks
(:mod:`zonecut.verify.dnssec`) are pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# The real root's trust anchors (IANA root-anchors: KSK-2017 and KSK-2024), as
# Debian's dns-root-data ships them in /usr/share/dns/root.ds.
ROOT_TRUST_ANCHORS: tuple[str, ...] = (
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
    ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
)


@dataclass(frozen=True)
class Signed:
    """One rrset as served: its TTL, values, and the RRSIG values over it."""

    ttl: int = 0
    values: tuple[str, ...] = ()
    rrsigs: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signed:
        return cls(int(data.get("ttl", 0)), tuple(str(v) for v in data.get("values", ())),
                   tuple(str(v) for v in data.get("rrsigs", ())))


@dataclass(frozen=True)
class ZoneKeys:
    """One zone cut on the path: ``parent`` is None for the root."""

    zone: str  # canonical, "." for the root
    parent: str | None
    ds: Signed = field(default_factory=Signed)  # from the parent, at the cut
    dnskey: Signed = field(default_factory=Signed)  # from the zone's servers
    soa: Signed = field(default_factory=Signed)  # from the zone's servers
    server: str = ""  # the zone's server that answered DNSKEY and SOA
    error: str = ""  # why nothing could be read from the zone's servers

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ZoneKeys:
        parent = data.get("parent")
        return cls(zone=str(data["zone"]), parent=None if parent is None else str(parent),
                   ds=Signed.from_dict(data.get("ds", {})),
                   dnskey=Signed.from_dict(data.get("dnskey", {})),
                   soa=Signed.from_dict(data.get("soa", {})),
                   server=str(data.get("server", "")), error=str(data.get("error", "")))


@dataclass(frozen=True)
class KskState:
    """One key-signing key as Route 53's GetDNSSEC reports it."""

    name: str
    status: str
    message: str = ""


def ksk_states(get_dnssec: Mapping[str, Any]) -> tuple[str, tuple[KskState, ...]]:
    """(ServeSignature, KSKs) from a GetDNSSEC answer (botocore's dict)."""
    status = get_dnssec.get("Status", {})
    serve = str(status.get("ServeSignature", "NOT_SIGNING"))
    keys = tuple(KskState(str(k.get("Name", "")), str(k.get("Status", "")),
                          str(k.get("StatusMessage", "")))
                 for k in get_dnssec.get("KeySigningKeys", []))
    return serve, keys


@dataclass(frozen=True)
class DnssecObservations:
    """Every zone cut seen, keyed by zone name, and the trust anchors used."""

    zones: Mapping[str, ZoneKeys]
    anchors: tuple[str, ...] = ROOT_TRUST_ANCHORS

    def path(self, zone: str) -> list[ZoneKeys]:
        """The cuts from the root down to ``zone`` (empty when ``zone`` was not seen)."""
        chain: list[ZoneKeys] = []
        current: str | None = zone
        while current is not None and current in self.zones:
            keys = self.zones[current]
            chain.append(keys)
            current = keys.parent
        return list(reversed(chain))

    def to_json(self) -> str:
        return json.dumps({"anchors": list(self.anchors),
                           "zones": {z: asdict(k) for z, k in sorted(self.zones.items())}},
                          indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DnssecObservations:
        data = json.loads(text)
        return cls(zones={str(z): ZoneKeys.from_dict(k) for z, k in data["zones"].items()},
                   anchors=tuple(str(a) for a in data.get("anchors", ROOT_TRUST_ANCHORS)))



def parse_trust_anchors(text: str) -> tuple[str, ...]:
    """DS trust anchor lines (``. IN DS <tag> <alg> <digest type> <hex>``, as in
    ``/usr/share/dns/root.ds`` or ``zonecut sandbox info``) from a file's text; comments
    (``;``) and blank lines skipped. ValueError naming the line for anything else."""
    import dns.exception
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    anchors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if fields[0] != "." or "DS" not in fields:
            raise ValueError(f"line {number}: not a root DS trust anchor: {line[:80]!r}")
        value = " ".join(fields[fields.index("DS") + 1:])
        try:
            dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DS, value)
        except (dns.exception.DNSException, ValueError) as exc:
            raise ValueError(f"line {number}: not a DS value ({exc})") from exc
        anchors.append(f". IN DS {value}")
    if not anchors:
        raise ValueError("no DS trust anchor in it")
    return tuple(anchors)
