"""`zonecut apply`: make Route 53 match the config."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zonecut.cli.changes import config_digest, run_changes
from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    AllowDeleteOpt,
    ConfigOpt,
    EndpointOpt,
    Output,
    OutputOpt,
    PruneOpt,
    SandboxOpt,
    StateDirOpt,
    YesOpt,
    dns_view,
    fail,
    guarded,
    read_config,
    rerun_flags,
    resolve_target,
)
from zonecut.plan.saved import SavedPlan
from zonecut.runtime import Runtime


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
                after_core=(lambda: register_roots(runtime, state_dir)) if sandbox else None,
                hint_flags=rerun_flags(config, endpoint_url, sandbox, state_dir))


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
