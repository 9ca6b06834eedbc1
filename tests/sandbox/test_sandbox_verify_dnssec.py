"""verify's DNSSEC findings against the sandbox: each wrong state, made with raw boto3
calls, gives exactly its finding (probe over real DNS packets, pure check)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from dnssec_helpers import build_chain
from sandbox_helpers import CHILD_A, change

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox
from zonecut.verify.dnssec import CODES, check_dnssec, is_secure
from zonecut.verify.dnssec_model import DnssecObservations, ksk_states
from zonecut.verify.dnssec_probe import probe_dnssec_sync
from zonecut.verify.findings import RULES, Finding
from zonecut.verify.targets import ServerAddress

pytestmark = pytest.mark.sandbox

CHAIN = (".", "com", "example.com", "dev.example.com")
FAKE_DS = "12345 13 2 " + "AB" * 32


def _observe(sandbox: Sandbox) -> DnssecObservations:
    roots = [ServerAddress(r.name, r.address, r.port) for r in sandbox.info.root_hints]
    return probe_dnssec_sync(["dev.example.com"], roots, timeout=2,
                             anchors=sandbox.info.trust_anchor)


def _codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.zone, f.code) for f in findings}


def test_a_healthy_signed_chain_gives_no_finding(fresh_sandbox: Sandbox) -> None:
    build_chain(fresh_sandbox)
    observed = _observe(fresh_sandbox)
    assert set(observed.zones) == set(CHAIN)
    assert [z.zone for z in observed.path("dev.example.com")] == list(CHAIN)
    assert check_dnssec(CHAIN, observed, now=time.time()) == []
    assert all(is_secure(zone, observed, now=time.time()) for zone in CHAIN)
    assert not is_secure("dev.example.com", observed, now=time.time() + 15 * 86400)
    # observations survive JSON (replay)
    again = DnssecObservations.from_json(observed.to_json())
    assert check_dnssec(CHAIN, again, now=time.time()) == []


@pytest.mark.parametrize(("state", "expected"), [
    ({"child_signed": False, "child_ds": FAKE_DS}, "DNSSEC_DS_WITHOUT_SIGNING_CHILD"),
    ({"child_ds": None}, "DNSSEC_ISLAND"),
    ({"child_ds": FAKE_DS}, "DNSSEC_DS_NO_MATCHING_DNSKEY"),
    ({"child_ds": "12345 3 1 " + "AB" * 20}, "DNSSEC_ALGORITHM_UNSUPPORTED"),
    ({"parent_signed": False}, "DNSSEC_PARENT_UNSIGNED"),
])
def test_each_wrong_link_gives_exactly_its_finding(
        fresh_sandbox: Sandbox, state: dict[str, Any], expected: str) -> None:
    build_chain(fresh_sandbox, **state)
    observed = _observe(fresh_sandbox)
    found = check_dnssec(CHAIN, observed, now=time.time())
    assert _codes(found) == {("dev.example.com", expected)}
    assert not is_secure("dev.example.com", observed, now=time.time())
    assert found[0].severity == RULES[expected].severity


def test_a_ds_that_stops_matching_after_a_change_is_found(fresh_sandbox: Sandbox) -> None:
    chain = build_chain(fresh_sandbox)
    good = chain["child_ds"]
    change(chain["parent"], chain["parent_id"],
           ("DELETE", "dev.example.com", "DS", 300, [good]),
           ("CREATE", "dev.example.com", "DS", 300, [FAKE_DS]))
    found = check_dnssec(CHAIN, _observe(fresh_sandbox), now=time.time())
    assert _codes(found) == {("dev.example.com", "DNSSEC_DS_NO_MATCHING_DNSKEY")}


@pytest.mark.parametrize(("shift", "expected"), [
    (15 * 86400, "DNSSEC_RRSIG_EXPIRED"), (-2 * 3600, "DNSSEC_RRSIG_NOT_YET_VALID")])
def test_signatures_outside_their_validity_are_found(
        fresh_sandbox: Sandbox, shift: int, expected: str) -> None:
    build_chain(fresh_sandbox)
    found = check_dnssec(CHAIN, _observe(fresh_sandbox), now=time.time() + shift)
    assert _codes(found) == {(zone, expected) for zone in CHAIN}


def test_a_record_that_does_not_match_its_signature_is_bogus(fresh_sandbox: Sandbox) -> None:
    build_chain(fresh_sandbox)
    observed = _observe(fresh_sandbox)
    dev = observed.zones["dev.example.com"]
    soa = dev.soa.values[0].split()
    soa[2] = str(int(soa[2]) + 1)  # the serial, as a tampering middlebox would
    tampered = dataclasses.replace(dev, soa=dataclasses.replace(dev.soa,
                                                                values=(" ".join(soa),)))
    zones = dict(observed.zones) | {"dev.example.com": tampered}
    found = check_dnssec(CHAIN, DnssecObservations(zones, observed.anchors), now=time.time())
    assert _codes(found) == {("dev.example.com", "DNSSEC_SIGNATURE_BOGUS")}


def test_lost_kms_access_is_ksk_action_needed(fresh_sandbox: Sandbox) -> None:
    chain = build_chain(fresh_sandbox)
    _observe(fresh_sandbox)  # the DNSKEY signature is made (and kept) while KMS works
    zone_id = chain["child_id"].rsplit("/", 1)[-1]
    arn = chain["child"].get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"][0]["KmsArn"]
    kms = session_for(fresh_sandbox, CHILD_A).client("kms")
    kms.disable_key(KeyId=arn.rsplit("/", 1)[-1])
    api = {"dev.example.com": ksk_states(chain["child"].get_dnssec(HostedZoneId=zone_id))}
    found = check_dnssec(CHAIN, _observe(fresh_sandbox), now=time.time(), api=api)
    assert _codes(found) == {("dev.example.com", "DNSSEC_KSK_ACTION_NEEDED")}
    assert "Disabled" in found[0].message


def test_a_declared_zone_that_is_not_signing_is_dnssec_not_signing(
        fresh_sandbox: Sandbox) -> None:
    chain = build_chain(fresh_sandbox, child_signed=False, child_ds=None)
    zone_id = chain["child_id"].rsplit("/", 1)[-1]
    api = {"dev.example.com": ksk_states(chain["child"].get_dnssec(HostedZoneId=zone_id))}
    observed = _observe(fresh_sandbox)
    found = check_dnssec(CHAIN, observed, now=time.time(), api=api,
                         declared={"dev.example.com": True})
    assert _codes(found) == {("dev.example.com", "DNSSEC_NOT_SIGNING")}
    # not declared (or declared false): nothing to say about an unsigned zone
    for declared in ({}, {"dev.example.com": False}):
        assert check_dnssec(CHAIN, observed, now=time.time(), api=api,
                            declared=declared) == []


def test_not_signing_under_a_published_ds_is_reported_once(fresh_sandbox: Sandbox) -> None:
    chain = build_chain(fresh_sandbox, child_signed=False, child_ds=FAKE_DS)
    zone_id = chain["child_id"].rsplit("/", 1)[-1]
    api = {"dev.example.com": ksk_states(chain["child"].get_dnssec(HostedZoneId=zone_id))}
    found = check_dnssec(CHAIN, _observe(fresh_sandbox), now=time.time(), api=api,
                         declared={"dev.example.com": True})
    # the DNS shows it already; the API's view adds no second finding
    assert [(f.zone, f.code) for f in found] == [
        ("dev.example.com", "DNSSEC_DS_WITHOUT_SIGNING_CHILD")]


def test_every_dnssec_code_has_a_scenario_here() -> None:
    scenarios = {"DNSSEC_DS_WITHOUT_SIGNING_CHILD", "DNSSEC_ISLAND",
                 "DNSSEC_DS_NO_MATCHING_DNSKEY", "DNSSEC_ALGORITHM_UNSUPPORTED",
                 "DNSSEC_PARENT_UNSIGNED", "DNSSEC_RRSIG_EXPIRED", "DNSSEC_RRSIG_NOT_YET_VALID",
                 "DNSSEC_SIGNATURE_BOGUS", "DNSSEC_KSK_ACTION_NEEDED", "DNSSEC_NOT_SIGNING"}
    assert scenarios == CODES
    assert set(RULES) >= CODES
