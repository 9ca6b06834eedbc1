"""Pending changes of a plan as plain lines, for the report (pure)."""

from __future__ import annotations

from zonecut.plan.changes import NsAction, Plan, ZoneAction


def plan_lines(plan: Plan) -> tuple[str, ...]:
    """One line per change ``zonecut apply`` would make; empty when there is none."""
    lines: list[str] = []
    for zone in plan.zones:
        if zone.action is ZoneAction.CREATE:
            lines.append(f"+ create hosted zone {zone.name} in account {zone.account_id} "
                         f"({zone.account_key})")
    for repair in plan.apex_repairs:
        lines.append(f"~ restore the apex NS of {repair.name} ({repair.zone_id}) to its "
                     "delegation set")
    for change in sorted(plan.ns_changes, key=lambda c: (c.parent, c.child)):
        sign = "+" if change.action is NsAction.CREATE else "~"
        verb = "write" if change.action is NsAction.CREATE else "update"
        values = ", ".join(change.new_values) if change.values_known else "(known after apply)"
        lines.append(f"{sign} {verb} NS {change.child} in zone {change.parent} "
                     f"(account {change.parent_account_id}) TTL {change.ttl}: {values}")
    for deletion in plan.deletions:
        lines.append(f"- delete {deletion.name} ({deletion.reason})")
    lines.extend(f"! problem: {problem}" for problem in plan.problems)
    return tuple(lines)
