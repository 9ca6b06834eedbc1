"""zonecut's command line (typer). Every user error ends in a message and a non-zero exit."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zonecut import __version__
from zonecut.apply.executor import ApplyEvent
from zonecut.cli.render import plan_summary, plan_view, tree_view
from zonecut.config.errors import ConfigError
from zonecut.config.loader import load_config
from zonecut.config.models import Config
from zonecut.errors import ZonecutError
from zonecut.runtime import Runtime, Target

app = typer.Typer(
    name="zonecut",
    help="Share one DNS domain across many AWS accounts: plan, apply and verify Route 53 "
    "delegations from one file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

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


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; turn user errors into a message and exit 1 (no traceback)."""
    try:
        return action()
    except ConfigError as exc:
        err.print(f"[bold red]error:[/] the config has {len(exc.problems)} problem(s):",
                  highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    except ZonecutError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to finish (zonecut is idempotent)", 130)


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
    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    return Target(endpoint_url=url)


def account_keys(config: Config) -> dict[str, str]:
    return {account.id: key for key, account in config.accounts.items()}


@app.command()
def plan(
    config: ConfigOpt = DEFAULT_CONFIG,
    output: OutputOpt = Output.table,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 2 when changes are "
                                            "pending, 0 when none.")] = False,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Show what apply would change, account by account. Changes nothing."""
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="plan"))
    the_plan = guarded(runtime.plan)
    if output is Output.json:
        out.print_json(json.dumps(the_plan.data()))
    else:
        out.print(plan_view(the_plan, account_keys(cfg)))
    if the_plan.problems:
        raise typer.Exit(1)
    if exit_code and the_plan.has_changes:
        raise typer.Exit(2)


@app.command()
def apply(
    config: ConfigOpt = DEFAULT_CONFIG,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    output: OutputOpt = Output.table,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Make Route 53 match the config: create zones, then delegate them, in the safe order."""
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="apply"))
    run_apply(runtime, cfg, yes=yes, output=output)


def run_apply(runtime: Runtime, cfg: Config, *, yes: bool, output: Output) -> None:
    the_plan = guarded(runtime.plan)
    if output is Output.table:
        out.print(plan_view(the_plan, account_keys(cfg)))
    if the_plan.problems:
        raise typer.Exit(1)
    if not the_plan.has_changes:
        if output is Output.json:
            out.print_json(json.dumps({"plan": the_plan.data(), "applied": False}))
        return
    if not yes:
        if not sys.stdin.isatty():
            fail("apply needs confirmation: run it in a terminal or pass --yes")
        if not typer.confirm("Apply these changes?", default=False):
            fail("nothing was changed", 1)
    executor = runtime.executor()
    total = executor.total_steps(the_plan)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=output is Output.json) as progress:
        task = progress.add_task("applying", total=total)

        def on_event(event: ApplyEvent) -> None:
            progress.update(task, advance=event.steps,
                            description=f"{event.kind} {event.zone}")

        executor.on_event = on_event
        result = guarded(lambda: executor.apply(the_plan))
    calls = runtime.counter.snapshot()
    if output is Output.json:
        out.print_json(json.dumps({
            "plan": the_plan.data(),
            "applied": True,
            "created": {name: z.zone_id for name, z in result.created.items()},
            "ns_written": result.ns_written,
            "batches": result.batches,
            "seconds": round(result.seconds, 3),
            "calls": [{"account_id": a, "operation": o, "count": n}
                      for (a, o), n in sorted(calls.items())],
        }))
        return
    out.print(f"[bold green]Applied[/] in {result.seconds:.1f} s: {len(result.created)} zone(s) "
              f"created, {len(result.ns_written)} NS record(s) written in "
              f"{sum(result.batches.values())} batch(es); {sum(calls.values())} Route 53 "
              "call(s).", highlight=False)


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
    out.print(tree_for(runtime, cfg))


def tree_for(runtime: Runtime, cfg: Config) -> Any:
    the_plan = guarded(runtime.plan)
    rows = [(z.name, z.parent, z.account_id, z.zone_id or "", z.name_servers)
            for z in the_plan.zones]
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


def main() -> None:
    # Sub-command modules register themselves on `app` when imported.
    from zonecut.cli import demo, sandbox_cmds  # noqa: F401

    app()


__all__ = ["app", "main", "plan_summary"]
