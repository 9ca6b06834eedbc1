"""Which addresses the probe may send to (pure).

Never: unspecified, broadcast, multicast, link-local, reserved, "this network"
(0.0.0.0/8) or anything that is not an IP address: hostile glue must not make zonecut
query 0.0.0.0, 255.255.255.255, 224.0.0.251 or 169.254.169.254. On top of that, per
scope:

- ``global``: only globally routable addresses (walking the public DNS from the real
  root: a delegation to a private address is a finding, not a query);
- ``loopback``: only loopback (the sandbox, a test hierarchy: nothing leaves the host);
- ``private``: loopback and private addresses too (a private hierarchy given with
  ``--root-hints``).

``auto`` picks the scope from the root servers: all global -> ``global``, all loopback
-> ``loopback``, else ``private``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

SCOPES = ("auto", "global", "private", "loopback")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_BROADCAST = ipaddress.ip_address("255.255.255.255")


def scope_for(roots: Iterable[str], wanted: str = "auto") -> str:
    """The scope to use for a run starting at ``roots`` (addresses)."""
    if wanted != "auto":
        return wanted
    parsed = []
    for address in roots:
        try:
            parsed.append(ipaddress.ip_address(address))
        except ValueError:
            continue
    if parsed and all(ip.is_loopback for ip in parsed):
        return "loopback"
    if parsed and all(ip.is_global for ip in parsed):
        return "global"
    return "private"


def address_problem(address: str, scope: str) -> str | None:
    """Why ``address`` must not be queried in ``scope``; ``None`` when it may be."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "unspecified address"
    if ip == _BROADCAST:
        return "broadcast address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_link_local:
        return "link-local address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _THIS_NETWORK:
        return "'this network' address (0.0.0.0/8)"
    if ip.is_reserved:
        return "reserved address"
    if scope == "loopback" and not ip.is_loopback:
        return "not a loopback address (this run queries loopback only)"
    if scope == "global" and not ip.is_global:
        return "not globally routable"
    if scope == "private" and not (ip.is_global or ip.is_private or ip.is_loopback):
        return "special-purpose address"
    return None
