"""The sandbox's fault injection on the wire: boto3 over HTTP with botocore's retries off,
so every injected fault is seen as the client gets it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox, SandboxClient
from zonecut.sandbox.__main__ import _arguments
from zonecut.sandbox.fault_settings import FaultSettings
from zonecut.sandbox.process import fault_arguments
from zonecut.sandbox.zone_data import all_zones

ACCOUNT = "111111111111"
OTHER = "222222222222"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def client(sandbox: Sandbox, account: str = ACCOUNT) -> Any:
    return session_for(sandbox, account).client("route53", config=NO_RETRIES)


def error_of(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (response["Error"]["Code"], response["Error"]["Type"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def batch(name: str, action: str = "CREATE") -> dict[str, Any]:
    return {"Changes": [{"Action": action, "ResourceRecordSet": {
        "Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}}]}


def test_each_kind_is_answered_as_route53_answers_it(faulty: Sandbox) -> None:
    r53 = client(faulty)
    zone_id = r53.create_hosted_zone(Name="example.com", CallerReference="r")["HostedZone"]["Id"]
    faulty.set_faults(fault_rate=1.0, fault_kinds="throttle")
    assert error_of(r53.get_hosted_zone, Id=zone_id) == ("Throttling", "Sender", 400)
    faulty.set_faults(fault_kinds="prior")
    assert error_of(r53.change_resource_record_sets, HostedZoneId=zone_id,
                    ChangeBatch=batch("a.example.com")) == ("PriorRequestNotComplete", "Sender",
                                                           400)
    r53.get_hosted_zone(Id=zone_id)  # PriorRequestNotComplete is for changes only
    faulty.set_faults(fault_kinds="5xx")
    seen = {error_of(r53.get_hosted_zone, Id=zone_id) for _ in range(12)}
    assert seen == {("ServiceUnavailable", "Receiver", 503), ("InternalFailure", "Receiver", 500)}
    faulty.set_faults(fault_kinds="drop")
    with pytest.raises(ConnectionClosedError):
        r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch=batch("b.example.com"))
    faulty.set_faults(fault_rate=0)
    names = {r["Name"] for r in r53.list_resource_record_sets(HostedZoneId=zone_id)[
        "ResourceRecordSets"]}
    assert "b.example.com." in names and "a.example.com." not in names  # dropped, yet made
    counts = faulty.faults()
    assert counts[(ACCOUNT, "throttle")] == 1 and counts[(ACCOUNT, "prior")] == 1
    assert counts[(ACCOUNT, "5xx")] == 12 and counts[(ACCOUNT, "drop")] == 1


def test_a_dropped_create_made_the_zone_and_its_reference_finds_it(faulty: Sandbox) -> None:
    r53 = client(faulty)
    faulty.set_faults(fault_rate=1.0, fault_kinds="drop")
    with pytest.raises(ConnectionClosedError):
        r53.create_hosted_zone(Name="lost.example.com", CallerReference="once")
    faulty.set_faults(fault_rate=0)
    assert error_of(r53.create_hosted_zone, Name="lost.example.com",
                    CallerReference="once")[0] == "HostedZoneAlreadyExists"
    assert [z.name for z in all_zones()] == ["lost.example.com"]


def kinds_seen(sandbox: Sandbox, seed: int, requests: int = 40) -> list[str | None]:
    sandbox.set_faults(fault_rate=0.5, fault_seed=seed, fault_kinds="throttle,5xx")
    r53 = client(sandbox)
    seen: list[str | None] = []
    for _ in range(requests):
        try:
            r53.list_hosted_zones()
            seen.append(None)
        except ClientError as exc:
            seen.append(exc.response["Error"]["Code"])
    return seen


def test_faults_are_deterministic_for_a_seed(faulty: Sandbox) -> None:
    first = kinds_seen(faulty, seed=11)
    assert first == kinds_seen(faulty, seed=11)  # set_faults restarts the generators
    assert first != kinds_seen(faulty, seed=12)
    assert 5 < sum(1 for k in first if k) < 35


def test_rate_limit_is_per_account_with_a_small_burst(faulty: Sandbox) -> None:
    faulty.set_faults(rate_limit=5)  # burst: one second's worth
    mine, other = client(faulty), client(faulty, OTHER)
    # The burst shows only when 8 requests go out before the bucket refills (0.6 s at 5
    # a second); on a loaded machine a round may be slower, so up to three rounds, each
    # after a full refill. Every round holds the bucket's bound whatever its pace.
    for attempt in range(3):
        if attempt:
            time.sleep(1.1)
        codes = []
        started = time.monotonic()
        for _ in range(8):
            try:
                mine.list_hosted_zones()
                codes.append("ok")
            except ClientError as exc:
                codes.append(exc.response["Error"]["Code"])
        elapsed = time.monotonic() - started
        assert codes[:5] == ["ok"] * 5
        assert codes.count("ok") <= 5 + 5 * elapsed + 1, (codes, elapsed)
        if elapsed < 0.5:
            assert "Throttling" in codes[5:], codes
            break
    else:
        pytest.skip("three rounds of 8 requests each took 0.5 s or more on this machine")
    other.list_hosted_zones()  # another account has its own bucket
    time.sleep(0.25)
    mine.list_hosted_zones()  # refilled: 5 a second
    assert (OTHER, "rate-limit") not in faulty.faults()


def test_changes_have_their_own_ids_and_stay_pending(faulty: Sandbox) -> None:
    faulty.set_faults(pending_seconds=0.4)
    r53 = client(faulty)
    made = r53.create_hosted_zone(Name="example.com", CallerReference="p")
    zone_id = made["HostedZone"]["Id"]
    changed = r53.change_resource_record_sets(HostedZoneId=zone_id,
                                              ChangeBatch=batch("a.example.com"))
    first, second = made["ChangeInfo"], changed["ChangeInfo"]
    assert first["Id"] != second["Id"] and first["Id"].startswith("/change/C")
    assert first["Status"] == second["Status"] == "PENDING"
    assert r53.get_change(Id=second["Id"])["ChangeInfo"]["Status"] == "PENDING"
    time.sleep(0.45)
    assert r53.get_change(Id=second["Id"])["ChangeInfo"]["Status"] == "INSYNC"
    faulty.set_faults(pending_seconds=0)
    third = r53.change_resource_record_sets(HostedZoneId=zone_id,
                                            ChangeBatch=batch("b.example.com"))
    assert third["ChangeInfo"]["Status"] == "INSYNC"


def test_the_control_endpoint_sets_and_reports_faults(faulty: Sandbox) -> None:
    control = SandboxClient(faulty.info)
    settings = control.set_faults(rate_limit=7, fault_rate=0.25, fault_kinds=["drop", "prior"])
    assert settings == FaultSettings(rate_limit=7, fault_rate=0.25, fault_kinds=("drop", "prior"))
    assert faulty.fault_settings() == settings
    assert control.set_faults(fault_seed=3).rate_limit == 7  # left out: kept
    faulty.set_faults(fault_rate=1.0, fault_kinds="throttle")
    with pytest.raises(ClientError):
        client(faulty).list_hosted_zones()
    assert control.faults() == {(ACCOUNT, "throttle"): 1}
    control.set_faults(FaultSettings())
    assert not faulty.fault_settings().active
    faulty.reset_calls()
    assert control.faults() == {}
    with pytest.raises(Exception, match="unknown fault kind"):
        control.set_faults(fault_kinds="meteor")


def test_background_options_carry_every_setting() -> None:
    settings = FaultSettings(rate_limit=5, rate_burst=3, fault_rate=0.3,
                             fault_kinds=("prior", "drop"), fault_seed=9, pending_seconds=1.5)
    args = _arguments(["--state-dir", "x", *fault_arguments(settings)])
    parsed = FaultSettings(
        rate_limit=args.rate_limit, rate_burst=args.rate_burst, fault_rate=args.fault_rate,
        fault_kinds=tuple(args.fault_kinds.split(",")), fault_seed=args.fault_seed,
        pending_seconds=args.pending_seconds)
    assert parsed == settings
