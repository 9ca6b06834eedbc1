"""Running a plan: shared by `plan`, `apply`, `destroy` and `demo`."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from zonecut.apply.certificates import DnsView
from zonecut.apply.executor import ApplyEvent
from zonecut.apply.records import ChildPlan
from zonecut.cli.dnssec_text import dnssec_data, dnssec_summary
from zonecut.cli.options import (
    EXIT_ERROR,
    Output,
    account_keys,
    err,
    error_line,
    fail,
    guarded,
    labelled,
    out,
)
from zonecut.cli.prune_hint import unserved_hint
from zonecut.cli.render import event_words, plan_view
from zonecut.config.document import Config
from zonecut.plan.changes import Plan
from zonecut.plan.saved import SavedPlan, differences
from zonecut.runtime import Runtime


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


def run_apply(runtime: Runtime, cfg: Config, *, yes: bool, output: Output) -> None:
    run_changes(runtime, cfg, yes=yes, output=output, prune=False, destroy=(),
                allow_delete=False, expected=None)


def run_changes(runtime: Runtime, cfg: Config, *, yes: bool, output: Output, prune: bool,
                destroy: Sequence[str], allow_delete: bool, expected: SavedPlan | None,
                wait: bool = True, dns: DnsView | None = None,
                after_core: Callable[[], None] | None = None, command: str = "apply",
                hint_flags: str = "") -> None:
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
        hint = unserved_hint(the_plan, hint_flags)
        if hint is not None:
            err.print(hint, markup=False, highlight=False, soft_wrap=True)
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
