"""Wire a loaded config to AWS: account access, the fleet, observe, plan, apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zonecut.apply.executor import ApplyEvent, ApplyResult, Executor
from zonecut.apply.observe import observe
from zonecut.aws.access import AccountAccess, role_arn_for
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import CallCounter
from zonecut.aws.sessions import SessionFactory, StaticCredentials
from zonecut.config.models import Config
from zonecut.config.tree import DesiredTree, build_tree
from zonecut.plan.changes import Plan
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import make_plan

SANDBOX_CREDENTIALS = StaticCredentials("sandbox", "sandbox")


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
        self.fleet = Fleet(account_accesses(config), factory,
                           rate_limit=config.defaults.rate_limit, counter=self.counter)

    @property
    def max_workers(self) -> int:
        return int(self.config.defaults.max_parallel_accounts)

    def observe(self) -> ObservedState:
        return observe(self.tree.zones, self.fleet, max_workers=self.max_workers)

    def plan(self, observed: ObservedState | None = None) -> Plan:
        state = observed if observed is not None else self.observe()
        tags = {z.name: z.tags for z in self.tree.zones}
        return make_plan(self.tree.zones, state, tags=tags)

    def executor(self, on_event: Callable[[ApplyEvent], None] | None = None) -> Executor:
        return Executor(self.fleet, sync_timeout=float(self.config.defaults.sync_timeout),
                        max_workers=self.max_workers, on_event=on_event)

    def apply(self, plan: Plan, executor: Executor | None = None) -> ApplyResult:
        return (executor or self.executor()).apply(plan)
