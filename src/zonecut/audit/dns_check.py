"""Dangling delegations checked over DNS (pure: targets out, observations in).

For ``zonecut audit --dns``: each dangling delegation becomes a verification target
whose listed servers :func:`zonecut.verify.probe` asks for the zone's SOA and NS.
:func:`dns_checks` then says, per delegation, whether any listed server serves the
zone (someone outside the audited accounts holds it), none does (the delegation is
confirmed dangling), or the DNS could not tell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from zonecut.audit.tree import Delegation, DelegationState, OrgTree
from zonecut.state import RRSet
from zonecut.verify.observations import Observations
from zonecut.verify.targets import DelegationTarget
from zonecut.verify.views import ServerState, build_view

_DENIED = (ServerState.LAME, ServerState.UNRESOLVABLE)
"""Server states that prove a server does not serve the zone: it answers without
authority, or its name does not exist."""


class DnsVerdict(StrEnum):
    SERVED = "served"  # at least one listed server answers for the zone with authority
    NOT_SERVED = "not_served"  # every listed server refuses it or has no such name
    UNKNOWN = "unknown"  # some servers did not answer or have no address


@dataclass(frozen=True)
class DnsCheck:
    """What the DNS said about one delegation's listed servers."""

    verdict: DnsVerdict
    serving: tuple[str, ...] = ()
    states: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        if self.verdict is DnsVerdict.SERVED:
            return "served by " + ", ".join(self.serving)
        if self.verdict is DnsVerdict.NOT_SERVED:
            return "confirmed over DNS: none of its servers serves it"
        return "not confirmed over DNS (" + ", ".join(
            f"{name}: {state}" for name, state in self.states) + ")"


def to_check(tree: OrgTree) -> list[Delegation]:
    """The delegations worth asking the DNS about: the dangling ones."""
    return [d for d in tree.delegations if d.state is DelegationState.DANGLING]


def dns_targets(tree: OrgTree) -> list[DelegationTarget]:
    """One probe target per dangling name: every server any dangling rrset lists."""
    by_name: dict[str, list[Delegation]] = {}
    for delegation in to_check(tree):
        by_name.setdefault(delegation.child, []).append(delegation)
    targets: list[DelegationTarget] = []
    for name, found in sorted(by_name.items()):
        closest = max(found, key=lambda d: len(d.parent.name))
        servers = sorted({s for d in found for s in d.ns.values})
        targets.append(DelegationTarget(
            child=name,
            parent=closest.parent.name,
            child_account="",
            parent_account=closest.parent.account_id,
            child_zone=None,
            child_apex_ns=None,
            parent_ns=RRSet(name, "NS", closest.ns.ttl, tuple(servers)),
        ))
    return targets


def dns_checks(tree: OrgTree, targets: list[DelegationTarget],
               observations: Observations) -> Mapping[tuple[str, str], DnsCheck]:
    """A verdict per dangling delegation (keyed like :attr:`Delegation.key`)."""
    views = {t.child: build_view(t, observations) for t in targets}
    checks: dict[tuple[str, str], DnsCheck] = {}
    for delegation in to_check(tree):
        view = views.get(delegation.child)
        if view is None:
            continue
        states = [(name, view.server(name).state) for name in delegation.ns.values]
        serving = tuple(name for name, state in states if state.serves)
        if serving:
            verdict = DnsVerdict.SERVED
        elif all(state in _DENIED for _, state in states):
            verdict = DnsVerdict.NOT_SERVED
        else:
            verdict = DnsVerdict.UNKNOWN
        checks[delegation.key] = DnsCheck(verdict, serving,
                                          tuple((n, s.value) for n, s in states))
    return checks
