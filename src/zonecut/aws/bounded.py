"""AWS handles for code that must finish before a deadline (the Lambda handlers).

Every HTTP attempt first asks ``guard`` (a callable that raises when too little time is
left for one more request); Route 53 retries sleep through ``sleep`` (which refuses a
wait past the deadline); each request is bounded by short connect and read timeouts
(:data:`REQUEST_SECONDS` in all). So a handler's worst case is bounded by its deadline,
not by retry counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.config import Config

from zonecut.aws.access import AccountAccess
from zonecut.aws.calls import CallCounter
from zonecut.aws.cloudformation import CloudFormationAccount
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.retry import RetryPolicy
from zonecut.aws.route53 import Route53Account
from zonecut.aws.sessions import SessionFactory
from zonecut.aws.ssm import SsmAccount

CONNECT_SECONDS = 3
READ_SECONDS = 10
REQUEST_SECONDS = float(CONNECT_SECONDS + READ_SECONDS)
"""The longest one HTTP attempt can take."""

ROUTE53 = Config(retries={"mode": "standard", "total_max_attempts": 1},
                 connect_timeout=CONNECT_SECONDS, read_timeout=READ_SECONDS)
SSM = Config(retries={"mode": "standard", "total_max_attempts": 3},
             connect_timeout=CONNECT_SECONDS, read_timeout=READ_SECONDS)
CLOUDFORMATION = SSM
RETRY = RetryPolicy(max_attempts=6, base_delay=0.25, max_delay=4.0)

Guard = Callable[..., None]


def route53(factory: SessionFactory, access: AccountAccess, *, rate_limit: float,
            counter: CallCounter, guard: Guard, sleep: Callable[[float], None]
            ) -> Route53Account:
    client = factory.session(access).client(
        "route53", endpoint_url=factory.endpoint_url, region_name=access.home_region,
        config=ROUTE53)
    client.meta.events.register_first("before-send.route53", guard)
    principal = access.role_arn or "the function's own role"
    return Route53Account(access.account_id, client, TokenBucket(rate_limit), counter,
                          sleep=sleep, principal=principal, retry=RETRY)


def ssm(factory: SessionFactory, access: AccountAccess, region: str | None, *,
        rate_limit: float, counter: CallCounter, guard: Guard) -> SsmAccount:
    name = region or access.home_region
    client: Any = factory.session(access).client(
        "ssm", endpoint_url=factory.endpoint_url, region_name=name, config=SSM)
    client.meta.events.register_first("before-send.ssm", guard)
    return SsmAccount(access.account_id, name, client, TokenBucket(rate_limit), counter)


def cloudformation(factory: SessionFactory, access: AccountAccess, region: str, *,
                   rate_limit: float, counter: CallCounter, guard: Guard
                   ) -> CloudFormationAccount:
    client: Any = factory.session(access).client(
        "cloudformation", endpoint_url=factory.endpoint_url, region_name=region,
        config=CLOUDFORMATION)
    client.meta.events.register_first("before-send.cloudformation", guard)
    return CloudFormationAccount(access.account_id, region, client, TokenBucket(rate_limit),
                                 counter)
