"""``check``: targets + observations -> findings. Pure: no sockets, no clock, no printing.

Precedence (one root cause, one primary finding):

0. A declared zone whose account could not be read gives ZONE_UNREAD only; one that
   does not exist and is not delegated gives ZONE_MISSING; several public copies give
   DUPLICATE_ZONE (and the copy the parent delegates to is verified). A server the
   parent or the apex lists that answers for someone else's copy of the zone gives
   TAKEOVER_IN_PROGRESS, which comes before everything about the delegation.
1. A child zone gone from Route 53 but still delegated gives DANGLING_DELEGATION and
   nothing else about its servers.
2. When none of the servers the parent lists serves the zone (refusals, no AA, names
   that do not exist), DANGLING_DELEGATION (none is a server of a live copy) or
   SERVERS_FAILING (they include the zone's own servers) explains all of them: no
   LAME_SERVER, NS_MISMATCH or EXTRA_NS_IN_PARENT for those servers. A CNAME where
   the delegation should be is CNAME_AT_DELEGATION alone.
3. Servers the parent lists outside the delegation set give one EXTRA_NS_IN_PARENT;
   they are not judged again one by one. NS_MISMATCH only reports what is left (the
   parent lacking servers).
4. Servers are then judged one by one: NS_NAME_UNRESOLVABLE, LAME_SERVER,
   SERVER_UNREACHABLE (one zone-level error instead when none answers), SERVER_SLOW.
5. When the walk to a zone's parent fails (WALK_FAILED, PARENT_UNREACHABLE) and an
   enclosing zone that is itself a target already has a failing finding, the child
   gets one UNVERIFIED (info) instead: the cause is reported at the enclosing zone.
6. Servers the apex NS lists outside the delegation set that do not serve the zone:
   EXTRA_NS_IN_APEX (critical), instead of APEX_NS_EDITED.
7. Rules on the API data alone (APEX_NS_EDITED, GRANDPARENT_DELEGATION,
   OCCLUDED_RECORDS, NS_TTL_POLICY, RECORD_LIMIT_NEAR) are independent causes.

A healthy tree gives no finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from zonecut.names import is_below
from zonecut.verify.findings import Finding, finding
from zonecut.verify.observations import Observations
from zonecut.verify.rules import API_RULES, RULES_IN_ORDER
from zonecut.verify.rules.bounds import deadline_exceeded, probe_limit
from zonecut.verify.rules.lookup import zone_unread
from zonecut.verify.targets import DelegationTarget, VerifyPolicy
from zonecut.verify.views import build_view

PATH_CODES = frozenset({"WALK_FAILED", "PARENT_UNREACHABLE"})


def check(
    targets: Sequence[DelegationTarget],
    observations: Observations,
    policy: VerifyPolicy,
) -> list[Finding]:
    """Every finding for ``targets``, in a stable order (zone, severity, code, server)."""
    broken: set[str] = set()
    found: list[Finding] = []
    for target in sorted(targets, key=lambda t: (t.child.count("."), t.child)):
        view = build_view(target, observations)
        if view.unread:  # nothing is known of the zone: claim nothing but that
            own = zone_unread(view, policy)
        elif deadline_exceeded(view, observations):  # partial answers prove nothing
            own = [*deadline_exceeded(view, observations),
                   *probe_limit(view, observations),
                   *(f for rule in API_RULES for f in rule(view, policy))]
        else:
            own = [f for rule in RULES_IN_ORDER for f in rule(view, policy)]
            own += probe_limit(view, observations)
        blocker = _broken_ancestor(target.child, broken)
        if blocker is not None and any(f.code in PATH_CODES for f in own):
            own = [f for f in own if f.code not in PATH_CODES]
            own.append(finding(
                "UNVERIFIED", target.child,
                f"the delegation of {target.child} was not checked from the DNS: "
                f"{blocker} is broken (see its findings)",
                details={"blocked_by": blocker},
            ))
        if any(f.severity.fails or f.code == "UNVERIFIED" for f in own):
            broken.add(target.child)
        found.extend(own)
    return sorted(found, key=lambda f: f.sort_key)


def _broken_ancestor(zone: str, broken: set[str]) -> str | None:
    """The closest broken target zone above ``zone``, if any."""
    above = [b for b in broken if is_below(zone, b)]
    return max(above, key=len) if above else None
