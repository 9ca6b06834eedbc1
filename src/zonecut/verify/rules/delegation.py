"""Does the parent delegate the zone, and to the right servers?"""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def _names(names: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(names)) or "(none)"


def dangling_delegation(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """DANGLING_DELEGATION: the delegation leads nowhere safe (RFC 1034 4.2.2, BASIC02).

    Either the child zone no longer exists while its parent (or an ancestor) still
    delegates it, or none of the servers the parent lists serves the zone: they
    refuse, fail or answer without authority. Whoever
    gets one of those servers (or names) assigned can answer for the zone.
    Precedence: this finding explains every server the parent lists; no LAME_SERVER,
    NS_MISMATCH or EXTRA_NS_IN_PARENT follows for them.
    """
    if not view.dangling:
        return []
    target = view.target
    if view.zone_gone:
        where = [f"{target.parent or view.parent.zone or 'its parent'}"] if view.delegated \
            else []
        where += [zone for zone, _ in target.ancestor_delegations]
        verb = "delegates" if len(where) == 1 else "delegate"
        return [finding(
            "DANGLING_DELEGATION", view.zone,
            f"{' and '.join(where)} still {verb} {view.zone}, but the zone no longer "
            "exists in Route 53",
            details={"delegated_from": where, "parent_ns": sorted(view.parent_set)},
        )]
    reasons = [f"{s.name}: {'; '.join(s.reasons)}" for s in
               (view.server(n) for n in sorted(view.parent_set)) if s.reasons]
    stale = not (view.parent_set & view.child_set)
    message = (f"the parent delegates {view.zone} to servers that do not serve it"
               + (" (none of them is in the zone's delegation set: stale after the zone "
                  "was recreated?)" if stale else ""))
    return [finding(
        "DANGLING_DELEGATION", view.zone, message,
        details={"parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set), "servers": reasons},
    )]


def not_delegated(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NOT_DELEGATED: the zone exists but the parent has no NS for it (RFC 1034 4.2.2,
    Zonemaster BASIC01). Resolvers never reach the zone's servers.
    Not reported when the parent's servers disagree (PARENT_SERVERS_DISAGREE)."""
    if view.zone_gone or view.delegated is not False or view.parent.disagree:
        return []
    parent = view.target.parent or view.parent.zone or "the parent zone"
    if view.parent.denials:
        how = "; ".join(f"{label}: {why}" for label, why in view.parent.denials)
        return [finding("NOT_DELEGATED", view.zone,
                        f"{parent} has no NS records for {view.zone}",
                        details={"parent_answers": how})]
    return [finding("NOT_DELEGATED", view.zone,
                    f"{parent} has no NS rrset for {view.zone} in Route 53",
                    details={"source": "Route 53 API (the parent's servers were not reached)"})]


def extra_ns_in_parent(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """EXTRA_NS_IN_PARENT: the parent lists servers outside the delegation set
    (Zonemaster DELEGATION07 EXTRA_NAME_PARENT). A partial dangling delegation: a
    resolver that picks the stray server gets a refusal, or whatever zone someone
    else created there. Servers the parent lacks at the same time (a zone recreated
    with a partly new set) are named in the same finding, not in an NS_MISMATCH."""
    if view.zone_gone or view.dangling or not view.extra or not view.delegated:
        return []
    extra = sorted(view.extra)
    missing = sorted(view.missing)
    message = (f"the parent lists {len(extra)} server(s) outside the delegation set of "
               f"{view.zone}: {', '.join(extra)}")
    if missing:
        message += f"; it lacks {', '.join(missing)} (stale: was the zone recreated?)"
    return [finding(
        "EXTRA_NS_IN_PARENT", view.zone, message,
        server=extra[0] if len(extra) == 1 else None,
        details={"extra": extra, "missing": missing, "parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set)},
    )]


def ns_mismatch(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NS_MISMATCH: the parent's NS set lacks servers of the delegation set
    (Zonemaster DELEGATION07 EXTRA_NAME_CHILD). Only when no stray server explains it
    (EXTRA_NS_IN_PARENT and DANGLING_DELEGATION come first)."""
    if view.zone_gone or view.dangling or view.extra or not view.delegated \
            or not view.missing:
        return []
    return [finding(
        "NS_MISMATCH", view.zone,
        f"the parent's NS set for {view.zone} lacks {_names(set(view.missing))}",
        details={"missing": sorted(view.missing), "parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set)},
    )]
