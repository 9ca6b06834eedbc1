"""The roles zonecut needs in each account, least privilege, from the config (pure).

Per account, one role (the one zonecut assumes there) whose policy holds only what the
config makes zonecut do in that account:

- owner of zones: find, create (and tag) them, read them, wait for changes, put a
  hand-edited apex NS rrset back to the delegation set;
- parent of declared children: ``ChangeResourceRecordSets`` for exactly the children's
  NS (and DS) record names, nothing else;
- records and certificates: changes restricted to the declared names and types, and
  the ACM validation names; ACM requests restricted to the declared domain names;
- the SSM handoff: write the zone parameters under the prefix, or read one parameter.

A zone read from SSM with ``role_arn`` gets that read-only role too. Trust policies name
``defaults.access.principal_arn`` with the account's external id and source identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zonecut.apply.observe import LIST_ALL_FROM
from zonecut.aws.access import HOME_REGIONS
from zonecut.config.models import ROLE_ARN_RE, Config
from zonecut.config.tree import DesiredTree, DesiredZone, build_tree
from zonecut.errors import ZonecutError
from zonecut.iam.documents import (
    INLINE_POLICY_LIMIT,
    Document,
    Statement,
    certificate_arn,
    change_arn,
    document,
    one_or_list,
    parameter_arn,
    sid,
    size,
    statement,
    zone_arn,
)
from zonecut.names import iam_normalized

DELEGATION_TYPES = ("DS", "NS")
CHANGE_ACTIONS = ("CREATE", "DELETE", "UPSERT")
# Types a zone with `records_managed: full` may delete: everything but SOA, NS and DS.
MANAGED_TYPES = ("A", "AAAA", "CAA", "CNAME", "HTTPS", "MX", "NAPTR", "PTR", "SPF", "SRV",
                 "SSHFP", "SVCB", "TLSA", "TXT")
NAMES_KEY = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
TYPES_KEY = "route53:ChangeResourceRecordSetsRecordTypes"
ACTIONS_KEY = "route53:ChangeResourceRecordSetsActions"


class IamError(ZonecutError):
    """The config lacks what the generated policies need."""


@dataclass(frozen=True)
class RoleDoc:
    """One role: its name, trust policy and permissions policy.

    ``trust_policy`` is None for an account zonecut reaches without assuming a role: the
    policy is then meant for the identity zonecut runs as there.
    """

    account_key: str
    account_id: str
    name: str
    path: str
    arn: str | None
    purpose: str
    trust_policy: Document | None
    policy: Document

    @property
    def policy_name(self) -> str:
        return f"zonecut-{self.purpose}"

    def data(self) -> dict[str, Any]:
        return {
            "role_name": self.name,
            "path": self.path,
            "role_arn": self.arn,
            "purpose": self.purpose,
            "trust_policy": self.trust_policy,
            "policies": {self.policy_name: self.policy},
        }


@dataclass(frozen=True)
class AccountPermissions:
    key: str
    account_id: str
    roles: tuple[RoleDoc, ...]
    notes: tuple[str, ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "account": self.key,
            "account_id": self.account_id,
            "roles": [r.data() for r in self.roles],
            "notes": list(self.notes),
        }


@dataclass
class _Grants:
    """Statements being collected for one role."""

    statements: list[Statement] = field(default_factory=list)
    sids: set[str] = field(default_factory=set)

    def add(self, prefix: str, name: str, actions: Iterable[str], resources: Iterable[str],
            condition: dict[str, dict[str, Any]] | None = None) -> None:
        self.statements.append(statement(sid(prefix, name, self.sids), actions, resources,
                                         condition))


def account_permissions(config: Config, tree: DesiredTree | None = None,
                        only: str | None = None) -> list[AccountPermissions]:
    """The roles of every declared account (or of account ``only``: key or id)."""
    tree = tree or build_tree(config)
    keys = list(config.accounts)
    if only is not None:
        key = config.account_key(only)
        if key is None:
            raise IamError(f"unknown account {only!r}; declared accounts: {', '.join(keys)}")
        keys = [key]
    if not config.defaults.access.principal_arn and any(
            config.role_arn_for(key) for key in keys):
        raise IamError("defaults.access.principal_arn is not set: every trust policy names the "
                       "identity zonecut runs as (e.g. arn:aws:iam::111111111111:role/zonecut-ci)")
    return [_for_account(config, tree, key) for key in keys]


def _region(config: Config, key: str, wanted: str | None = None) -> str:
    access = config.effective_access(key)
    return wanted or access.region or HOME_REGIONS.get(access.partition, "us-east-1")


def _ssm_region(config: Config, wanted: str | None) -> str:
    """The SSM handoff's one region (zonecut.aws.ssm.handoff_region): not the account's."""
    return wanted or HOME_REGIONS.get(config.defaults.access.partition, "us-east-1")


def _trust(config: Config, key: str) -> Document:
    principals = config.defaults.access.principal_arn or ()
    access = config.effective_access(key)
    actions = ["sts:AssumeRole"]
    equals: dict[str, str] = {}
    if access.external_id:
        equals["sts:ExternalId"] = access.external_id
    if access.source_identity:
        actions.append("sts:SetSourceIdentity")
        equals["sts:SourceIdentity"] = access.source_identity
    trust: Statement = {
        "Sid": "TrustZonecut",
        "Effect": "Allow",
        "Principal": {"AWS": one_or_list(principals)},
        "Action": one_or_list(actions),
    }
    if equals:
        trust["Condition"] = {"StringEquals": equals}
    return document([trust])


def _role_parts(arn: str) -> tuple[str, str]:
    match = ROLE_ARN_RE.match(arn)
    if match is None:
        return arn.rsplit("/", 1)[-1], "/"
    path = match["path"]
    return match["name"], f"/{path}" if path else "/"


def _for_account(config: Config, tree: DesiredTree, key: str) -> AccountPermissions:
    account = config.accounts[key]
    grants = _main_grants(config, tree, key)
    notes: list[str] = []
    roles: list[RoleDoc] = []
    trust = _trust(config, key) if config.defaults.access.principal_arn else None
    arn = config.role_arn_for(key)
    policy = document(grants.statements)
    if arn is None:
        roles.append(RoleDoc(key, account.id, "", "/", None, "identity", None, policy))
        notes.append(f"account {key!r} is reached without assuming a role: attach the policy "
                     "to the identity zonecut runs as there")
    else:
        name, path = _role_parts(arn)
        roles.append(RoleDoc(key, account.id, name, path, arn, "delegation", trust, policy))
    for reader_arn, statements in _reader_roles(config, tree, key).items():
        name, path = _role_parts(reader_arn)
        roles.append(RoleDoc(key, account.id, name, path, reader_arn, "read-parent", trust,
                             document(statements)))
    for role in roles:
        if size(role.policy) > INLINE_POLICY_LIMIT:
            notes.append(f"the policy of {role.name or key} is {size(role.policy)} characters; "
                         f"IAM allows {INLINE_POLICY_LIMIT} of inline policy per role: attach "
                         "it as a managed policy or split the account's zones")
    if not grants.statements:
        notes.append(f"account {key!r} holds no declared zone and no parent: zonecut needs "
                     "nothing there")
    return AccountPermissions(key, account.id, tuple(roles), tuple(notes))


def _zone_resources(partition: str, zones: Sequence[DesiredZone]) -> list[str]:
    """The zones' ARNs when every one is pinned by zone_id, else every zone of the account."""
    if zones and all(z.zone_id for z in zones):
        return [zone_arn(partition, z.zone_id) for z in zones]
    return [zone_arn(partition, None)]


def _main_grants(config: Config, tree: DesiredTree, key: str) -> _Grants:
    account_id = config.accounts[key].id
    partition = config.defaults.access.partition
    owned = [z for z in tree.zones if z.account_id == account_id]
    parents = [z for z in owned if tree.children(z.name)]
    ssm_children = [z for z in tree.zones
                    if z.ssm_parent is not None and z.ssm_parent.account_id == account_id]
    grants = _Grants()
    if not owned and not ssm_children:
        return grants
    grants.add("FindZones", "", ["route53:ListHostedZonesByName"], ["*"])
    grants.add("WaitForChanges", "", ["route53:GetChange"], [change_arn(partition)])
    if owned:
        grants.add("CreateZones", "", ["route53:CreateHostedZone"], ["*"])
        if len(owned) >= LIST_ALL_FROM:  # observe lists the account's zones in one go
            grants.add("ListZones", "", ["route53:ListHostedZones"], ["*"])
        # the delegation set, and the records (the apex NS of every zone; all of parents')
        grants.add("ReadZones", "", ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
                   _zone_resources(partition, owned))
        # an apex NS rrset edited by hand is put back to the delegation set
        grants.add("RepairApexNs", "", ["route53:ChangeResourceRecordSets"],
                   _zone_resources(partition, owned), _change_condition(
                       [iam_normalized(z.name) for z in owned], ("NS",), ("UPSERT",)))
        tagged = [z for z in owned if z.tags]
        if tagged:  # plan reads the tags of existing zones, apply sets the declared ones
            grants.add("TagZones", "", ["route53:ChangeTagsForResource",
                                        "route53:ListTagsForResource"],
                       _zone_resources(partition, tagged))
        commented = [z for z in owned if z.comment is not None]
        if commented:  # a declared comment is set on an existing zone
            grants.add("CommentZones", "", ["route53:UpdateHostedZoneComment"],
                       _zone_resources(partition, commented))
    for parent in parents:
        children = [iam_normalized(c.name) for c in tree.children(parent.name)]
        grants.add("Delegate", parent.name, ["route53:ChangeResourceRecordSets"],
                   _zone_resources(partition, [parent]), _change_condition(
                       children, DELEGATION_TYPES, CHANGE_ACTIONS))
    if ssm_children:
        grants.add("ReadParentZone", "", ["route53:GetHostedZone",
                                          "route53:ListResourceRecordSets"],
                   [zone_arn(partition, None)])
        grants.add("DelegateFromSsm", "", ["route53:ChangeResourceRecordSets"],
                   [zone_arn(partition, None)], _change_condition(
                       [iam_normalized(z.name) for z in ssm_children], DELEGATION_TYPES,
                       CHANGE_ACTIONS))
    for zone in owned:
        _record_grants(grants, partition, zone)
    _certificate_grants(grants, config, key, owned)
    _ssm_grants(grants, config, tree, key, ssm_children)
    return grants


def _change_condition(names: Iterable[str], types: Iterable[str], actions: Iterable[str],
                      *, like: bool = False) -> dict[str, dict[str, Any]]:
    equals: dict[str, Any] = {TYPES_KEY: sorted(set(types)), ACTIONS_KEY: sorted(set(actions))}
    condition: dict[str, dict[str, Any]] = {"ForAllValues:StringEquals": equals}
    if like:
        condition["ForAllValues:StringLike"] = {NAMES_KEY: sorted(set(names))}
    else:
        equals[NAMES_KEY] = sorted(set(names))
    return condition


def _record_grants(grants: _Grants, partition: str, zone: DesiredZone) -> None:
    resources = _zone_resources(partition, [zone])
    if zone.records:
        grants.add("Records", zone.name, ["route53:ChangeResourceRecordSets"], resources,
                   _change_condition([iam_normalized(r.name) for r in zone.records],
                                     [r.type for r in zone.records], ("CREATE", "UPSERT")))
    if zone.records_managed == "full":
        # Deleting records the file does not declare: any name in the zone, never SOA/NS/DS.
        grants.add("RemoveUndeclared", zone.name, ["route53:ChangeResourceRecordSets"],
                   resources, _change_condition([zone.name, f"*.{zone.name}"], MANAGED_TYPES,
                                                ("DELETE",), like=True))
    if zone.certificates:
        bases = {d.removeprefix("*.") for c in zone.certificates for d in c.domains}
        grants.add("CertificateValidation", zone.name, ["route53:ChangeResourceRecordSets"],
                   resources, _change_condition([f"_*.{iam_normalized(b)}" for b in bases],
                                                ("CNAME",), ("CREATE", "UPSERT"), like=True))


def _certificate_grants(grants: _Grants, config: Config, key: str,
                        owned: Sequence[DesiredZone]) -> None:
    certificates = [c for z in owned for c in z.certificates]
    if not certificates:
        return
    partition = config.defaults.access.partition
    account_id = config.accounts[key].id
    grants.add("RequestCertificates", "", ["acm:RequestCertificate"], ["*"], {
        "ForAllValues:StringEquals": {"acm:DomainNames": sorted(
            {d for c in certificates for d in c.domains})},
        "StringEquals": {"acm:ValidationMethod": "DNS"},
    })
    grants.add("ListCertificates", "", ["acm:ListCertificates"], ["*"])
    grants.add("ReadCertificates", "", ["acm:DescribeCertificate"], sorted(
        {certificate_arn(partition, c.region, account_id) for c in certificates}))


def publishing_account(tree: DesiredTree, zone: DesiredZone) -> str:
    """The account whose Parameter Store holds ``zone``'s parameter: its parent's (declared
    or read from SSM), or for a root zone its own."""
    if zone.ssm_parent is not None:
        return zone.ssm_parent.account_id
    parent = tree.get(zone.parent) if zone.parent else None
    return parent.account_id if parent is not None else zone.account_id


def _ssm_grants(grants: _Grants, config: Config, tree: DesiredTree, key: str,
                ssm_children: Sequence[DesiredZone]) -> None:
    partition = config.defaults.access.partition
    account_id = config.accounts[key].id
    ssm = config.defaults.ssm
    if ssm.publish and any(publishing_account(tree, z) == account_id for z in tree.zones):
        region = _ssm_region(config, ssm.region)
        grants.add("PublishZones", "", ["ssm:GetParameter", "ssm:PutParameter"],
                   [parameter_arn(partition, region, account_id, ssm.prefix + "/*")])
    own_role = config.role_arn_for(key)
    readable = [z.ssm_parent for z in ssm_children
                if z.ssm_parent is not None
                and (z.ssm_parent.role_arn is None or z.ssm_parent.role_arn == own_role)]
    if readable:
        grants.add("ReadParentParameter", "", ["ssm:GetParameter"], sorted(
            {parameter_arn(partition, _ssm_region(config, ref.region), account_id,
                           ref.parameter) for ref in readable}))


def _reader_roles(config: Config, tree: DesiredTree, key: str) -> dict[str, list[Statement]]:
    """Read-only roles named by ``parent_from_ssm.role_arn`` in this account."""
    partition = config.defaults.access.partition
    account_id = config.accounts[key].id
    own_role = config.role_arn_for(key)
    by_role: dict[str, set[str]] = defaultdict(set)
    for zone in tree.zones:
        ref = zone.ssm_parent
        if ref is None or ref.account_id != account_id or ref.role_arn in (None, own_role):
            continue
        assert ref.role_arn is not None
        by_role[ref.role_arn].add(parameter_arn(partition, _ssm_region(config, ref.region),
                                                account_id, ref.parameter))
    return {arn: [statement("ReadParentParameter", ["ssm:GetParameter"], sorted(params))]
            for arn, params in sorted(by_role.items())}
