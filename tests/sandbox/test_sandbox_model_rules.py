"""The sandbox refuses what the botocore service model forbids, as AWS words it.

Every request goes to the moto server over HTTP through boto3; botocore checks only
``required``, types and ``min`` on the client, so each refusal here is the sandbox's.
Source of every limit: botocore/data/{route53,ssm,acm}/*/service-2.json.gz.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from sandbox_helpers import CHILD_A, PARENT, create_zone, route53

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox
from zonecut.sandbox.model_rules import service_model, violations

pytestmark = pytest.mark.sandbox


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response: Any = exc.value.response
    return response["Error"]["Code"], response["Error"]["Message"]


def test_caller_reference_over_128_is_refused_in_the_schema_words(
        fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    reference = "r" * 129
    with pytest.raises(ClientError) as exc:
        client.create_hosted_zone(Name="example.com", CallerReference=reference)
    assert _error(exc) == (
        "InvalidInput",
        f"Invalid XML ; cvc-maxLength-valid: Value '{reference}' with length = '129' is not "
        "facet-valid with respect to maxLength '128' for type 'Nonce'.",
    )
    assert client.list_hosted_zones()["HostedZones"] == []
    client.create_hosted_zone(Name="example.com", CallerReference="r" * 128)


def test_comment_over_256_is_refused(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    with pytest.raises(ClientError) as exc:
        client.create_hosted_zone(Name="example.com", CallerReference="a",
                                  HostedZoneConfig={"Comment": "c" * 257})
    code, message = _error(exc)
    assert code == "InvalidInput"
    assert "maxLength '256' for type 'ResourceDescription'" in message
    zone_id, _ = create_zone(client, "example.com")
    with pytest.raises(ClientError) as exc:
        client.update_hosted_zone_comment(Id=zone_id, Comment="c" * 257)
    assert "maxLength '256' for type 'ResourceDescription'" in _error(exc)[1]


def test_eleven_tags_in_one_request_are_refused(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    bare = zone_id.rsplit("/", 1)[-1]
    with pytest.raises(ClientError) as exc:
        client.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=bare,
            AddTags=[{"Key": f"k{i}", "Value": "v"} for i in range(11)])
    assert _error(exc) == (
        "InvalidInput",
        "Invalid XML ; cvc-complex-type.2.4.f: 'Tag' can occur a maximum of '10' times in "
        "the current sequence. This limit was exceeded. No child element is expected at "
        "this point.",
    )
    tags = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=bare)
    assert tags["ResourceTagSet"].get("Tags", []) == []


def test_tag_key_over_128_and_bad_enum_are_refused(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    bare = zone_id.rsplit("/", 1)[-1]
    with pytest.raises(ClientError) as exc:
        client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=bare,
                                        AddTags=[{"Key": "k" * 129, "Value": "v"}])
    assert "maxLength '128' for type 'TagKey'" in _error(exc)[1]
    with pytest.raises(ClientError) as exc:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
            {"Action": "MERGE", "ResourceRecordSet": {
                "Name": "www.example.com", "Type": "A", "TTL": 60,
                "ResourceRecords": [{"Value": "192.0.2.1"}]}}]})
    code, message = _error(exc)
    assert code == "InvalidInput"
    assert message.startswith("Invalid XML ; cvc-enumeration-valid: Value 'MERGE'")


def test_record_value_over_4000_and_ttl_over_max_are_refused(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    with pytest.raises(ClientError) as exc:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "t.example.com", "Type": "TXT", "TTL": 60,
                "ResourceRecords": [{"Value": '"' + "x" * 4000 + '"'}]}}]})
    assert "maxLength '4000' for type 'RData'" in _error(exc)[1]
    with pytest.raises(ClientError) as exc:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "t.example.com", "Type": "TXT", "TTL": 2147483648,
                "ResourceRecords": [{"Value": '"x"'}]}}]})
    assert "cvc-maxInclusive-valid: Value '2147483648'" in _error(exc)[1]


def test_uri_parameter_over_its_limit_is_refused_in_validation_words(
        fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    with pytest.raises(ClientError) as exc:
        client.get_hosted_zone(Id="Z" * 33)
    assert _error(exc) == (
        "InvalidInput",
        f"1 validation error detected: Value '{'Z' * 33}' at 'id' failed to satisfy "
        "constraint: Member must have length less than or equal to 32",
    )


def test_ssm_refuses_a_name_over_2048_and_a_bad_tier(fresh_sandbox: Sandbox) -> None:
    ssm = session_for(fresh_sandbox, PARENT).client("ssm")
    name = "/" + "n" * 2048
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name=name, Value="v", Type="String")
    assert _error(exc) == (
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 2048",
    )
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/p", Value="v", Type="String", Tier="Premium")
    assert _error(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'Premium' at 'tier' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Standard, Advanced, "
        "Intelligent-Tiering]",
    )


def test_acm_refuses_a_domain_name_over_253(fresh_sandbox: Sandbox) -> None:
    acm = session_for(fresh_sandbox, PARENT).client("acm", region_name="us-east-1")
    name = ("a" * 60 + ".") * 4 + "example.com"
    with pytest.raises(ClientError) as exc:
        acm.request_certificate(DomainName=name, ValidationMethod="DNS")
    code, message = _error(exc)
    assert code == "ValidationException"
    assert f"Value '{name}' at 'domainName' failed to satisfy constraint: Member must have " \
           "length less than or equal to 253" in message


def test_every_violation_is_reported_with_its_path() -> None:
    shape = service_model("ssm").operation_model("PutParameter").input_shape
    found = violations(shape, {"Name": "", "Value": "v", "Tier": "Gold",
                               "Tags": [{"Key": "k" * 129, "Value": "v"}]})
    assert [(v.path, v.kind) for v in found] == [
        ("name", "min-length"), ("tags.1.member.key", "max-length"), ("tier", "enum")]


# -- semantics beyond the model's shapes ----------------------------------------------

def test_caller_reference_is_spent_after_the_zone_is_deleted(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com", "once")
    client.delete_hosted_zone(Id=zone_id)
    with pytest.raises(ClientError) as exc:
        client.create_hosted_zone(Name="example.com", CallerReference="once")
    bare = zone_id.rsplit("/", 1)[-1]
    assert _error(exc) == (
        "HostedZoneAlreadyExists",
        "A hosted zone has already been created with the specified caller reference: "
        f"/hostedzone/{bare} (example.com.).",
    )
    assert client.list_hosted_zones()["HostedZones"] == []
    # per account: another account may use the same reference
    create_zone(route53(fresh_sandbox, CHILD_A), "example.com", "once")
    # a reset forgets it with the account
    fresh_sandbox.reset()
    create_zone(route53(fresh_sandbox, PARENT), "example.com", "once")


def test_a_zone_holds_at_most_ten_tags_in_total(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    bare = zone_id.rsplit("/", 1)[-1]
    client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=bare,
                                    AddTags=[{"Key": f"k{i}", "Value": "v"} for i in range(9)])
    with pytest.raises(ClientError) as exc:
        client.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=bare,
            AddTags=[{"Key": "owner", "Value": "a"}, {"Key": "team", "Value": "b"}])
    assert _error(exc) == (
        "InvalidInput",
        f"Cannot add tags to hostedzone {bare}: it would have 11 tags; a hosted zone can have "
        "at most 10 tags.",
    )
    tags = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=bare)
    assert len(tags["ResourceTagSet"]["Tags"]) == 9
    # replacing a value and removing one to add one stay within 10
    client.change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=bare, RemoveTagKeys=["k0"],
        AddTags=[{"Key": "k1", "Value": "w"}, {"Key": "owner", "Value": "a"},
                 {"Key": "team", "Value": "b"}])
    tags = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=bare)
    assert len(tags["ResourceTagSet"]["Tags"]) == 10


@pytest.mark.parametrize("target", [
    {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111111abcdef8.cloudfront.net"},
    # an API Gateway edge-optimised API is served by CloudFront
    {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d-abcde12345.cloudfront.net"},
])
def test_evaluate_target_health_with_a_cloudfront_alias_is_refused(
        fresh_sandbox: Sandbox, target: dict[str, str]) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    alias = {**target, "EvaluateTargetHealth": True}
    with pytest.raises(ClientError) as exc:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "www.example.com", "Type": "A", "AliasTarget": alias}}]})
    assert _error(exc) == (
        "InvalidChangeBatch",
        "[Tried to create an alias [name='www.example.com.', type='A'] to a CloudFront "
        "distribution with EvaluateTargetHealth true, but EvaluateTargetHealth can't be true "
        "when the alias target is a CloudFront distribution]",
    )
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.example.com", "Type": "A",
            "AliasTarget": {**target, "EvaluateTargetHealth": False}}}]})


def test_ssm_refuses_an_advanced_parameter_back_to_standard(fresh_sandbox: Sandbox) -> None:
    ssm = session_for(fresh_sandbox, PARENT).client("ssm")
    ssm.put_parameter(Name="/p", Value="v", Type="String", Tier="Advanced")
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/p", Value="w", Type="String", Overwrite=True, Tier="Standard")
    assert _error(exc) == (
        "ValidationException",
        "This parameter uses the advanced-parameter tier. You can't downgrade a parameter "
        "from the advanced-parameter tier to the standard-parameter tier. If necessary, you "
        "can delete the advanced parameter and recreate it as a standard parameter.",
    )
    got = ssm.get_parameter(Name="/p")["Parameter"]
    assert got["Value"] == "v"
    ssm.put_parameter(Name="/p", Value="w", Type="String", Overwrite=True)
    described = ssm.describe_parameters()["Parameters"]
    assert [(p["Name"], p["Tier"]) for p in described] == [("/p", "Advanced")]
