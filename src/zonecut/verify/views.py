"""What the observations say about one delegation, summarised for the rules (pure).

A :class:`DelegationView` joins a target (the API's side) with the probe's records
(the DNS side): what the parent's servers refer to, and how each listed server answers
for the child. The rules read views only; the precedence that keeps one root cause
to one finding is expressed by the view's properties (see :mod:`zonecut.verify.checks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zonecut.verify.observations import (
    Observations,
    Outcome,
    PathRecord,
    QueryRecord,
    referred_servers,
)
from zonecut.verify.targets import DelegationTarget, ZoneLookup


class ServerState(StrEnum):
    SERVING = "serving"  # every query answered with authority
    SLOW = "slow"  # serving, but only after a retry
    LAME = "lame"  # responds, but not as an authoritative server of the zone
    UNREACHABLE = "unreachable"  # no response from any address, even on retry
    UNRESOLVABLE = "unresolvable"  # the host name has no address (authoritative denial)
    LOOKUP_FAILED = "lookup_failed"  # the host name's address could not be looked up
    UNPROBED = "unprobed"  # nothing recorded (e.g. a replay of a partial run)
    NOT_QUERIED = "not_queried"  # every address is one zonecut never sends to

    @property
    def serves(self) -> bool:
        return self in (ServerState.SERVING, ServerState.SLOW)


@dataclass(frozen=True)
class ServerView:
    """How one listed server answers for the child zone, over all its addresses."""

    name: str
    state: ServerState
    reasons: tuple[str, ...] = ()
    serials: tuple[int, ...] = ()
    ns_sets: tuple[tuple[str, ...], ...] = ()
    max_attempts: int = 1
    bad_addresses: tuple[str, ...] = ()  # addresses not queried, with why


@dataclass(frozen=True)
class ParentView:
    """What the parent side says about the delegation.

    ``referrals`` maps ``"server address"`` to the NS set it refers to; ``denials`` the
    servers that authoritatively say there is no delegation (with the reason);
    ``unusable`` the others (timeouts, refusals, non-authoritative answers).
    """

    zone: str | None
    walk_error: str | None
    referrals: tuple[tuple[str, tuple[str, ...]], ...] = ()
    denials: tuple[tuple[str, str], ...] = ()
    unusable: tuple[tuple[str, str], ...] = ()
    cnames: tuple[tuple[str, str], ...] = ()

    @property
    def reachable(self) -> bool:
        return bool(self.referrals or self.denials or self.cnames)

    @property
    def referral_sets(self) -> frozenset[frozenset[str]]:
        return frozenset(frozenset(ns) for _, ns in self.referrals)

    @property
    def disagree(self) -> bool:
        return len(self.referral_sets) > 1 or bool(self.referrals and self.denials)

    @property
    def observed_set(self) -> frozenset[str]:
        return frozenset().union(*self.referral_sets) if self.referrals else frozenset()


@dataclass(frozen=True)
class DelegationView:
    target: DelegationTarget
    parent: ParentView
    servers: tuple[ServerView, ...]

    # ---- the delegation ----------------------------------------------------------------

    @property
    def zone(self) -> str:
        return self.target.child

    @property
    def zone_gone(self) -> bool:
        """The child zone does not exist in the API (an unread one is not known gone)."""
        return self.target.child_zone is None and self.target.lookup is not ZoneLookup.UNREAD

    @property
    def unread(self) -> bool:
        return self.target.lookup is ZoneLookup.UNREAD

    @property
    def live_servers(self) -> frozenset[str]:
        """Every server of a live copy of the zone (the delegation sets of all copies)."""
        names = set(self.child_set)
        for copy in self.target.copies:
            names.update(copy.name_servers)
        return frozenset(names)

    @property
    def apex_set(self) -> frozenset[str]:
        apex = self.target.child_apex_ns
        return apex.value_set if apex is not None else frozenset()

    @property
    def apex_extra(self) -> frozenset[str]:
        """Servers the zone's own apex NS names that Route 53 did not assign to it."""
        return self.apex_set - self.child_set if self.child_set else frozenset()

    @property
    def api_parent_set(self) -> frozenset[str]:
        ns = self.target.parent_ns
        return ns.value_set if ns is not None else frozenset()

    @property
    def delegated(self) -> bool | None:
        """True: the parent refers to the child; False: it says no; None: unknown.

        When the parent side gave no usable answer, the API's parent NS rrset decides
        for a declared parent (a root zone has none: unknown).
        """
        if self.parent.referrals:
            return True
        if self.parent.denials:
            return False
        if self.target.parent is not None and self.target.parent_lookup in (
                ZoneLookup.FOUND, ZoneLookup.DUPLICATE):
            return self.target.parent_ns is not None
        return None

    @property
    def parent_set(self) -> frozenset[str]:
        """The parent's NS set to compare: what its servers refer to, or (when they
        disagree or cannot be asked) the parent's NS rrset in the API."""
        if self.parent.referrals and not self.parent.disagree:
            return self.parent.observed_set
        if self.api_parent_set:
            return self.api_parent_set
        return self.parent.observed_set

    @property
    def child_set(self) -> frozenset[str]:
        return self.target.delegation_set

    @property
    def extra(self) -> frozenset[str]:
        """Servers the parent lists that Route 53 did not assign to the child."""
        return self.parent_set - self.child_set if self.child_set else frozenset()

    @property
    def missing(self) -> frozenset[str]:
        """Servers of the child's delegation set that the parent does not list."""
        return self.child_set - self.parent_set if self.parent_set else frozenset()

    @property
    def cname_at_cut(self) -> tuple[str, ...]:
        """Where the delegation should be, the parent holds a CNAME: its targets, as
        the parent's servers answer them and as the API lists the parent's records."""
        targets = {target for _, target in self.parent.cnames}
        for rrset in self.target.parent_other_at_or_below_cut:
            if rrset.type == "CNAME" and rrset.name == self.zone:
                targets.update(rrset.values)
        return tuple(sorted(targets))

    def server(self, name: str) -> ServerView:
        for view in self.servers:
            if view.name == name:
                return view
        return ServerView(name, ServerState.UNPROBED)

    @property
    def parent_listed_dead(self) -> bool:
        """No server the parent lists serves the zone, and at least one of them proves it
        by responding without authority. All of them merely silent is
        SERVER_UNREACHABLE; names without an address are NS_NAME_UNRESOLVABLE."""
        listed = [self.server(name) for name in self.parent_set]
        if not listed or any(s.state.serves for s in listed):
            return False
        return any(s.state is ServerState.LAME for s in listed)

    def answers_for_someone_else(self, name: str) -> bool:
        """A server outside the zone's delegation set answers for the zone with
        authority, with an NS set other than the zone's own: another hosted zone of
        that name (someone else's) is served there."""
        if name in self.live_servers:
            return False
        view = self.server(name)
        if not view.state.serves:
            return False
        own = tuple(sorted(self.child_set))
        return not view.ns_sets or any(ns != own for ns in view.ns_sets)

    @property
    def hijacked(self) -> tuple[str, ...]:
        """Servers the parent or the apex lists that serve someone else's copy."""
        listed = self.parent_set if self.delegated or self.zone_gone else frozenset()
        return tuple(sorted(n for n in listed | self.apex_set
                            if self.answers_for_someone_else(n)))

    @property
    def dangling(self) -> bool:
        """The primary root cause is a dangling delegation (see the DANGLING rule):
        the zone is gone, or the parent lists servers of no live copy of it, none of
        which serves it (servers answering for someone else: TAKEOVER_IN_PROGRESS)."""
        if self.hijacked:
            return False
        if self.zone_gone:
            return bool(self.delegated) or bool(self.target.ancestor_delegations)
        return bool(self.delegated) and self.parent_listed_dead \
            and not (self.parent_set & self.live_servers)

    @property
    def servers_failing(self) -> bool:
        """The parent lists servers of the zone's own delegation set, and none of the
        servers it lists serves the zone (an outage, not a takeover)."""
        if self.zone_gone or self.hijacked or not self.delegated:
            return False
        return self.parent_listed_dead and bool(self.parent_set & self.child_set)

    @property
    def checked_servers(self) -> tuple[ServerView, ...]:
        """Servers judged one by one: the parent's and the child's sets, less those a
        set-level finding already explains (extra servers in the parent or the apex, a
        dangling or failing parent set, servers answering for someone else)."""
        names = self.parent_set | self.child_set
        names -= self.extra
        names -= set(self.hijacked)
        if self.dangling or self.servers_failing:
            names -= self.parent_set
        return tuple(self.server(name) for name in sorted(names))


# ---- building views ------------------------------------------------------------------


def build_view(target: DelegationTarget, observations: Observations) -> DelegationView:
    path = observations.path(target.child) or PathRecord(
        target.child, target.parent, (), (), "not probed")
    parent = _parent_view(target.child, path, observations)
    names = set(target.delegation_set)
    if target.parent_ns is not None:
        names.update(target.parent_ns.values)
    if target.child_apex_ns is not None:
        names.update(target.child_apex_ns.values)
    names.update(parent.observed_set)
    servers = tuple(_server_view(name, target.child, observations) for name in sorted(names))
    return DelegationView(target, parent, servers)


def _parent_view(child: str, path: PathRecord, observations: Observations) -> ParentView:
    referrals: list[tuple[str, tuple[str, ...]]] = []
    denials: list[tuple[str, str]] = []
    unusable: list[tuple[str, str]] = []
    cnames: list[tuple[str, str]] = []
    for name in path.parent_servers:
        for address in observations.addresses_of(name):
            record = observations.find(child_side=False, address=address, qname=child,
                                       qtype="NS")
            label = f"{name} {address}"
            if record is None:
                continue
            referred = referred_servers(record, child)
            if referred:
                referrals.append((label, tuple(sorted(referred))))
            elif record.aa and record.outcome is Outcome.ANSWER and record.answer_cname:
                cnames.append((label, record.answer_cname))
            elif record.aa and record.outcome in (Outcome.NXDOMAIN, Outcome.NODATA):
                denials.append((label, record.outcome.value))
            elif record.outcome is Outcome.REFERRAL:
                denials.append((label, f"refers to {record.authority_zone}"))
            else:
                unusable.append((label, describe(record)))
    return ParentView(path.parent_zone, path.walk_error, tuple(referrals), tuple(denials),
                      tuple(unusable), tuple(cnames))


def _server_view(name: str, zone: str, observations: Observations) -> ServerView:
    host = observations.host(name)
    if host is None:
        return ServerView(name, ServerState.UNPROBED)
    if not host.addresses:
        state = ServerState.UNRESOLVABLE if host.denied else ServerState.LOOKUP_FAILED
        return ServerView(name, state, (host.error or "no address",))
    lame: list[str] = []
    silent: list[str] = []
    bad: list[str] = []
    serials: list[int] = []
    ns_sets: list[tuple[str, ...]] = []
    attempts = 1
    seen = 0
    for address in host.addresses:
        for qtype in ("SOA", "NS"):
            record = observations.find(child_side=True, address=address, qname=zone,
                                       qtype=qtype)
            if record is None:
                continue
            seen += 1
            if record.outcome is Outcome.NOT_QUERIED:
                if record.error not in bad:
                    bad.append(record.error)
            elif record.authoritative_answer:
                attempts = max(attempts, record.attempts)
                if qtype == "SOA" and record.soa_serial is not None:
                    serials.append(record.soa_serial)
                if qtype == "NS":
                    ns_sets.append(tuple(sorted(record.answer_ns)))
            elif record.outcome.responded:
                lame.append(f"{address} {qtype}: {describe(record)}")
            else:
                silent.append(f"{address} {qtype}: {describe(record)}")
    if not seen:
        return ServerView(name, ServerState.UNPROBED)
    if lame:
        state = ServerState.LAME
    elif silent:
        state = ServerState.UNREACHABLE
    elif bad and not serials and not ns_sets:
        state = ServerState.NOT_QUERIED
    elif attempts > 1:
        state = ServerState.SLOW
    else:
        state = ServerState.SERVING
    return ServerView(name, state, tuple(lame + silent + bad), tuple(serials),
                      tuple(ns_sets), attempts, tuple(bad))


def describe(record: QueryRecord) -> str:
    """A few words for what a response was, as a finding's details show it."""
    outcome = record.outcome
    if outcome is Outcome.REFERRAL:
        return f"referral to {record.authority_zone} (not authoritative)"
    if outcome in (Outcome.ANSWER, Outcome.NXDOMAIN, Outcome.NODATA) and not record.aa:
        return f"{outcome.value} without the AA flag"
    if outcome in (Outcome.NXDOMAIN, Outcome.NODATA):
        return f"{outcome.value} (the server holds an enclosing zone, not this one)"
    if outcome is Outcome.OTHER_RCODE:
        return f"rcode {record.rcode}"
    if outcome in (Outcome.TIMEOUT, Outcome.NETWORK_ERROR):
        return f"{outcome.value} after {record.attempts} attempt(s)" + (
            f" ({record.error})" if record.error else "")
    if outcome is Outcome.NOT_QUERIED:
        return record.error or "not queried"
    if outcome is Outcome.BAD_RESPONSE:
        return f"unreadable response ({record.error})"
    return outcome.value.upper() if outcome in (Outcome.REFUSED, Outcome.SERVFAIL) \
        else outcome.value
