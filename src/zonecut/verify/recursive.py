"""Ask a recursive resolver (the system's, or one given) whether a name resolves.

The fallback of apply's certificate pre-check when the root servers cannot be reached
(CI runners and VPCs without direct DNS egress): a recursive answer says only whether
the name resolves and to what, not which servers gave it, so nothing here is a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver


@dataclass(frozen=True)
class RecursiveAnswer:
    """``reached``: the resolver answered at all; ``cname``: the CNAME it gave (canonical,
    no trailing dot), if any; ``error``: why not."""

    reached: bool
    cname: str | None = None
    error: str = ""


def ask_cname(qname: str, *, nameservers: Sequence[str] = (), port: int = 53,
              timeout: float = 2.0) -> RecursiveAnswer:
    """The CNAME at ``qname`` as a recursive resolver sees it (RD=1). Without
    ``nameservers``, the system's (``/etc/resolv.conf``)."""
    try:
        resolver = dns.resolver.Resolver(configure=not nameservers)
    except dns.resolver.NoResolverConfiguration as exc:
        return RecursiveAnswer(False, error=f"no system resolver: {exc}")
    if nameservers:
        resolver.nameservers = list(nameservers)
    resolver.port = port
    resolver.lifetime = timeout
    resolver.timeout = timeout
    try:
        answer = resolver.resolve(dns.name.from_text(qname), dns.rdatatype.CNAME,
                                  raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return RecursiveAnswer(True, error="NXDOMAIN")
    except (dns.resolver.NoNameservers, dns.exception.Timeout,
            dns.resolver.LifetimeTimeout) as exc:
        return RecursiveAnswer(False, error=str(exc) or type(exc).__name__)
    except dns.exception.DNSException as exc:
        return RecursiveAnswer(False, error=str(exc) or type(exc).__name__)
    if answer.rrset is None:
        return RecursiveAnswer(True, error="no CNAME")
    target = str(answer.rrset[0].target).rstrip(".").lower()
    return RecursiveAnswer(True, cname=target)
