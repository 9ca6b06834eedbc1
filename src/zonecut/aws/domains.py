"""Route 53 Domains (the registrar) for one account, in us-east-1 (the only region the
service has): read a domain's name servers and DS keys, set them, and wait for the
asynchronous operations each write starts (``GetOperationDetail``).

Each write is safe to repeat: a rerun reads ``GetDomainDetail`` first and asks only for
what differs; a retry that meets ``DuplicateRequest`` (the same operation is still in
progress for the domain) waits and reads again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.service import ServiceAccount
from zonecut.names import normalize
from zonecut.plan.registrar import DomainKey, RegistrarDomain
from zonecut.plan.signing import KeySigningKey

DOMAINS_REGION = "us-east-1"
"""Route 53 Domains answers only in us-east-1."""
DONE = "SUCCESSFUL"
FAILED = ("ERROR", "FAILED")
POLL_SECONDS = 2.0


def _key(item: dict[str, Any]) -> DomainKey:
    return DomainKey(id=str(item.get("Id", "")), key_tag=int(item.get("KeyTag", 0) or 0),
                     algorithm=int(item.get("Algorithm", 0) or 0),
                     digest_type=int(item.get("DigestType", 0) or 0),
                     digest=str(item.get("Digest", "") or "").upper())


class DomainsAccount(ServiceAccount):
    service = "route53domains"
    label = "Route 53 Domains"

    def get(self, domain: str) -> RegistrarDomain | None:
        """``GetDomainDetail``; None when the domain is not registered in this account
        (Route 53 Domains answers ``InvalidInput`` for a domain of another account)."""
        try:
            page = self._call("get_domain_detail", f"reading the registration of {domain}",
                              DomainName=domain)
        except AwsError as exc:
            if exc.code == "InvalidInput":
                return None
            raise
        return RegistrarDomain(
            name=normalize(str(page.get("DomainName", domain))),
            name_servers=tuple(sorted(normalize(str(ns.get("Name", "")))
                                      for ns in page.get("Nameservers", []) or [])),
            keys=tuple(_key(k) for k in page.get("DnssecKeys", []) or []))

    def set_name_servers(self, domain: str, servers: Sequence[str]) -> str:
        page = self._call("update_domain_nameservers",
                          f"setting the name servers of {domain} at the registrar",
                          DomainName=domain, Nameservers=[{"Name": s} for s in servers])
        return str(page["OperationId"])

    def add_key(self, domain: str, ksk: KeySigningKey) -> str:
        page = self._call("associate_delegation_signer_to_domain",
                          f"giving the registrar of {domain} the DS of KSK {ksk.name}",
                          DomainName=domain, SigningAttributes={
                              "Algorithm": ksk.algorithm, "Flags": ksk.flag,
                              "PublicKey": ksk.public_key})
        return str(page["OperationId"])

    def remove_key(self, domain: str, key: DomainKey) -> str:
        page = self._call("disassociate_delegation_signer_from_domain",
                          f"removing the DS {key.ds} of {domain} at the registrar",
                          DomainName=domain, Id=key.id)
        return str(page["OperationId"])

    def wait(self, operations: Sequence[str], *, timeout: float, what: str,
             sleep: Callable[[float], None] = time.sleep) -> None:
        """Until every operation is SUCCESSFUL; an ERROR or FAILED one, or the timeout,
        is an error naming it."""
        deadline = time.monotonic() + timeout
        for operation in operations:
            while True:
                page = self._call("get_operation_detail", what, OperationId=operation)
                status = str(page.get("Status", ""))
                if status == DONE:
                    break
                if status in FAILED:
                    raise AwsError(
                        f"{what} (Route 53 Domains): operation {operation} is {status}: "
                        f"{page.get('Message', '')}", account_id=self.account_id,
                        operation="GetOperationDetail", code=status)
                if time.monotonic() >= deadline:
                    raise AwsError(
                        f"{what} (Route 53 Domains): operation {operation} still {status} "
                        f"after {timeout:.0f} s; run again to continue",
                        account_id=self.account_id, operation="GetOperationDetail")
                sleep(min(POLL_SECONDS, max(0.05, deadline - time.monotonic())))


def domains_account(fleet: Fleet, account_id: str) -> DomainsAccount:
    """A Route 53 Domains handle in us-east-1 for ``account_id``."""
    client = fleet.client(account_id, "route53domains", DOMAINS_REGION)
    return DomainsAccount(account_id, DOMAINS_REGION, client, TokenBucket(fleet.rate_limit),
                          fleet.counter)
