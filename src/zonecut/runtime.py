"""Wire a loaded config to AWS: account access, the fleet, observe, plan, apply."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from zonecut.apply.certificates import DnsView
from zonecut.apply.executor import ApplyEvent, ApplyResult, Executor
from zonecut.apply.observe import find_owners, observe, read_all_contents
from zonecut.apply.observe_each import observe_each_account
from zonecut.apply.records import ChildPlan, ChildResources, ChildResult
from zonecut.apply.teardown import Teardown
from zonecut.aws.access import AccountAccess, role_arn_for
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import LOST_CHANGE_WAIT, CallCounter
from zonecut.aws.sessions import SessionFactory, StaticCredentials
from zonecut.config.models import Config
from zonecut.config.tree import DesiredTree, build_tree
from zonecut.plan.changes import Plan
from zonecut.plan.observed import ObservedState
from zonecut.plan.ownership import created_by_zonecut
from zonecut.plan.planner import make_plan, select_zone
from zonecut.plan.teardown import descendants_and_self, plan_destroy, plan_prune
from zonecut.state import HostedZone
from zonecut.verify.from_state import build_targets
from zonecut.verify.targets import DelegationTarget

SANDBOX_CREDENTIALS = StaticCredentials("sandbox", "sandbox")
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
    """Resolve each declared account's access from its own keys and the defaults."""
    defaults = config.defaults.access
    found: dict[str, AccountAccess] = {}
    for key, account in config.accounts.items():
        role_arn: str | None = None
        if account.assume_role:
            if account.role_arn:
                role_arn = account.role_arn
            else:
                template = account.role_name or defaults.role_name
                if template:
                    name = template.format(account_id=account.id, account=key)
                    role_arn = role_arn_for(defaults.partition, account.id, name)
        found[account.id] = AccountAccess(
            key=key,
            account_id=account.id,
            profile=account.profile,
            role_arn=role_arn,
            external_id=account.external_id or defaults.external_id,
            source_identity=account.source_identity or defaults.source_identity,
            region=account.region or defaults.region,
            partition=defaults.partition,
            session_name=defaults.session_name,
        )
    return found


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

    def observe(self) -> ObservedState:
        return observe(self.tree.zones, self.fleet, max_workers=self.max_workers,
                       tags_for=[z.name for z in self.tree.zones if z.tags])

    def plan(self, observed: ObservedState | None = None) -> Plan:
        state = observed if observed is not None else self.observe()
        tags = {z.name: z.tags for z in self.tree.zones}
        return make_plan(self.tree.zones, state, tags=tags)

    def plan_with_prune(self) -> Plan:
        """The plan, plus deletions of delegated zones the config no longer declares."""
        state = self.observe()
        base = self.plan(state)
        if read_all_contents(self.tree.zones, state, self.fleet):
            base = self.plan(state)  # the zones read since may hold more of them
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
        deletions, notes = plan_prune(self.tree.zones, state, owners,
                                      owned=self.owned_zones(owners.values()))
        pruned = {d.name for d in deletions}
        return replace(base, deletions=deletions,
                       unmanaged=tuple(u for u in base.unmanaged if u.child not in pruned),
                       notes=base.notes + notes)

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
        state = observe(self.tree.zones, self.fleet, max_workers=self.max_workers,
                        contents_for=targets)
        deletions, problems = plan_destroy(self.tree.zones, names, state)
        return Plan(zones=(), ns_changes=(), deletions=deletions, problems=problems)

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
                        max_workers=self.max_workers, on_event=on_event)

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
