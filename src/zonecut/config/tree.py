"""The desired zone tree: every declared zone with its resolved parent and depth."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zonecut.config.dnssec import DnssecSettings, effective
from zonecut.names import closest_ancestor, is_at_or_below, normalize

if TYPE_CHECKING:
    from zonecut.config.models import AliasSpec, Config, ParentFromSsm, RecordSpec


def label_suffixes(name: str) -> list[str]:
    """The names strictly above canonical ``name`` on label boundaries, nearest first.

    ``a.b.example.com`` -> ``b.example.com``, ``example.com``, ``com``.
    """
    labels = name.split(".")
    return [".".join(labels[index:]) for index in range(1, len(labels))]


def declared_parent(name: str, declared: Collection[str]) -> str | None:
    """The closest declared ancestor of canonical ``name`` on a label boundary, if any.

    ``badexample.com`` has no parent in ``{"example.com"}``. Looks up only the
    name's own suffixes, so it stays fast for large ``declared`` sets.
    """
    return closest_ancestor(name, [s for s in label_suffixes(name) if s in declared])


# -- alias targets ---------------------------------------------------------------------
#
# The hosted zone id an alias record names is the target's, not yours.
# Sources: AWS General Reference, "Amazon API Gateway endpoints and quotas" (Route 53
# Hosted Zone ID column, Regional endpoints; edge-optimized is Z2FDTNDATAQYW2 everywhere)
# and "Elastic Load Balancing endpoints and quotas" (separate columns for Application and
# Classic Load Balancers, and for Network Load Balancers); Route 53 API reference,
# AliasTarget.HostedZoneId (CloudFront: always Z2FDTNDATAQYW2). Values cross-checked
# against kubernetes-sigs/external-dns (provider/aws) and codenize-tools/roadworker.
# A region missing here needs `alias.hosted_zone_id` (the value AWS reports for the
# resource: API Gateway's regionalHostedZoneId, the load balancer's CanonicalHostedZoneId).

CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"

APIGATEWAY_REGIONAL_ZONE_IDS: Mapping[str, str] = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "af-south-1": "Z2DHW2332DAMTN",
    "ap-east-1": "Z3FD1VL90ND7K5",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ca-central-1": "Z19DQILCV0OWEC",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "eu-south-1": "Z3BT4WSQ9TDYZV",
    "me-south-1": "Z20ZBPC0SS8806",
    "sa-east-1": "ZCMLWB8V5SYIT",
    "us-gov-west-1": "Z1K6XKP9SAGWDV",
    "us-gov-east-1": "Z3SE9ATJYCRCZJ",
}

ELB_ZONE_IDS: Mapping[str, str] = {  # Application and Classic Load Balancers
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "af-south-1": "Z268VQBMOI5EKX",
    "ap-east-1": "Z3DQVH9N71FHZ0",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-northeast-3": "Z5LXEXXYW11ES",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "eu-north-1": "Z23TAZ6LKFMNIO",
    "eu-south-1": "Z3ULH7SSC9OV64",
    "me-south-1": "ZS929ML54UICD",
    "sa-east-1": "Z2P70J7HTTTPLU",
    "cn-north-1": "Z1GDH35T77C1KE",
    "cn-northwest-1": "ZM7IZAIOVVDZF",
    "us-gov-west-1": "Z33AYJ8TM3BH4J",
    "us-gov-east-1": "Z166TLBEWOO7G0",
}

NLB_ZONE_IDS: Mapping[str, str] = {  # Network Load Balancers
    "us-east-1": "Z26RNL4JYFTOTI",
    "us-east-2": "ZLMOA37VPKANP",
    "us-west-1": "Z24FKFUX50B4VW",
    "us-west-2": "Z18D5FSROUN65G",
    "af-south-1": "Z203XCE67M25HM",
    "ap-east-1": "Z12Y7K3UBGUAD1",
    "ap-south-1": "ZVDDRBQ08TROA",
    "ap-northeast-1": "Z31USIVHYNEOWT",
    "ap-northeast-2": "ZIBE1TIR4HY56",
    "ap-southeast-1": "ZKVM4W9LS7TM",
    "ap-southeast-2": "ZCT6FZBF4DROD",
    "ca-central-1": "Z2EPGBW3API2WT",
    "eu-central-1": "Z3F0SRJ5LGBH90",
    "eu-west-1": "Z2IFOLAFXWLO4F",
    "eu-west-2": "ZD4D7Y8KGAS4G",
    "eu-west-3": "Z1CMS0P5QUZ6D5",
    "eu-north-1": "Z1UDT6IFJ4EJM",
    "eu-south-1": "Z23146JA1KNAFP",
    "me-south-1": "Z3QSRYVP46NYYV",
    "sa-east-1": "ZTK26PT1VY4CU",
    "cn-north-1": "Z3QFB96KMJ7ED6",
    "cn-northwest-1": "ZQEIKTCZ8352D",
    "us-gov-west-1": "ZMG1MZ2THAWF1",
    "us-gov-east-1": "Z1ZSMQQ6Q24QQ8",
}

ALIAS_KINDS: Mapping[str, str] = {
    "cloudfront": "a CloudFront distribution (d111111abcdef8.cloudfront.net)",
    "apigateway": "a Regional API Gateway custom domain "
                  "(d-abc123.execute-api.REGION.amazonaws.com)",
    "apigateway-edge": "an edge-optimized API Gateway custom domain (d123.cloudfront.net)",
    "alb": "an Application Load Balancer (name-123.REGION.elb.amazonaws.com)",
    "elb": "a Classic Load Balancer (name-123.REGION.elb.amazonaws.com)",
    "nlb": "a Network Load Balancer (name-123.elb.REGION.amazonaws.com)",
}

_REGION_IN_TARGET = {
    "apigateway": re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$"),
    "alb": re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.elb\.amazonaws\.com(?:\.cn)?$"),
    "elb": re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.elb\.amazonaws\.com(?:\.cn)?$"),
    "nlb": re.compile(r"\.elb\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.amazonaws\.com(?:\.cn)?$"),
}
_TARGET_SUFFIX = {
    "cloudfront": ".cloudfront.net",
    "apigateway-edge": ".cloudfront.net",
}


def alias_target_region(kind: str, target: str) -> str | None:
    """The region named inside an alias target's DNS name, when it has one."""
    pattern = _REGION_IN_TARGET.get(kind)
    found = pattern.search(normalize(target)) if pattern else None
    return found.group(1) if found else None


def alias_target_problem(kind: str, target: str) -> str | None:
    """Why ``target`` cannot be an alias target of ``kind``; None when it can."""
    canon = normalize(target)
    suffix = _TARGET_SUFFIX.get(kind)
    if suffix is not None and not canon.endswith(suffix):
        return f"a {kind} alias target ends with {suffix[1:]}, not {canon}"
    if kind in _REGION_IN_TARGET and alias_target_region(kind, canon) is None:
        return f"{canon} does not look like {ALIAS_KINDS[kind]}"
    return None


def alias_hosted_zone_id(kind: str, region: str | None) -> str | None:
    """The hosted zone id of an alias target of ``kind`` in ``region``; None when unknown."""
    if kind in ("cloudfront", "apigateway-edge"):
        return CLOUDFRONT_ZONE_ID
    table = {"apigateway": APIGATEWAY_REGIONAL_ZONE_IDS, "alb": ELB_ZONE_IDS,
             "elb": ELB_ZONE_IDS, "nlb": NLB_ZONE_IDS}.get(kind, {})
    return table.get(region) if region else None


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
    ``values`` are canonical (see ``zonecut.config.models``) and sorted."""

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


def record_name(name: str, zone: str) -> str:
    """The absolute canonical name of a record declared as ``name`` in ``zone``.

    ``@`` is the apex; a name inside the zone (``www.dev.example.com``) is taken as is;
    a name with a trailing dot is absolute; anything else is relative to the zone.
    """
    text = name.strip()
    if text == "@":
        return zone
    canon = normalize(text)
    if text.endswith(".") or is_at_or_below(canon, zone):
        return canon
    return f"{canon}.{zone}"


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
    return SsmParentRef(
        account_key=key,
        account_id=account.id if account is not None else ref.account,
        parameter=ref.parameter,
        region=ref.region or config.defaults.ssm.region,
        role_arn=ref.role_arn,
    )
