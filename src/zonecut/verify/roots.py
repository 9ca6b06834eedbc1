"""Root hints: where every walk starts.

The real root by default (the 13 root servers' IPv4 addresses, as published by IANA
in ``named.root``), or a root hints file in the same format (``--root-hints FILE``),
or a sandbox's root given as :class:`ServerAddress` values.
"""

from __future__ import annotations

from pathlib import Path

from zonecut.names import normalize
from zonecut.verify.targets import ServerAddress

ROOT_SERVERS: tuple[ServerAddress, ...] = (
    ServerAddress("a.root-servers.net", "198.41.0.4"),
    ServerAddress("b.root-servers.net", "170.247.170.2"),
    ServerAddress("c.root-servers.net", "192.33.4.12"),
    ServerAddress("d.root-servers.net", "199.7.91.13"),
    ServerAddress("e.root-servers.net", "192.203.230.10"),
    ServerAddress("f.root-servers.net", "192.5.5.241"),
    ServerAddress("g.root-servers.net", "192.112.36.4"),
    ServerAddress("h.root-servers.net", "198.97.190.53"),
    ServerAddress("i.root-servers.net", "192.36.148.17"),
    ServerAddress("j.root-servers.net", "192.58.128.30"),
    ServerAddress("k.root-servers.net", "193.0.14.129"),
    ServerAddress("l.root-servers.net", "199.7.83.42"),
    ServerAddress("m.root-servers.net", "202.12.27.33"),
)


class RootHintsError(ValueError):
    """A root hints file that names no usable root server."""


def parse_root_hints(text: str, *, port: int = 53) -> list[ServerAddress]:
    """Root servers from a ``named.root``-style file: the root's NS names and their A records.

    Comments (``;``) and AAAA records are ignored (the probe speaks IPv4). Raises
    :class:`RootHintsError` when no root NS name has an address.
    """
    root_names: list[str] = []
    addresses: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        # owner [ttl] [class] type rdata
        upper = [f.upper() for f in fields]
        for rtype in ("NS", "A"):
            if rtype in upper[1:-1]:
                index = upper.index(rtype, 1)
                owner, value = normalize(fields[0]), fields[index + 1]
                if rtype == "NS" and fields[0] == ".":
                    root_names.append(normalize(value))
                elif rtype == "A":
                    addresses.setdefault(owner, []).append(value)
                break
    servers = [
        ServerAddress(name, address, port)
        for name in dict.fromkeys(root_names)
        for address in addresses.get(name, [])
    ]
    if not servers:
        raise RootHintsError("the root hints name no root server with an IPv4 address")
    return servers


def load_root_hints(path: str | Path, *, port: int = 53) -> list[ServerAddress]:
    """:func:`parse_root_hints` on a file."""
    return parse_root_hints(Path(path).read_text(encoding="utf-8"), port=port)
