"""The hint `plan --prune` and `apply --prune` give for delegations prune leaves alone
because no declared account holds their zone: a command that works when pasted."""

from __future__ import annotations

from zonecut.plan.changes import Plan


def unserved_hint(plan: Plan, flags: str) -> str | None:
    """``flags``: the -c and target flags of the run (``rerun_flags``)."""
    if not plan.unserved:
        return None
    names = ", ".join(plan.unserved)
    return (f"hint: {names}: delegated to a zone no declared account holds. "
            f"See which audited account holds it, or whether it dangles, with: "
            f"zonecut audit{flags} (or, with the organisation's management access, "
            "leave out -c to audit every account)")
