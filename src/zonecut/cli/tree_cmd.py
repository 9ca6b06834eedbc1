"""`zonecut tree`: the declared tree as Route 53 holds it."""

from __future__ import annotations

from typing import Any

import typer

from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    ConfigOpt,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
    account_keys,
    err,
    guarded,
    out,
    read_config,
    resolve_target,
)
from zonecut.cli.render import tree_view
from zonecut.config.document import Config
from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime


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
