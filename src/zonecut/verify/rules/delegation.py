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
    delegates it, or the parent lists only servers of no live copy of the zone and
    none of them serves it. Whoever gets one of those servers (or names) assigned can
    answer for the zone. Servers of the zone's own set that fail are SERVERS_FAILING.
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
    return [finding(
        "DANGLING_DELEGATION", view.zone,
        f"the parent delegates {view.zone} to servers of no live copy of the zone, and "
        "none of them serves it (stale after the zone was recreated?)",
        details={"parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set), "servers": reasons},
    )]


def servers_failing(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """SERVERS_FAILING: the parent lists the zone's own servers, and none of the
    servers it lists serves the zone (REFUSED, SERVFAIL, no AA). An outage of the
    zone's servers, not a takeover: the delegation itself is right."""
    if not view.servers_failing:
        return []
    own = sorted(view.parent_set & view.child_set)
    reasons = [f"{s.name}: {'; '.join(s.reasons)}" for s in
               (view.server(n) for n in own) if s.reasons]
    return [finding(
        "SERVERS_FAILING", view.zone,
        f"none of the {len(own)} server(s) of {view.zone} that its parent lists serves it",
        details={"parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set), "servers": reasons},
    )]


def takeover_in_progress(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """TAKEOVER_IN_PROGRESS: a server the parent (or the zone's apex NS) lists, outside
    every live copy's delegation set, answers authoritatively for the zone with another
    NS set: someone else's hosted zone of that name is live there, and resolvers that
    pick it get their answers."""
    hijacked = view.hijacked
    if not hijacked:
        return []
    answers = []
    for name in hijacked:
        server = view.server(name)
        ns = "; ".join(", ".join(s) for s in sorted(set(server.ns_sets))) or "no NS"
        answers.append(f"{name}: answers with authority, NS {ns}")
    where = sorted(({"parent"} if set(hijacked) & view.parent_set else set())
                   | ({"apex NS"} if set(hijacked) & view.apex_set else set()))
    return [finding(
        "TAKEOVER_IN_PROGRESS", view.zone,
        f"takeover in progress: {', '.join(hijacked)}, listed by the {' and '.join(where)}"
        f" of {view.zone}, answer for it with someone else's zone",
        server=hijacked[0] if len(hijacked) == 1 else None,
        details={"answering": answers, "parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set)},
    )]


def not_delegated(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NOT_DELEGATED: the zone exists but the parent has no NS for it (RFC 1034 4.2.2,
    Zonemaster BASIC01). Resolvers never reach the zone's servers.
    Not reported when the parent's servers disagree (PARENT_SERVERS_DISAGREE). When
    the parent is duplicated and the NS rrset sits in a copy nobody delegates to, the
    message says so."""
    if view.zone_gone or view.unread or view.delegated is not False or view.parent.disagree:
        return []
    if view.cname_at_cut:
        return []
    parent = view.target.parent or view.parent.zone or "the parent zone"
    cause: dict[str, str | list[str]] = {}
    suffix = ""
    if view.target.parent_copy_ns:
        copies = sorted(zone_id for zone_id, _ in view.target.parent_copy_ns)
        suffix = (f": its NS rrset is in {', '.join(copies)}, a copy of the duplicated "
                  f"zone {parent} that nobody delegates to (see DUPLICATE_ZONE)")
        cause = {"cause": f"DUPLICATE_ZONE {parent}", "ns_in_copies": copies}
    if view.parent.denials:
        how = "; ".join(f"{label}: {why}" for label, why in view.parent.denials)
        return [finding("NOT_DELEGATED", view.zone,
                        f"{parent} has no NS records for {view.zone}{suffix}",
                        details={"parent_answers": how, **cause})]
    return [finding("NOT_DELEGATED", view.zone,
                    f"{parent} has no NS rrset for {view.zone} in Route 53{suffix}",
                    details={"source": "Route 53 API (the parent's servers were not reached)",
                             **cause})]


def extra_ns_in_parent(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """EXTRA_NS_IN_PARENT: the parent lists servers outside the delegation set
    (Zonemaster DELEGATION07 EXTRA_NAME_PARENT). A partial dangling delegation: a
    resolver that picks the stray server gets a refusal, or whatever zone someone
    else created there. Servers the parent lacks at the same time (a zone recreated
    with a partly new set) are named in the same finding, not in an NS_MISMATCH."""
    extra = sorted(view.extra - set(view.hijacked))
    if view.zone_gone or view.dangling or not extra or not view.delegated:
        return []
    missing = sorted(view.missing)
    message = (f"the parent lists {len(extra)} server(s) outside the delegation set of "
               f"{view.zone} that do not serve it: {', '.join(extra)}")
    if missing:
        message += f"; it lacks {', '.join(missing)} (stale: was the zone recreated?)"
    answers = [f"{s.name}: {'; '.join(s.reasons) or s.state.value}"
               for s in (view.server(n) for n in extra)]
    return [finding(
        "EXTRA_NS_IN_PARENT", view.zone, message,
        server=extra[0] if len(extra) == 1 else None,
        details={"extra": extra, "missing": missing, "parent_ns": sorted(view.parent_set),
                 "delegation_set": sorted(view.child_set), "answers": answers},
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


def cname_at_delegation(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """CNAME_AT_DELEGATION: the parent holds a CNAME at the zone's name, where its NS
    rrset should be (RFC 1034 3.6.2, RFC 2181 10.1: a CNAME cannot share its name with
    other data, so there is no cut). One finding: no NOT_DELEGATED, PARENT_UNREACHABLE
    or OCCLUDED_RECORDS for the same cause."""
    targets = view.cname_at_cut
    if view.zone_gone or view.unread or not targets or view.delegated:
        return []
    parent = view.target.parent or view.parent.zone or "the parent zone"
    details: dict[str, str | list[str]] = {"cname": list(targets)}
    if view.parent.cnames:
        details["parent_answers"] = [f"{label}: CNAME {target}"
                                     for label, target in view.parent.cnames]
    return [finding(
        "CNAME_AT_DELEGATION", view.zone,
        f"{parent} holds a CNAME for {view.zone} (to {', '.join(targets)}) where its "
        "NS delegation should be",
        details=details,
    )]
