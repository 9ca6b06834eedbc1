"""`zonecut rotate-ksk ZONE`: the double-DS rollover of a zone's key-signing key,
resumable (zonecut.plan.rotation, zonecut.apply.rotation)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    ConfigOpt,
    EndpointOpt,
    Output,
    OutputOpt,
    SandboxOpt,
    StateDirOpt,
    YesOpt,
    err,
    fail,
    guarded,
    out,
    read_config,
    resolve_target,
)
from zonecut.config.dnssec import check_kms_key_arn
from zonecut.names import InvalidName, canonical
from zonecut.plan.rotation import RotationStep
from zonecut.runtime import Runtime


def rotate_ksk(
    zone: Annotated[str, typer.Argument(help="The declared, signed zone whose KSK to roll "
                                        "over.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    yes: YesOpt = False,
    kms_key_arn: Annotated[str | None, typer.Option(
        "--kms-key-arn", help="A KMS key (us-east-1, ECC_NIST_P256, SIGN_VERIFY) for the new "
        "KSK; default: zonecut's key of the next generation.")] = None,
    retire: Annotated[str | None, typer.Option(
        "--retire", metavar="KSK", help="The KSK being retired (as the first run printed): "
        "a rerun with it finishes that rollover and never starts another.")] = None,
    output: OutputOpt = Output.table,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Roll a zone's KSK over with two DS records: new KSK, both DS in the parent, wait,
    the new DS alone, old KSK deactivated and deleted. Run it again after an interruption:
    it continues from the live state."""
    try:
        name = canonical(zone)
    except InvalidName as exc:
        fail(str(exc))
    if kms_key_arn is not None:
        try:
            check_kms_key_arn(kms_key_arn)
        except ValueError as exc:
            fail(f"--kms-key-arn: {exc}")
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="rotate-ksk"))
    rotation, zone_ref, parent_ref = guarded(lambda: runtime.rotation(name, retire))
    if rotation.problems:
        fail("; ".join(rotation.problems))
    if output is Output.table:
        out.print(f"KSK rollover of {name}: {', '.join(rotation.old) or '-'} -> "
                  f"{rotation.new or '-'}", markup=False, highlight=False)
        if rotation.steps and len(rotation.old) == 1:
            err.print(f"if interrupted, finish it with: zonecut rotate-ksk {name} --retire "
                      f"{rotation.old[0]}", markup=False, highlight=False)
        for number, step in enumerate(rotation.steps, start=1):
            out.print(f"  {number}. {step.text()}", markup=False, highlight=False,
                      soft_wrap=True)
    if not rotation.steps:
        if output is Output.json:
            out.print_json(json.dumps({"rotation": rotation.data(), "applied": False}))
        else:
            out.print("Nothing to do: the rollover is complete.")
        return
    if not yes:
        if not sys.stdin.isatty():
            fail("rotate-ksk needs confirmation: run it in a terminal or pass --yes")
        if not typer.confirm("Roll the KSK over?", default=False):
            fail("nothing was changed", 1)
    assert zone_ref is not None and parent_ref is not None

    def on_step(step: RotationStep) -> None:
        err.print(f"done: {step.text()}", markup=False, highlight=False)

    runner = runtime.rotation_runner(kms_key_arn, on_step if output is Output.table else None)
    done = guarded(lambda: runner.run(rotation, zone_ref, parent_ref))
    if output is Output.json:
        out.print_json(json.dumps({"rotation": rotation.data(), "applied": True,
                                   "steps_done": len(done)}))
    else:
        out.print(f"Rolled the KSK of {name} over to {rotation.new}.", markup=False,
                  highlight=False)
