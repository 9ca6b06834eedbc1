"""What the sandbox's registrar (Route 53 Domains in moto) holds, as the TLDs publish it.

The DS keys associated with a domain (``AssociateDelegationSignerToDomain``, see
:mod:`zonecut.sandbox.domains_api`) live on moto's domain object; the name servers are
moto's own. :func:`registered_domains` reads every account's domains (moto keeps Route 53
Domains per account, under the partition), and :func:`generation` changes whenever they
do, so the DNS side rebuilds the TLD zones on the next query.
"""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass
from typing import Any

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY

from zonecut.names import normalize

DOMAINS_LOCK = threading.RLock()
_generation = 0
_KEYS_ATTRIBUTE = "zonecut_dnssec_keys"
_ids = itertools.count(1)


def bump() -> None:
    global _generation
    with DOMAINS_LOCK:
        _generation += 1


def generation() -> int:
    return _generation


@dataclass(frozen=True)
class DomainKey:
    """One key given to the registrar: its DNSKEY fields, and the DS the registry
    publishes for it (digest type 2, SHA-256)."""

    id: str
    algorithm: int
    flags: int
    public_key: str  # base64, as given
    key_tag: int
    digest: str  # upper-case hex

    @property
    def ds(self) -> str:
        return f"{self.key_tag} {self.algorithm} 2 {self.digest}"

    def data(self) -> dict[str, Any]:
        # Flags and PublicKey are no longer returned (deprecated since 2026-10-01 in the
        # botocore model's DnssecKey)
        return {"Algorithm": self.algorithm, "DigestType": 2, "Digest": self.digest,
                "KeyTag": self.key_tag, "Id": self.id}


def make_key(domain: str, algorithm: int, flags: int, public_key: str) -> DomainKey:
    """The key and its DS; ValueError when the DNSKEY cannot be built from the fields."""
    raw = base64.b64decode(public_key, validate=True)
    text = f"{flags} 3 {algorithm} {base64.b64encode(raw).decode()}"
    dnskey = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DNSKEY, text)
    assert isinstance(dnskey, dns.rdtypes.ANY.DNSKEY.DNSKEY)
    ds = dns.dnssec.make_ds(dns.name.from_text(domain), dnskey, "SHA256")
    return DomainKey(id=f"zonecut-ds-{next(_ids)}", algorithm=algorithm, flags=flags,
                     public_key=public_key, key_tag=dns.dnssec.key_id(dnskey),
                     digest=ds.digest.hex().upper())


def keys_of(domain: Any) -> list[DomainKey]:
    """The DS keys of a moto ``Route53Domain`` (a list owned by the domain: mutate it
    with :data:`DOMAINS_LOCK` held, then :func:`bump`)."""
    keys: list[DomainKey] | None = getattr(domain, _KEYS_ATTRIBUTE, None)
    if keys is None:
        keys = []
        setattr(domain, _KEYS_ATTRIBUTE, keys)
    return keys


def domains_of(backend: Any) -> dict[str, Any]:
    """moto's domains of one backend (name -> Route53Domain); moto keeps them private."""
    found: dict[str, Any] = backend._Route53DomainsBackend__domains
    return found


def operations_of(backend: Any) -> dict[str, Any]:
    found: dict[str, Any] = backend._Route53DomainsBackend__operations
    return found


def registered_domains() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every domain registered in any account: canonical-less name -> (NS, DS values)."""
    from moto.route53domains.models import route53domains_backends

    found: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    with DOMAINS_LOCK:
        for _, per_account in list(route53domains_backends.items()):
            for backend in list(per_account.values()):
                for name, domain in list(domains_of(backend).items()):
                    servers = tuple(normalize(str(ns.name)) for ns in domain.nameservers)
                    found[normalize(name)] = (servers, tuple(k.ds for k in keys_of(domain)))
    return found
