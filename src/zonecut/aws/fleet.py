"""All the accounts of one run: a Route 53 handle per account, made on first use."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from zonecut.aws.access import AccountAccess
from zonecut.aws.calls import CallCounter
from zonecut.aws.limiter import QuotaLimiter
from zonecut.aws.route53 import LOST_CHANGE_WAIT, Route53Account
from zonecut.aws.sessions import RETRY_CONFIG, SessionFactory
from zonecut.errors import ZonecutError
from zonecut.quotas import Bucket


class Fleet:
    """Sessions, rate limits and Route 53 handles for every declared account."""

    def __init__(
        self,
        accesses: Mapping[str, AccountAccess],
        factory: SessionFactory,
        *,
        rate_limit: float = 5.0,
        rate_burst: float = 1.0,
        counter: CallCounter | None = None,
        lost_change_wait: float = LOST_CHANGE_WAIT,
    ) -> None:
        self.lost_change_wait = lost_change_wait
        self.accesses = dict(accesses)
        self.factory = factory
        self.rate_limit = rate_limit
        self.rate_burst = rate_burst
        self.counter = counter or CallCounter()
        self._handles: dict[str, Route53Account] = {}
        self._lock = threading.Lock()

    def access(self, account_id: str) -> AccountAccess:
        try:
            return self.accesses[account_id]
        except KeyError:
            raise ZonecutError(f"account {account_id} is not declared in the config") from None

    def limiter(self) -> QuotaLimiter:
        """A new account's limiter: its bucket (``rate_limit``, ``rate_burst``) plus
        Route 53's documented per-operation buckets (:mod:`zonecut.quotas`)."""
        return QuotaLimiter(Bucket(burst=self.rate_burst, rate=self.rate_limit))

    def client(self, account_id: str, service: str, region: str) -> Any:
        """A boto3 client of ``service`` in ``region`` with the account's session (its
        own retries: botocore's standard mode)."""
        session: Any = self.factory.session(self.access(account_id))  # service is a str
        return session.client(
            service, region_name=region, endpoint_url=self.factory.endpoint_url,
            config=RETRY_CONFIG)

    def route53(self, account_id: str) -> Route53Account:
        with self._lock:
            found = self._handles.get(account_id)
        if found is not None:
            return found
        access = self.access(account_id)
        client = self.factory.route53_client(access)
        principal = access.role_arn or (f"profile {access.profile}" if access.profile
                                        else "the default credentials")
        handle = Route53Account(account_id, client, self.limiter(), self.counter,
                                principal=principal, lost_change_wait=self.lost_change_wait)
        with self._lock:
            return self._handles.setdefault(account_id, handle)

    def release(self, account_id: str) -> None:
        """Forget the account's Route 53 handle and session (the next use makes new
        ones): an audit releases each account once it is read, so its memory does not
        grow with the organisation."""
        with self._lock:
            self._handles.pop(account_id, None)
        self.factory.forget(account_id)
