"""The DNSSEC part of each account's role (pure), only for configs that set dnssec:

- every owned zone: ``route53:GetDNSSEC`` (plan reads the signing of every zone then);
- zones with ``dnssec: true``: ``CreateKeySigningKey``, ``ActivateKeySigningKey``,
  ``EnableHostedZoneDNSSEC`` on them; KMS in us-east-1: ``CreateKey`` only for
  ECC_NIST_P256 / SIGN_VERIFY keys (``kms:KeySpec``, ``kms:KeyUsage``), tagging and
  ``CreateAlias`` for zonecut's aliases (``alias/zonecut-dnssec-*``), ``DescribeKey``,
  and ``ScheduleKeyDeletion`` only of keys tagged ``zonecut:managed`` (the spare key of a
  retried CreateKey);
- zones with ``dnssec: false`` (and destroy): ``DisableHostedZoneDNSSEC``,
  ``DeactivateKeySigningKey``, ``DeleteKeySigningKey``;
- a parent: ``ChangeResourceRecordSets`` UPSERT/DELETE of type DS at exactly the names of
  its children whose dnssec is set (all its children when the parent itself is
  ``dnssec: false``: their DS go before it is unsigned).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zonecut.aws.kms_policy import KEY_SPEC, KEY_USAGE
from zonecut.config.dnssec import KMS_REGION
from zonecut.config.tree import DesiredTree, DesiredZone
from zonecut.iam.changes import ChangeGrant
from zonecut.names import iam_normalized

SIGN_ACTIONS = ("route53:ActivateKeySigningKey", "route53:CreateKeySigningKey",
                "route53:EnableHostedZoneDNSSEC")
UNSIGN_ACTIONS = ("route53:DeactivateKeySigningKey", "route53:DeleteKeySigningKey",
                  "route53:DisableHostedZoneDNSSEC")

Add = tuple[str, list[str], list[str], dict[str, dict[str, object]] | None]
Resources = Callable[[Sequence[DesiredZone]], list[str]]
"""(Sid prefix, actions, resources, condition)"""


def dnssec_statements(tree: DesiredTree, owned: Sequence[DesiredZone], res: Resources,
                      partition: str, account_id: str) -> list[Add]:
    """``resources_of(zones)``: the zone ARNs of ``zones`` (roles._zone_resources)."""
    if not any(z.dnssec.managed for z in tree.zones) or not owned:
        return []
    found: list[Add] = [("ReadSigning", ["route53:GetDNSSEC"], list(res(owned)), None)]
    signed = [z for z in owned if z.dnssec.sign is True]
    unsigned = [z for z in owned if z.dnssec.sign is False]
    if signed:
        found.append(("SignZones", list(SIGN_ACTIONS), list(res(signed)), None))
        key = f"arn:{partition}:kms:{KMS_REGION}:{account_id}:key/*"
        alias = f"arn:{partition}:kms:{KMS_REGION}:{account_id}:alias/zonecut-dnssec-*"
        found.append(("CreateSigningKeys", ["kms:CreateKey"], ["*"], {
            "StringEquals": {"kms:KeySpec": KEY_SPEC, "kms:KeyUsage": KEY_USAGE,
                             "aws:RequestedRegion": KMS_REGION}}))
        found.append(("TagSigningKeys", ["kms:TagResource"], [key], {
            "StringEquals": {"aws:RequestTag/zonecut:managed": "true"}}))
        found.append(("NameSigningKeys", ["kms:CreateAlias"], [alias, key], None))
        found.append(("ReadSigningKeys", ["kms:DescribeKey"], [key], None))
        found.append(("RemoveSpareKeys", ["kms:ScheduleKeyDeletion"], [key], {
            "StringEquals": {"aws:ResourceTag/zonecut:managed": "true"}}))
    if unsigned:
        found.append(("UnsignZones", list(UNSIGN_ACTIONS), list(res(unsigned)), None))
    return found


def ds_grants(tree: DesiredTree, parents: Sequence[DesiredZone], res: Resources
              ) -> list[ChangeGrant]:
    """DS UPSERT/DELETE in each parent at the names of its children that need it."""
    if not any(z.dnssec.managed for z in tree.zones):
        return []
    found: list[ChangeGrant] = []
    for parent in parents:
        children = tree.children(parent.name)
        names = [c.name for c in children
                 if c.dnssec.managed or parent.dnssec.sign is False]
        if names:
            found.append(ChangeGrant("PublishDs", parent.name, tuple(res([parent])),
                                     tuple(iam_normalized(n) for n in names), ("DS",),
                                     ("DELETE", "UPSERT")))
    return found


def teardown_statements(tree: DesiredTree, zone_arn_any: str) -> list[Add]:
    """destroy and prune unsign the zones they delete (configs that set dnssec)."""
    if not any(z.dnssec.managed for z in tree.zones):
        return []
    return [("ReadAnySigning", ["route53:GetDNSSEC"], [zone_arn_any], None),
            ("UnsignDoomedZones", list(UNSIGN_ACTIONS), [zone_arn_any], None)]
