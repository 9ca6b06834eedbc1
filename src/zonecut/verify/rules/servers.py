"""Does each listed server answer for the zone, with authority?"""

from __future__ import annotations

from zonecut.findings import Severity
from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView, ServerState


def ns_name_unresolvable(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NS_NAME_UNRESOLVABLE: a listed server name has no address (Zonemaster
    NAMESERVER06). If the name's domain can be registered, so can the zone's answers."""
    if view.zone_gone:
        return []
    return [
        finding("NS_NAME_UNRESOLVABLE", view.zone,
                f"{s.name}, a server of {view.zone}, has no IPv4 address",
                server=s.name, details={"why": list(s.reasons)})
        for s in view.checked_servers if s.state is ServerState.UNRESOLVABLE
    ]


def lame_server(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """LAME_SERVER: a listed server responds without the AA flag, refuses, fails or
    refers elsewhere (Zonemaster BASIC02, DELEGATION04). Servers a set-level finding
    explains (DANGLING_DELEGATION, EXTRA_NS_IN_PARENT) are not repeated here."""
    if view.zone_gone:
        return []
    return [
        finding("LAME_SERVER", view.zone,
                f"{s.name} does not serve {view.zone} with authority",
                server=s.name, details={"answers": list(s.reasons)})
        for s in view.checked_servers if s.state is ServerState.LAME
    ]


def server_unreachable(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """SERVER_UNREACHABLE: a listed server never answers, even on retry, or its address
    cannot be looked up (Zonemaster CONNECTIVITY01). A warning per server; one error
    for the zone when no checked server answers at all. When the walk to the parent
    failed too, failed address look-ups share its cause and are not repeated."""
    if view.zone_gone:
        return []
    silent_states = {ServerState.UNREACHABLE}
    if not view.parent.walk_error:
        silent_states.add(ServerState.LOOKUP_FAILED)
    checked = [s for s in view.checked_servers if s.state is not ServerState.UNPROBED]
    silent = [s for s in checked if s.state in silent_states]
    if not silent:
        return []
    if len(silent) == len(checked):
        return [finding("SERVER_UNREACHABLE", view.zone,
                        f"none of the {len(silent)} servers of {view.zone} answers",
                        severity=Severity.ERROR,
                        details={"servers": [f"{s.name}: {'; '.join(s.reasons)}"
                                             for s in silent]})]
    return [
        finding("SERVER_UNREACHABLE", view.zone,
                f"{s.name} does not answer for {view.zone}"
                if s.state is ServerState.UNREACHABLE
                else f"the address of {s.name}, a server of {view.zone}, cannot be looked up",
                server=s.name, details={"answers": list(s.reasons)})
        for s in silent
    ]


def server_slow(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """SERVER_SLOW: a listed server answered only on a retry (Zonemaster CONNECTIVITY01):
    told apart from SERVER_UNREACHABLE, which never answered."""
    if view.zone_gone:
        return []
    return [
        finding("SERVER_SLOW", view.zone,
                f"{s.name} answered for {view.zone} only after {s.max_attempts} attempts",
                server=s.name)
        for s in view.checked_servers if s.state is ServerState.SLOW
    ]
