"""`zonecut demo`: the sandbox, the example organisation, plan, apply, tree, verify, and
the picture and report of it."""

from __future__ import annotations

from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.rule import Rule

from zonecut.cli.changes import run_apply
from zonecut.cli.graph_cmd import title_for, write_pictures
from zonecut.cli.options import (
    EXIT_FINDINGS,
    Output,
    account_keys,
    err,
    fail,
    guarded,
    out,
    read_config,
)
from zonecut.cli.tree_cmd import tree_for
from zonecut.cli.verify_cmd import VerifyOutput, policy_for, report
from zonecut.graph import from_verify, plan_lines
from zonecut.runtime import Runtime, Target
from zonecut.verify import ServerAddress, check, exit_code, probe_sync
from zonecut.verify.resolve import resolve_sync

DEMO_CONFIG = Path("examples/org.yaml")
DEMO_OUT = Path("build/demo")


def example_text() -> str:
    return resources.files("zonecut").joinpath("examples/org.yaml").read_text()


def demo(
    config: Annotated[Path, typer.Option("--config", "-c", help="The organisation to build "
                                         "(written from the packaged example when missing).")]
    = DEMO_CONFIG,
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", help="Where the demo writes the picture and the report.")] = DEMO_OUT,
) -> None:
    """Start the sandbox, build the example organisation, verify it with DNS. No real AWS."""
    try:
        from zonecut.sandbox import Sandbox
    except ImportError:
        fail("the demo needs the `sandbox` extra: pip install 'zonecut[sandbox]'")
    if not config.exists():
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(example_text())
        err.print(f"wrote {config}")
    cfg = read_config(config)
    keys = account_keys(cfg)
    with Sandbox() as sandbox:
        info = sandbox.info
        out.print(Rule("sandbox"))
        out.print(f"emulated AWS at {info.endpoint_url}; DNS root "
                  f"{info.root_hints[0].address}:{info.root_hints[0].port}; "
                  f"{len(cfg.accounts)} accounts", highlight=False)
        target = Target(endpoint_url=sandbox.endpoint_url, sandbox=True)
        # The organisation already has its apex zone: zonecut adopts it.
        root_zones = [z for z in cfg.zones if z.root]
        for zone in root_zones:
            account = cfg.account(zone.account)
            assert account is not None
            guarded(partial(_precreate, sandbox, account.id, zone.name))
        out.print(Rule("plan and apply"))
        runtime = Runtime(cfg, target, purpose="demo")
        run_apply(runtime, cfg, yes=True, output=Output.table)
        # Like a registrar: the TLD delegates each root zone to its Route 53 servers.
        readback = Runtime(cfg, target, purpose="demo")
        plan = guarded(readback.plan)
        for zone_change in plan.zones:
            if zone_change.parent is None:
                sandbox.register(zone_change.name, zone_change.name_servers)
        out.print(Rule("the tree in Route 53"))
        out.print(tree_for(readback, cfg))
        if plan.has_changes:
            fail("a second plan still shows changes: apply did not converge")
        out.print("Second plan: no changes.")
        out.print(Rule("verify: DNS queries from the sandbox's root down"))
        roots = [ServerAddress(h.name, h.address, h.port) for h in info.root_hints]
        port_map = {s.address: s.port for s in sandbox.info.servers.values()}
        targets = guarded(readback.verify_targets)
        policy = policy_for(cfg, 2.0, 1, 64)
        observations = probe_sync(targets, roots, policy=policy, port_map=port_map)
        findings = check(targets, observations, policy)
        report(findings, targets, VerifyOutput.table, observations)
        deepest = max(cfg.zones, key=lambda z: z.name.count("."))
        account = cfg.account(deepest.account)
        assert account is not None
        record = f"www.{deepest.name}"
        guarded(partial(_add_record, sandbox, account.id, deepest.name, record, "192.0.2.80"))
        answer = resolve_sync(record, "A", roots, port_map=port_map)
        out.print(Rule(f"resolve {record} from the root"))
        if not answer.ok:
            fail(f"{record} did not resolve: {answer.error or answer.outcome}")
        out.print(f"{record} A {', '.join(answer.addresses)}  (authoritative answer from "
                  f"{answer.server}; path: {' -> '.join(answer.hops)})", highlight=False)
        out.print(Rule("the picture and the report"))
        drawn = from_verify(targets, findings, account_keys=keys, unmanaged=plan.unmanaged,
                            plan=plan_lines(plan), title=title_for(targets, len(cfg.accounts)))
        for what, path in write_pictures(drawn, out_dir):
            out.print(f"{what}: {path}", highlight=False, markup=False)
        if exit_code(findings):
            raise typer.Exit(EXIT_FINDINGS)


def _route53_in(sandbox: object, account_id: str) -> Any:
    import boto3

    from zonecut.sandbox import Sandbox

    assert isinstance(sandbox, Sandbox)
    base = boto3.Session(aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
                         region_name="us-east-1")
    creds = base.client("sts", endpoint_url=sandbox.endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/ZonecutDelegation",
        RoleSessionName="zonecut-demo-setup")["Credentials"]
    return boto3.client("route53", endpoint_url=sandbox.endpoint_url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def _precreate(sandbox: object, account_id: str, name: str) -> None:
    """Create ``name`` in ``account_id`` by hand, as an organisation's existing apex."""
    _route53_in(sandbox, account_id).create_hosted_zone(Name=name,
                                                        CallerReference=f"existing-{name}")


def _add_record(sandbox: object, account_id: str, zone: str, name: str, address: str) -> None:
    """What the child account does with its zone: a record nobody else had to approve."""
    r53 = _route53_in(sandbox, account_id)
    zone_id = next(z["Id"] for z in r53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"]
                   if z["Name"].rstrip(".") == zone)
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": address}]}}]})
