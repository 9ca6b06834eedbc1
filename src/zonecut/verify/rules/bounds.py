"""Where the probe stopped on purpose: addresses never queried, deadlines, caps."""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.observations import Observations
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def ns_address_not_routable(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NS_ADDRESS_NOT_ROUTABLE: a listed server (parent, apex or delegation set) has an
    address zonecut never sends to (unspecified, broadcast, multicast, link-local,
    reserved; not globally routable in a public delegation; not loopback in sandbox
    mode). Resolvers on the internet cannot use it either, or worse, reach a host on
    their own network."""
    if view.zone_gone or view.unread:
        return []
    return [
        finding("NS_ADDRESS_NOT_ROUTABLE", view.zone,
                f"{s.name}, a server of {view.zone}, has an address that is not queried: "
                f"{'; '.join(s.bad_addresses)}",
                server=s.name, details={"addresses": list(s.bad_addresses)})
        for s in view.servers if s.bad_addresses
    ]


def probe_limit(view: DelegationView, observations: Observations) -> list[Finding]:
    """PROBE_LIMIT: a cap of the probe was hit on the zone's path (NS names per
    referral, glueless look-ups): a hostile or broken referral, reported instead of
    followed for hours."""
    path = observations.path(view.zone)
    if path is None or not path.limits:
        return []
    return [finding("PROBE_LIMIT", view.zone,
                    f"{view.zone} was checked only in part: {'; '.join(path.limits)}",
                    details={"limits": list(path.limits)})]


def deadline_exceeded(view: DelegationView, observations: Observations) -> list[Finding]:
    """DEADLINE_EXCEEDED: the probe of the zone was cut short by a deadline; nothing
    else is claimed from its partial DNS answers."""
    path = observations.path(view.zone)
    if path is None or not path.incomplete:
        return []
    return [finding("DEADLINE_EXCEEDED", view.zone,
                    f"{view.zone} was not verified: {path.incomplete}",
                    details={"why": path.incomplete})]
