"""Certificates in the child's account: requested once, validated through the zone, and a
broken delegation reported at once instead of waiting for ACM."""

from __future__ import annotations

import time

import pytest
from child_support import DEV, HEADER, NETWORK, acm_wait, config, rrsets, runtime, zone_id

from sandbox_fixtures import session_for
from zonecut.apply.certificates import CertificateManager, CertificatesBlocked, DnsView
from zonecut.apply.records import known_zone_ids
from zonecut.names import normalize
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox

CERTS = HEADER + """\
  - name: dev.example.com
    account: dev
    certificates:
      - {domains: [dev.example.com, "*.dev.example.com"], region: us-east-1}
      - {domains: [api.dev.example.com], region: eu-west-1}
"""


def dns_of(sandbox: Sandbox) -> DnsView:
    info = sandbox.info
    return DnsView(tuple(info.root_hints), {s.address: s.port for s in info.servers.values()},
                   timeout=1.0)


def build(sandbox: Sandbox) -> tuple[Runtime, dict[str, str]]:
    """The zones and delegations, example.com registered with the sandbox's registrar."""
    rt = runtime(sandbox, config(CERTS))
    plan = rt.plan()
    result = rt.apply(plan)
    sandbox.register("example.com", result.created["example.com"].name_servers)
    return rt, known_zone_ids(plan, result.created)


def test_apex_and_wildcard_share_one_validation_cname_and_certificates_issue(
        fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 1):
        rt, ids = build(fresh_sandbox)
        manager = CertificateManager(rt.fleet, rt.tree, timeout=30)
        plans = manager.plan()
        assert [(p.action, p.certificate.domains, p.certificate.region) for p in plans] == [
            ("request", ("dev.example.com", "*.dev.example.com"), "us-east-1"),
            ("request", ("api.dev.example.com",), "eu-west-1"),
        ]
        fresh_sandbox.reset_calls()
        started = time.monotonic()
        result = manager.apply(plans, ids, dns=dns_of(fresh_sandbox))
        elapsed = time.monotonic() - started
        print(f"two certificates requested, validated, checked and issued in {elapsed:.2f} s")
        assert elapsed < 15
    assert len(result.requested) == 2 and sorted(result.issued) == sorted(result.requested)
    # one CNAME for dev.example.com and *.dev.example.com, one for api: written once each,
    # in one batch
    assert sorted(result.validation_written) == sorted(set(result.validation_written))
    assert len(result.validation_written) == 2
    calls = fresh_sandbox.calls()
    assert calls.get((DEV, "ChangeResourceRecordSets")) == 1
    dev = session_for(fresh_sandbox, DEV).client("route53")
    cnames = [normalize(r["Name"]) for r in rrsets(dev, "dev.example.com")
              if r["Type"] == "CNAME"]
    assert sorted(cnames) == sorted(result.validation_written)
    assert [n for n in cnames if n.endswith(".api.dev.example.com")]
    acm = session_for(fresh_sandbox, DEV).client("acm", region_name="us-east-1")
    (summary,) = acm.list_certificates()["CertificateSummaryList"]
    cert = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
    assert sorted(cert["SubjectAlternativeNames"]) == ["*.dev.example.com", "dev.example.com"]
    assert cert["Status"] == "ISSUED"

    # again: both reused, nothing requested or written
    again = CertificateManager(rt.fleet, rt.tree, timeout=30)
    plans = again.plan()
    assert [p.action for p in plans] == ["issued", "issued"]
    fresh_sandbox.reset_calls()
    second = again.apply(plans, ids, dns=dns_of(fresh_sandbox))
    assert second.requested == [] and second.validation_written == []
    assert not [op for (_, op) in fresh_sandbox.calls()
                if op in ("ChangeResourceRecordSets", "RequestCertificate")]


def test_a_zone_that_is_not_delegated_is_reported_at_once(
        fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 3600):  # ACM would keep the certificate pending for an hour
        rt, ids = build(fresh_sandbox)
        network = session_for(fresh_sandbox, NETWORK).client("route53")
        (ns,) = [r for r in rrsets(network, "example.com")
                 if r["Type"] == "NS" and normalize(r["Name"]) == "dev.example.com"]
        network.change_resource_record_sets(
            HostedZoneId=zone_id(network, "example.com"),
            ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": ns}]})
        manager = CertificateManager(rt.fleet, rt.tree, timeout=3600)
        started = time.monotonic()
        with pytest.raises(CertificatesBlocked) as caught:
            manager.apply(manager.plan(), ids, dns=dns_of(fresh_sandbox))
        elapsed = time.monotonic() - started
    print(f"NOT_DELEGATED reported after {elapsed:.2f} s")
    assert elapsed < 10
    assert caught.value.problems[0].startswith("dev.example.com: NOT_DELEGATED: example.com "
                                               "has no NS records for dev.example.com")
    assert "nothing was waited for" in str(caught.value)


def test_no_wait_requests_and_validates_without_waiting(
        fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 3600):
        rt, ids = build(fresh_sandbox)
        manager = CertificateManager(rt.fleet, rt.tree, timeout=3600)
        result = manager.apply(manager.plan(), ids, wait=False)
        assert len(result.pending) == 2 and result.issued == []
        plans = CertificateManager(rt.fleet, rt.tree).plan()
    assert [p.action for p in plans] == ["wait", "wait"]
    assert {p.existing.arn for p in plans if p.existing} == set(result.pending)
