"""The desired zone tree: every declared zone with its resolved parent and depth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zonecut.config.aliases import alias_hosted_zone_id, alias_target_region
from zonecut.config.dnssec import DnssecSettings, effective
from zonecut.config.nesting import declared_parent, record_name
from zonecut.names import normalize

if TYPE_CHECKING:
    from zonecut.config.document import Config
    from zonecut.config.handoff import ParentFromSsm
    from zonecut.config.records import AliasSpec, RecordSpec


# -- what a zone holds besides its delegation ---------------------------------------


@dataclass(frozen=True)
class DesiredAlias:
    """An alias target, resolved: the target's hosted zone id and DNS name."""

    kind: str
    hosted_zone_id: str
    dns_name: str
    evaluate_target_health: bool = False


@dataclass(frozen=True)
class DesiredRecord:
    """A record set the zone's owner declares. ``name`` is absolute and canonical;
    ``values`` are canonical (see ``zonecut.config.records``) and sorted."""

    name: str
    type: str
    ttl: int
    values: tuple[str, ...] = ()
    alias: DesiredAlias | None = None


@dataclass(frozen=True)
class DesiredCertificate:
    """An ACM certificate to request with DNS validation; ``domains[0]`` is its DomainName."""

    domains: tuple[str, ...]
    region: str

    @property
    def domain_set(self) -> frozenset[str]:
        return frozenset(self.domains)


@dataclass(frozen=True)
class SsmParentRef:
    """Where a zone's parent is described: an SSM parameter in another account."""

    account_key: str
    account_id: str
    parameter: str
    region: str | None
    role_arn: str | None
    parent_account_key: str | None = None
    """``parent_account``: the account the parent zone is expected in (None: the one the
    parameter names)."""
    parent_account_id: str | None = None



@dataclass(frozen=True)
class DesiredZone:
    """One declared zone as zonecut wants it.

    ``tags`` are sorted ``(key, value)`` pairs (a tuple, so the zone stays hashable);
    :attr:`tag_dict` gives them as a dict.
    """

    name: str
    account_key: str
    account_id: str
    parent: str | None
    root: bool
    ns_ttl: int
    comment: str | None
    tags: tuple[tuple[str, str], ...]
    zone_id: str | None
    depth: int
    records: tuple[DesiredRecord, ...] = ()
    records_managed: str = "declared"
    certificates: tuple[DesiredCertificate, ...] = ()
    apex_ns: str = "repair"  # repair | report
    ssm_parent: SsmParentRef | None = None
    dnssec: DnssecSettings = field(default_factory=DnssecSettings)
    registrar: str | None = None  # a root's registrar zonecut may change: route53

    @property
    def tag_dict(self) -> dict[str, str]:
        return dict(self.tags)


@dataclass(frozen=True)
class DesiredTree:
    """All declared zones, parents before children (by depth, then name)."""

    zones: tuple[DesiredZone, ...]
    _by_name: dict[str, DesiredZone] = field(init=False, repr=False, compare=False, hash=False)
    _children: dict[str, tuple[DesiredZone, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.zones, key=lambda zone: (zone.depth, zone.name)))
        children: dict[str, list[DesiredZone]] = {}
        for zone in ordered:
            if zone.parent is not None:
                children.setdefault(zone.parent, []).append(zone)
        object.__setattr__(self, "zones", ordered)
        object.__setattr__(self, "_by_name", {zone.name: zone for zone in ordered})
        object.__setattr__(self, "_children",
                           {name: tuple(kids) for name, kids in children.items()})

    def __iter__(self) -> Iterator[DesiredZone]:
        return iter(self.zones)

    def __len__(self) -> int:
        return len(self.zones)

    def get(self, name: str) -> DesiredZone | None:
        """The zone of canonical ``name``; None when not declared."""
        return self._by_name.get(name)

    def children(self, name: str) -> tuple[DesiredZone, ...]:
        """The zones whose parent is ``name``, sorted by name."""
        return self._children.get(name, ())

    def roots(self) -> tuple[DesiredZone, ...]:
        """The zones without a declared parent."""
        return tuple(zone for zone in self.zones if zone.parent is None)


def build_tree(config: Config) -> DesiredTree:
    """Resolve parents, depths, accounts and effective TTLs of a valid config."""
    declared = {zone.name for zone in config.zones}
    key_of = {account.id: key for key, account in reversed(config.accounts.items())}
    key_of.update({key: key for key in config.accounts})
    depth: dict[str, int] = {}
    built: list[DesiredZone] = []
    for spec in sorted(config.zones, key=lambda zone: zone.name.count(".")):
        parent = declared_parent(spec.name, declared)
        depth[spec.name] = 0 if parent is None else depth[parent] + 1
        key = key_of.get(spec.account)
        account = config.accounts[key] if key is not None else None
        built.append(DesiredZone(
            name=spec.name,
            account_key=key if key is not None else spec.account,
            account_id=account.id if account is not None else spec.account,
            parent=parent,
            root=spec.root,
            ns_ttl=spec.ns_ttl if spec.ns_ttl is not None else config.defaults.ns_ttl,
            comment=spec.comment,
            tags=tuple(sorted(spec.tags.items())),
            zone_id=spec.zone_id,
            depth=depth[spec.name],
            records=tuple(desired_record(r, spec.name, config.defaults.record_ttl)
                          for r in spec.records),
            records_managed=spec.records_managed,
            certificates=tuple(DesiredCertificate(c.domains, c.region)
                               for c in spec.certificates),
            ssm_parent=_ssm_parent(config, spec.parent_from_ssm),
            apex_ns=spec.apex_ns or config.defaults.apex_ns,
            dnssec=effective(spec.dnssec, config.defaults.dnssec, spec.kms_key_arn,
                             spec.ds_ttl, config.defaults.ds_ttl),
            registrar=spec.registrar,
        ))
    return DesiredTree(tuple(built))


def desired_alias(alias: AliasSpec) -> DesiredAlias:
    region = alias.region or alias_target_region(alias.type, alias.target)
    zone_id = alias.hosted_zone_id or alias_hosted_zone_id(alias.type, region)
    if zone_id is None:  # the model refuses this; kept for type checkers
        raise ValueError(f"no hosted zone id known for {alias.type} in {region}")
    return DesiredAlias(alias.type, zone_id, normalize(alias.target),
                        alias.evaluate_target_health)


def desired_record(spec: RecordSpec, zone: str, default_ttl: int) -> DesiredRecord:
    name = record_name(spec.name, zone)
    if spec.alias is not None:
        return DesiredRecord(name, spec.type, 0, (), desired_alias(spec.alias))
    ttl = spec.ttl if spec.ttl is not None else default_ttl
    return DesiredRecord(name, spec.type, ttl, tuple(sorted(spec.values)))


def _ssm_parent(config: Config, ref: ParentFromSsm | None) -> SsmParentRef | None:
    if ref is None:
        return None
    key = config.account_key(ref.account) or ref.account
    account = config.accounts.get(key)
    parent_key = None
    if ref.parent_account is not None:
        parent_key = config.account_key(ref.parent_account) or ref.parent_account
    parent = config.accounts.get(parent_key) if parent_key is not None else None
    return SsmParentRef(
        account_key=key,
        account_id=account.id if account is not None else ref.account,
        parameter=ref.parameter,
        region=ref.region or config.defaults.ssm.region,
        role_arn=ref.role_arn,
        parent_account_key=parent_key,
        parent_account_id=parent.id if parent is not None else ref.parent_account,
    )
