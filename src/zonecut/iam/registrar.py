"""The registrar part of an account's role (pure): Route 53 Domains for the account's root
zones.

- every root zone: ``route53domains:GetDomainDetail`` (verify compares the registrar's name
  servers and DS with the zone; plan reads it for ``registrar: route53``);
- roots with ``registrar: route53``: ``UpdateDomainNameservers``,
  ``AssociateDelegationSignerToDomain``, ``DisassociateDelegationSignerFromDomain`` and
  ``GetOperationDetail`` (the writes are asynchronous operations).

Route 53 Domains defines no resource types in the service authorization reference
(``list_route53domains``): its actions cannot be scoped to a domain, so the Resource is
``*`` and the role reaches every domain registered in its account. ``aws:RequestedRegion``
pins the calls to us-east-1, the service's only region.
"""

from __future__ import annotations

from collections.abc import Sequence

from zonecut.config.tree import DesiredZone

READ_ACTIONS = ("route53domains:GetDomainDetail",)
WRITE_ACTIONS = ("route53domains:AssociateDelegationSignerToDomain",
                 "route53domains:DisassociateDelegationSignerFromDomain",
                 "route53domains:GetOperationDetail",
                 "route53domains:UpdateDomainNameservers")
DOMAINS_REGION = "us-east-1"

Add = tuple[str, list[str], list[str], dict[str, dict[str, object]] | None]
"""(Sid prefix, actions, resources, condition)"""


def registrar_statements(owned: Sequence[DesiredZone]) -> list[Add]:
    roots = [z for z in owned if z.parent is None and z.ssm_parent is None]
    if not roots:
        return []
    region: dict[str, dict[str, object]] = {
        "StringEquals": {"aws:RequestedRegion": DOMAINS_REGION}}
    found: list[Add] = [("ReadRegistrar", list(READ_ACTIONS), ["*"], region)]
    if any(z.registrar is not None for z in roots):
        found.append(("SetRegistrar", list(WRITE_ACTIONS), ["*"], region))
    return found
