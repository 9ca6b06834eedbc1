"""`zonecut verify`: prove every delegation with real DNS queries."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.text import Text

from zonecut.cli.app import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    ConfigOpt,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
    app,
    dns_roots,
    err,
    fail,
    guarded,
    out,
    read_config,
    resolve_target,
    write_file,
)
from zonecut.cli.boundary import EXIT_FINDINGS, EXIT_OK, positive
from zonecut.cli.render import table_view
from zonecut.config.models import Config
from zonecut.names import InvalidName, canonical
from zonecut.runtime import Runtime
from zonecut.verify import (
    DelegationTarget,
    Finding,
    Observations,
    ObservationsFormatError,
    Table,
    VerifyPolicy,
    check,
    exit_code,
    findings_table,
    probe_sync,
    summary,
    to_json,
    to_sarif,
    zones_table,
)
from zonecut.verify.report import catalogue_table


class VerifyOutput(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


def rich_table(table: Table) -> RenderableType:
    return table_view(table.title, table.headers, table.rows)


def policy_for(cfg: Config | None, timeout: float, retries: int, concurrency: int
               ) -> VerifyPolicy:
    if cfg is None:
        return VerifyPolicy(timeout=timeout, retries=retries, concurrency=concurrency)
    ttl = cfg.defaults.ns_ttl_policy
    return VerifyPolicy(ns_ttl_min=ttl.min, ns_ttl_max=ttl.max, timeout=timeout,
                        retries=retries, concurrency=concurrency)


def report(findings: list[Finding], targets: list[DelegationTarget], output: VerifyOutput,
           observations: Observations | None) -> None:
    if output is VerifyOutput.json:
        data = to_json(findings, targets)
        data["summary"]["exit_code"] = EXIT_FINDINGS if exit_code(findings) else EXIT_OK
        if observations is not None:
            data["probe"] = {"queries": observations.stats.queries,
                             "seconds": round(observations.stats.seconds, 3)}
        out.print_json(json.dumps(data))
    elif output is VerifyOutput.sarif:
        out.print_json(json.dumps(to_sarif(findings)))
    else:
        out.print(rich_table(zones_table(findings, targets)))
        if findings:
            out.print(rich_table(findings_table(findings)))
        verdict = summary(findings, targets)
        stats = ""
        if observations is not None:
            stats = (f" ({observations.stats.queries} DNS queries in "
                     f"{observations.stats.seconds:.2f} s)")
        if not findings:
            out.print(Text(f"All {verdict.zones} delegation(s) verified: no finding{stats}.",
                           style="bold green"))
        else:
            counts = ", ".join(f"{n} {sev.value}" for sev, n in verdict.counts if n)
            out.print(f"{verdict.total} finding(s): {counts}{stats}. What each code means "
                      "and how to fix it: zonecut explain CODE")


@app.command()
def verify(
    zones: Annotated[list[str] | None, typer.Argument(
        help="Only these declared zones (default: all).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    root_hints: Annotated[Path | None, typer.Option(
        "--root-hints", help="Root hints file (named.root format); default: the real root "
        "servers, or the sandbox's with --sandbox.")] = None,
    output: Annotated[VerifyOutput, typer.Option(
        "--output", "-o", help="table for people; json or sarif (code scanning) for "
        "machines.")] = VerifyOutput.table,
    save: Annotated[Path | None, typer.Option(
        "--save", help="Save what the probe saw (JSON) for --replay.")] = None,
    replay: Annotated[Path | None, typer.Option(
        "--replay", help="Check saved observations again: no AWS, no DNS.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per DNS query attempt (above 0).",
                                           callback=positive)] = 2.0,
    retries: Annotated[int, typer.Option(help="Retries after a timeout.", min=0)] = 1,
    concurrency: Annotated[int, typer.Option(help="DNS queries in flight.", min=1)] = 64,
    list_codes: Annotated[bool, typer.Option("--list-codes", help="List the finding codes "
                                             "and exit.")] = False,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Prove each delegation with DNS queries from the root down; exit 3 on any finding of
    severity error."""
    if list_codes:
        out.print(rich_table(catalogue_table()))
        return
    if replay is not None:
        try:
            observations = Observations.from_json(replay.read_text())
        except OSError as exc:
            fail(f"cannot read {replay}: {exc.strerror or exc}")
        except (ObservationsFormatError, ValueError) as exc:
            fail(f"{replay}: not zonecut observations: {exc}")
        cfg = read_config(config) if config.exists() else None
        targets = list(observations.targets)
        findings = check(targets, observations, policy_for(cfg, timeout, retries, concurrency))
        report(findings, targets, output, observations)
        raise typer.Exit(EXIT_FINDINGS if exit_code(findings) else EXIT_OK)
    cfg = read_config(config)
    only: list[str] = []
    declared = {z.name for z in cfg.zones}
    for zone in zones or []:
        try:
            name = canonical(zone)
        except InvalidName as exc:
            fail(str(exc))
        if name not in declared:
            fail(f"{zone} is not declared in {config}")
        only.append(name)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    roots, port_map = dns_roots(root_hints, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="verify"))
    targets = guarded(lambda: runtime.verify_targets(only))
    policy = policy_for(cfg, timeout, retries, concurrency)
    observations = probe_sync(targets, roots, policy=policy, port_map=port_map or None)
    if save is not None:
        write_file(save, observations.to_json())
        err.print(f"observations saved to {save}", highlight=False)
    findings = check(targets, observations, policy)
    report(findings, targets, output, observations)
    raise typer.Exit(EXIT_FINDINGS if exit_code(findings) else EXIT_OK)
