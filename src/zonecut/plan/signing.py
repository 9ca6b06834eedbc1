"""A hosted zone's DNSSEC as ``GetDNSSEC`` reports it: plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass

SIGNING = "SIGNING"
NOT_SIGNING = "NOT_SIGNING"
ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"


@dataclass(frozen=True)
class KeySigningKey:
    """One KSK of a zone. ``ds_record`` is the DS value for the parent
    ("keytag algorithm digest-type digest"), as Route 53 gives it."""

    name: str
    status: str  # ACTIVE | INACTIVE | ACTION_NEEDED | INTERNAL_FAILURE | DELETING
    kms_arn: str
    ds_record: str
    key_tag: int = 0
    status_message: str = ""
    public_key: str = ""  # base64, the DNSKEY's public key field (what a registrar takes)
    flag: int = 257
    algorithm: int = 13

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class ZoneSigning:
    """``Status.ServeSignature`` (SIGNING, NOT_SIGNING, DELETING, ACTION_NEEDED,
    INTERNAL_FAILURE) and the zone's KSKs."""

    status: str = NOT_SIGNING
    ksks: tuple[KeySigningKey, ...] = ()
    message: str = ""

    @property
    def signing(self) -> bool:
        return self.status == SIGNING

    def ksk(self, name: str) -> KeySigningKey | None:
        return next((k for k in self.ksks if k.name == name), None)

    def ds_values(self) -> tuple[str, ...]:
        """The DS values of the active KSKs: what the parent must publish."""
        return tuple(sorted(normalize_ds(k.ds_record) for k in self.ksks if k.active))


def normalize_ds(value: str) -> str:
    """A DS value in one form: fields split on any blank, digest upper case."""
    parts = value.split()
    if len(parts) >= 4:
        parts = [*parts[:3], "".join(parts[3:]).upper()]
    return " ".join(parts)
