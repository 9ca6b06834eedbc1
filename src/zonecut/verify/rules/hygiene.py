"""Rules on the Route 53 data alone: apex NS, stray delegations, occluded data, TTL, quota."""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def apex_ns_edited(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """APEX_NS_EDITED: the zone's own apex NS rrset differs from the delegation set
    Route 53 assigned (RFC 1034 4.2.2, Zonemaster DELEGATION07): resolvers that
    trust the child's NS are sent elsewhere than the parent says."""
    apex = view.target.child_apex_ns
    if view.zone_gone or apex is None or not view.child_set:
        return []
    if apex.value_set == view.child_set:
        return []
    if view.apex_extra - {n for n in view.apex_extra if view.server(n).state.serves} \
            or set(view.hijacked) & view.apex_set:
        return []  # EXTRA_NS_IN_APEX or TAKEOVER_IN_PROGRESS says more
    return [finding(
        "APEX_NS_EDITED", view.zone,
        f"the apex NS records of {view.zone} differ from its delegation set",
        details={"apex_ns": sorted(apex.value_set),
                 "delegation_set": sorted(view.child_set)},
    )]


def grandparent_delegation(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """GRANDPARENT_DELEGATION: a zone above the closest parent also holds NS records
    for the zone (RFC 1034 4.2.1). They sit below the parent's own cut, are never
    served, and dangle unnoticed once the zone changes."""
    if view.zone_gone:
        return []  # part of DANGLING_DELEGATION
    return [
        finding("GRANDPARENT_DELEGATION", view.zone,
                f"{zone} also delegates {view.zone}, which its closest parent "
                f"{view.target.parent or '(none)'} delegates",
                details={"zone": zone, "ns": list(rrset.values)})
        for zone, rrset in sorted(view.target.ancestor_delegations)
    ]


def occluded_records(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """OCCLUDED_RECORDS: the parent holds non-NS records at or below the cut
    (RFC 1034 4.2.1): they are never served, yet some tools and resolvers see them."""
    records = view.target.parent_other_at_or_below_cut
    if not records or (view.target.parent_ns is None and not view.delegated):
        return []  # no cut: the records are served, not occluded
    return [finding(
        "OCCLUDED_RECORDS", view.zone,
        f"{view.target.parent or 'the parent'} holds {len(records)} record set(s) at or "
        f"below the cut of {view.zone}",
        details={"records": sorted(f"{r.name} {r.type}" for r in records)},
    )]


def ns_ttl_policy(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NS_TTL_POLICY: the parent's NS TTL is outside [ns_ttl_min, ns_ttl_max]
    (RFC 2181 section 8): too short costs resolvers a round trip per lookup, too long
    delays every future change of servers."""
    ns = view.target.parent_ns
    if view.zone_gone or ns is None or policy.ns_ttl_min <= ns.ttl <= policy.ns_ttl_max:
        return []
    return [finding(
        "NS_TTL_POLICY", view.zone,
        f"the NS TTL of {view.zone} in its parent is {ns.ttl}s, outside "
        f"{policy.ns_ttl_min}-{policy.ns_ttl_max}s",
        details={"ttl": str(ns.ttl)},
    )]


def record_limit_near(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """RECORD_LIMIT_NEAR: the zone holds at least ``record_limit_ratio`` of its record
    quota (10,000 by default, a soft limit): a change that passes it fails."""
    target = view.target
    if target.child_zone is None:
        return []
    count = target.child_record_count or target.child_zone.record_count
    if target.record_limit <= 0 or count < policy.record_limit_ratio * target.record_limit:
        return []
    return [finding(
        "RECORD_LIMIT_NEAR", view.zone,
        f"{view.zone} holds {count} of its {target.record_limit} records "
        f"({100 * count // target.record_limit}%)",
        details={"records": str(count), "limit": str(target.record_limit)},
    )]
