"""`zonecut demo`: the sandbox, the example organisation, plan, apply, tree, verify."""

from __future__ import annotations

from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.rule import Rule

from zonecut.cli.app import (
    Output,
    account_keys,
    app,
    err,
    fail,
    guarded,
    out,
    read_config,
    run_apply,
    tree_for,
)
from zonecut.runtime import Runtime, Target

DEMO_CONFIG = Path("examples/org.yaml")


def example_text() -> str:
    return resources.files("zonecut").joinpath("examples/org.yaml").read_text()


@app.command()
def demo(
    config: Annotated[Path, typer.Option("--config", "-c", help="The organisation to build "
                                         "(written from the packaged example when missing).")]
    = DEMO_CONFIG,
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
        roots = [z for z in cfg.zones if z.root]
        for zone in roots:
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
        _ = keys


def _precreate(sandbox: object, account_id: str, name: str) -> None:
    """Create ``name`` in ``account_id`` by hand, as an organisation's existing apex."""
    import boto3

    from zonecut.sandbox import Sandbox

    assert isinstance(sandbox, Sandbox)
    base = boto3.Session(aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
                         region_name="us-east-1")
    creds = base.client("sts", endpoint_url=sandbox.endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/ZonecutDelegation",
        RoleSessionName="zonecut-demo-setup")["Credentials"]
    r53 = boto3.client("route53", endpoint_url=sandbox.endpoint_url, region_name="us-east-1",
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    r53.create_hosted_zone(Name=name, CallerReference=f"existing-{name}")
