"""`zonecut verify --dnssec` against a background sandbox: the real entry point in
subprocesses, zones signed with raw boto3 calls against the sandbox endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli_support import background_sandbox, sandbox_tree, zonecut
from sandbox_fixtures import session_for
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import status

NETWORK, DEV = "111111111111", "222222222222"


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    with background_sandbox(tmp_path, sandbox_tree(levels=2)) as path:
        yield path


def _zone(r53: Any, name: str) -> str:
    zones = r53.list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    return str(zones[0]["Id"].rsplit("/", 1)[-1])


def _sign(client: SandboxClient, account: str, name: str) -> tuple[Any, str, str]:
    """KMS key, KSK, EnableHostedZoneDNSSEC; returns (route53 client, zone id, DS)."""
    session = session_for(client, account)
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"},
        "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*"}]}
    arn = session.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                                           Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    r53 = session.client("route53")
    zone_id = _zone(r53, name)
    r53.create_key_signing_key(CallerReference=f"test-{name}", HostedZoneId=zone_id,
                               KeyManagementServiceArn=arn, Name="ksk_1", Status="ACTIVE")
    r53.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    ds = r53.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"][0]["DSRecord"]
    return r53, zone_id, str(ds)


def _verify(workdir: Path, *extra: str) -> tuple[int, list[tuple[str, str]]]:
    run = zonecut("verify", "--sandbox", "--dnssec", "-o", "json", *extra, cwd=workdir)
    assert run.returncode in (0, 3), run.stdout + run.stderr
    found = json.loads(run.stdout)["findings"]
    return run.returncode, sorted((f["zone"], f["code"]) for f in found)


def test_verify_dnssec_reports_each_link(workdir: Path) -> None:
    assert zonecut("sandbox", "up", cwd=workdir).returncode == 0
    applied = zonecut("apply", "--sandbox", "--yes", cwd=workdir)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert _verify(workdir) == (0, [])  # unsigned zones under a signed sandbox root

    info = status(workdir / ".zonecut")
    assert info is not None and info.trust_anchor
    client = SandboxClient(info)
    _, _, dev_ds = _sign(client, DEV, "dev.example.org")
    assert _verify(workdir) == (0, [("dev.example.org", "DNSSEC_ISLAND")])

    parent, parent_id, parent_ds = _sign(client, NETWORK, "example.org")
    servers = parent.get_hosted_zone(Id=parent_id)["DelegationSet"]["NameServers"]
    client.register("example.org", servers, [parent_ds])
    wrong = dev_ds[:-1] + ("0" if dev_ds[-1] != "0" else "1")
    parent.change_resource_record_sets(HostedZoneId=parent_id, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": "dev.example.org", "Type": "DS", "TTL": 300,
            "ResourceRecords": [{"Value": wrong}]}}]})
    assert _verify(workdir) == (3, [("dev.example.org", "DNSSEC_DS_NO_MATCHING_DNSKEY")])

    # the real root's anchor does not fit the sandbox root: the root's link is reported
    parent.change_resource_record_sets(HostedZoneId=parent_id, ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {
            "Name": "dev.example.org", "Type": "DS", "TTL": 300,
            "ResourceRecords": [{"Value": wrong}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "dev.example.org", "Type": "DS", "TTL": 300,
            "ResourceRecords": [{"Value": dev_ds}]}}]})
    assert _verify(workdir) == (0, [])
    real = workdir / "root.ds"
    real.write_text(". IN DS 20326 8 2 "
                    "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n")
    assert _verify(workdir, "--trust-anchor", str(real)) == (
        3, [(".", "DNSSEC_DS_NO_MATCHING_DNSKEY")])


def test_verify_dnssec_refuses_bad_input_in_one_line(workdir: Path) -> None:
    bad = workdir / "anchor.txt"
    bad.write_text("example.org. IN NS ns.example.net.\n")
    run = zonecut("verify", "--dnssec", "--trust-anchor", str(bad), "--sandbox", cwd=workdir)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert str(bad) in run.stderr or "sandbox" in run.stderr
    replay = workdir / "saved.json"
    replay.write_text("{}")
    run = zonecut("verify", "--dnssec", "--replay", str(replay), cwd=workdir)
    assert run.returncode == 1 and "--replay" in run.stderr


def test_verify_dnssec_reads_get_dnssec_and_reports_lost_kms_access(
        tmp_path: Path) -> None:
    signed = sandbox_tree(levels=2).replace("defaults: {", "defaults: {dnssec: true, ")
    with background_sandbox(tmp_path, signed):
        assert zonecut("sandbox", "up", cwd=tmp_path).returncode == 0
        applied = zonecut("apply", "--sandbox", "--yes", cwd=tmp_path)
        assert applied.returncode == 0, applied.stderr + applied.stdout
        assert _verify(tmp_path) == (0, [])  # signed from the sandbox root down

        info = status(tmp_path / ".zonecut")
        assert info is not None
        client = SandboxClient(info)
        client.reset_calls()
        r53 = session_for(client, DEV).client("route53")
        arn = r53.get_dnssec(HostedZoneId=_zone(r53, "dev.example.org"))[
            "KeySigningKeys"][0]["KmsArn"]
        session_for(client, DEV).client("kms").disable_key(KeyId=arn.rsplit("/", 1)[-1])
        # the DNS still validates (the signatures made stay), only GetDNSSEC tells
        code, found = _verify(tmp_path)
        assert (code, found) == (3, [("dev.example.org", "DNSSEC_KSK_ACTION_NEEDED")])
        reads = {acc: n for (acc, op), n in client.calls().items() if op == "GetDNSSEC"}
        assert reads.get(DEV, 0) >= 2 and reads.get(NETWORK, 0) >= 1, client.calls()
