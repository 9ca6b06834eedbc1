"""KMS in us-east-1 for one account: the customer-managed keys Route 53 signs with.

zonecut's keys are found again by alias (``alias/zonecut-dnssec-<generation>``), so a
rerun never makes a second key for the same generation: one key per account and KSK
generation, shared by that account's zones (Route 53 wants a different key for each KSK
of one zone, hence the generations; a rollover moves a zone to the next one). A lost
CreateKey answer that botocore's retry turns into a second key is caught at CreateAlias:
the alias already names a key, so that one is used and the extra key is scheduled for
deletion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.kms_policy import KEY_SPEC, KEY_USAGE, KMS_REGION, dnssec_key_policy
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.service import ServiceAccount

ALIAS_PREFIX = "alias/zonecut-dnssec-"
SPARE_KEY_WINDOW_DAYS = 7
"""The shortest pending window KMS allows, for a key made twice by a retried call."""


def key_alias(generation: int) -> str:
    return f"{ALIAS_PREFIX}{generation}"


@dataclass(frozen=True)
class KeyInfo:
    arn: str
    key_spec: str
    key_usage: str
    state: str  # Enabled | Disabled | PendingDeletion | ...

    def problem(self) -> str | None:
        """Why Route 53 could not sign with this key; None when it can."""
        if self.key_spec != KEY_SPEC or self.key_usage != KEY_USAGE:
            return (f"KMS key {self.arn} is {self.key_spec}/{self.key_usage}; Route 53 signs "
                    f"only with {KEY_SPEC}/{KEY_USAGE} keys")
        if self.state != "Enabled":
            return f"KMS key {self.arn} is {self.state}; Route 53 signs only with enabled keys"
        return None


class KmsAccount(ServiceAccount):
    service = "kms"
    label = "KMS"

    def describe(self, key_id: str) -> KeyInfo | None:
        """The key (by ARN, id or alias); None when there is none."""
        try:
            page = self._call("describe_key", f"reading KMS key {key_id}", KeyId=key_id)
        except AwsError as exc:
            if exc.code == "NotFoundException":
                return None
            raise
        meta: dict[str, Any] = page["KeyMetadata"]
        return KeyInfo(arn=str(meta["Arn"]),
                       key_spec=str(meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")),
                       key_usage=str(meta.get("KeyUsage", "")),
                       state=str(meta.get("KeyState", "")))

    def dnssec_key(self, generation: int, partition: str = "aws") -> str:
        """The ARN of zonecut's DNSSEC key of this generation, made when missing."""
        alias = key_alias(generation)
        found = self.describe(alias)
        if found is not None:
            problem = found.problem()
            if problem:
                raise AwsError(f"{alias}: {problem}", account_id=self.account_id,
                               operation="DescribeKey")
            return found.arn
        page = self._call(
            "create_key", f"creating the DNSSEC signing key {alias}",
            KeySpec=KEY_SPEC, KeyUsage=KEY_USAGE,
            Policy=json.dumps(dnssec_key_policy(self.account_id, partition)),
            Description=f"zonecut: Route 53 DNSSEC key-signing keys ({alias})",
            Tags=[{"TagKey": "zonecut:managed", "TagValue": "true"}])
        made = str(page["KeyMetadata"]["Arn"])
        try:
            self._call("create_alias", f"naming the DNSSEC signing key {alias}",
                       AliasName=alias, TargetKeyId=made)
        except AwsError as exc:
            if exc.code != "AlreadyExistsException":
                raise
            kept = self.describe(alias)
            if kept is None:
                raise
            if kept.arn != made:
                self._call("schedule_key_deletion", f"removing the spare key {made}",
                           KeyId=made, PendingWindowInDays=SPARE_KEY_WINDOW_DAYS)
            return kept.arn
        return made


def kms_account(fleet: Fleet, account_id: str) -> KmsAccount:
    """A KMS handle in us-east-1 (Route 53 signs only with keys there)."""
    client = fleet.client(account_id, "kms", KMS_REGION)
    return KmsAccount(account_id, KMS_REGION, client, TokenBucket(fleet.rate_limit),
                      fleet.counter)
