"""`zonecut audit`: scan an organisation's Route 53 for broken delegations."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zonecut.audit import (
    DEFAULT_ROLE_NAME,
    AuditAccount,
    AuditFinding,
    DnsCheck,
    Inventory,
    InventoryFormatError,
    OrgTree,
    Scan,
    analyse,
    audit_accesses,
    build_tree,
    dns_checks,
    dns_targets,
    exit_code,
    from_config,
    parse_account_list,
    to_json,
    to_sarif,
    write_config,
)
from zonecut.audit.apex_check import ApexCheck, apex_checks, apex_targets
from zonecut.audit.reader import AccountResult
from zonecut.audit.report import catalogue_table, findings_table, verdict, zones_table
from zonecut.aws.access import AccountAccess
from zonecut.cli.options import (
    DEFAULT_STATE,
    EXIT_FINDINGS,
    EXIT_OK,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
    dns_roots,
    err,
    fail,
    guarded,
    out,
    positive,
    read_config,
    resolve_target,
    write_file,
)
from zonecut.cli.probe_progress import probe_progress, probed
from zonecut.cli.verify_cmd import MaxGluelessOpt, MaxNsOpt, rich_table
from zonecut.config.lines import zone_lines
from zonecut.runtime import Target, account_accesses
from zonecut.verify import (
    ServerAddress,
    VerifyPolicy,
    probe_sync,
)


class Partition(StrEnum):
    aws = "aws"
    aws_cn = "aws-cn"
    aws_us_gov = "aws-us-gov"


class AuditOutput(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


def _split(text: str | None) -> list[str]:
    return [item for item in (text or "").replace(",", " ").split() if item]


def choose_accounts(scan: Scan, *, accounts: str | None, accounts_file: Path | None,
                    config: Path | None, role_name: str | None, profile: str | None,
                    exclude: list[str]) -> tuple[list[AuditAccount], dict[str, AccountAccess]]:
    """The accounts to read and how to reach each, from exactly one source."""
    given = [name for name, value in (("--accounts", accounts),
                                      ("--accounts-file", accounts_file),
                                      ("--config", config)) if value is not None]
    if len(given) > 1:
        fail(f"{' and '.join(given)} both name accounts; give one of them")
    if config is not None:
        cfg = read_config(config)
        chosen = from_config(((k, a.id) for k, a in cfg.accounts.items()), exclude)
        if role_name is None:
            accesses = account_accesses(cfg)
            return chosen, {a.account_id: accesses[a.account_id] for a in chosen}
    elif accounts_file is not None:
        try:
            text = accounts_file.read_text()
        except OSError as exc:
            fail(f"cannot read {accounts_file}: {exc.strerror or exc}")
        chosen = guarded(lambda: parse_account_list(text, str(accounts_file), exclude))
    elif accounts is not None:
        chosen = guarded(lambda: parse_account_list(accounts, "--accounts", exclude))
    else:
        chosen = guarded(lambda: scan.organization_accounts(exclude))
        if not chosen:
            fail("the organisation lists no ACTIVE account to audit; name the accounts "
                 "with --accounts id,name=id, --accounts-file FILE or -c zonecut.yaml"
                 + (" (the sandbox's accounts are those of your config: -c)"
                    if scan.target.sandbox else ""))
    return chosen, audit_accesses(chosen, role_name=role_name or DEFAULT_ROLE_NAME,
                                  profile=profile, partition=scan.partition)


def read_with_progress(scan: Scan, chosen: list[AuditAccount],
                       accesses: dict[str, AccountAccess], quiet: bool) -> Inventory:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=quiet) as progress:
        task = progress.add_task("reading accounts", total=len(chosen))

        def on_account(account: AuditAccount, _: AccountResult) -> None:
            progress.update(task, advance=1, description=f"read {account.key}")

        return guarded(lambda: scan.read(chosen, accesses, on_account))


def check_dns(tree: OrgTree, roots: list[ServerAddress], port_map: dict[str, int],
              policy: VerifyPolicy, *, show: bool = False) -> dict[tuple[str, str], DnsCheck]:
    """The dangling delegations' servers, probed (``show``: progress on a terminal)."""
    targets = dns_targets(tree)
    if not targets:
        return {}
    with probe_progress(err, targets, show=show,
                        describe=probed("probing dangling delegations")) as on_done:
        observations = probe_sync(targets, roots, policy=policy, port_map=port_map or None,
                                  on_done=on_done)
    return dict(dns_checks(tree, targets, observations))


def check_apex(tree: OrgTree, roots: list[ServerAddress], port_map: dict[str, int],
               policy: VerifyPolicy, *, show: bool = False) -> dict[str, ApexCheck]:
    """The servers of apex NS sets that name strays, probed as verify probes a zone."""
    targets = apex_targets(tree)
    if not targets:
        return {}
    with probe_progress(err, targets, show=show,
                        describe=probed("probing stray apex servers")) as on_done:
        observations = probe_sync(targets, roots, policy=policy, port_map=port_map or None,
                                  on_done=on_done)
    return dict(apex_checks(tree, targets, observations))


def report(inventory: Inventory, tree: OrgTree, findings: list[AuditFinding],
           output: AuditOutput, *, artifact: str = "zonecut.yaml", config_text: str = "",
           sarif_info: bool = False) -> None:
    if output is AuditOutput.json:
        data = to_json(inventory, tree, findings)
        # the command's own exit code (the exit-code table), not the library's 0/1
        data["summary"]["exit_code"] = EXIT_FINDINGS if exit_code(findings) else EXIT_OK
        out.print_json(json.dumps(data))
    elif output is AuditOutput.sarif:
        out.print_json(json.dumps(to_sarif(findings, artifact=artifact,
                                           lines=zone_lines(config_text),
                                           include_info=sarif_info)))
    else:
        out.print(rich_table(zones_table(inventory, tree, findings)))
        if findings:
            out.print(rich_table(findings_table(findings, inventory)))
        out.print(verdict(inventory, findings) + ". What each code means and how to fix "
                  "it: zonecut explain CODE")


def audit(
    accounts: Annotated[str | None, typer.Option(
        "--accounts", help="Audit these accounts: ids or name=id, comma separated "
        "(default: every ACTIVE account of the organisation).")] = None,
    accounts_file: Annotated[Path | None, typer.Option(
        "--accounts-file", help="Audit the accounts in this file (id or name=id, one a "
        "line, # comments).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Audit the accounts of this zonecut config, reached as it "
        "says.")] = None,
    role_name: Annotated[str | None, typer.Option(
        "--role-name", help=f"Read-only role assumed in each account (default "
        f"{DEFAULT_ROLE_NAME}; with -c, the config's role).")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="AWS profile for Organizations and to assume the roles.")] = None,
    exclude: Annotated[str | None, typer.Option(
        "--exclude", help="Account ids to leave out, comma separated.")] = None,
    output: Annotated[AuditOutput, typer.Option(
        "--output", "-o", help="table for people; json or sarif (code scanning) for "
        "machines.")] = AuditOutput.table,
    dns: Annotated[bool, typer.Option(
        "--dns", help="Ask the servers of each dangling delegation whether they serve the "
        "zone (real DNS queries).")] = False,
    root_hints: Annotated[Path | None, typer.Option(
        "--root-hints", help="Root hints for --dns (default: the real root servers, or the "
        "sandbox's with --sandbox).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per DNS query attempt (above 0).",
                                           callback=positive)] = 2.0,
    retries: Annotated[int, typer.Option(help="DNS retries after a timeout.", min=0)] = 1,
    max_ns: MaxNsOpt = 16,
    max_glueless: MaxGluelessOpt = 8,
    write_config_to: Annotated[Path | None, typer.Option(
        "--write-config", help="Write a starting zonecut.yaml for the tree found.")] = None,
    save: Annotated[Path | None, typer.Option(
        "--save", help="Save what was read (JSON) for --replay.")] = None,
    graph: Annotated[Path | None, typer.Option(
        "--graph", help="Also draw the tree found; the file's suffix picks the format "
        "(.svg .png .dot .mmd .json, or .html for the report).")] = None,
    replay: Annotated[Path | None, typer.Option(
        "--replay", help="Audit a saved inventory again: no AWS calls.")] = None,
    rate_limit: Annotated[float, typer.Option(
        help="Route 53 requests per second, per account (above 0).",
        callback=positive)] = 5.0,
    max_parallel: Annotated[int, typer.Option(help="Accounts read at the same time.",
                                              min=1)] = 8,
    list_codes: Annotated[bool, typer.Option("--list-codes", help="List the audit finding "
                                             "codes and exit.")] = False,
    sarif_info: Annotated[bool, typer.Option(
        "--sarif-info", help="Keep info-level results in SARIF (left out by default).")
    ] = False,
    partition: Annotated[Partition, typer.Option(
        "--partition", help="AWS partition of the accounts (role ARNs, home region); with "
        "-c, the config's.")] = Partition.aws,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Scan an organisation's hosted zones for dangling, partial, orphan, duplicate and
    grandparent delegations; exit 3 on any finding of severity error."""
    if list_codes:
        out.print(rich_table(catalogue_table()))
        return
    if replay is not None:
        try:
            inventory = Inventory.from_json(replay.read_text())
        except OSError as exc:
            fail(f"cannot read {replay}: {exc.strerror or exc}")
        except InventoryFormatError as exc:
            fail(f"{replay}: not a zonecut audit inventory: {exc}")
    else:
        target: Target = resolve_target(endpoint_url, sandbox, state_dir)
        part = partition.value
        if config is not None and partition is Partition.aws \
                and accounts is None and accounts_file is None:  # else: refused below
            part = read_config(config).defaults.access.partition
        scan = Scan(target, profile=profile, rate_limit=rate_limit, max_workers=max_parallel,
                    partition=part)
        chosen, accesses = choose_accounts(
            scan, accounts=accounts, accounts_file=accounts_file, config=config,
            role_name=role_name, profile=profile, exclude=_split(exclude))
        inventory = read_with_progress(scan, chosen, accesses,
                                       quiet=output is not AuditOutput.table)
        # Chosen accounts (-c, --accounts, --accounts-file) are not the whole organisation:
        # a delegation to a zone none of them holds is unverified, not dangling.
        chosen_by_hand = accounts is not None or accounts_file is not None or config is not None
        inventory = replace(inventory, whole_organisation=not chosen_by_hand)
        if save is not None:
            write_file(save, inventory.to_json())
            err.print(f"inventory saved to {save}", highlight=False)
    tree = build_tree(inventory)
    checks: dict[tuple[str, str], DnsCheck] | None = None
    apex: dict[str, ApexCheck] | None = None
    if dns:
        roots, port_map = dns_roots(root_hints, sandbox, state_dir)
        policy = VerifyPolicy(timeout=timeout, retries=retries, max_ns_per_referral=max_ns,
                              max_glueless=max_glueless)
        if sandbox and root_hints is None:
            policy = replace(policy, address_scope="loopback")  # nothing leaves the machine
        show = output is AuditOutput.table  # and only on a terminal (probe_progress)
        checks = check_dns(tree, roots, port_map, policy, show=show)
        apex = check_apex(tree, roots, port_map, policy, show=show)
    findings = analyse(inventory, checks, tree, apex_dns=apex)
    # SARIF results point at the config declaring each zone: -c, else the one written.
    base = read_config(config) if config is not None else None
    text = guarded(lambda: write_config(
        inventory, tree, base=base, partition=partition.value)) if write_config_to else ""
    artifact = str(config or write_config_to or "zonecut.yaml")
    config_text = text
    if config is not None:
        try:
            config_text = config.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            config_text = ""
    if graph is not None:
        from zonecut.cli.graph_cmd import draw_audit  # the picture, before the verdict

        draw_audit(inventory, tree, findings, graph)
    report(inventory, tree, findings, output, artifact=artifact, config_text=config_text,
           sarif_info=sarif_info)
    if write_config_to is not None:
        write_file(write_config_to, text)
        err.print(f"config written to {write_config_to}; review it with `zonecut plan -c "
                  f"{write_config_to}`", highlight=False)
    raise typer.Exit(EXIT_FINDINGS if exit_code(findings) else EXIT_OK)
