"""The self-service handlers and the SSM handoff: the same documents, read the same way.

With ZONECUT_SSM_ACCOUNT_ID the handlers publish into one registry account (through
ZONECUT_SSM_ROLE_ARN); with ZONECUT_PARENT_PARAMETER they check the parent zone's own
document there before every delegation, with the reader the CLI uses
(zonecut.apply.handoff_read). A zone delegated by a handler is then the parent of a
zone a CLI config reads from the registry.
"""

from __future__ import annotations

import json
from typing import Any

from child_support import DEV, NETWORK, PROD, TEAM, config, runtime
from cloudformation_side import CloudFormation
from lambda_support import Responses, child_zone, delegation, servers_of, snapshot
from policy_check import Request, calls_of_a_cycle, decide, statements_in

from sandbox_fixtures import session_for
from zonecut.apply.handoff_read import ZoneDocument
from zonecut.iam.lambda_template import registry_policy, registry_template
from zonecut.sandbox import Sandbox

REGISTRY = TEAM
ROLE = f"arn:aws:iam::{REGISTRY}:role/ZonecutDelegation"
APEX = "/zonecut/zones/example.com"


def registry(sandbox: Sandbox) -> Any:
    return session_for(sandbox, REGISTRY).client("ssm", region_name="us-east-1")


def published(sandbox: Sandbox) -> dict[str, str]:
    found = registry(sandbox).get_parameters_by_path(Path="/zonecut", Recursive=True)
    return {p["Name"]: p["Value"] for p in found["Parameters"]}


def publish_apex(sandbox: Sandbox, env: dict[str, str], **changes: Any) -> ZoneDocument:
    """The parent zone's document in the registry, as the central zonecut writes it."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    zone = r53.get_hosted_zone(Id=env["ZONECUT_PARENT_ZONE_ID"])
    document = ZoneDocument("example.com", env["ZONECUT_PARENT_ZONE_ID"], NETWORK,
                            tuple(sorted(zone["DelegationSet"]["NameServers"])))
    value = {**json.loads(document.to_json()), **changes}
    registry(sandbox).put_parameter(Name=APEX, Value=json.dumps(value), Type="String",
                                    Overwrite=True)
    return document


def handoff_env(parent: dict[str, str]) -> dict[str, str]:
    return {**parent, "ZONECUT_SSM_ACCOUNT_ID": REGISTRY, "ZONECUT_SSM_ROLE_ARN": ROLE,
            "ZONECUT_PARENT_PARAMETER": APEX}


def test_handlers_publish_in_the_registry_and_a_cli_child_reads_it_there(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = handoff_env(parent)
    publish_apex(fresh_sandbox, env)
    dev_id, dev_servers = child_zone(fresh_sandbox, "dev.example.com")
    sent = cfn.send(cfn.event("Create", DEV, responses.url("create"), {
        "ZoneName": "dev.example.com", "NameServers": dev_servers}), None, environ=env)
    assert sent["Status"] == "SUCCESS", sent["Reason"]
    assert servers_of(delegation(fresh_sandbox, "dev.example.com")) == dev_servers
    # the document is in the registry; the owner record stays in the parent's account
    document = ZoneDocument.from_json(published(fresh_sandbox)["/zonecut/zones/dev.example.com"],
                                      "registry")
    assert (document.zone_id, document.account_id, document.parent_account_id) == (
        dev_id, DEV, NETWORK)
    network = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    assert [p["Name"] for p in network.get_parameters_by_path(
        Path="/zonecut", Recursive=True)["Parameters"]] == ["/zonecut/owners/dev.example.com"]

    # a team's own zonecut reads that document in the registry and delegates below it
    team = config(f"""\
        version: 1
        defaults: {{rate_limit: 200, access: {{role_name: ZonecutDelegation}}}}
        accounts:
          registry: {{id: "{REGISTRY}"}}
          dev: {{id: "{DEV}"}}
          team: {{id: "{PROD}"}}
        zones:
          - name: app.dev.example.com
            account: team
            parent_from_ssm: {{account: registry, parameter: /zonecut/zones/dev.example.com,
                               parent_account: dev}}
        """)
    rt = runtime(fresh_sandbox, team)
    plan = rt.plan()
    result = rt.apply(plan)
    child = rt.plan_child_resources(plan)
    assert child.problems == ()
    done = rt.apply_child_resources(child, plan, result)
    assert done.ssm.delegated == ["app.dev.example.com"]
    dev = session_for(fresh_sandbox, DEV).client("route53")
    listed = dev.list_resource_record_sets(HostedZoneId=dev_id)["ResourceRecordSets"]
    assert any(r["Name"] == "app.dev.example.com." and r["Type"] == "NS" for r in listed)

    # the stack's Delete takes its document out of the registry too
    gone = cfn.send(cfn.event("Delete", DEV, responses.url("delete"), {
        "ZoneName": "dev.example.com", "NameServers": dev_servers},
        physical_id=sent["PhysicalResourceId"]), None, environ=env)
    assert gone["Data"]["Outcome"] == "removed"
    assert list(published(fresh_sandbox)) == [APEX]


def test_a_parent_document_that_does_not_hold_refuses_and_writes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = handoff_env(parent)
    _, dev_servers = child_zone(fresh_sandbox, "dev.example.com")
    where = f"dev.example.com: parameter {APEX} in account {REGISTRY}"

    def refused() -> str:
        before, docs = snapshot(fresh_sandbox), published(fresh_sandbox)
        sent = cfn.send(cfn.event("Create", DEV, responses.url("x"), {
            "ZoneName": "dev.example.com", "NameServers": dev_servers}), None, environ=env)
        assert sent["Status"] == "FAILED"
        assert sent["PhysicalResourceId"].startswith("zonecut-refused-")  # wrote nothing
        assert snapshot(fresh_sandbox) == before and published(fresh_sandbox) == docs
        return str(sent["Reason"])

    assert f"{where} does not exist; nothing was changed" in refused()
    real = publish_apex(fresh_sandbox, env, account_id=PROD)
    assert (f"{where} says example.com is in account {PROD}, but ZONECUT_PARENT_ACCOUNT_ID "
            f"is {NETWORK}; nothing was changed") in refused()
    publish_apex(fresh_sandbox, env, zone_id="Z0THEWRONGONE")
    assert (f"{where} names zone Z0THEWRONGONE, not ZONECUT_PARENT_ZONE_ID "
            f"{real.zone_id}; nothing was changed") in refused()
    publish_apex(fresh_sandbox, env, name_servers=dev_servers)
    assert (f"{where} names zone {real.zone_id} in account ZONECUT_PARENT_ACCOUNT_ID "
            f"({NETWORK}), whose name servers are {', '.join(real.name_servers)}, not "
            f"{', '.join(dev_servers)} as the parameter says") in refused()
    registry(fresh_sandbox).put_parameter(Name=APEX, Value='{"format": 1}', Type="String",
                                          Overwrite=True)
    assert f"{where}: not a zonecut zone description: format is 1" in refused()
    # the right document: delegated
    publish_apex(fresh_sandbox, env)
    sent = cfn.send(cfn.event("Create", DEV, responses.url("ok"), {
        "ZoneName": "dev.example.com", "NameServers": dev_servers}), None, environ=env)
    assert sent["Status"] == "SUCCESS", sent["Reason"]


def test_the_template_publishes_in_the_registry_and_checks_the_parent_document() -> None:
    from test_lambda_deploy import lint
    from typer.testing import CliRunner

    from zonecut.cli import lambda_cmd  # noqa: F401  (registers the command)
    from zonecut.cli.main import app

    runner = CliRunner()
    base = ["lambda", "template", "--parent-zone-id", "Z0123456789ABC", "--allow",
            json.dumps({DEV: ["dev.example.com"]})]
    made = runner.invoke(app, [*base, "--ssm-role-arn", ROLE, "--parent-parameter", APEX])
    assert made.exit_code == 0, made.output
    body = json.loads(made.stdout)
    assert lint(body) == []
    env = body["Resources"]["CustomResource"]["Properties"]["Environment"]["Variables"]
    assert (env["ZONECUT_SSM_ACCOUNT_ID"], env["ZONECUT_SSM_ROLE_ARN"],
            env["ZONECUT_PARENT_PARAMETER"]) == (REGISTRY, ROLE, APEX)
    statements = {s["Sid"]: s for s in body["Resources"]["FunctionRole"]["Properties"][
        "Policies"][0]["PolicyDocument"]["Statement"]}
    assert statements["PublishInRegistry"] == {
        "Sid": "PublishInRegistry", "Effect": "Allow", "Action": "sts:AssumeRole",
        "Resource": ROLE}
    # the documents are not in the function's own account any more: only the owners
    assert "zonecut/zones" not in json.dumps(statements["OwnerRecords"])
    bad = runner.invoke(app, [*base, "--ssm-role-arn", "arn:aws:iam::12:role/x"])
    assert bad.exit_code == 1 and "--ssm-role-arn 'arn:aws:iam::12:role/x': not an IAM role" \
        in bad.stderr
    assert "Traceback" not in bad.output


def test_the_registry_role_allows_exactly_what_the_handlers_do_there(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = handoff_env(parent)
    publish_apex(fresh_sandbox, env)
    calls = calls_of_a_cycle(fresh_sandbox, env, responses, cfn)
    used = {op for (account, op) in calls if account == REGISTRY}
    body = registry_template(NETWORK, "/", "ZonecutDelegation", "/zonecut/zones", APEX)
    role = body["Resources"]["PublishRole"]["Properties"]
    policy = role["Policies"][0]["PolicyDocument"]
    assert used == {a for s in policy["Statement"] for a in s["Action"]}
    statements = statements_in(policy, REGISTRY)
    arn = f"arn:aws:ssm:us-east-1:{REGISTRY}:parameter"
    for action in sorted(used):
        for name in ("/zonecut/zones/api.dev.example.com", "/zonecut/zones/web.dev.example.com"):
            assert decide(statements, Request(action, arn + name, {})), (action, name)
    assert decide(statements, Request("ssm:GetParameter", arn + APEX, {}))
    for action, name in [("ssm:PutParameter", "/zonecut/owners/api.dev.example.com"),
                         ("ssm:GetParameter", "/other/api.dev.example.com"),
                         ("ssm:GetParametersByPath", "/zonecut/zones"),
                         ("ssm:PutParameter", "/zonecut/zonesx/a")]:
        assert not decide(statements, Request(action, arn + name, {})), (action, name)
    # a parent document outside the prefix: read only
    outside = statements_in(registry_policy("/zonecut/zones", "/teams/example.com"), REGISTRY)
    assert decide(outside, Request("ssm:GetParameter", arn + "/teams/example.com", {}))
    assert not decide(outside, Request("ssm:PutParameter", arn + "/teams/example.com", {}))
    assert role["AssumeRolePolicyDocument"]["Statement"] == [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": {
            "Fn::Sub": f"arn:${{AWS::Partition}}:iam::{NETWORK}:role/zonecut-lambda"}}}]


def test_the_cli_writes_the_registry_template_for_the_role_it_is_given() -> None:
    from test_lambda_deploy import lint
    from typer.testing import CliRunner

    from zonecut.cli.main import app

    runner = CliRunner()
    path_role = f"arn:aws:iam::{REGISTRY}:role/zonecut/Publish"
    made = runner.invoke(app, ["lambda", "template", "--registry", NETWORK,
                               "--ssm-role-arn", path_role, "--parent-parameter", APEX])
    assert made.exit_code == 0, made.output
    body = json.loads(made.stdout)
    assert lint(body) == []
    role = body["Resources"]["PublishRole"]["Properties"]
    assert (role["RoleName"], role["Path"]) == ("Publish", "/zonecut/")
    assert role["Policies"][0]["PolicyDocument"] == registry_policy("/zonecut/zones", APEX)
    for args, words in [
        (["--registry", NETWORK], "--registry needs --ssm-role-arn"),
        (["--registry", NETWORK, "--consumer", NETWORK, "--ssm-role-arn", ROLE],
         "one account's template at a time"),
        (["--registry", "123", "--ssm-role-arn", ROLE], "--registry '123': not a 12-digit"),
        (["--registry", NETWORK, "--ssm-role-arn", ROLE, "--ssm-prefix", ""],
         "ZONECUT_SSM_PREFIX is empty"),
        (["--registry", NETWORK, "--ssm-role-arn", ROLE, "--parent-parameter", "x y"],
         "is not an SSM parameter path"),
    ]:
        result = runner.invoke(app, ["lambda", "template", *args])
        assert result.exit_code == 1, (args, result.output)
        assert words in result.stderr and "Traceback" not in result.output
