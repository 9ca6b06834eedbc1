"""Read an organisation's Route 53 through :mod:`zonecut.aws`: the audit's only I/O.

Per account, concurrently (each account through its own token bucket):
``ListHostedZones`` (every page), then per public zone ``GetHostedZone`` (its
delegation set) and ``ListResourceRecordSets`` (every page; the NS rrsets are kept).
An account that cannot be read is recorded as a failure, not raised: the others
are still audited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from zonecut.apply.parallel import per_account
from zonecut.audit.inventory import AccountFailure, AuditAccount, Inventory, ZoneRecord
from zonecut.aws.access import AccountAccess, role_arn_for
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import Route53Account
from zonecut.errors import ZonecutError
from zonecut.state import HostedZone

"""The most ``ListHostedZones`` returns per page."""
DEFAULT_ROLE_NAME = "ZonecutAudit"


def audit_accesses(accounts: Sequence[AuditAccount], *, role_name: str | None,
                   profile: str | None = None, partition: str = "aws",
                   external_id: str | None = None) -> dict[str, AccountAccess]:
    """How each account is reached: ``role_name`` assumed in it (None: the base
    credentials as they are, for a single account)."""
    return {
        a.account_id: AccountAccess(
            key=a.key, account_id=a.account_id, profile=profile,
            role_arn=role_arn_for(partition, a.account_id, role_name) if role_name else None,
            external_id=external_id, partition=partition,
        )
        for a in accounts
    }


def list_public_zones(r53: Route53Account) -> tuple[list[HostedZone], int]:
    """Every public hosted zone of the account (``ListHostedZones``, all pages), and the
    number of private zones skipped."""
    listed = r53.list_zones(include_private=True)
    public = [zone for zone in listed if not zone.private]
    return public, len(listed) - len(public)


def read_account(r53: Route53Account) -> tuple[list[ZoneRecord], int]:
    """Every public zone of one account with its delegation set and NS rrsets."""
    listed, private = list_public_zones(r53)
    records: list[ZoneRecord] = []
    for zone in listed:
        detail = r53.get_zone(zone.zone_id)
        rrsets = r53.list_rrsets(zone.zone_id)
        ns = tuple(rr for rr in rrsets if rr.type == "NS")
        records.append(ZoneRecord(replace(zone, name_servers=detail.name_servers), ns))
    return records, private


AccountResult = tuple[list[ZoneRecord], int] | AccountFailure


def read_inventory(accounts: Sequence[AuditAccount], fleet: Fleet, *, max_workers: int = 8,
                   on_account: Callable[[AuditAccount, AccountResult], None] | None = None
                   ) -> Inventory:
    """Read every account in ``accounts`` (each must be in ``fleet``), in parallel."""

    def job(account: AuditAccount) -> AccountResult:
        result: AccountResult
        try:
            result = read_account(fleet.route53(account.account_id))
        except ZonecutError as exc:
            message = str(exc).removeprefix(f"account {account.account_id}: ")
            result = AccountFailure(account.account_id, account.key, message)
        finally:
            fleet.release(account.account_id)
        if on_account is not None:
            on_account(account, result)
        return result

    jobs: Mapping[str, Callable[[], AccountResult]] = {
        a.account_id: partial(job, a) for a in accounts}
    results = per_account(jobs, max_workers)
    zones: list[ZoneRecord] = []
    failures: list[AccountFailure] = []
    private = 0
    for account in accounts:
        result = results[account.account_id]
        if isinstance(result, AccountFailure):
            failures.append(result)
        else:
            zones.extend(result[0])
            private += result[1]
    return Inventory(accounts=tuple(accounts), zones=tuple(zones), failures=tuple(failures),
                     private_zones=private)
