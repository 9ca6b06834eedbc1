"""The SSM handoff: the parent's zonecut publishes zone details, a child's zonecut reads
its parent from there (through a read-only role) and delegates itself."""

from __future__ import annotations

import json

from child_support import DEV, NETWORK, PRINCIPAL, PROD, config, rrsets, runtime

from sandbox_fixtures import session_for
from zonecut.apply.ssm_publish import ZoneDocument
from zonecut.names import normalize
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.verify.resolve import resolve_sync

PARENT = f"""\
version: 1
defaults:
  rate_limit: 200
  ssm: {{publish: true}}
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
accounts:
  network: {{id: "{NETWORK}"}}
  prod: {{id: "{PROD}"}}
zones:
  - {{name: example.com, account: network, root: true}}
  - {{name: prod.example.com, account: prod}}
"""

CHILD = f"""\
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation}}
accounts:
  network: {{id: "{NETWORK}"}}
  dev: {{id: "{DEV}"}}
zones:
  - name: dev.example.com
    account: dev
    ns_ttl: 900
    parent_from_ssm:
      account: network
      parameter: /zonecut/zones/example.com
      role_arn: "arn:aws:iam::{NETWORK}:role/ZonecutReadZones"
"""


def apply_everything(rt: Runtime) -> None:
    plan = rt.plan()
    result = rt.apply(plan)
    child = rt.plan_child_resources(plan)
    rt.apply_child_resources(child, plan, result)


def test_publish_then_a_child_reads_its_parent_and_delegates_itself(
        fresh_sandbox: Sandbox) -> None:
    parent_rt = runtime(fresh_sandbox, config(PARENT))
    first = parent_rt.plan_child_resources(parent_rt.plan())
    assert [p.name for p in first.ssm.publications if p.changes] == [
        "/zonecut/zones/example.com", "/zonecut/zones/prod.example.com"]
    apply_everything(parent_rt)
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    published = ZoneDocument.from_json(
        ssm.get_parameter(Name="/zonecut/zones/prod.example.com")["Parameter"]["Value"], "test")
    assert (published.name, published.account_id, published.parent,
            published.parent_account_id) == ("prod.example.com", PROD, "example.com", NETWORK)
    assert len(published.name_servers) == 4
    root = json.loads(ssm.get_parameter(Name="/zonecut/zones/example.com")["Parameter"]["Value"])
    fresh_sandbox.register("example.com", root["name_servers"])
    # published once: a second run writes nothing
    again = runtime(fresh_sandbox, config(PARENT))
    assert not again.plan_child_resources(again.plan()).has_changes

    child_rt = runtime(fresh_sandbox, config(CHILD))
    plan = child_rt.plan()
    assert [(z.name, z.parent) for z in plan.zones] == [("dev.example.com", None)]
    assert plan.ns_changes == ()
    child = child_rt.plan_child_resources(plan)
    assert child.lines() == [
        f"dev.example.com: create NS in example.com (account {NETWORK}; parent read from "
        "/zonecut/zones/example.com)"]
    fresh_sandbox.reset_calls()
    result = child_rt.apply(plan)
    done = child_rt.apply_child_resources(child, plan, result)
    assert done.ssm.delegated == ["dev.example.com"]
    assert fresh_sandbox.calls().get((NETWORK, "ChangeResourceRecordSets")) == 1
    network = session_for(fresh_sandbox, NETWORK).client("route53")
    (ns,) = [r for r in rrsets(network, "example.com")
             if r["Type"] == "NS" and normalize(r["Name"]) == "dev.example.com"]
    servers = sorted(normalize(v["Value"]) for v in ns["ResourceRecords"])
    assert servers == sorted(result.created["dev.example.com"].name_servers)
    assert ns["TTL"] == 900
    # the delegation works through the DNS, from the root
    info = fresh_sandbox.info
    answer = resolve_sync("dev.example.com", "SOA", info.root_hints,
                          port_map={s.address: s.port for s in info.servers.values()})
    assert answer.hops == (".", "com", "example.com", "dev.example.com")
    assert answer.authoritative
    # and a second run of the child changes nothing
    rerun = runtime(fresh_sandbox, config(CHILD))
    assert not rerun.plan_child_resources(rerun.plan()).has_changes


def test_a_missing_or_foreign_parameter_is_a_problem_not_a_guess(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(CHILD))
    child = rt.plan_child_resources(rt.plan())
    assert child.problems == (
        f"dev.example.com: parameter /zonecut/zones/example.com in account network ({NETWORK}) "
        "does not exist; the parent's zonecut publishes it with defaults.ssm.publish",)
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    document = ZoneDocument("badexample.com", "Z1", NETWORK, ("ns1.example.org",))
    ssm.put_parameter(Name="/zonecut/zones/example.com", Value=document.to_json(),
                      Type="String")
    child = rt.plan_child_resources(rt.plan())
    assert child.problems == (
        f"dev.example.com: parameter /zonecut/zones/example.com in account network ({NETWORK}) "
        "describes badexample.com, which is not above dev.example.com (zones nest on label "
        "boundaries)",)
    moved = ZoneDocument("example.com", "Z1", DEV, ("ns1.example.org",))
    ssm.put_parameter(Name="/zonecut/zones/example.com", Value=moved.to_json(),
                      Type="String", Overwrite=True)
    # the document names another declared account: the zone is looked for there, and
    # must exist under that id (tests/child/test_handoff_nested.py: the nested case)
    assert rt.plan_child_resources(rt.plan()).problems == (
        f"dev.example.com: parameter /zonecut/zones/example.com in account network ({NETWORK}) "
        f"names zone Z1 in account dev ({DEV}), which does not exist there; nothing was "
        "changed",)


def test_an_advanced_parameter_is_overwritten_in_its_tier(fresh_sandbox: Sandbox) -> None:
    # the sandbox refuses Advanced -> Standard as SSM does (test_sandbox_model_rules.py)
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/zonecut/zones/prod.example.com", Value="{}", Type="String",
                      Tier="Advanced")
    apply_everything(runtime(fresh_sandbox, config(PARENT)))
    described = {p["Name"]: p["Tier"] for p in ssm.describe_parameters()["Parameters"]}
    assert described == {"/zonecut/zones/example.com": "Standard",
                         "/zonecut/zones/prod.example.com": "Advanced"}
    published = ZoneDocument.from_json(
        ssm.get_parameter(Name="/zonecut/zones/prod.example.com")["Parameter"]["Value"], "test")
    assert published.name == "prod.example.com"


def test_the_handoff_region_is_one_for_every_account(fresh_sandbox: Sandbox) -> None:
    # an account's own region (for STS) does not move its parameters
    text = PARENT.replace(f'prod: {{id: "{PROD}"}}', f'prod: {{id: "{PROD}", region: eu-west-1}}')
    text = text.replace("  - {name: prod.example.com, account: prod}",
                        "  - {name: prod.example.com, account: prod}\n"
                        "  - {name: x.prod.example.com, account: network}")
    apply_everything(runtime(fresh_sandbox, config(text)))
    session = session_for(fresh_sandbox, PROD)
    home = session.client("ssm", region_name="us-east-1")
    assert [p["Name"] for p in home.describe_parameters()["Parameters"]] == [
        "/zonecut/zones/x.prod.example.com"]
    assert session.client("ssm", region_name="eu-west-1").describe_parameters()[
        "Parameters"] == []
    # configured: every parameter in that region
    fresh_sandbox.reset()
    apply_everything(runtime(fresh_sandbox, config(
        text.replace("ssm: {publish: true}", "ssm: {publish: true, region: eu-central-1}"))))
    moved = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="eu-central-1")
    assert sorted(p["Name"] for p in moved.describe_parameters()["Parameters"]) == [
        "/zonecut/zones/example.com", "/zonecut/zones/prod.example.com"]
