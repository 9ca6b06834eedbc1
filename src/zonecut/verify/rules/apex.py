"""Does the zone's own apex NS set name only servers that serve it?"""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def apex_strays(view: DelegationView) -> list[str]:
    """Servers the apex NS names outside the delegation set that do not serve the
    zone (those answering for someone else are TAKEOVER_IN_PROGRESS)."""
    hijacked = set(view.hijacked)
    return sorted(name for name in view.apex_extra
                  if name not in hijacked and not view.server(name).state.serves)


def extra_ns_in_apex(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """EXTRA_NS_IN_APEX: the apex NS rrset names a server outside the delegation set
    that does not serve the zone (RFC 2181 5.4.1: resolvers rank the child's NS above
    the referral and use it). The same exposure as EXTRA_NS_IN_PARENT: whoever gets
    that server assigned to a zone of this name answers for part of the lookups."""
    if view.zone_gone or view.unread:
        return []
    strays = apex_strays(view)
    if not strays:
        return []
    answers = [f"{s.name}: {'; '.join(s.reasons) or s.state.value}"
               for s in (view.server(n) for n in strays)]
    return [finding(
        "EXTRA_NS_IN_APEX", view.zone,
        f"the apex NS set of {view.zone} names {len(strays)} server(s) outside its "
        f"delegation set that do not serve it: {', '.join(strays)}",
        server=strays[0] if len(strays) == 1 else None,
        details={"extra": strays, "apex_ns": sorted(view.apex_set),
                 "delegation_set": sorted(view.child_set), "answers": answers},
    )]
