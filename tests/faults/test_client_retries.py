"""zonecut's retries against the sandbox's faults: what is retried, what a lost answer
leads to, and what a call that fails for good says."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from fault_support import five_zones, runtime

from zonecut.aws.errors import AwsError
from zonecut.aws.retry import DEFAULT_POLICY, RetryPolicy, classify
from zonecut.aws.route53 import LOST_CHANGE_PREFIX, RecordChange, Route53Account
from zonecut.aws.zone_references import ZoneReferences
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones
from zonecut.state import RRSet

NETWORK = "111111111111"


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "ChangeResourceRecordSets")


def test_what_is_retried_and_what_may_have_happened() -> None:
    cases = {
        client_error("Throttling", 400): (True, False),
        client_error("PriorRequestNotComplete", 400): (True, False),
        client_error("ServiceUnavailable", 503): (True, True),
        client_error("InternalFailure", 500): (True, True),
        client_error("SlowDown", 429): (True, False),
        client_error("InvalidChangeBatch", 400): (False, False),
        client_error("AccessDenied", 403): (False, False),
        ConnectionClosedError(endpoint_url="http://x"): (True, True),
        ReadTimeoutError(endpoint_url="http://x"): (True, True),
        EndpointConnectionError(endpoint_url="http://x"): (True, False),
    }
    for exc, (retryable, uncertain) in cases.items():
        failure = classify(exc)
        assert (failure.retryable, failure.uncertain) == (retryable, uncertain), exc


def test_the_retry_budget() -> None:
    # 30% of requests failing: one call fails for good with probability 0.3 ** 12 =
    # 5e-7; a 200-zone apply makes about 1,300 calls: about 1 run in 1,400 would stop.
    assert DEFAULT_POLICY.max_attempts == 12
    assert 0.3 ** DEFAULT_POLICY.max_attempts * 1300 < 1e-3
    # and a service that stays down is given up on in about a minute
    assert 30 < DEFAULT_POLICY.worst_case_wait() < 90


def account(sandbox: Sandbox, **kwargs: Any) -> Route53Account:
    rt = runtime(sandbox, five_zones())
    handle = rt.fleet.route53(NETWORK)
    for key, value in kwargs.items():
        setattr(handle, key, value)
    return handle


def faults_off_after(sandbox: Sandbox, handle: Route53Account, sends: int) -> None:
    """Switch the sandbox's faults off just before request ``sends + 1`` of ``handle``."""
    sent = [0]

    def before_send(**kwargs: Any) -> None:
        sent[0] += 1
        if sent[0] == sends + 1:
            sandbox.set_faults(fault_rate=0)

    handle.client.meta.events.register_first("before-send.route53", before_send)


def test_a_call_that_fails_for_good_names_account_zone_call_and_attempts(
        faulty: Sandbox) -> None:
    r53 = account(faulty, retry=RetryPolicy(max_attempts=3, base_delay=0.01))
    zone, _ = r53.create_zone("example.com", ZoneReferences(NETWORK, "example.com"), None)
    faulty.set_faults(fault_rate=1.0, fault_kinds="throttle")
    with pytest.raises(AwsError) as caught:
        r53.get_zone(zone.zone_id)
    message = str(caught.value)
    assert NETWORK in message and "GetHostedZone" in message and zone.zone_id in message
    assert "Throttling" in message and "3 attempt(s)" in message
    assert caught.value.code == "Throttling"
    assert r53.retried() == {("GetHostedZone", "Throttling"): 2}


def test_every_kind_is_retried_through(faulty: Sandbox) -> None:
    r53 = account(faulty, retry=RetryPolicy(max_attempts=30, base_delay=0.01, max_delay=0.05))
    zone, _ = r53.create_zone("example.com", ZoneReferences(NETWORK, "example.com"), None)
    faulty.set_faults(fault_rate=0.6, fault_seed=5)
    for n in range(10):
        ns = RRSet(f"c{n}.example.com", "NS", 300, ("ns-1.awsdns-00.com",))
        change = r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("CREATE", ns)], "t")
        r53.wait_insync([change], timeout=30, what="test")
    faulty.set_faults(fault_rate=0)
    names = {rr.name for rr in r53.list_rrsets(zone.zone_id) if rr.type == "NS"}
    assert names == {"example.com", *(f"c{n}.example.com" for n in range(10))}
    reasons = {reason for _, reason in r53.retried()}
    assert {"Throttling", "PriorRequestNotComplete", "ConnectionClosedError"} <= reasons
    assert reasons & {"ServiceUnavailable", "InternalFailure"}


def test_a_lost_create_answer_adopts_the_zone_it_made(faulty: Sandbox) -> None:
    r53 = account(faulty)
    faulty.set_faults(fault_rate=1.0, fault_kinds="drop")
    faults_off_after(faulty, r53, sends=1)
    zone, change = r53.create_zone("lost.example.com",
                                   ZoneReferences(NETWORK, "lost.example.com"), None,
                                   tags=[("team", "a")])
    assert change is None  # adopted: made by the attempt whose answer was lost
    assert [z.name for z in all_zones()] == ["lost.example.com"]
    assert len(zone.name_servers) == 4
    tags = r53.client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone.zone_id)
    assert tags["ResourceTagSet"]["Tags"] == [{"Key": "team", "Value": "a"}]


def test_a_lost_change_answer_is_recognised_and_a_lost_cut_waited_for(
        faulty: Sandbox) -> None:
    r53 = account(faulty, lost_change_wait=0.5)
    zone, _ = r53.create_zone("example.com", ZoneReferences(NETWORK, "example.com"), None)
    ns = RRSet("dev.example.com", "NS", 300, ("ns-1.awsdns-00.com", "ns-2.awsdns-00.net"))
    faulty.set_faults(fault_rate=1.0, fault_kinds="drop")
    faults_off_after(faulty, r53, sends=1)
    change = r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("CREATE", ns)], "t")
    assert change.startswith(LOST_CHANGE_PREFIX)
    started = time.monotonic()
    r53.wait_insync([change], timeout=30, what="test")
    assert time.monotonic() - started < 0.2  # records in place; nothing to wait for

    live = next(rr for rr in r53.list_rrsets(zone.zone_id) if rr.name == "dev.example.com")
    faulty.set_faults(fault_rate=1.0, fault_kinds="drop")
    faults_off_after(faulty, r53, sends=1)
    cut = r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("DELETE", live)], "t")
    assert cut.startswith(LOST_CHANGE_PREFIX)
    started = time.monotonic()
    r53.wait_insync([cut], timeout=30, what="test")
    assert time.monotonic() - started >= 0.4  # a removed delegation gets time to sync
    assert all(rr.name != "dev.example.com" for rr in r53.list_rrsets(zone.zone_id))


def test_a_refused_batch_after_a_lost_answer_still_fails_when_not_in_effect(
        faulty: Sandbox) -> None:
    r53 = account(faulty)
    zone, _ = r53.create_zone("example.com", ZoneReferences(NETWORK, "example.com"), None)
    taken = RRSet("taken.example.com", "NS", 300, ("ns-1.awsdns-00.com",))
    r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("CREATE", taken)], "t")
    other = RRSet("taken.example.com", "NS", 300, ("ns-9.awsdns-01.com",))
    faulty.set_faults(fault_rate=1.0, fault_kinds="5xx")
    faults_off_after(faulty, r53, sends=1)
    with pytest.raises(AwsError) as caught:
        r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("CREATE", other)], "t")
    assert caught.value.code == "InvalidChangeBatch"
    assert "taken.example.com" in str(caught.value) and NETWORK in str(caught.value)
