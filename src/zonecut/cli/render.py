"""Rich renderables for plans, apply results and zone trees (no printing here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from zonecut.cli.move_view import moves_view
from zonecut.plan.changes import ApexRepair, NsAction, NsChange, Plan, ZoneAction, ZoneChange


def _account_label(account_id: str, keys: Mapping[str, str]) -> str:
    key = keys.get(account_id)
    return f"account {account_id} ({key})" if key else f"account {account_id}"


def plan_view(plan: Plan, account_keys: Mapping[str, str], *, verbose: bool = False
              ) -> RenderableType:
    """The plan grouped by account: zones created or adopted, NS records written. An
    account with nothing to change is one line, unless ``verbose``."""
    zones_by: dict[str, list[ZoneChange]] = defaultdict(list)
    ns_by: dict[str, list[NsChange]] = defaultdict(list)
    for zone in plan.zones:
        zones_by[zone.account_id].append(zone)
    for change in plan.ns_changes:
        ns_by[change.parent_account_id].append(change)
    repairs_by: dict[str, list[ApexRepair]] = defaultdict(list)
    for repair in plan.apex_repairs:
        repairs_by[repair.account_id].append(repair)
    parts: list[RenderableType] = []
    for account_id in sorted(set(zones_by) | set(ns_by) | set(repairs_by)):
        label = _account_label(account_id, account_keys)
        zones = zones_by.get(account_id, [])
        if not verbose and not ns_by.get(account_id) and not repairs_by.get(account_id) and \
                all(z.action is not ZoneAction.CREATE and not z.tag_changes
                    and z.comment_change is None for z in zones):
            parts.append(Text(f"{label}: no changes ({len(zones)} zone(s) as declared)",
                              style="dim"))
            continue
        tree = Tree(Text(label, style="bold"))
        for zone in zones_by.get(account_id, []):
            if zone.action is ZoneAction.CREATE:
                tree.add(Text(f"+ create hosted zone {zone.name}", style="green"))
            else:
                tree.add(Text(f"= {zone.name} exists ({zone.zone_id})", style="dim"))
                for key, value, before in zone.tag_changes:
                    was = f" (was {before!r})" if before is not None else ""
                    tree.add(Text(f"~ tag {key}={value!r} on {zone.name}{was}", style="yellow"))
                if zone.comment_change is not None:
                    comment, before_comment = zone.comment_change
                    tree.add(Text(f"~ comment of {zone.name}: {comment!r} (was "
                                  f"{before_comment!r})", style="yellow"))
        for repair in repairs_by.get(account_id, []):
            node = tree.add(Text(f"~ apex NS of {repair.name} differs from its delegation set "
                                 "(edited by hand): restore it", style="yellow"))
            for value in sorted(set(repair.old_values) | set(repair.new_values)):
                if value not in repair.new_values:
                    node.add(Text(f"- {value}", style="red"))
                elif value not in repair.old_values:
                    node.add(Text(f"+ {value}", style="green"))
        for change in sorted(ns_by.get(account_id, []), key=lambda c: (c.parent, c.child)):
            if change.action is NsAction.CREATE:
                head = Text(f"+ NS {change.child} in zone {change.parent}  TTL {change.ttl}",
                            style="green")
            else:
                ttl = (f"TTL {change.old_ttl} -> {change.ttl}" if change.old_ttl != change.ttl
                       else f"TTL {change.ttl}")
                head = Text(f"~ NS {change.child} in zone {change.parent}  {ttl}",
                            style="yellow")
            node = tree.add(head)
            new = set(change.new_values)
            old = set(change.old_values)
            if not change.values_known:
                node.add(Text("+ the new zone's 4 name servers (known after apply)",
                              style="green"))
            for value in sorted(old | new):
                if value in new and value not in old and change.old_values:
                    node.add(Text(f"+ {value}", style="green"))
                elif value in old and value not in new and change.values_known:
                    node.add(Text(f"- {value}", style="red"))
                elif value in new:
                    node.add(Text(f"  {value}"))
            for reason in change.reasons:
                if change.action is NsAction.UPDATE:
                    node.add(Text(f"why: {reason}", style="dim"))
        parts.append(tree)
    moved = moves_view(plan, account_keys)
    if moved is not None:
        parts.append(moved)
    if plan.deletions:
        tree = Tree(Text("Teardown (destructive: needs --allow-delete), deepest first",
                         style="bold red"))
        for deletion in plan.deletions:
            node = tree.add(Text(f"- {deletion.name} ({deletion.reason})", style="red"))
            if deletion.reason == "move":
                node.add(Text(f"the old copy in account {deletion.account_id}, after the NS "
                              f"in zone {deletion.parent} points at the new zone", style="red"))
            if deletion.parent_ns is not None:
                node.add(Text(f"1. delete NS {deletion.name} in zone {deletion.parent} "
                              f"(account {deletion.parent_account_id}): "
                              + ", ".join(deletion.parent_ns.values), style="red"))
            for stale in deletion.stale:
                node.add(Text(f"1. delete NS {deletion.name} in ancestor zone {stale.zone} "
                              f"(account {stale.account_id}; hidden below a cut, live once "
                              "it goes): " + ", ".join(stale.rrset.values), style="red"))
            if deletion.zone_id is not None:
                if deletion.records:
                    node.add(Text(f"2. delete {len(deletion.records)} record set(s) in the "
                                  "zone", style="red"))
                node.add(Text(f"3. delete hosted zone {deletion.zone_id} (account "
                              f"{deletion.account_id})", style="red"))
            else:
                node.add(Text("the zone is already gone: only the dangling delegation is "
                              "removed", style="yellow"))
        parts.append(tree)
    if plan.unmanaged:
        table = Table(title="Delegations not in the config (left alone)", title_justify="left")
        for column in ("parent zone", "account", "child", "TTL", "name servers"):
            table.add_column(column)
        for item in plan.unmanaged:
            table.add_row(item.parent, item.parent_account_id, item.child, str(item.ttl),
                          ", ".join(item.values))
        parts.append(table)
    if plan.dnssec is not None and plan.dnssec.steps():
        tree = Tree(Text("DNSSEC, in this order:", style="bold"))
        for number, step in enumerate(plan.dnssec.steps(), start=1):
            tree.add(Text(f"{number}. {step}"))
        parts.append(tree)
    for note in plan.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    if plan.problems:
        parts.append(Text("Problems (nothing will be applied until they are fixed):",
                          style="bold red"))
        parts.extend(Text(f"  - {p}", style="red") for p in plan.problems)
    parts.append(Text(plan_summary(plan), style="bold"))
    return Group(*parts)


def plan_summary(plan: Plan) -> str:
    c = plan.counts()
    if not plan.has_changes and not plan.problems:
        text = "No changes. Route 53 matches the config."
    else:
        parts = [f"{c['zones_to_create']} zone(s) to create"] if c["zones_to_create"] else []
        if c["ns_to_create"] or c["ns_to_update"]:
            parts.append(f"{c['ns_to_create']} NS record(s) to create, {c['ns_to_update']} "
                         "to update")
        if c["apex_ns_to_repair"]:
            parts.append(f"{c['apex_ns_to_repair']} apex NS rrset(s) to restore")
        if c["zones_to_update"]:
            parts.append(f"{c['zones_to_update']} zone(s) to retag or recomment")
        if c["zones_moved"]:
            parts.append(f"{c['zones_moved']} zone(s) moving to another account")
        if plan.deletions:
            parts.append(f"{c['delegations_to_delete']} delegation(s) and "
                         f"{c['zones_to_delete']} zone(s) to delete")
        if plan.dnssec is not None and plan.dnssec.has_changes:
            d = plan.dnssec
            parts.append(f"{len(d.signs)} zone(s) to sign, {len(d.unsigns)} to unsign, "
                         f"{len(d.ds_writes)} DS record(s) to write, {len(d.ds_removals)} "
                         "to remove")
        text = "Plan: " + ("; ".join(parts) if parts else "nothing to change") + "."
    if c["unmanaged"]:
        text += f" {c['unmanaged']} unmanaged delegation(s) reported."
    return text


def tree_view(rows: Sequence[tuple[str, str | None, str, str, tuple[str, ...]]],
              account_keys: Mapping[str, str]) -> RenderableType:
    """The zone tree: rows of (zone, parent, account id, zone id, name servers)."""
    children: dict[str | None, list[tuple[str, str | None, str, str, tuple[str, ...]]]] = (
        defaultdict(list))
    for row in rows:
        children[row[1]].append(row)
    root = Tree(Text("zones", style="bold"))

    def add(node: Tree, parent: str | None) -> None:
        for name, _, account_id, zone_id, servers in sorted(children.get(parent, [])):
            label = Text.assemble((name, "bold cyan"), "  ",
                                  (_account_label(account_id, account_keys), "magenta"),
                                  "  ", (zone_id or "(missing)", "dim"))
            branch = node.add(label)
            if servers:
                branch.add(Text("NS " + "  ".join(servers), style="dim"))
            add(branch, name)

    add(root, None)
    return root


SEVERITY_STYLES = {"critical": "bold red", "error": "red", "warning": "yellow",
                   "info": "cyan", "ok": "green"}


def table_view(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]
               ) -> RenderableType:
    """A table that wraps (never cuts) codes and names at any width, drops columns that
    are empty in every row, and colours severities. Cells are text, never markup."""
    keep = [i for i, _ in enumerate(headers) if not rows or any(row[i] for row in rows)]
    drawn = Table(title=title, title_justify="left")
    for i in keep:
        if headers[i] in ("code", "severity", "status"):  # looked up: whole, one line
            width = max([len(headers[i]), *(len(row[i]) for row in rows)])
            drawn.add_column(headers[i], no_wrap=True, min_width=width)
        else:
            drawn.add_column(headers[i], overflow="fold")
    for row in rows:
        cells = []
        for i in keep:
            style = SEVERITY_STYLES.get(row[i], "") if headers[i] in ("severity",
                                                                      "status") else ""
            cells.append(Text(row[i], style=style))
        drawn.add_row(*cells)
    return drawn


EVENT_WORDS = {
    "zone-created": "created hosted zone {zone}",
    "zone-adopted": "adopted hosted zone {zone}",
    "zone-insync": "hosted zone {zone} is in sync",
    "apex-repaired": "restored the apex NS of {zone}",
    "zone-updated": "set the tags and comment of hosted zone {zone}",
    "ns-batch-sent": "wrote the NS delegation of {zone}",
    "ns-insync": "delegation of {zone} is in sync",
    "ns-deleted": "removed the delegation of {zone}",
    "zone-deleted": "deleted hosted zone {zone}",
    "record-sent": "wrote records in {zone}",
    "certificate-requested": "requested a certificate for {zone}",
    "validation-written": "wrote the ACM validation record of {zone}",
    "certificate-waiting": "waiting for ACM to validate {zone} (up to {detail} s more)",
    "certificate-issued": "certificate for {zone} issued",
    "dnssec-ds-removed": "removed the DS of {zone}",
    "dnssec-zone-unsigned": "unsigned {zone}",
    "dnssec-zone-signed": "{zone} is signing",
    "dnssec-ds-written": "wrote the DS of {zone} in {detail}",
    "dnssec-registrar-name-servers": "set the name servers of {zone} at the registrar: "
                                     "{detail}",
    "dnssec-registrar-add-ds": "gave the registrar of {zone} its DS: {detail}",
    "dnssec-registrar-remove-ds": "removed the DS {detail} of {zone} at the registrar",
}


def event_words(kind: str, zone: str, detail: str) -> str:
    """A progress event in words (the event names are for programs)."""
    return EVENT_WORDS.get(kind, kind.replace("-", " ") + " {zone}").format(zone=zone,
                                                                          detail=detail)
