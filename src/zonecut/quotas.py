"""Route 53's documented request quotas, as token buckets (data only: no boto3).

From the Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests"
(checked December 2026): Route 53 applies a token bucket per account to all its API
requests together (maximum capacity 50, refilled 10 per second) and one per account
and API operation (50 / 10 for any operation not listed; CreateHostedZone 40 / 2,
DeleteHostedZone 40 / 5, ...). A request takes a token from both buckets and is
refused when either is empty: HTTP 400, code ``Throttling``, message ``Rate exceeded``.
Route 53 also limits change throughput (DNS record changes per second); zonecut's
batches are far below it and neither the sandbox nor the client models it.

The older documentation said 5 requests per second per account; zonecut's default
account rate (``defaults.rate_limit``, 5 per second, burst 1) stays that conservative
legacy mode, and the per-operation buckets below always apply on top of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Bucket:
    burst: float
    """The bucket's maximum capacity: requests an idle bucket takes at once."""
    rate: float
    """Tokens added per second (the sustained rate)."""

    def __post_init__(self) -> None:
        if self.burst < 1 or self.rate <= 0:
            raise ValueError(f"a token bucket needs burst >= 1 and rate > 0, not {self}")


ROUTE53_ACCOUNT = Bucket(burst=50, rate=10)
"""All Route 53 requests of one account together."""

ROUTE53_OPERATION_DEFAULT = Bucket(burst=50, rate=10)
"""Any API operation not in :data:`ROUTE53_OPERATIONS`."""

ROUTE53_OPERATIONS: Mapping[str, Bucket] = {
    "AssociateVPCWithHostedZone": Bucket(20, 5),
    "ChangeCidrCollection": Bucket(40, 5),
    "CreateCidrCollection": Bucket(40, 5),
    "CreateHealthCheck": Bucket(50, 0.5),
    "CreateHostedZone": Bucket(40, 2),
    "CreateReusableDelegationSet": Bucket(40, 2),
    "CreateTrafficPolicyInstance": Bucket(1, 1),
    "DeleteCidrCollection": Bucket(40, 5),
    "DeleteHealthCheck": Bucket(15, 3),
    "DeleteHostedZone": Bucket(40, 5),
    "DeleteReusableDelegationSet": Bucket(40, 5),
    "DeleteTrafficPolicyInstance": Bucket(1, 1),
    "DisassociateVPCFromHostedZone": Bucket(10, 5),
    "GetHealthCheckLastFailureReason": Bucket(4, 1),
    "GetHealthCheckStatus": Bucket(4, 1),
}
"""Per-operation buckets that differ from the default: the documented table's rows up to
GetHealthCheckStatus (the rows after it, for operations zonecut never calls, are not
copied here)."""

LEGACY_RATE = 5.0
"""The older documented limit: five requests per second per account."""


def operation_bucket(operation: str) -> Bucket:
    return ROUTE53_OPERATIONS.get(operation, ROUTE53_OPERATION_DEFAULT)
