"""The top of the chain (pure): a root zone's delegation at its registrar, Route 53
Domains in the root's account (``registrar: route53``).

What the registrar holds (``GetDomainDetail``: name servers, DS keys) is compared with
the zone (its delegation set, the DS of its active KSKs), and the changes are planned in
the order the rest of the chain uses:

- name servers first (``UpdateDomainNameservers`` to the zone's delegation set): Route 53
  signs a zone only once its parent delegates to it (``HostedZonePartiallyDelegated``);
- DS last (``AssociateDelegationSignerToDomain`` with the KSK's public key), only once
  the zone is signing (apply reads ``GetDNSSEC`` again just before); keys the registrar
  holds that name no active KSK go after the new ones are in;
- to unsign a root: every DS key out first, then the registry's DS TTL waited
  (:data:`REGISTRY_DS_TTL`), then the zone is unsigned.

Changing the name servers while the registrar publishes DS keys that no key of the
zone matches would make the domain bogus (validating resolvers answer SERVFAIL), so that
is a plan problem, not a change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.plan.signing import ZoneSigning, normalize_ds

ROUTE53 = "route53"
REGISTRY_DS_TTL = 86400
"""How long a resolver may cache a TLD's DS after the registrar removes it: the TTL the
.com/.net/.org registries give DS records (one day), waited before a root is unsigned."""

FIRST = "first"  # before any unsigning: name servers, DS out of a root to unsign
LAST = "last"  # after signing: DS in, then the keys that name no KSK out


@dataclass(frozen=True)
class DomainKey:
    """One DS key the registrar holds (``GetDomainDetail`` ``DnssecKeys``)."""

    id: str
    key_tag: int
    algorithm: int
    digest_type: int
    digest: str

    @property
    def ds(self) -> str:
        return normalize_ds(f"{self.key_tag} {self.algorithm} {self.digest_type} {self.digest}")


@dataclass(frozen=True)
class RegistrarDomain:
    name: str
    name_servers: tuple[str, ...]  # normalized, sorted
    keys: tuple[DomainKey, ...] = ()

    def ds_values(self) -> tuple[str, ...]:
        return tuple(sorted(k.ds for k in self.keys))


@dataclass(frozen=True)
class DomainChange:
    """One change at the registrar. ``action``: ``name-servers`` (``name_servers``
    empty: the zone's delegation set, known once it exists), ``add-ds`` (the DS of the
    zone's active KSKs, read at apply time), ``remove-ds`` (``key``)."""

    domain: str
    account_id: str
    zone_id: str | None
    action: str
    phase: str
    name_servers: tuple[str, ...] = ()
    key: DomainKey | None = None
    reason: str = ""

    def line(self) -> str:
        if self.action == "name-servers":
            servers = ", ".join(self.name_servers) or "the zone's delegation set"
            return f"set the name servers of {self.domain} at the registrar to {servers}"
        if self.action == "add-ds":
            return (f"give the registrar (Route 53 Domains) of {self.domain} the DS of its "
                    "active KSKs, once it signs")
        assert self.key is not None
        return f"remove the DS {self.key.ds} of {self.domain} at the registrar ({self.reason})"

    def data(self) -> dict[str, Any]:
        return {"domain": self.domain, "account_id": self.account_id, "action": self.action,
                "name_servers": list(self.name_servers),
                "ds": self.key.ds if self.key else None, "key_id": self.key.id if self.key
                else None, "reason": self.reason}


def plan_registrar(roots: Sequence[Any], zone_ids: Mapping[str, str | None],
                   zone_servers: Mapping[str, tuple[str, ...]],
                   domains: Mapping[str, RegistrarDomain | None],
                   signing: Mapping[str, ZoneSigning | None]
                   ) -> tuple[tuple[DomainChange, ...], tuple[str, ...]]:
    """The registrar changes for each root (a ``DesiredZone``: name, account_id, parent,
    registrar, dnssec) with ``registrar: route53``, and the problems.
    ``zone_servers``: the delegation set of each root that exists; ``domains``:
    GetDomainDetail in the root's account (None: not registered there); ``signing``:
    GetDNSSEC of each root that exists (None: not read)."""
    changes: list[DomainChange] = []
    problems: list[str] = []
    for root in roots:
        if root.registrar != ROUTE53 or root.parent is not None:
            continue
        name, account = root.name, root.account_id
        domain = domains.get(name)
        if domain is None:
            problems.append(
                f"{name}: `registrar: route53`, but the domain is not registered with Route "
                f"53 Domains in account {account} (GetDomainDetail: InvalidInput); register "
                "or transfer it there, or remove `registrar`")
            continue
        zone_id = zone_ids.get(name)
        now = signing.get(name)
        active = set(now.ds_values()) if now is not None and now.signing else set()
        held = set(domain.ds_values())
        servers = zone_servers.get(name, ())
        if not servers or set(servers) != set(domain.name_servers):
            if held and not held & active:
                problems.append(
                    f"{name}: the registrar publishes DS {', '.join(sorted(held))}, which "
                    "names no active key of the zone: changing its name servers to the zone "
                    "would make the domain fail DNSSEC validation; remove those DS at the "
                    "registrar first and wait a day (the registry's DS TTL)")
                continue
            changes.append(DomainChange(name, account, zone_id, "name-servers", FIRST,
                                        name_servers=tuple(sorted(servers)),
                                        reason="the registrar's name servers differ"))
        sign = root.dnssec.sign
        if sign is False:
            changes.extend(DomainChange(name, account, zone_id, "remove-ds", FIRST, key=k,
                                        reason=f"{name} is unsigned")
                           for k in domain.keys)
        elif sign is True:
            if not active or not active <= held:
                changes.append(DomainChange(name, account, zone_id, "add-ds", LAST,
                                            reason="signed"))
            if active:
                changes.extend(DomainChange(name, account, zone_id, "remove-ds", LAST, key=k,
                                            reason="it names no active KSK of the zone")
                               for k in domain.keys if k.ds not in active)
            elif held and now is not None:
                # not signing: a DS there is already an outage; out first
                changes.extend(DomainChange(name, account, zone_id, "remove-ds", FIRST,
                                            key=k, reason=f"{name} is not signing")
                               for k in domain.keys)
    return tuple(changes), tuple(problems)


def registrar_wait(changes: Sequence[DomainChange]) -> int:
    """The registry's DS TTL when DS keys are removed before unsigning, else 0."""
    return REGISTRY_DS_TTL if any(c.action == "remove-ds" and c.phase == FIRST
                                  for c in changes) else 0
