"""Did the Route 53 API give exactly one zone for each declared zone?"""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy, ZoneLookup
from zonecut.verify.views import DelegationView


def zone_missing(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """ZONE_MISSING: a declared zone has no public hosted zone in its account and
    nothing delegates it (a delegated one is DANGLING_DELEGATION). Not verified."""
    target = view.target
    if not view.zone_gone or view.dangling or view.hijacked:
        return []
    why = target.lookup_error or (f"no public hosted zone named {view.zone} in account "
                                  f"{target.child_account}")
    return [finding("ZONE_MISSING", view.zone,
                    f"{view.zone} is declared but does not exist in Route 53: not verified",
                    details={"account": target.child_account, "why": why})]


def zone_unread(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """ZONE_UNREAD: the zone's account could not be read; nothing about the zone is
    known, so nothing is claimed about it."""
    if not view.unread:
        return []
    return [finding("ZONE_UNREAD", view.zone,
                    f"{view.zone} was not verified: account {view.target.child_account} "
                    "could not be read",
                    details={"account": view.target.child_account,
                             "why": view.target.lookup_error or "unknown"})]


def duplicate_zone(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """DUPLICATE_ZONE: several public hosted zones of the zone's name in its account.
    One copy is live (the one the parent delegates to); records, and the delegations
    of children, written in another copy are never served."""
    target = view.target
    if target.lookup is not ZoneLookup.DUPLICATE or target.child_zone is None:
        return []
    live = target.child_zone.zone_id
    listed = view.parent_set
    delegated = bool(listed & set(target.child_zone.name_servers))
    where = (f"the parent delegates to {live}" if delegated
             else f"the parent delegates to none of them; {live} was verified")
    return [finding(
        "DUPLICATE_ZONE", view.zone,
        f"account {target.child_account} has {len(target.copies)} public hosted zones "
        f"named {view.zone}; {where}",
        details={"copies": [f"{c.zone_id}: {', '.join(sorted(c.name_servers))}"
                            for c in sorted(target.copies, key=lambda c: c.zone_id)],
                 "live_copy": live if delegated else "none",
                 "account": target.child_account},
    )]
