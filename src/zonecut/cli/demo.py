"""`zonecut demo`: the sandbox, the example organisation, plan, apply, tree, verify, and
the picture and report of it."""

from __future__ import annotations

from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.rule import Rule

from zonecut.aws.by_hand import create_existing_zone, upsert_a_record
from zonecut.cli.changes import run_apply
from zonecut.cli.demo_dnssec import chain_of_trust, signed_zones
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
from zonecut.config.document import Config
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
    dnssec: Annotated[bool, typer.Option(
        "--dnssec/--no-dnssec", help="Sign the tree (dnssec: true in defaults, for a config "
        "that does not set dnssec itself) and prove the chain of trust from the sandbox "
        "root.")] = True,
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
    if dnssec and (signed_cfg := signed_by_default(cfg)) is not cfg:
        cfg = signed_cfg
        err.print(f"signing every zone of {config} (dnssec: true in defaults; --no-dnssec "
                  "leaves DNSSEC alone)", highlight=False, markup=False)
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
            guarded(partial(create_existing_zone, sandbox.endpoint_url, account.id, zone.name))
        out.print(Rule("plan and apply"))
        runtime = Runtime(cfg, target, purpose="demo")
        run_apply(runtime, cfg, yes=True, output=Output.table)
        # Like a registrar: the TLD delegates each root zone to its Route 53 servers.
        readback = Runtime(cfg, target, purpose="demo")
        plan = guarded(readback.plan)
        root_ds = guarded(readback.root_ds)  # a signed root's DS, as its registrar publishes
        for zone_change in plan.zones:
            if zone_change.parent is None:
                sandbox.register(zone_change.name, zone_change.name_servers,
                                 root_ds.get(zone_change.name, ()))
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
        guarded(partial(upsert_a_record, sandbox.endpoint_url, account.id, deepest.name, record,
                        "192.0.2.80"))
        answer = resolve_sync(record, "A", roots, port_map=port_map)
        out.print(Rule(f"resolve {record} from the root"))
        if not answer.ok:
            fail(f"{record} did not resolve: {answer.error or answer.outcome}")
        out.print(f"{record} A {', '.join(answer.addresses)}  (authoritative answer from "
                  f"{answer.server}; path: {' -> '.join(answer.hops)})", highlight=False)
        chain_secure = True
        signed = signed_zones(readback.tree)
        if signed:
            out.print(Rule("DNSSEC: the chain of trust from the sandbox root's trust anchor"))
            chain = chain_of_trust(signed, roots, info.trust_anchor)
            chain_secure = chain.secure
            for line in chain.lines():
                out.print(line, highlight=False, markup=False, soft_wrap=True)
        out.print(Rule("the picture and the report"))
        drawn = from_verify(targets, findings, account_keys=keys, unmanaged=plan.unmanaged,
                            plan=plan_lines(plan), title=title_for(targets, len(cfg.accounts)))
        for what, path in write_pictures(drawn, out_dir):
            out.print(f"{what}: {path}", highlight=False, markup=False)
        if exit_code(findings) or not chain_secure:
            raise typer.Exit(EXIT_FINDINGS)


def signed_by_default(cfg: Config) -> Config:
    """``cfg`` with ``dnssec: true`` in its defaults, unless it sets dnssec anywhere
    itself (then it is used as it is)."""
    if cfg.defaults.dnssec is not None or any(z.dnssec is not None for z in cfg.zones):
        return cfg
    return cfg.model_copy(update={"defaults": cfg.defaults.model_copy(update={"dnssec": True})})

