"""The roles zonecut needs in each account, least privilege, from the config (pure).

Per account, one role (the one zonecut assumes there) whose policy holds only what the
config makes zonecut do in that account:

- owner of zones: find, create (and tag) them, read them and their tags, wait for changes, put a
  hand-edited apex NS rrset back to the delegation set;
- parent of declared children: ``ChangeResourceRecordSets`` CREATE/UPSERT of exactly the
  children's NS rrsets, nothing else (no DS: no zone is signed; no DELETE);
- records and certificates: one statement per group of declared (types, names), the
  ACM validation names (``_`` + 32 characters under each certificate name); ACM
  requests restricted to the declared domain names (``zonecut.iam.changes``);
- with ``teardown``: what ``destroy`` and ``apply --prune`` need (delete delegations,
  empty and delete zones);
- the SSM handoff: write the zone parameters under the prefix in the account that holds
  them (``defaults.ssm.publish_in``: the parent's, the zone's own, or the registry
  account), or read one parameter; for a zone whose parent is read from SSM, the NS
  write of exactly that zone's name in the parent zone's account
  (``parent_from_ssm.parent_account``, else the account the parameter is read in).

A zone read from SSM with ``role_arn`` gets that read-only role too, in the account that
holds the parameter, allowed ``ssm:GetParameter`` on the parameters under the
parameter's prefix (so one reader role serves every consumer). Trust policies name
``defaults.access.principal_arn`` with the account's external id and source identity.
Each role's statements are deployed inline, or as managed policies when over IAM's
inline limit (``zonecut.iam.sizes``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from zonecut.aws.access import HOME_REGIONS
from zonecut.aws.route53 import LIST_ALL_FROM
from zonecut.config.accounts import ROLE_ARN_RE
from zonecut.config.document import Config
from zonecut.config.handoff_location import HandoffLocation, parent_account
from zonecut.config.tree import DesiredTree, DesiredZone, build_tree
from zonecut.errors import ZonecutError
from zonecut.iam.changes import (
    ChangeGrant,
    delegation_grant,
    record_grants,
    teardown_grants,
)
from zonecut.iam.dnssec import dnssec_statements, ds_grants, teardown_statements
from zonecut.iam.documents import (
    Document,
    Statement,
    certificate_arn,
    change_arn,
    document,
    one_or_list,
    parameter_arn,
    sid,
    statement,
    zone_arn,
)
from zonecut.iam.registrar import registrar_statements
from zonecut.iam.sizes import PolicyPart, role_parts, trust_note
from zonecut.names import iam_normalized


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
    """Every statement of the role in one document (what ``parts`` deploy together)."""
    parts: tuple[PolicyPart, ...] = ()

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
            "policies": {p.name: p.document for p in self.parts if not p.managed},
            "managed_policies": {p.name: p.document for p in self.parts if p.managed},
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

    def change(self, grant: ChangeGrant) -> None:
        self.add(grant.sid_prefix, grant.zone, ["route53:ChangeResourceRecordSets"],
                 grant.resources, grant.condition())


def account_permissions(config: Config, tree: DesiredTree | None = None,
                        only: str | None = None, *, teardown: bool = False
                        ) -> list[AccountPermissions]:
    """The roles of every declared account (or of account ``only``: key or id); with
    ``teardown``, also what ``destroy`` and ``apply --prune`` need."""
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
    return [_for_account(config, tree, key, teardown) for key in keys]


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


def _role(key: str, account_id: str, arn: str | None, purpose: str, trust: Document | None,
          statements: list[Statement], notes: list[str]) -> RoleDoc:
    name, path = _role_parts(arn) if arn else ("", "/")
    parts, more = role_parts(statements, f"zonecut-{purpose}", inline=arn is not None)
    notes += [f"{name or key}: {note}" for note in more] + trust_note(name or key, trust)
    return RoleDoc(key, account_id, name, path, arn, purpose, trust, document(statements),
                   parts)


def _for_account(config: Config, tree: DesiredTree, key: str,
                 teardown: bool) -> AccountPermissions:
    account = config.accounts[key]
    grants = _main_grants(config, tree, key)
    if teardown:
        _teardown_grants(grants, config, tree, key)
    notes: list[str] = []
    roles: list[RoleDoc] = []
    trust = _trust(config, key) if config.defaults.access.principal_arn else None
    arn = config.role_arn_for(key)
    if arn is None:
        roles.append(_role(key, account.id, None, "identity", None, grants.statements,
                           notes))
        notes.append(f"account {key!r} is reached without assuming a role: attach the "
                     "managed policies to the identity zonecut runs as there")
    else:
        roles.append(_role(key, account.id, arn, "delegation", trust, grants.statements,
                           notes))
    for reader_arn, statements in _reader_roles(config, tree, key).items():
        roles.append(_role(key, account.id, reader_arn, "read-parent", trust, statements,
                           notes))
    for zone in tree.zones:
        ref = zone.ssm_parent
        if ref is not None and ref.account_id == account.id and ref.parent_account_id is None:
            notes.append(f"{zone.name}: the NS write into its parent is granted here, where "
                         "the parent's parameter is read; if the parent zone is in another "
                         "account, set parent_from_ssm.parent_account (plan checks it "
                         "against the parameter)")
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
    ssm_children = [z for z in tree.zones if z.ssm_parent is not None
                    and parent_account(tree, z) == account_id]
    grants = _Grants()
    if not owned and not ssm_children:
        _ssm_grants(grants, config, tree, key)  # a registry, or a parameter read here
        return grants
    grants.add("FindZones", "", ["route53:ListHostedZonesByName"], ["*"])
    grants.add("WaitForChanges", "", ["route53:GetChange"], [change_arn(partition)])
    if owned:
        grants.add("CreateZones", "", ["route53:CreateHostedZone"], ["*"])
        if len(owned) >= LIST_ALL_FROM:  # observe lists the account's zones in one go
            grants.add("ListZones", "", ["route53:ListHostedZones"], ["*"])
        # the delegation set, and the records (the apex NS of every zone; all of parents')
        # (and their tags: prune deletes only zones tagged zonecut:managed or made with
        # zonecut's CallerReference)
        grants.add("ReadZones", "", ["route53:GetHostedZone", "route53:ListResourceRecordSets",
                                     "route53:ListTagsForResources"],
                   _zone_resources(partition, owned))
        # an apex NS rrset edited by hand is put back to the delegation set
        grants.change(ChangeGrant("RepairApexNs", "", tuple(_zone_resources(partition, owned)),
                                  tuple(iam_normalized(z.name) for z in owned), ("NS",),
                                  ("UPSERT",)))
        # every zone zonecut creates is tagged zonecut:managed (with the declared tags);
        # plan reads the tags of existing zones that declare some, apply sets them
        grants.add("TagZones", "", ["route53:ChangeTagsForResource"],
                   _zone_resources(partition, owned))
        tagged = [z for z in owned if z.tags]
        if tagged:
            grants.add("ReadTags", "", ["route53:ListTagsForResource"],
                       _zone_resources(partition, tagged))
        commented = [z for z in owned if z.comment is not None]
        if commented:  # a declared comment is set on an existing zone
            grants.add("CommentZones", "", ["route53:UpdateHostedZoneComment"],
                       _zone_resources(partition, commented))
    for parent in parents:
        grants.change(delegation_grant(parent.name, [c.name for c in tree.children(parent.name)],
                                       _zone_resources(partition, [parent])))
    if ssm_children:
        grants.add("ReadParentZone", "", ["route53:GetHostedZone",
                                          "route53:ListResourceRecordSets"],
                   [zone_arn(partition, None)])
        grants.change(delegation_grant("", [z.name for z in ssm_children],
                                       [zone_arn(partition, None)], "DelegateFromSsm"))
    for zone in owned:
        for grant in record_grants(zone, _zone_resources(partition, [zone])):
            grants.change(grant)
    # DNSSEC (zonecut.iam.dnssec): only for configs that set dnssec
    for prefix, actions, resources, condition in dnssec_statements(
            tree, owned, partial(_zone_resources, partition), partition, account_id):
        grants.add(prefix, "", actions, resources, condition)
    for grant in ds_grants(tree, parents, partial(_zone_resources, partition)):
        grants.change(grant)
    # the registrar of the account's roots (zonecut.iam.registrar)
    for prefix, actions, resources, condition in registrar_statements(owned):
        grants.add(prefix, "", actions, resources, condition)
    _certificate_grants(grants, config, key, owned)
    _ssm_grants(grants, config, tree, key)
    return grants


def _teardown_grants(grants: _Grants, config: Config, tree: DesiredTree, key: str) -> None:
    """``destroy`` and ``apply --prune``: delete the delegations below the account's zones,
    empty zones and delete them. Prune tears down zones the file no longer names, found
    anywhere below a declared zone in a declared account: those names cannot be listed."""
    account_id = config.accounts[key].id
    partition = config.defaults.access.partition
    owned = [z for z in tree.zones if z.account_id == account_id]
    anywhere = [zone_arn(partition, None)]
    grants.add("ReadAnyZone", "", ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
               anywhere)
    if not any(s["Sid"] == "ListZones" for s in grants.statements):
        grants.add("ListZones", "", ["route53:ListHostedZones"], ["*"])  # no resource type
    for grant in teardown_grants(
            {z.name: tuple(_zone_resources(partition, [z])) for z in owned},
            [z.name for z in tree.zones], anywhere):
        grants.change(grant)
    grants.add("DeleteZones", "", ["route53:DeleteHostedZone"], anywhere)
    for prefix, actions, resources, condition in teardown_statements(tree, anywhere[0]):
        grants.add(prefix, "", actions, resources, condition)
    if not any(s["Sid"] == "WaitForChanges" for s in grants.statements):
        grants.add("WaitForChanges", "", ["route53:GetChange"], [change_arn(partition)])


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


def _ssm_grants(grants: _Grants, config: Config, tree: DesiredTree, key: str) -> None:
    partition = config.defaults.access.partition
    account_id = config.accounts[key].id
    ssm = config.defaults.ssm
    location = HandoffLocation.of(config)
    if ssm.publish and any(location.account_for(tree, z) == account_id for z in tree.zones):
        region = _ssm_region(config, ssm.region)
        grants.add("PublishZones", "", ["ssm:GetParameter", "ssm:PutParameter"],
                   [parameter_arn(partition, region, account_id, ssm.prefix + "/*")])
    own_role = config.role_arn_for(key)
    readable = [z.ssm_parent for z in tree.zones
                if z.ssm_parent is not None and z.ssm_parent.account_id == account_id
                and (z.ssm_parent.role_arn is None or z.ssm_parent.role_arn == own_role)]
    if readable:
        grants.add("ReadParentParameter", "", ["ssm:GetParameter"], sorted(
            {parameter_arn(partition, _ssm_region(config, ref.region), account_id,
                           ref.parameter) for ref in readable}))


def parameter_prefix(parameter: str, prefix: str) -> str:
    """What a read-only role may read: every parameter under ``prefix`` when the parameter
    is there, else under the parameter's own path (``/a/b/x`` -> ``/a/b/*``), else the
    parameter itself."""
    if parameter.startswith(prefix + "/"):
        return prefix + "/*"
    path = parameter.rsplit("/", 1)[0]
    return path + "/*" if path else parameter


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
        by_role[ref.role_arn].add(parameter_arn(
            partition, _ssm_region(config, ref.region), account_id,
            parameter_prefix(ref.parameter, config.defaults.ssm.prefix)))
    return {arn: [statement("ReadParentParameter", ["ssm:GetParameter"], sorted(params))]
            for arn, params in sorted(by_role.items())}
