"""One audit run's wiring: which accounts, how they are reached, the read itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from zonecut.audit.accounts import from_organization
from zonecut.audit.inventory import AuditAccount, Inventory
from zonecut.audit.reader import AccountResult, read_inventory
from zonecut.aws.access import AccountAccess
from zonecut.aws.calls import CallCounter
from zonecut.aws.fleet import Fleet
from zonecut.aws.organizations import Organizations
from zonecut.aws.sessions import SessionFactory
from zonecut.runtime import SANDBOX_CREDENTIALS, Target


@dataclass
class Scan:
    """Reads the accounts of one audit through ``target`` (real AWS or the sandbox)."""

    target: Target
    profile: str | None = None
    rate_limit: float = 5.0
    max_workers: int = 8
    counter: CallCounter = field(default_factory=CallCounter)
    partition: str = "aws"  # aws, aws-cn, aws-us-gov: role ARNs and the home region

    def organization_accounts(self, exclude: Iterable[str] = (), *,
                              page_size: int = 20) -> list[AuditAccount]:
        """The organisation's ACTIVE accounts (``ListAccounts`` with the base credentials)."""
        org = Organizations.connect(
            endpoint_url=self.target.endpoint_url,
            base_credentials=SANDBOX_CREDENTIALS if self.target.sandbox else None,
            profile=self.profile, partition=self.partition, counter=self.counter)
        return from_organization(org.list_accounts(page_size=page_size), exclude)

    def fleet(self, accesses: Mapping[str, AccountAccess]) -> Fleet:
        factory = SessionFactory(
            endpoint_url=self.target.endpoint_url,
            base_credentials=SANDBOX_CREDENTIALS if self.target.sandbox else None,
            purpose="audit",
        )
        return Fleet(accesses, factory, rate_limit=self.rate_limit, counter=self.counter)

    def read(self, accounts: Sequence[AuditAccount], accesses: Mapping[str, AccountAccess],
             on_account: Callable[[AuditAccount, AccountResult], None] | None = None
             ) -> Inventory:
        """Every account's public zones, delegation sets and NS rrsets."""
        return read_inventory(accounts, self.fleet(accesses), max_workers=self.max_workers,
                              on_account=on_account)
