"""`zonecut verify`: prove every delegation with real DNS queries."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import RenderableType
from rich.text import Text

from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    EXIT_FINDINGS,
    EXIT_OK,
    ConfigOpt,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
    dns_roots,
    err,
    guarded,
    out,
    positive,
    read_config,
    resolve_target,
    write_file,
)
from zonecut.cli.probe_progress import probe_progress
from zonecut.cli.render import table_view
from zonecut.cli.verify_dnssec import (
    declared_signing,
    dnssec_findings,
    read_signing,
    trust_anchors,
)
from zonecut.cli.verify_registrar import registrar_findings
from zonecut.config.document import Config
from zonecut.config.lines import zone_lines
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

MaxNsOpt = Annotated[int, typer.Option(
    "--max-ns", min=1, help="NS names followed per referral (at least 1); a referral "
    "that lists more is PROBE_LIMIT.")]
MaxGluelessOpt = Annotated[int, typer.Option(
    "--max-glueless", min=1, help="Servers without glue looked up per referral (at least "
    "1); more is PROBE_LIMIT.")]


class VerifyOutput(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7f, 0xa0))}


def clean(text: str) -> str:
    """``text`` safe for a terminal: control characters (ESC and the rest of C0/C1,
    which carry terminal escape sequences) shown as ``\\xNN``. Everything verify prints
    from a DNS answer or a replayed file goes through here, and is printed as text,
    never as rich markup."""
    return text.translate(_CONTROL)


def rich_table(table: Table) -> RenderableType:
    return table_view(clean(table.title), [clean(h) for h in table.headers],
                      [[clean(cell) for cell in row] for row in table.rows])


def fail_text(message: str) -> NoReturn:
    """``error: message`` on one line, the message as text (escapes shown); exit 1."""
    err.print(Text.assemble(("error: ", "bold red"), clean(" ".join(message.splitlines()))))
    raise typer.Exit(1)


def fail_replay(replay: Path, why: str) -> NoReturn:
    """One line naming the file and what is wrong in it."""
    fail_text(f"{replay}: not zonecut observations: {why}")


def policy_for(cfg: Config | None, timeout: float, retries: int, concurrency: int,
               deadline: float = 600.0, zone_deadline: float = 120.0, *,
               max_ns: int = 16, max_glueless: int = 8) -> VerifyPolicy:
    policy = VerifyPolicy(timeout=timeout, retries=retries, concurrency=concurrency,
                          deadline=deadline, zone_deadline=min(zone_deadline, deadline),
                          max_ns_per_referral=max_ns, max_glueless=max_glueless)
    if cfg is None:
        return policy
    ttl = cfg.defaults.ns_ttl_policy
    return replace(policy, ns_ttl_min=ttl.min, ns_ttl_max=ttl.max)


def report(findings: list[Finding], targets: list[DelegationTarget], output: VerifyOutput,
           observations: Observations | None, *, config: Path | None = None,
           sarif_info: bool = False) -> None:
    if output is VerifyOutput.json:
        data = to_json(findings, targets)
        data["summary"]["exit_code"] = EXIT_FINDINGS if exit_code(findings) else EXIT_OK
        if observations is not None:
            data["probe"] = {"queries": observations.stats.queries,
                             "seconds": round(observations.stats.seconds, 3)}
        out.print_json(json.dumps(data))
    elif output is VerifyOutput.sarif:
        text = ""
        if config is not None:
            try:
                text = config.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
        out.print_json(json.dumps(to_sarif(
            findings, artifact=str(config or "zonecut.yaml"), lines=zone_lines(text),
            include_info=sarif_info)))
    else:
        out.print(rich_table(zones_table(findings, targets)))
        if findings:
            out.print(rich_table(findings_table(findings)))
        verdict = summary(findings, targets)
        stats = ""
        if observations is not None:
            stats = (f" ({observations.stats.queries} DNS queries in "
                     f"{observations.stats.seconds:.2f} s)")
        if not findings and verdict.zones_verified == verdict.zones:
            out.print(Text(f"All {verdict.zones} delegation(s) verified: no finding{stats}.",
                           style="bold green"))
        else:
            counts = ", ".join(f"{n} {sev.value}" for sev, n in verdict.counts if n)
            out.print(f"{verdict.zones_verified} of {verdict.zones} delegation(s) verified; "
                      f"{verdict.total} finding(s): {counts or 'none'}{stats}. What each code "
                      "means and how to fix it: zonecut explain CODE", highlight=False)


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
    concurrency: Annotated[int, typer.Option(help="Most DNS queries in flight.", min=1)] = 64,
    deadline: Annotated[float, typer.Option(
        min=0.1, help="Seconds for the whole run; zones not done by then get "
        "DEADLINE_EXCEEDED.")] = 600.0,
    zone_deadline: Annotated[float, typer.Option(
        min=0.1, help="Seconds for one zone's checks.")] = 120.0,
    max_ns: MaxNsOpt = 16,
    max_glueless: MaxGluelessOpt = 8,
    list_codes: Annotated[bool, typer.Option("--list-codes", help="List the finding codes "
                                             "and exit.")] = False,
    sarif_info: Annotated[bool, typer.Option(
        "--sarif-info", help="Keep info-level results in SARIF (left out by default).")
    ] = False,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
    dnssec: Annotated[bool, typer.Option(
        "--dnssec", help="Also prove each zone's DNSSEC chain of trust (DS, DNSKEY, "
        "signatures) from the root's trust anchor (the sandbox's with --sandbox); see "
        "docs/dnssec.md.")] = False,
    trust_anchor: Annotated[Path | None, typer.Option(
        "--trust-anchor", help="Root DS trust anchors for --dnssec, one '. IN DS ...' a "
        "line (default: the real root's, or the sandbox's with --sandbox).")] = None,
) -> None:
    """Prove each delegation with DNS queries from the root down; exit 3 on any finding of
    severity error."""
    if list_codes:
        out.print(rich_table(catalogue_table()))
        return
    if dnssec and replay is not None:
        fail_text("--dnssec asks the DNS itself: it cannot be combined with --replay")
    if replay is not None:
        try:
            observations = Observations.from_json(replay.read_text(encoding="utf-8"))
        except OSError as exc:
            fail_replay(replay, f"cannot read it: {exc.strerror or exc}")
        except UnicodeDecodeError as exc:
            fail_replay(replay, f"not UTF-8 text (byte {exc.start})")
        except (ObservationsFormatError, ValueError, RecursionError) as exc:
            fail_replay(replay, str(exc) or type(exc).__name__)
        cfg = read_config(config) if config.exists() else None
        targets = list(observations.targets)
        policy = policy_for(cfg, timeout, retries, concurrency, deadline, zone_deadline,
                            max_ns=max_ns, max_glueless=max_glueless)
        findings = check(targets, observations, policy)
        report(findings, targets, output, observations,
               config=config if cfg is not None else None, sarif_info=sarif_info)
        raise typer.Exit(EXIT_FINDINGS if exit_code(findings) else EXIT_OK)
    cfg = read_config(config)
    only: list[str] = []
    declared = {z.name for z in cfg.zones}
    for zone in zones or []:
        try:
            name = canonical(zone)
        except InvalidName as exc:
            fail_text(str(exc))
        if name not in declared:
            fail_text(f"{zone} is not declared in {config}")
        only.append(name)
    # Sandbox info naming a server off loopback is refused (SandboxInfoRefused).
    target = guarded(lambda: resolve_target(endpoint_url, sandbox, state_dir))
    roots, port_map = guarded(lambda: dns_roots(root_hints, sandbox, state_dir))
    runtime = guarded(lambda: Runtime(cfg, target, purpose="verify"))
    targets = guarded(lambda: runtime.verify_targets(only))
    policy = policy_for(cfg, timeout, retries, concurrency, deadline, zone_deadline,
                        max_ns=max_ns, max_glueless=max_glueless)
    if sandbox and root_hints is None:
        policy = replace(policy, address_scope="loopback")  # nothing leaves the machine
    with probe_progress(err, targets, show=output is VerifyOutput.table) as on_done:
        observations = probe_sync(targets, roots, policy=policy, port_map=port_map or None,
                                  on_done=on_done)
    if save is not None:
        write_file(save, observations.to_json())
        err.print(clean(f"observations saved to {save}"), markup=False, highlight=False)
    findings = check(targets, observations, policy)
    findings = sorted([*findings, *guarded(lambda: registrar_findings(runtime, targets))],
                      key=lambda f: f.sort_key)
    if dnssec:
        try:
            anchors = trust_anchors(trust_anchor, sandbox, state_dir)
        except ValueError as exc:
            fail_text(str(exc))
        dnssec_set = declared_signing(runtime.tree)
        api = guarded(lambda: read_signing(targets, dnssec_set, runtime.fleet,
                                           max_workers=runtime.max_workers))
        findings = sorted([*findings, *dnssec_findings(
            targets, roots, timeout=timeout, scope=policy.address_scope, anchors=anchors,
            api=api, declared=dnssec_set)], key=lambda f: f.sort_key)
    report(findings, targets, output, observations, config=config, sarif_info=sarif_info)
    raise typer.Exit(EXIT_FINDINGS if exit_code(findings) else EXIT_OK)
