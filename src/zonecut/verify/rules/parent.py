"""Can the parent's servers be reached, and do they agree?"""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def _parent(view: DelegationView) -> str:
    return view.target.parent or view.parent.zone or "the parent zone"


def walk_failed(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """WALK_FAILED: the walk from the root did not reach the parent's servers
    (RFC 1034 4.3.2, Zonemaster BASIC01). The message says where and why."""
    if view.zone_gone or not view.parent.walk_error:
        return []
    return [finding("WALK_FAILED", view.zone,
                    f"cannot reach the servers of {_parent(view)} from the root: "
                    f"{view.parent.walk_error}")]


def parent_unreachable(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """PARENT_UNREACHABLE: the parent's servers were found but none gave a usable
    answer for the child's NS (RFC 1034 4.3.2, Zonemaster BASIC01)."""
    if view.zone_gone or view.parent.walk_error or view.parent.reachable:
        return []
    answers = "; ".join(f"{label}: {why}" for label, why in view.parent.unusable)
    return [finding("PARENT_UNREACHABLE", view.zone,
                    f"no server of {_parent(view)} gave a usable answer for {view.zone} NS",
                    details={"parent_answers": answers or "no server address"})]


def parent_servers_disagree(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """PARENT_SERVERS_DISAGREE: the parent's servers refer to different NS sets, or
    some refer and some deny (RFC 1034 4.2.2, Zonemaster CONSISTENCY04 applied to the
    parent). Usually a change still propagating, or a stale secondary."""
    if view.zone_gone or not view.parent.disagree:
        return []
    answers = [f"{label}: {', '.join(ns)}" for label, ns in view.parent.referrals]
    answers += [f"{label}: {why}" for label, why in view.parent.denials]
    return [finding("PARENT_SERVERS_DISAGREE", view.zone,
                    f"the servers of {_parent(view)} give different answers for "
                    f"{view.zone} NS", details={"parent_answers": answers})]
