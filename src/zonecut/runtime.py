"""Wire a loaded config to AWS: account access, the fleet, observe, plan, apply."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace

from zonecut.apply.certificates import DnsView
from zonecut.apply.executor import ApplyEvent, ApplyResult, Executor
from zonecut.apply.moves import find_copies
from zonecut.apply.observe import find_owners, observe, read_all_contents
from zonecut.apply.observe_each import observe_each_account
from zonecut.apply.orphans import list_undeclared, read_zones
from zonecut.apply.records import ChildPlan, ChildResources, ChildResult
from zonecut.apply.registrar import plan_at_registrar
from zonecut.apply.rotation import RotationRunner, ZoneRef
from zonecut.apply.teardown import Teardown
from zonecut.aws.access import AccountAccess, role_arn_for
from zonecut.aws.calls import CallCounter
from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.errors import AccessDenied
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import LOST_CHANGE_WAIT
from zonecut.aws.sessions import SessionFactory, StaticCredentials
from zonecut.config.access import resolved_accesses
from zonecut.config.document import Config
from zonecut.config.tree import DesiredTree, DesiredZone, build_tree
from zonecut.errors import ZonecutError
from zonecut.names import is_below
from zonecut.plan.changes import Plan
from zonecut.plan.dnssec import (
    ds_at,
    plan_dnssec,
    plan_dnssec_teardown,
    without_removed_ds,
)
from zonecut.plan.dnssec_steps import DnssecPlan
from zonecut.plan.moves import move_candidates, plan_moves
from zonecut.plan.observed import ObservedState
from zonecut.plan.ownership import created_by_zonecut
from zonecut.plan.planner import make_plan, select_zone
from zonecut.plan.rotation import Rotation, RotationStep, plan_rotation
from zonecut.plan.teardown import descendants_and_self, plan_destroy, plan_prune
from zonecut.state import HostedZone
from zonecut.verify.from_state import build_targets
from zonecut.verify.targets import DelegationTarget

SANDBOX_CREDENTIALS = StaticCredentials("sandbox", "sandbox")
SANDBOX_TTL_SCALE = 1 / 3600
"""In the sandbox no resolver caches a removed DS for real: its TTL is waited at this
scale (an hour's TTL for a second)."""
SANDBOX_SYNC_SECONDS = 1.0
"""How long a change whose answer was lost is given to sync in the sandbox (Route 53:
60 s); the sandbox's changes are in sync at once unless told to stay PENDING."""


@dataclass(frozen=True)
class Target:
    """Where the AWS calls go: real AWS (endpoint None) or an endpoint such as the sandbox."""

    endpoint_url: str | None = None
    sandbox: bool = False
    base_profile: str | None = None


def account_accesses(config: Config) -> dict[str, AccountAccess]:
    """Each declared account's access (resolved by :mod:`zonecut.config.access`), as the
    AWS sessions take it."""
    return {account_id: AccountAccess(**asdict(access))
            for account_id, access in resolved_accesses(config).items()}


SANDBOX_PROFILE_ROLE = "ZonecutSandboxProfile"
"""In the sandbox, an account reached through a profile (no role) is reached by assuming
this role in it instead: the sandbox reads no AWS profile, and its single set of base
credentials would otherwise land the account in moto's default account."""


def sandbox_accesses(accesses: dict[str, AccountAccess]) -> dict[str, AccountAccess]:
    """The accesses for the sandbox: no profile is read. A profile stands for credentials
    of its account, so an account reached through one (and no role) is reached by a role
    in it instead. An account with neither keeps the base credentials, which land in
    moto's default account: the identity check refuses that, as it would on AWS."""
    found: dict[str, AccountAccess] = {}
    for account_id, access in accesses.items():
        role = access.role_arn
        if role is None and access.profile is not None:
            role = role_arn_for(access.partition, account_id, SANDBOX_PROFILE_ROLE)
        found[account_id] = replace(access, profile=None, role_arn=role)
    return found


class Runtime:
    """One run of zonecut against one target, for one config."""

    def __init__(self, config: Config, target: Target, *, purpose: str = "plan") -> None:
        self.config = config
        self.tree: DesiredTree = build_tree(config)
        self.target = target
        self.counter = CallCounter()
        factory = SessionFactory(
            endpoint_url=target.endpoint_url,
            base_credentials=SANDBOX_CREDENTIALS if target.sandbox else None,
            purpose=purpose,
        )
        accesses = account_accesses(config)
        if target.sandbox:
            accesses = sandbox_accesses(accesses)
        self.fleet = Fleet(accesses, factory,
                           rate_limit=config.defaults.rate_limit, counter=self.counter,
                           rate_burst=config.defaults.rate_burst,
                           lost_change_wait=SANDBOX_SYNC_SECONDS if target.sandbox
                           else LOST_CHANGE_WAIT)

    @property
    def max_workers(self) -> int:
        return int(self.config.defaults.max_parallel_accounts)

    @property
    def manages_dnssec(self) -> bool:
        """Some zone's dnssec is set (true or false): GetDNSSEC is read for every zone."""
        return any(z.dnssec.managed for z in self.tree.zones)

    def observe(self) -> ObservedState:
        return observe(self.tree.zones, self.fleet, max_workers=self.max_workers,
                       tags_for=[z.name for z in self.tree.zones if z.tags],
                       signing_for=[z.name for z in self.tree.zones]
                       if self.manages_dnssec else (),
                       adopted_tags=True)

    def plan(self, observed: ObservedState | None = None) -> Plan:
        state = observed if observed is not None else self.observe()
        return self.with_moves(self._plan(state), state, prune=False)

    def _plan(self, state: ObservedState) -> Plan:
        tags = {z.name: z.tags for z in self.tree.zones}
        base = make_plan(self.tree.zones, state, tags=tags)
        registrar = plan_at_registrar(self.fleet, self.tree.zones, base, state)
        if registrar is not None:  # roots with `registrar: route53` (apply.registrar)
            base = with_dnssec(base, registrar)
        if not self.manages_dnssec:
            return base
        return with_dnssec(base, plan_dnssec(self.tree.zones,
                                             {z.name: z.dnssec for z in self.tree.zones},
                                             base, state))

    def with_moves(self, plan: Plan, state: ObservedState, *, prune: bool) -> Plan:
        """``plan`` with the zone moves it makes (see :mod:`zonecut.plan.moves`); with
        ``prune``, also every old zone zonecut created left in another declared account,
        and the deletion of those."""
        names = set(move_candidates(plan))
        if prune:
            names |= {z.name for z in self.tree.zones if z.parent is not None}
        if not names or len(self.fleet.accesses) < 2:
            return plan
        copies, notes = find_copies(names, self.tree.zones, self.fleet, list_all=prune,
                                    max_workers=self.max_workers)
        if notes:
            plan = replace(plan, notes=plan.notes + tuple(notes))
        if not copies:
            return plan
        try:
            owned = self.owned_zones(zone for found in copies.values() for zone, _ in found)
        except AccessDenied as exc:  # tags of another account's zone: counted as not ours
            owned = {zone.zone_id for found in copies.values() for zone, _ in found
                     if created_by_zonecut(zone, None)}
            why = " ".join(str(exc).split())
            plan = replace(plan, notes=(*plan.notes, "zone moves: the tags of an old copy "
                                        f"could not be read ({why}); it counts as not "
                                        "created by zonecut"))
        moves, deletions = plan_moves(self.tree.zones, state, plan, copies, owned,
                                      prune=prune)
        return replace(plan, moves=moves, deletions=tuple(sorted(
            plan.deletions + deletions, key=lambda d: (-d.depth, d.name))))

    def plan_with_prune(self) -> Plan:
        """The plan, plus deletions of delegated zones the config no longer declares."""
        state = self.observe()
        base = self._plan(state)
        if read_all_contents(self.tree.zones, state, self.fleet):
            base = self._plan(state)  # the zones read since may hold more of them
        declared = {z.name for z in self.tree.zones}
        names = {u.child for u in base.unmanaged}
        owners = find_owners(names, state, self.fleet, max_workers=self.max_workers)
        while more := {rr.name for zone in owners.values()
                       for rr in state.rrsets.get(zone.zone_id, ())
                       if rr.type == "NS" and rr.name != zone.name
                       and rr.name not in declared and rr.name not in names}:
            # zones delegated from a zone that goes: they go too (their NS with it)
            names |= more
            owners.update(find_owners(more, state, self.fleet, max_workers=self.max_workers))
        # zones nothing delegates any more (a prune cut off after removing the NS)
        listed = list_undeclared(self.tree.zones, self.fleet,
                                 known={z.zone_id for z in owners.values()},
                                 max_workers=self.max_workers)
        owned = self.owned_zones([*owners.values(), *listed.values()])
        orphans = read_zones({n: z for n, z in listed.items() if z.zone_id in owned},
                             state, self.fleet)
        deletions, notes = plan_prune(self.tree.zones, state, owners, owned=owned,
                                      orphans=orphans)
        if deletions and (self.manages_dnssec or any(
                ds_at(state, d.parent_zone_id, d.name) for d in deletions)):
            # a DS in a parent says the doomed zone signs even when the config no
            # longer sets dnssec: it is unsigned first, in the safe order
            self.read_signing([(d.account_id, d.zone_id, d.name) for d in deletions
                               if d.zone_id and d.account_id], state)
            ttl = self.config.defaults.ds_ttl  # undeclared now: the default DS TTL
            teardown = plan_dnssec_teardown(deletions, state, {d.name: ttl for d in deletions})
            deletions = without_removed_ds(deletions, teardown)
            base = with_dnssec(base, teardown)
        pruned = {d.name for d in deletions}
        delegated = {u.child for u in base.unmanaged}
        return self.with_moves(replace(
            base, deletions=deletions,
            unmanaged=tuple(u for u in base.unmanaged if u.child not in pruned),
            notes=base.notes + notes,
            unserved=tuple(sorted(delegated - set(owners)))), state, prune=True)

    def owned_zones(self, zones: Iterable[HostedZone]) -> set[str]:
        """The ids of the zones zonecut created (see :mod:`zonecut.plan.ownership`); tags
        are read only for zones whose CallerReference does not already say so."""
        unsure: dict[str, list[HostedZone]] = defaultdict(list)
        owned: set[str] = set()
        for zone in zones:
            if created_by_zonecut(zone, None):
                owned.add(zone.zone_id)
            else:
                unsure[zone.account_id].append(zone)
        for account_id, found in unsure.items():
            tags = self.fleet.route53(account_id).zone_tags([z.zone_id for z in found])
            owned.update(z.zone_id for z in found if created_by_zonecut(z, tags.get(z.zone_id)))
        return owned

    def plan_destroy(self, names: Sequence[str]) -> Plan:
        """Deletions of the declared zones ``names`` and of every declared zone below them."""
        targets = [z.name for z in descendants_and_self(self.tree.zones, names)]
        parents = [z.parent for z in self.tree.zones if z.name in targets and z.parent]
        # the zones that go (their records) and every declared zone above them (the NS
        # rrsets to cut, stale ones included); the others are only looked up
        above = {z.name for z in self.tree.zones
                 if any(is_below(t, z.name) for t in targets)}
        state = observe(self.tree.zones, self.fleet, max_workers=self.max_workers,
                        contents_for=targets,
                        signing_for=[*targets, *parents] if self.manages_dnssec else (),
                        only={*targets, *above}, delegation_sets=False,
                        bare_unread=True)
        deletions, problems = plan_destroy(self.tree.zones, names, state)
        ttls = {z.name: z.dnssec.ds_ttl for z in self.tree.zones}
        teardown = plan_dnssec_teardown(deletions, state, ttls)
        plan = Plan(zones=(), ns_changes=(), deletions=without_removed_ds(deletions, teardown),
                    problems=problems)
        return with_dnssec(plan, teardown) if teardown.has_changes else plan

    def read_signing(self, zones: Sequence[tuple[str, str, str]], state: ObservedState
                     ) -> None:
        """GetDNSSEC of (account, zone id, name) not read yet, into ``state``."""
        for account_id, zone_id, name in zones:
            if zone_id not in state.signing:
                state.signing[zone_id] = Route53Dnssec(self.fleet.route53(account_id)).get(
                    zone_id, name)

    def root_name_servers(self) -> dict[str, tuple[str, ...]]:
        """The name servers of every existing root zone (what a registrar delegates to),
        two reads a root instead of a whole observe."""
        found: dict[str, tuple[str, ...]] = {}
        for zone in self.tree.zones:
            if zone.parent is not None:
                continue
            r53 = self.fleet.route53(zone.account_id)
            picked, problem = select_zone(zone, r53.find_zones(zone.name))
            if picked is not None and problem is None:
                found[zone.name] = r53.get_zone(picked.zone_id).name_servers
        return found

    def root_ds(self) -> dict[str, tuple[str, ...]]:
        """The DS values of every root zone with ``dnssec: true`` that is signing (what its
        registrar must publish); empty for configs that leave DNSSEC alone."""
        found: dict[str, tuple[str, ...]] = {}
        for zone in self.tree.zones:
            if zone.parent is not None or zone.dnssec.sign is not True:
                continue
            r53 = self.fleet.route53(zone.account_id)
            picked, problem = select_zone(zone, r53.find_zones(zone.name))
            if picked is not None and problem is None:
                signing = Route53Dnssec(r53).get(picked.zone_id, zone.name)
                if signing.signing and signing.ds_values():
                    found[zone.name] = signing.ds_values()
        return found

    def rotation(self, name: str, retire: str | None = None
                 ) -> tuple[Rotation, ZoneRef | None, ZoneRef | None]:
        """The rollover of declared zone ``name``'s KSK as far as it has come, read live:
        the zone's and its parent's GetDNSSEC and the DS in the parent."""
        zone = self.tree.get(name)
        if zone is None:
            raise ZonecutError(f"{name}: not declared in the config")
        found = self._zone_ref(zone)
        if found is None:
            raise ZonecutError(f"{name}: the zone does not exist yet: run `zonecut apply`")
        signing = Route53Dnssec(self.fleet.route53(zone.account_id)).get(found.zone_id, name)
        parent = self.tree.get(zone.parent) if zone.parent else None
        parent_ref = self._zone_ref(parent) if parent is not None else None
        parent_signing = parent_ds = None
        if parent is not None and parent_ref is not None:
            r53 = self.fleet.route53(parent.account_id)
            parent_signing = Route53Dnssec(r53).get(parent_ref.zone_id, parent.name)
            parent_ds = next((rr for rr in r53.rrsets_at(parent_ref.zone_id, name)
                              if rr.type == "DS"), None)
        rotation = plan_rotation(name, signing, parent.name if parent else None,
                                 parent_signing, parent_ds, zone.dnssec.ds_ttl, retire)
        return rotation, found, parent_ref

    def _zone_ref(self, zone: DesiredZone) -> ZoneRef | None:
        r53 = self.fleet.route53(zone.account_id)
        picked, problem = select_zone(zone, r53.find_zones(zone.name))
        if problem:
            raise ZonecutError(problem)
        return ZoneRef(zone.name, zone.account_id, picked.zone_id) if picked else None

    def rotation_runner(self, kms_key_arn: str | None = None,
                        on_step: Callable[[RotationStep], None] | None = None
                        ) -> RotationRunner:
        return RotationRunner(self.fleet, sync_timeout=float(self.config.defaults.sync_timeout),
                              ttl_scale=SANDBOX_TTL_SCALE if self.target.sandbox else 1.0,
                              partition=self.config.defaults.access.partition,
                              kms_key_arn=kms_key_arn, on_step=on_step)

    def verify_targets(self, only: Sequence[str] = ()) -> list[DelegationTarget]:
        """What the API says of every declared delegation (or of those in ``only``).
        An account that cannot be read leaves its zones unread (verify reports each);
        the other accounts are still read."""
        state, unread = observe_each_account(self.tree.zones, self.fleet,
                                             max_workers=self.max_workers)
        return build_targets(self.tree.zones, state, state.apex_ns, only, unread)

    def teardown(self, on_event: Callable[[ApplyEvent], None] | None = None) -> Teardown:
        return Teardown(self.fleet, sync_timeout=float(self.config.defaults.sync_timeout),
                        max_workers=self.max_workers, on_event=on_event)

    def executor(self, on_event: Callable[[ApplyEvent], None] | None = None) -> Executor:
        return Executor(self.fleet, sync_timeout=float(self.config.defaults.sync_timeout),
                        max_workers=self.max_workers, on_event=on_event,
                        ttl_scale=SANDBOX_TTL_SCALE if self.target.sandbox else 1.0,
                        partition=self.config.defaults.access.partition)

    def apply(self, plan: Plan, executor: Executor | None = None) -> ApplyResult:
        return (executor or self.executor()).apply(plan)

    # -- what a child does with its zone: records, certificates, SSM handoff -------------
    # (zonecut.apply.records.ChildResources; runs after the core apply)

    def child_resources(self, on_event: Callable[[ApplyEvent], None] | None = None
                        ) -> ChildResources:
        return ChildResources(self.fleet, self.tree, self.config,
                              max_workers=self.max_workers, on_event=on_event)

    def plan_child_resources(self, plan: Plan) -> ChildPlan:
        """Records, certificates and SSM handoff to change, next to ``plan``."""
        return self.child_resources().plan(plan)

    def apply_child_resources(self, child: ChildPlan, plan: Plan, result: ApplyResult, *,
                              wait: bool = True, dns: DnsView | None = None,
                              on_event: Callable[[ApplyEvent], None] | None = None
                              ) -> ChildResult:
        """After ``apply(plan)`` gave ``result``: make ``child`` true."""
        return self.child_resources(on_event).apply(child, plan, result.created, wait=wait,
                                                    dns=dns)


def with_dnssec(plan: Plan, dnssec: DnssecPlan) -> Plan:
    """``plan`` with DNSSEC steps added (merged with any it has), their problems and notes."""
    merged = plan.dnssec.merged(dnssec) if plan.dnssec is not None else dnssec
    return replace(plan, dnssec=merged, problems=plan.problems + dnssec.problems,
                   notes=plan.notes + dnssec.notes)
