"""The realistic sandbox: Route 53's documented token buckets answer real ``Throttling``
(HTTP 400, code Throttling, "Rate exceeded"; Route 53 Developer Guide, "Throttling for
Amazon Route 53 API requests"), every request takes its latency, and zonecut's
client-side limiter knows the same buckets, so an apply meets no Throttling."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from fault_support import retried, runtime

from sandbox_fixtures import session_for
from zonecut.aws.limiter import IN_FLIGHT, QuotaLimiter
from zonecut.config.loader import load_config_text
from zonecut.quotas import ROUTE53_ACCOUNT, Bucket, operation_bucket
from zonecut.sandbox import Sandbox
from zonecut.sandbox.__main__ import _arguments
from zonecut.sandbox.fault_settings import FaultSettings
from zonecut.sandbox.process import fault_arguments
from zonecut.sandbox.zone_data import all_zones

ACCOUNT = "222222222222"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def raw(sandbox: Sandbox, account: str = ACCOUNT) -> Any:
    return session_for(sandbox, account).client("route53", config=NO_RETRIES)




def test_the_documented_buckets() -> None:
    assert Bucket(50, 10) == ROUTE53_ACCOUNT
    assert operation_bucket("CreateHostedZone") == Bucket(40, 2)
    assert operation_bucket("DeleteHostedZone") == Bucket(40, 5)
    assert operation_bucket("GetChange") == Bucket(50, 10)
    realistic = FaultSettings.realistic()
    assert realistic.quotas and realistic.latency == pytest.approx(0.08)
    assert realistic.pending_seconds == 10


def test_create_hosted_zone_bucket_refuses_with_throttling(faulty: Sandbox) -> None:
    faulty.set_faults(FaultSettings(quotas=True))
    r53 = raw(faulty)
    started = time.monotonic()
    served = 0
    with pytest.raises(ClientError) as caught:
        for served in range(200):
            r53.create_hosted_zone(Name=f"q{served}.example.com", CallerReference=f"q{served}")
    elapsed = time.monotonic() - started
    error = caught.value.response
    assert error["Error"]["Code"] == "Throttling"
    assert error["Error"]["Message"] == "Rate exceeded"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    # 40 at once, then 2 a second
    assert 40 <= served <= 40 + 2 * elapsed + 1, (served, elapsed)
    assert not any(z.name == f"q{served}.example.com" for z in all_zones())  # refused: not made
    assert faulty.faults().get((ACCOUNT, "quota")) == 1
    # another account has buckets of its own
    raw(faulty, "333333333333").create_hosted_zone(Name="other.example.com",
                                                   CallerReference="other")


def test_account_bucket_refuses_reads_beyond_fifty(faulty: Sandbox) -> None:
    faulty.set_faults(FaultSettings(quotas=True))
    r53 = raw(faulty)
    started = time.monotonic()
    served = 0
    with pytest.raises(ClientError) as caught:
        for served in range(500):  # noqa: B007
            r53.list_hosted_zones()
    elapsed = time.monotonic() - started
    assert caught.value.response["Error"]["Code"] == "Throttling"
    assert 50 <= served <= 50 + 10 * elapsed + 1, (served, elapsed)


def test_every_request_takes_its_latency(faulty: Sandbox) -> None:
    faulty.set_faults(FaultSettings(latency=0.2, latency_jitter=0.25))
    r53 = raw(faulty)
    r53.list_hosted_zones()
    for _ in range(5):
        started = time.monotonic()
        r53.list_hosted_zones()
        assert time.monotonic() - started >= 0.2 * 0.75 - 0.01


def test_background_options_carry_the_realistic_settings() -> None:
    settings = FaultSettings.realistic().updated(latency_jitter=0.1)
    args = _arguments(["--state-dir", "x", *fault_arguments(settings)])
    assert (args.quotas, args.latency, args.latency_jitter, args.pending_seconds) == (
        True, settings.latency, 0.1, 10.0)


def test_client_limiter_books_both_buckets() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = QuotaLimiter(Bucket(50, 10), clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(45):
        limiter.acquire("CreateHostedZone")
        limiter.release()
        sent.append(now[0])
    # 32 at once (40 less the 8 tokens kept for requests in flight), then one every
    # 0.53 s (95 % of 2 a second)
    assert IN_FLIGHT == 8
    assert sent[31] == 0.0 and sent[32] == pytest.approx(1 / 1.9)
    assert sent[44] == pytest.approx(13 / 1.9)

    # the account bucket (42 kept of 50) holds back an operation whose own bucket is full
    now[0] = 100.0
    other = QuotaLimiter(Bucket(50, 10), clock=lambda: now[0], sleep=sleep)
    for _ in range(42):
        assert other.acquire("ListHostedZones") == 0
        other.release()
    assert other.acquire("CreateHostedZone") == pytest.approx(1 / 9.5)


def test_a_realistic_apply_of_a_few_dozen_zones_meets_no_throttling(faulty: Sandbox) -> None:
    """45 zones in one account (beyond CreateHostedZone's burst of 40), at the
    documented account rate and burst: the client's buckets keep every request within
    the sandbox's."""
    faulty.set_faults(FaultSettings(quotas=True, latency=0.02, pending_seconds=1.0))
    lines = ["version: 1", "defaults: {rate_limit: 10, rate_burst: 50, "
             "access: {role_name: ZonecutDelegation}}",
             "accounts:", '  root: {id: "111111111111"}', f'  team: {{id: "{ACCOUNT}"}}',
             "zones:", "  - {name: example.com, account: root, root: true}"]
    lines += [f"  - {{name: t{i}.example.com, account: team}}" for i in range(45)]
    cfg = load_config_text("\n".join(lines) + "\n", "realistic.yaml")
    rt = runtime(faulty, cfg)
    rt.apply(rt.plan())
    assert faulty.faults() == {}  # not one Throttling (nor any other fault)
    # the same process plans again (its limiter knows what it spent): still none
    assert not rt.plan().has_changes
    assert faulty.faults() == {}
    assert retried(rt) == {}
    created = faulty.calls().get((ACCOUNT, "CreateHostedZone"), 0)
    assert created == 45
