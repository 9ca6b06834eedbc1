"""Apex NS sets checked over DNS (pure: targets out, observations in).

For ``zonecut audit --dns``: a zone whose own apex NS rrset names servers outside every
delegation set of a zone of its name (``AUDIT_APEX_NS_STRAY``) becomes a verification
target, probed as ``zonecut verify`` probes a zone (the servers its apex names are asked
like those of a referral). :func:`apex_checks` then says, per stray server, what the DNS
said: it does not serve the zone (verify's ``EXTRA_NS_IN_APEX``: whoever is assigned it
answers part of the lookups), it answers with authority for someone else's copy
(verify's ``TAKEOVER_IN_PROGRESS``), or the DNS could not tell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zonecut.audit.tree import OrgTree, TreeZone
from zonecut.verify.observations import Observations
from zonecut.verify.targets import DelegationTarget
from zonecut.verify.views import ServerState, build_view

_DENIED = (ServerState.LAME, ServerState.UNRESOLVABLE, ServerState.UNREACHABLE,
           ServerState.LOOKUP_FAILED)
"""Server states of a stray that does not serve the zone (verify's EXTRA_NS_IN_APEX
counts a server that fails or does not answer too)."""


@dataclass(frozen=True)
class ApexCheck:
    """What the DNS said about the stray servers of one zone's apex NS set."""

    states: tuple[tuple[str, str], ...]
    """(server, its state as verify names it) for each stray server."""
    takeover: tuple[str, ...] = ()
    """Stray servers answering with authority for someone else's copy of the zone."""

    @property
    def confirmed(self) -> tuple[str, ...]:
        """Stray servers the DNS shows not serving the zone."""
        return tuple(n for n, s in self.states if ServerState(s) in _DENIED
                     and n not in self.takeover)

    def describe(self) -> str:
        parts: list[str] = []
        if self.takeover:
            parts.append("takeover in progress: " + ", ".join(self.takeover)
                         + " answer(s) with authority for someone else's zone of this name")
        if self.confirmed:
            parts.append("confirmed over DNS: " + ", ".join(
                f"{n} ({s})" for n, s in self.states if n in self.confirmed)
                + " do(es) not serve it")
        rest = [f"{n}: {s}" for n, s in self.states
                if n not in self.takeover and n not in self.confirmed]
        if rest:
            parts.append("not settled over DNS (" + ", ".join(rest) + ")")
        return "; ".join(parts)


def strays_of(tree: OrgTree, copy: TreeZone) -> tuple[str, ...]:
    """Servers ``copy``'s apex NS names that no copy of its name was assigned."""
    apex = copy.record.apex_ns
    if apex is None:
        return ()
    assigned = frozenset().union(*(z.record.delegation_set for z in tree.copies(copy.record.name)))
    return tuple(sorted(apex.value_set - assigned))


def apex_targets(tree: OrgTree) -> list[DelegationTarget]:
    """One probe target per zone name with a stray apex server (the first such copy in
    zone-id order when several copies have one)."""
    targets: list[DelegationTarget] = []
    for name in tree.names:
        copies = sorted(tree.copies(name), key=lambda z: z.record.zone_id)
        with_strays = [c for c in copies if strays_of(tree, c)]
        if not with_strays:
            continue
        copy = with_strays[0]
        delegating = max(copy.delegated_by, key=lambda d: len(d.parent.name), default=None)
        targets.append(DelegationTarget(
            child=name,
            parent=copy.enclosing,
            child_account=copy.record.account_id,
            parent_account=delegating.parent.account_id if delegating else None,
            child_zone=copy.record.zone,
            child_apex_ns=copy.record.apex_ns,
            parent_ns=delegating.ns if delegating else None,
        ))
    return targets


def apex_checks(tree: OrgTree, targets: list[DelegationTarget],
                observations: Observations) -> Mapping[str, ApexCheck]:
    """A check per probed zone, keyed by zone id."""
    checks: dict[str, ApexCheck] = {}
    for target in targets:
        assert target.child_zone is not None
        copy = next(z for z in tree.copies(target.child)
                    if z.record.zone_id == target.child_zone.zone_id)
        view = build_view(target, observations)
        strays = strays_of(tree, copy)
        hijacked = set(view.hijacked)
        checks[copy.record.zone_id] = ApexCheck(
            states=tuple((n, view.server(n).state.value) for n in strays),
            takeover=tuple(n for n in strays if n in hijacked))
    return checks
