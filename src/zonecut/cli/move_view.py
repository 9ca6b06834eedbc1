"""The plan's zone moves as a rich tree (no printing here)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from rich.tree import Tree

from zonecut.plan.changes import Plan
from zonecut.plan.moves import ZoneMove


def _account(account_id: str, keys: Mapping[str, str]) -> str:
    key = keys.get(account_id)
    return f"account {account_id} ({key})" if key else f"account {account_id}"


def moves_view(plan: Plan, account_keys: Mapping[str, str]) -> Tree | None:
    """One branch per move: the old zone and its records, the new zone, the parent's NS
    values replaced, and what becomes of the old zone."""
    if not plan.moves:
        return None
    deleted = {(d.account_id, d.zone_id) for d in plan.deletions if d.reason == "move"}
    tree = Tree(Text("Zone moves (a declared zone found in another account)",
                     style="bold yellow"))
    for move in plan.moves:
        node = tree.add(Text(
            f"~ {move.name} moves from {_account(move.old_account_id, account_keys)} to "
            f"{_account(move.new_account_id, account_keys)}", style="yellow"))
        old = _account(move.old_account_id, account_keys)
        node.add(Text(f"old zone {move.old_zone_id} ({old}): {move.old_records} record "
                      "set(s) besides its SOA and NS"))
        node.add(Text(f"new zone {move.new_zone_id}" if move.new_zone_id
                      else "new zone: created by this apply", style="green"))
        if move.replaced_ns:
            ns = node.add(Text(f"NS {move.name} in zone {move.parent}: the old zone's servers "
                               "are replaced"))
            for value in move.replaced_ns:
                ns.add(Text(f"- {value}", style="red"))
            for value in move.new_ns:
                ns.add(Text(f"+ {value}", style="green"))
            if not move.new_ns:
                ns.add(Text("+ the new zone's 4 name servers (known after apply)",
                            style="green"))
        else:
            node.add(Text(f"NS {move.name} in zone {move.parent} already points at the new "
                          "zone", style="dim"))
        node.add(_fate(move, (move.old_account_id, move.old_zone_id) in deleted))
    return tree


def _fate(move: ZoneMove, deleted: bool) -> Text:
    if deleted:
        return Text(f"the old zone and its {move.old_records} record set(s) are deleted "
                    "(--prune) once the parent points at the new zone", style="red")
    if not move.owned:
        return Text("the old zone was not created by zonecut: it is left alone, with its "
                    "records; delete it yourself when it is no longer needed", style="yellow")
    return Text("the old zone is left behind with its records; `--prune` (with "
                "--allow-delete to apply) deletes it once the parent points at the new "
                "zone", style="yellow")
