"""Route 53's DNSSEC API in the sandbox, through raw boto3 over HTTP: each refusal with
the error code the botocore route53 model lists for it."""

from __future__ import annotations

import time
from typing import Any

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from dnssec_helpers import add_ksk, key_policy, kms_key, sign
from sandbox_helpers import CHILD_A, PARENT, change, create_zone, route53

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _zone(sandbox: Sandbox, account: str = PARENT, name: str = "example.com") -> tuple[Any, str]:
    client = route53(sandbox, account)
    zone_id, _ = create_zone(client, name)
    return client, zone_id.rsplit("/", 1)[-1]


def test_create_key_signing_key_shows_the_kms_public_key_as_dnskey_and_ds(
        fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    arn, key_id = kms_key(fresh_sandbox, PARENT)
    made = add_ksk(client, zone_id, arn)
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert made["Location"].endswith(f"/keysigningkey/{zone_id}/ksk_1")
    assert made["ChangeInfo"]["Id"].startswith("/change/C")
    got = client.get_dnssec(HostedZoneId=zone_id)
    assert got["Status"]["ServeSignature"] == "NOT_SIGNING"
    [ksk] = got["KeySigningKeys"]
    assert (ksk["Name"], ksk["KmsArn"], ksk["Status"], ksk["Flag"]) == (
        "ksk_1", arn, "ACTIVE", 257)
    assert (ksk["SigningAlgorithmMnemonic"], ksk["SigningAlgorithmType"]) == (
        "ECDSAP256SHA256", 13)
    assert (ksk["DigestAlgorithmMnemonic"], ksk["DigestAlgorithmType"]) == ("SHA-256", 2)
    # the DNSKEY is the KMS key's public key; the DS is its SHA-256 digest
    kms = session_for(fresh_sandbox, PARENT).client("kms")
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]

    public = serialization.load_der_public_key(der)
    dnskey = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DNSKEY, ksk["DNSKEYRecord"])
    assert dnskey == dns.dnssec.make_dnskey(public, 13, flags=257)  # type: ignore[arg-type]
    assert ksk["DNSKEYRecord"].split()[3] == ksk["PublicKey"]
    ds = dns.dnssec.make_ds(dns.name.from_text("example.com"), dnskey, "SHA256")
    assert ksk["DSRecord"] == f"{ds.key_tag} 13 2 {ds.digest.hex().upper()}"
    assert ksk["KeyTag"] == dns.dnssec.key_id(dnskey) == ds.key_tag
    assert ksk["DigestValue"] == ds.digest.hex().upper()


@pytest.mark.parametrize("problem", [
    "other-region", "symmetric", "no-route53-in-policy", "policy-without-sign", "missing",
    "not-a-key-arn", "disabled"])
def test_create_key_signing_key_refuses_an_unusable_kms_key(
        fresh_sandbox: Sandbox, problem: str) -> None:
    client, zone_id = _zone(fresh_sandbox)
    if problem == "other-region":
        arn, _ = kms_key(fresh_sandbox, PARENT, region="eu-west-1")
    elif problem == "symmetric":
        arn, _ = kms_key(fresh_sandbox, PARENT, key_spec="SYMMETRIC_DEFAULT",
                         key_usage="ENCRYPT_DECRYPT")
    elif problem == "no-route53-in-policy":
        arn, _ = kms_key(fresh_sandbox, PARENT,
                         policy=key_policy(PARENT, service="dnssec.example.com"))
    elif problem == "policy-without-sign":
        arn, _ = kms_key(fresh_sandbox, PARENT, policy=key_policy(
            PARENT, actions=("kms:DescribeKey", "kms:GetPublicKey")))
    elif problem == "missing":
        arn = f"arn:aws:kms:us-east-1:{PARENT}:key/00000000-0000-0000-0000-000000000000"
    elif problem == "not-a-key-arn":
        arn = f"arn:aws:kms:us-east-1:{PARENT}:alias/dnssec"
    else:
        arn, key_id = kms_key(fresh_sandbox, PARENT)
        session_for(fresh_sandbox, PARENT).client("kms").disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arn)
    assert _code(exc) == ("InvalidKMSArn", 400)
    assert client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"] == []


def test_key_signing_key_names_statuses_and_the_limit_of_two(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    arns = [kms_key(fresh_sandbox, PARENT)[0] for _ in range(3)]
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arns[0], name="ksk-1")
    assert _code(exc) == ("InvalidKeySigningKeyName", 400)
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arns[0], status="PENDING")
    assert _code(exc) == ("InvalidKeySigningKeyStatus", 400)
    with pytest.raises(ClientError) as exc:  # the model: SigningKeyName max 128
        add_ksk(client, zone_id, arns[0], name="k" * 129)
    assert _code(exc) == ("InvalidInput", 400)
    add_ksk(client, zone_id, arns[0], name="ksk_1")
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arns[1], name="ksk_1")
    assert _code(exc) == ("KeySigningKeyAlreadyExists", 409)
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arns[0], name="ksk_2")
    assert _code(exc) == ("KeySigningKeyAlreadyExists", 409)
    add_ksk(client, zone_id, arns[1], name="ksk_2", status="INACTIVE")
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, arns[2], name="ksk_3")
    assert _code(exc) == ("TooManyKeySigningKeys", 400)
    statuses = {k["Name"]: k["Status"]
                for k in client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"]}
    assert statuses == {"ksk_1": "ACTIVE", "ksk_2": "INACTIVE"}


def test_enable_needs_an_active_key_signing_key(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    with pytest.raises(ClientError) as exc:
        client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    assert _code(exc) == ("KeySigningKeyWithActiveStatusNotFound", 400)
    add_ksk(client, zone_id, kms_key(fresh_sandbox, PARENT)[0], status="INACTIVE")
    with pytest.raises(ClientError) as exc:
        client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    assert _code(exc) == ("KeySigningKeyWithActiveStatusNotFound", 400)
    client.activate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)  # again: no error
    assert client.get_dnssec(HostedZoneId=zone_id)["Status"]["ServeSignature"] == "SIGNING"


def test_enable_refuses_a_zone_its_parent_delegates_elsewhere(fresh_sandbox: Sandbox) -> None:
    parent = route53(fresh_sandbox, PARENT)
    parent_id, _ = create_zone(parent, "example.com")
    child, child_id = _zone(fresh_sandbox, CHILD_A, "dev.example.com")
    servers = child.get_hosted_zone(Id=child_id)["DelegationSet"]["NameServers"]
    change(parent, parent_id, ("CREATE", "dev.example.com", "NS", 300, servers[:3]))
    add_ksk(child, child_id, kms_key(fresh_sandbox, CHILD_A)[0])
    with pytest.raises(ClientError) as exc:
        child.enable_hosted_zone_dnssec(HostedZoneId=child_id)
    assert _code(exc) == ("HostedZonePartiallyDelegated", 400)
    change(parent, parent_id, ("UPSERT", "dev.example.com", "NS", 300, servers))
    child.enable_hosted_zone_dnssec(HostedZoneId=child_id)
    # the registrar's delegation counts for a zone whose parent is a TLD
    top, top_id = _zone(fresh_sandbox, CHILD_A, "example.org")
    fresh_sandbox.register("example.org", ["ns-1.example.net"])
    add_ksk(top, top_id, kms_key(fresh_sandbox, CHILD_A)[0])
    with pytest.raises(ClientError) as exc:
        top.enable_hosted_zone_dnssec(HostedZoneId=top_id)
    assert _code(exc) == ("HostedZonePartiallyDelegated", 400)


def test_key_signing_key_state_changes_and_their_refusals(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    sign(fresh_sandbox, PARENT, client, zone_id)
    with pytest.raises(ClientError) as exc:
        client.activate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    assert _code(exc) == ("InvalidKeySigningKeyStatus", 400)
    with pytest.raises(ClientError) as exc:
        client.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    assert _code(exc) == ("KeySigningKeyInUse", 400)
    with pytest.raises(ClientError) as exc:
        client.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    assert _code(exc) == ("InvalidKeySigningKeyStatus", 400)
    with pytest.raises(ClientError) as exc:
        client.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk_9")
    assert _code(exc) == ("NoSuchKeySigningKey", 404)
    # a second active KSK lets the first go while signing (a rollover)
    add_ksk(client, zone_id, kms_key(fresh_sandbox, PARENT)[0], name="ksk_2")
    client.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    with pytest.raises(ClientError) as exc:
        client.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    assert _code(exc) == ("InvalidKeySigningKeyStatus", 400)
    client.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    names = [k["Name"] for k in client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"]]
    assert names == ["ksk_2"]


def test_a_ds_in_the_parent_blocks_disable_and_deactivate(fresh_sandbox: Sandbox) -> None:
    parent = route53(fresh_sandbox, PARENT)
    parent_id, _ = create_zone(parent, "example.com")
    child, child_id = _zone(fresh_sandbox, CHILD_A, "dev.example.com")
    servers = child.get_hosted_zone(Id=child_id)["DelegationSet"]["NameServers"]
    change(parent, parent_id, ("CREATE", "dev.example.com", "NS", 300, servers))
    ds = sign(fresh_sandbox, CHILD_A, child, child_id)
    change(parent, parent_id, ("CREATE", "dev.example.com", "DS", 300, [ds]))
    with pytest.raises(ClientError) as exc:
        child.disable_hosted_zone_dnssec(HostedZoneId=child_id)
    assert _code(exc) == ("KeySigningKeyInParentDSRecord", 400)
    add_ksk(child, child_id, kms_key(fresh_sandbox, CHILD_A)[0], name="ksk_2")
    with pytest.raises(ClientError) as exc:
        child.deactivate_key_signing_key(HostedZoneId=child_id, Name="ksk_1")
    assert _code(exc) == ("KeySigningKeyInParentDSRecord", 400)
    assert child.get_dnssec(HostedZoneId=child_id)["Status"]["ServeSignature"] == "SIGNING"
    change(parent, parent_id, ("DELETE", "dev.example.com", "DS", 300, [ds]))
    child.disable_hosted_zone_dnssec(HostedZoneId=child_id)
    got = child.get_dnssec(HostedZoneId=child_id)
    assert got["Status"]["ServeSignature"] == "NOT_SIGNING"
    assert {k["Status"] for k in got["KeySigningKeys"]} == {"ACTIVE"}  # disable keeps KSKs


def test_disable_of_a_zone_without_dnssec_is_dnssec_not_found(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    with pytest.raises(ClientError) as exc:
        client.disable_hosted_zone_dnssec(HostedZoneId=zone_id)
    assert _code(exc) == ("DNSSECNotFound", 400)
    with pytest.raises(ClientError) as exc:
        client.get_dnssec(HostedZoneId="Z000000000000000000NONE")
    assert _code(exc) == ("NoSuchHostedZone", 404)


def test_a_signing_zone_cannot_be_deleted(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    sign(fresh_sandbox, PARENT, client, zone_id)
    with pytest.raises(ClientError) as exc:
        client.delete_hosted_zone(Id=zone_id)
    assert _code(exc) == ("HostedZoneNotEmpty", 400)
    client.disable_hosted_zone_dnssec(HostedZoneId=zone_id)
    client.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    client.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    client.delete_hosted_zone(Id=zone_id)


def test_lost_kms_access_is_action_needed_until_fixed(fresh_sandbox: Sandbox) -> None:
    client, zone_id = _zone(fresh_sandbox)
    arn, key_id = kms_key(fresh_sandbox, PARENT)
    add_ksk(client, zone_id, arn)
    client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    kms = session_for(fresh_sandbox, PARENT).client("kms")
    kms.disable_key(KeyId=key_id)
    got = client.get_dnssec(HostedZoneId=zone_id)
    assert got["Status"]["ServeSignature"] == "ACTION_NEEDED"
    [ksk] = got["KeySigningKeys"]
    assert ksk["Status"] == "ACTION_NEEDED"
    assert "Disabled" in ksk["StatusMessage"]
    with pytest.raises(ClientError) as exc:
        client.activate_key_signing_key(HostedZoneId=zone_id, Name="ksk_1")
    assert _code(exc) == ("InvalidKMSArn", 400)
    kms.enable_key(KeyId=key_id)
    assert client.get_dnssec(HostedZoneId=zone_id)["Status"]["ServeSignature"] == "SIGNING"
    # a key policy that no longer names Route 53 is lost access too
    kms.put_key_policy(KeyId=key_id, PolicyName="default",
                       Policy=key_policy(PARENT, service="other.amazonaws.com"))
    [ksk] = client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"]
    assert ksk["Status"] == "ACTION_NEEDED"
    assert "dnssec-route53.amazonaws.com" in ksk["StatusMessage"]


def test_dnssec_changes_go_pending_then_insync(fresh_sandbox: Sandbox) -> None:
    fresh_sandbox.set_faults(pending_seconds=0.5)
    client, zone_id = _zone(fresh_sandbox)
    made = add_ksk(client, zone_id, kms_key(fresh_sandbox, PARENT)[0])
    enabled = client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    ids = {made["ChangeInfo"]["Id"], enabled["ChangeInfo"]["Id"]}
    assert len(ids) == 2
    assert made["ChangeInfo"]["Status"] == enabled["ChangeInfo"]["Status"] == "PENDING"
    time.sleep(0.6)
    assert {client.get_change(Id=i)["ChangeInfo"]["Status"] for i in ids} == {"INSYNC"}


def test_private_zones_cannot_be_signed(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    made = client.create_hosted_zone(
        Name="internal.example.com", CallerReference="private-1",
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"})
    zone_id = made["HostedZone"]["Id"].rsplit("/", 1)[-1]
    with pytest.raises(ClientError) as exc:
        add_ksk(client, zone_id, kms_key(fresh_sandbox, PARENT)[0])
    assert _code(exc) == ("InvalidArgument", 400)
