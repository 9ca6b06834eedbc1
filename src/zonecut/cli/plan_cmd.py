"""`zonecut plan`: what apply would change."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from zonecut.cli.changes import config_digest, make_plan, show_plan
from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    EXIT_CHANGES,
    EXIT_ERROR,
    ConfigOpt,
    EndpointOpt,
    Output,
    OutputOpt,
    PruneOpt,
    SandboxOpt,
    StateDirOpt,
    err,
    guarded,
    read_config,
    rerun_flags,
    resolve_target,
    write_file,
)
from zonecut.cli.prune_hint import unserved_hint
from zonecut.plan.saved import SavedPlan
from zonecut.runtime import Runtime


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
    hint = unserved_hint(the_plan, rerun_flags(config, endpoint_url, sandbox, state_dir))
    if hint is not None and output is Output.table:
        err.print(hint, markup=False, highlight=False, soft_wrap=True)
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
