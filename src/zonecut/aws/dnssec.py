"""Route 53's DNSSEC calls for one account, through the account's ``Route53Account``: the
same token bucket, retries and error messages as every other Route 53 call.

Each write is safe to repeat (a retry after a lost answer, or a rerun after an
interruption, meets its own effect and goes on):

| call | a repeat meets | zonecut |
| --- | --- | --- |
| CreateKeySigningKey | ``KeySigningKeyAlreadyExists`` | the KSK of that name is there: done |
| ActivateKeySigningKey, EnableHostedZoneDNSSEC, DisableHostedZoneDNSSEC | success | done |
| DeactivateKeySigningKey | ``InvalidKeySigningKeyStatus`` (already INACTIVE) | read it: done |
| DeleteKeySigningKey | ``NoSuchKeySigningKey`` | gone: done |
"""

from __future__ import annotations

from typing import Any

from zonecut.aws.errors import AwsError
from zonecut.aws.route53 import CHANGE_PREFIX, Route53Account
from zonecut.aws.route53_reads import bare_zone_id
from zonecut.plan.signing import INACTIVE, KeySigningKey, ZoneSigning


def _change_id(page: dict[str, Any]) -> str | None:
    info = page.get("ChangeInfo") or {}
    found = info.get("Id")
    return str(found).removeprefix(CHANGE_PREFIX) if found else None


def _ksk(item: dict[str, Any]) -> KeySigningKey:
    return KeySigningKey(
        name=str(item.get("Name", "")), status=str(item.get("Status", "")),
        kms_arn=str(item.get("KmsArn", "")), ds_record=str(item.get("DSRecord", "")),
        key_tag=int(item.get("KeyTag", 0) or 0),
        status_message=str(item.get("StatusMessage", "") or ""),
        public_key=str(item.get("PublicKey", "") or ""), flag=int(item.get("Flag", 257) or 257),
        algorithm=int(item.get("SigningAlgorithmType", 13) or 13))


class Route53Dnssec:
    """The DNSSEC side of one account's Route 53."""

    def __init__(self, r53: Route53Account) -> None:
        self.r53 = r53

    @property
    def account_id(self) -> str:
        return self.r53.account_id

    def get(self, zone_id: str, name: str) -> ZoneSigning:
        """``GetDNSSEC``: the signing status and every KSK (with its DS record)."""
        page = self.r53._call("get_dnssec", f"reading the DNSSEC status of {name}",
                              HostedZoneId=bare_zone_id(zone_id))
        status = page.get("Status") or {}
        return ZoneSigning(
            status=str(status.get("ServeSignature", "NOT_SIGNING")),
            message=str(status.get("StatusMessage", "") or ""),
            ksks=tuple(sorted((_ksk(k) for k in page.get("KeySigningKeys", []) or []),
                              key=lambda k: k.name)))

    def create_ksk(self, zone_id: str, name: str, ksk_name: str, kms_arn: str) -> str | None:
        """An ACTIVE KSK; returns the change id, None when it was already there."""
        try:
            page = self.r53._call(
                "create_key_signing_key", f"creating key-signing key {ksk_name} of {name}",
                CallerReference=f"zonecut-{bare_zone_id(zone_id)}-{ksk_name}",
                HostedZoneId=bare_zone_id(zone_id), KeyManagementServiceArn=kms_arn,
                Name=ksk_name, Status="ACTIVE")
        except AwsError as exc:
            if exc.code != "KeySigningKeyAlreadyExists":
                raise
            if self.get(zone_id, name).ksk(ksk_name) is None:
                raise  # the key is used by another KSK of the zone
            return None
        return _change_id(page)

    def activate_ksk(self, zone_id: str, name: str, ksk_name: str) -> str | None:
        page = self.r53._call(
            "activate_key_signing_key", f"activating key-signing key {ksk_name} of {name}",
            HostedZoneId=bare_zone_id(zone_id), Name=ksk_name)
        return _change_id(page)

    def deactivate_ksk(self, zone_id: str, name: str, ksk_name: str) -> str | None:
        try:
            page = self.r53._call(
                "deactivate_key_signing_key",
                f"deactivating key-signing key {ksk_name} of {name}",
                HostedZoneId=bare_zone_id(zone_id), Name=ksk_name)
        except AwsError as exc:
            if exc.code not in ("InvalidKeySigningKeyStatus", "NoSuchKeySigningKey"):
                raise
            found = self.get(zone_id, name).ksk(ksk_name)
            if found is not None and found.status != INACTIVE:
                raise
            return None
        return _change_id(page)

    def delete_ksk(self, zone_id: str, name: str, ksk_name: str) -> str | None:
        try:
            page = self.r53._call(
                "delete_key_signing_key", f"deleting key-signing key {ksk_name} of {name}",
                HostedZoneId=bare_zone_id(zone_id), Name=ksk_name)
        except AwsError as exc:
            if exc.code == "NoSuchKeySigningKey":
                return None
            raise
        return _change_id(page)

    def enable(self, zone_id: str, name: str) -> str | None:
        page = self.r53._call("enable_hosted_zone_dnssec", f"enabling DNSSEC signing of {name}",
                              HostedZoneId=bare_zone_id(zone_id))
        return _change_id(page)

    def disable(self, zone_id: str, name: str) -> str | None:
        page = self.r53._call("disable_hosted_zone_dnssec",
                              f"disabling DNSSEC signing of {name}",
                              HostedZoneId=bare_zone_id(zone_id))
        return _change_id(page)

    def wait(self, change_ids: list[str | None], *, timeout: float, what: str) -> None:
        """Wait until every change is INSYNC (``GetChange``, as for record changes)."""
        ids = [c for c in change_ids if c]
        if ids:
            self.r53.wait_insync(ids, timeout=timeout, what=what)
