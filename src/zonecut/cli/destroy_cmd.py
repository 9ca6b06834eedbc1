"""`zonecut destroy`: tear zones down safely."""

from __future__ import annotations

from typing import Annotated

import typer

from zonecut.cli.changes import run_changes
from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    AllowDeleteOpt,
    ConfigOpt,
    EndpointOpt,
    Output,
    OutputOpt,
    SandboxOpt,
    StateDirOpt,
    YesOpt,
    fail,
    guarded,
    out,
    read_config,
    rerun_flags,
    resolve_target,
    usage_error,
)
from zonecut.names import InvalidName, canonical
from zonecut.runtime import Runtime


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
