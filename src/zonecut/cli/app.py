"""zonecut's command line (typer). Every user error ends in a message and a non-zero exit."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from zonecut import __version__
from zonecut.apply.certificates import DnsView
from zonecut.apply.executor import ApplyEvent
from zonecut.apply.records import ChildPlan
from zonecut.cli.boundary import (
    EXIT_CHANGES,
    EXIT_CODES_HELP,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ZonecutGroup,
    debugging,
    err,
    error_line,
    fail,
    labelled,
    out,
    set_debug,
    show_config_error,
    usage_error,
)
from zonecut.cli.dnssec_text import dnssec_data, dnssec_summary
from zonecut.cli.render import event_words, plan_summary, plan_view, tree_view
from zonecut.config.errors import ConfigError
from zonecut.config.loader import load_config
from zonecut.config.models import Config
from zonecut.errors import ZonecutError
from zonecut.names import InvalidName, canonical
from zonecut.plan.changes import Plan
from zonecut.plan.saved import SavedPlan, differences
from zonecut.runtime import Runtime, Target
from zonecut.verify import ROOT_SERVERS, RootHintsError, ServerAddress, load_root_hints

app = typer.Typer(
    name="zonecut",
    cls=ZonecutGroup,
    help="Share one DNS domain across many AWS accounts: plan, apply and verify Route 53 "
    "delegations from one file.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


class Output(StrEnum):
    table = "table"
    json = "json"


ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="The zonecut config file.",
                                         envvar="ZONECUT_CONFIG")]
EndpointOpt = Annotated[str | None, typer.Option(
    "--endpoint-url", help="Send AWS calls to this endpoint (also AWS_ENDPOINT_URL).")]
SandboxOpt = Annotated[bool, typer.Option(
    "--sandbox", help="Use the sandbox started by `zonecut sandbox up` (no real AWS).")]
StateDirOpt = Annotated[Path, typer.Option("--state-dir", help="Where the sandbox keeps its "
                                           "state file.", envvar="ZONECUT_STATE_DIR")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="table for people, json "
                                           "for machines.")]

DEFAULT_CONFIG = Path("zonecut.yaml")
DEFAULT_STATE = Path(".zonecut")


def version_callback(value: bool) -> None:
    if value:
        out.print(f"zonecut {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an error (also ZONECUT_DEBUG=1).")] = False,
    show_version: Annotated[bool, typer.Option(
        "--version", help="Print zonecut's version and exit.", is_eager=True,
        callback=version_callback)] = False,
) -> None:
    """Share one DNS domain across many AWS accounts: plan, apply and verify Route 53
    delegations from one file."""
    set_debug(debug)


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; turn user errors into a message and exit 1 (no traceback).
    (The same as the boundary in zonecut.cli.boundary does for a whole command; kept
    for the places that must stop at once, before anything else is printed.)"""
    if debugging():
        return action()
    try:
        return action()
    except ConfigError as exc:
        show_config_error(exc)
        raise typer.Exit(EXIT_ERROR) from None
    except ZonecutError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to finish (zonecut is idempotent)",
             EXIT_INTERRUPTED)


def read_config(path: Path) -> Config:
    return guarded(lambda: load_config(path))


def resolve_target(endpoint_url: str | None, sandbox: bool, state_dir: Path) -> Target:
    if sandbox:
        from zonecut.sandbox.process import status as sandbox_status  # the sandbox extra

        info = sandbox_status(state_dir)
        if info is None:
            fail(f"no sandbox is running (state dir {state_dir}); start one with "
                 "`zonecut sandbox up`")
        return Target(endpoint_url=info.endpoint_url, sandbox=True)
    if endpoint_url:
        check_endpoint(endpoint_url, "--endpoint-url", EXIT_USAGE)
        return Target(endpoint_url=endpoint_url)
    url = os.environ.get("AWS_ENDPOINT_URL") or None
    if url is not None:
        check_endpoint(url, "AWS_ENDPOINT_URL", EXIT_ERROR)
    return Target(endpoint_url=url)


def check_endpoint(url: str, source: str, code: int) -> None:
    """Refuse an endpoint that is no http(s) URL before any AWS client sees it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError as exc:
        fail(f"{source} {url!r} is not a URL ({exc}); give one like http://127.0.0.1:5000",
             code)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        fail(f"{source} {url!r} is not an http(s) URL with a host; give one like "
             "http://127.0.0.1:5000", code)


def account_keys(config: Config) -> dict[str, str]:
    return {account.id: key for key, account in config.accounts.items()}


PruneOpt = Annotated[bool, typer.Option(
    "--prune", help="Also tear down delegated zones the config no longer declares "
    "(needs --allow-delete to apply).")]
AllowDeleteOpt = Annotated[bool, typer.Option(
    "--allow-delete", help="Permit deleting delegations and hosted zones.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def config_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def make_plan(runtime: Runtime, *, prune: bool, destroy: Sequence[str] = ()) -> Plan:
    accounts = len({z.account_id for z in runtime.tree.zones})
    with err.status(f"reading Route 53: {len(runtime.tree.zones)} zone(s) in {accounts} "
                    "account(s)"):
        if destroy:
            return guarded(lambda: runtime.plan_destroy(list(destroy)))
        if prune:
            return guarded(runtime.plan_with_prune)
        return guarded(runtime.plan)


@app.command()
def plan(
    config: ConfigOpt = DEFAULT_CONFIG,
    output: OutputOpt = Output.table,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 2 when changes are "
                                            "pending, 0 when none.")] = False,
    prune: PruneOpt = False,
    save: Annotated[Path | None, typer.Option("--save", help="Save the plan; `apply --plan "
                                              "FILE` applies exactly it.")] = None,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="List every zone, also in accounts with no changes.")] = False,
) -> None:
    """Show what apply would change, account by account. Changes nothing."""
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="plan"))
    the_plan = make_plan(runtime, prune=prune)
    child = guarded(lambda: runtime.plan_child_resources(the_plan))
    show_plan(the_plan, cfg, output, child, verbose=verbose)
    if save is not None:
        saved = SavedPlan(mode="apply", prune=prune, zones=(),
                          config_sha256=config_digest(config), plan=the_plan.data())
        write_file(save, saved.to_json())
        again = rerun_flags(config, endpoint_url, sandbox, state_dir)
        err.print(f"plan saved to {save}; apply exactly it with: zonecut apply --plan "
                  f"{shlex.quote(str(save))}{again}")
    if the_plan.problems or child.problems:
        raise typer.Exit(EXIT_ERROR)
    if exit_code and (the_plan.has_changes or child.has_changes):
        raise typer.Exit(EXIT_CHANGES)


def rerun_flags(config: Path, endpoint_url: str | None, sandbox: bool, state_dir: Path
                ) -> str:
    """The flags that point another command at the same config and target, for hints
    that work when pasted."""
    flags = f" -c {shlex.quote(str(config))}"
    if sandbox:
        flags += " --sandbox"
        if state_dir != DEFAULT_STATE:
            flags += f" --state-dir {shlex.quote(str(state_dir))}"
    elif endpoint_url:
        flags += f" --endpoint-url {shlex.quote(endpoint_url)}"
    return flags


def write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


def show_plan(the_plan: Plan, cfg: Config, output: Output, child: ChildPlan | None = None,
              *, verbose: bool = False) -> None:
    if output is Output.json:
        data = the_plan.data()
        if child is not None and (child.has_changes or child.problems):
            data["child_resources"] = child.data()
        out.print_json(json.dumps(data))
    else:
        out.print(plan_view(the_plan, account_keys(cfg), verbose=verbose))
        if child is not None:
            show_child_plan(child)


def show_child_plan(child: ChildPlan) -> None:
    """Records, certificates and the SSM handoff (zonecut.apply.records.ChildPlan)."""
    lines = child.lines()
    if lines:
        out.print("Records, certificates and SSM parameters:", highlight=False)
        for line in lines:
            out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    for problem in child.problems:
        err.print(labelled("problem:", "bold red", problem))


def dns_roots(root_hints: Path | None, sandbox: bool, state_dir: Path, *,
              required: bool = True) -> tuple[list[ServerAddress], dict[str, int]]:
    """Where DNS walks start, and the ports of servers off port 53: a root hints file,
    the running sandbox's root (its live server map), or the real root servers.
    With ``required``, a missing sandbox is an error; otherwise the real root is used."""
    if root_hints is not None:
        try:
            return list(load_root_hints(root_hints)), {}
        except (RootHintsError, OSError) as exc:
            fail(f"{root_hints}: {exc}")
    if sandbox:
        from zonecut.sandbox.control import SandboxClient
        from zonecut.sandbox.process import status as sandbox_status

        info = sandbox_status(state_dir)
        if info is None and required:
            fail("no sandbox is running; start one with `zonecut sandbox up`")
        if info is not None:
            info = SandboxClient(info).refresh()  # TLD servers appear as zones register
            return ([ServerAddress(h.name, h.address, h.port) for h in info.root_hints],
                    {s.address: s.port for s in info.servers.values()})
    return list(ROOT_SERVERS), {}


def dns_view(sandbox: bool, state_dir: Path) -> DnsView:
    """Where apply's DNS checks (certificate validation) start."""
    roots, port_map = dns_roots(None, sandbox, state_dir, required=False)
    return DnsView(tuple(roots), port_map or None)


@app.command()
def apply(
    config: ConfigOpt = DEFAULT_CONFIG,
    yes: YesOpt = False,
    prune: PruneOpt = False,
    allow_delete: AllowDeleteOpt = False,
    saved_plan: Annotated[Path | None, typer.Option(
        "--plan", help="Apply exactly this saved plan (from `plan --save`); refused if the "
        "live state changed since.")] = None,
    output: OutputOpt = Output.table,
    no_wait: Annotated[bool, typer.Option(
        "--no-wait", help="Request certificates and write their validation records, but do "
        "not check DNS or wait for them to be issued.")] = False,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Make Route 53 match the config: create zones, then delegate them, in the safe order."""
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="apply"))
    expected: SavedPlan | None = None
    destroy: tuple[str, ...] = ()
    if saved_plan is not None:
        try:
            text = saved_plan.read_text()
        except OSError as exc:
            fail(f"cannot read {saved_plan}: {exc.strerror or exc}")
        expected = guarded(lambda: SavedPlan.from_json(text, str(saved_plan)))
        prune, destroy = expected.prune, expected.zones
        if expected.config_sha256 != config_digest(config):
            fail(f"{config} changed since {saved_plan} was saved; plan again")
    run_changes(runtime, cfg, yes=yes, output=output, prune=prune, destroy=destroy,
                allow_delete=allow_delete, expected=expected, wait=not no_wait,
                dns=dns_view(sandbox, state_dir),
                after_core=(lambda: register_roots(runtime, state_dir)) if sandbox else None)


def register_roots(runtime: Runtime, state_dir: Path) -> None:
    """In the sandbox, play the registrar: the TLD delegates each root zone to its servers
    (with its DS when the root signs)."""
    from zonecut.sandbox.control import SandboxClient
    from zonecut.sandbox.process import status as sandbox_status

    info = sandbox_status(state_dir)
    if info is None:
        return
    client = SandboxClient(info)
    ds = guarded(runtime.root_ds)  # a signed root's DS, as its registrar would publish it
    for name, servers in guarded(runtime.root_name_servers).items():
        client.register(name, servers, ds.get(name, ()))


@app.command()
def destroy(
    zones: Annotated[list[str] | None, typer.Argument(
        help="Declared zones to tear down, with every declared zone below them.")] = None,
    children_of: Annotated[str | None, typer.Option(
        "--children-of", metavar="ROOT", help="Tear down every declared zone below ROOT "
        "(a root zone itself is never deleted).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    yes: YesOpt = False,
    allow_delete: AllowDeleteOpt = False,
    output: OutputOpt = Output.table,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Tear zones down safely: parent NS first, then records, then the zone; deepest first."""
    if not zones and children_of is None:
        usage_error("name the zones to destroy, or --children-of ROOT")
    if zones and children_of is not None:
        usage_error("give zones or --children-of, not both")
    cfg = read_config(config)
    names: list[str] = []
    for zone in zones or [children_of or ""]:
        try:
            names.append(canonical(zone))
        except InvalidName as exc:
            fail(str(exc))
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="destroy"))
    parents = {z.name: z.parent for z in runtime.tree.zones}
    if children_of is not None:
        root = names[0]
        if root not in parents:
            fail(f"{children_of} is not declared in {config}")
        names = sorted(name for name, parent in parents.items() if parent == root)
        if not names:
            out.print(f"no declared zone below {root}: nothing to destroy")
            return
    roots = [name for name in names if name in parents and parents[name] is None]
    if roots:
        again = rerun_flags(config, endpoint_url, sandbox, state_dir)
        fail(f"{', '.join(roots)}: a root zone is never deleted (its delegation lives at the "
             "registrar); nothing was changed. To tear down everything below it: zonecut "
             f"destroy --children-of {roots[0]}{again} --allow-delete")
    run_changes(runtime, cfg, yes=yes, output=output, prune=False, destroy=tuple(names),
                allow_delete=allow_delete, expected=None, command="destroy")


def run_apply(runtime: Runtime, cfg: Config, *, yes: bool, output: Output) -> None:
    run_changes(runtime, cfg, yes=yes, output=output, prune=False, destroy=(),
                allow_delete=False, expected=None)


def run_changes(runtime: Runtime, cfg: Config, *, yes: bool, output: Output, prune: bool,
                destroy: Sequence[str], allow_delete: bool, expected: SavedPlan | None,
                wait: bool = True, dns: DnsView | None = None,
                after_core: Callable[[], None] | None = None, command: str = "apply"
                ) -> None:
    the_plan = make_plan(runtime, prune=prune, destroy=destroy)
    # records, certificates, SSM handoff: not part of destroy
    child = ChildPlan() if destroy else guarded(lambda: runtime.plan_child_resources(the_plan))
    if expected is not None:
        changed = differences(expected.plan, the_plan.data())
        if changed:
            error_line("the saved plan is not what zonecut plans now from the live state; "
                       "nothing was applied. What changed:")
            for line in changed:
                err.print(f"  {line}")
            raise typer.Exit(EXIT_ERROR)
    if output is Output.table:
        out.print(plan_view(the_plan, account_keys(cfg)))
        show_child_plan(child)
    if the_plan.problems or child.problems:
        raise typer.Exit(EXIT_ERROR)
    if not the_plan.has_changes and not child.has_changes:
        if after_core is not None:
            after_core()
        if output is Output.json:
            out.print_json(json.dumps({"plan": the_plan.data(), "applied": False}))
        return
    doomed = sorted({d.name for d in the_plan.deletions})
    if the_plan.destructive and not allow_delete:
        fail("the plan deletes delegations or zones (" + ", ".join(doomed) + "); "
             "nothing was changed. Pass --allow-delete to permit it.")
    # A saved plan was reviewed when it was made: it needs no second yes, unless it
    # deletes; deleting always needs --allow-delete and, interactively, the typed names.
    if not yes and (expected is None or the_plan.destructive):
        if not sys.stdin.isatty():
            fail(f"{command} needs confirmation: run it in a terminal or pass --yes"
                 + (" (and --allow-delete)" if the_plan.destructive and not allow_delete
                    else ""))
        if the_plan.destructive:
            answer = typer.prompt(f"This deletes {', '.join(doomed)}. Type the zone names, "
                                  "separated by spaces, to confirm", default="")
            if sorted(answer.split()) != doomed:
                fail("the names did not match; nothing was changed")
        elif not typer.confirm("Apply these changes?", default=False):
            fail("nothing was changed", 1)
    started = time.monotonic()
    executor = runtime.executor()
    teardown = runtime.teardown()
    total = executor.total_steps(the_plan) + sum(2 + len(d.stale) for d in the_plan.deletions)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=output is Output.json) as progress:
        task = progress.add_task("applying", total=total)

        def on_event(event: ApplyEvent) -> None:
            progress.update(task, advance=event.steps,
                            description=event_words(event.kind, event.zone, event.detail))

        executor.on_event = on_event
        teardown.on_event = on_event
        result = guarded(lambda: executor.apply(the_plan))
        removed = guarded(lambda: teardown.run(the_plan.deletions))
        if after_core is not None:
            after_core()
        made = guarded(lambda: runtime.apply_child_resources(
            child, the_plan, result, wait=wait, dns=dns, on_event=on_event))
    seconds = time.monotonic() - started  # the wall time: syncs, certificate waits, all
    calls = runtime.counter.snapshot()
    if output is Output.json:
        out.print_json(json.dumps({
            "plan": the_plan.data(),
            "applied": True,
            "created": {name: z.zone_id for name, z in result.created.items()},
            "ns_written": result.ns_written,
            "batches": result.batches,
            "delegations_removed": removed.delegations_removed,
            "zones_deleted": removed.zones_deleted,
            "seconds": round(seconds, 3),
            "apex_ns_restored": [r.name for r in the_plan.apex_repairs],
            "child_resources": made.data(),
            "dnssec": dnssec_data(result.dnssec),
            "calls": [{"account_id": a, "operation": o, "count": n}
                      for (a, o), n in sorted(calls.items())],
        }))
        return
    parts: list[str] = []
    if result.created:
        parts.append(f"{len(result.created)} zone(s) created")
    if result.ns_written:
        parts.append(f"{len(result.ns_written)} NS record(s) written in "
                     f"{sum(result.batches.values())} batch(es)")
    if the_plan.apex_repairs:
        parts.append(f"{len(the_plan.apex_repairs)} apex NS rrset(s) restored ("
                     + ", ".join(r.name for r in the_plan.apex_repairs) + ")")
    if the_plan.deletions:
        parts.append(f"{len(removed.delegations_removed)} delegation(s) removed, "
                     f"{len(removed.zones_deleted)} zone(s) deleted")
    if result.dnssec is not None:
        parts.append(dnssec_summary(result.dnssec))
    if child.has_changes:
        parts.append(made.summary())
    for name, values in sorted((result.dnssec.registrar_ds if result.dnssec else {}).items()):
        out.print(f"{name} is signing: give its registrar the DS " + ", ".join(values),
                  markup=False, highlight=False, soft_wrap=True)
    verb = "Destroyed" if destroy else "Applied"
    out.print(Text(f"{verb} in {seconds:.1f} s: " + "; ".join(parts or ["nothing to do"])
                   + f"; {sum(calls.values())} Route 53 call(s).", style="bold green"),
              soft_wrap=True)


@app.command()
def tree(
    config: ConfigOpt = DEFAULT_CONFIG,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Show the declared zone tree as it is in Route 53: account, zone id, name servers."""
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="read"))
    the_plan = guarded(runtime.plan)
    out.print(tree_for(runtime, cfg, the_plan))
    for problem in the_plan.problems:
        err.print(f"error: {problem}", markup=False, highlight=False)
    if the_plan.problems:
        raise typer.Exit(1)


def tree_for(runtime: Runtime, cfg: Config, the_plan: Plan | None = None) -> Any:
    """The declared tree as Route 53 holds it; a zone the plan cannot map to one hosted
    zone (duplicates, a pinned id not found) is shown with why, never left out."""
    the_plan = the_plan or guarded(runtime.plan)
    planned = {z.name: z for z in the_plan.zones}
    rows = []
    for zone in runtime.tree.zones:
        found = planned.get(zone.name)
        if found is not None:
            rows.append((found.name, found.parent, found.account_id, found.zone_id or "",
                         found.name_servers))
            continue
        why = next((p for p in the_plan.problems if p.startswith(f"{zone.name}:")),
                   "blocked by a problem above it")
        rows.append((zone.name, zone.parent, zone.account_id,
                     f"(not shown: {why.removeprefix(f'{zone.name}: ')})", ()))
    return tree_view(rows, account_keys(cfg))


@app.command()
def validate(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Check the config file only (no AWS calls)."""
    cfg = read_config(config)
    out.print(f"{config}: ok: {len(cfg.zones)} zone(s) in {len(cfg.accounts)} account(s)",
              highlight=False)


@app.command()
def schema() -> None:
    """Print the config's JSON Schema (for editors and CI checks)."""
    from zonecut.config.schema import json_schema

    out.print_json(json.dumps(json_schema()))


@app.command()
def version() -> None:
    """Print zonecut's version."""
    out.print(f"zonecut {__version__}", highlight=False)


def register_commands() -> None:
    """Import every sub-command module: each registers itself on `app` when imported."""
    from zonecut.cli import (  # noqa: F401
        audit_cmd,
        demo,
        explain_cmd,
        graph_cmd,
        iam_cmd,
        lambda_cmd,
        report_cmd,
        rotate_cmd,
        sandbox_cmds,
        verify_cmd,
    )


def main() -> None:
    register_commands()
    app()


__all__ = ["app", "err", "fail", "main", "out", "plan_summary", "register_commands"]
