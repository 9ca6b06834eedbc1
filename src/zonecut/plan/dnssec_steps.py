"""The steps of a DNSSEC plan as data (pure): signing a zone, a DS into or out of a
parent, unsigning, the DS a registrar must publish, the plan that orders them
(:class:`DnssecPlan`), and the names of zonecut's key-signing keys. The planning itself
is :mod:`zonecut.plan.dnssec`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from zonecut.plan.registrar import FIRST, LAST, DomainChange
from zonecut.plan.signing import ZoneSigning
from zonecut.state import RRSet

KSK_PREFIX = "zonecut_"
KSK_NAME_RE = re.compile(r"^zonecut_(?P<generation>[0-9]+)$")
MAX_KSKS = 2
"""Route 53: 'You can only have two KSKs per hosted zone.' (CreateKeySigningKey)"""


def ksk_generation(name: str) -> int:
    """The generation of one of zonecut's KSK names (zonecut_N); 0 for other names."""
    match = KSK_NAME_RE.match(name)
    return int(match["generation"]) if match else 0


def next_ksk_name(signing: ZoneSigning | None) -> str:
    used = [ksk_generation(k.name) for k in (signing.ksks if signing else ())]
    return f"{KSK_PREFIX}{max(used, default=0) + 1}"


class SignedZoneLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def root(self) -> bool: ...


@dataclass(frozen=True)
class ZoneSign:
    """A zone to sign. ``zone_id`` None: the zone is created by the same apply.
    ``ksk`` is created (``create_ksk``) or activated; ``kms_key_arn`` None: zonecut's
    key of the KSK's generation in the zone's account."""

    name: str
    account_id: str
    zone_id: str | None
    ksk: str
    create_ksk: bool
    activate_ksk: bool
    enable: bool
    kms_key_arn: str | None

    def data(self) -> dict[str, Any]:
        return {"zone": self.name, "account_id": self.account_id, "zone_id": self.zone_id,
                "ksk": self.ksk, "create_ksk": self.create_ksk,
                "activate_ksk": self.activate_ksk, "enable": self.enable,
                "kms_key": self.kms_key_arn or "zonecut's key (created when missing)"}


@dataclass(frozen=True)
class DsChange:
    """A DS rrset in a parent for one child. ``values`` empty: known once the child
    signs (apply reads them from GetDNSSEC). ``action``: create | update | delete."""

    parent: str
    parent_account_id: str
    parent_zone_id: str | None
    child: str
    child_account_id: str
    action: str
    ttl: int
    values: tuple[str, ...] = ()
    old: RRSet | None = None
    reason: str = ""

    @property
    def removal(self) -> bool:
        return self.action == "delete"

    def data(self) -> dict[str, Any]:
        return {"parent": self.parent, "parent_account_id": self.parent_account_id,
                "parent_zone_id": self.parent_zone_id, "child": self.child,
                "action": self.action, "ttl": self.ttl,
                "values": list(self.values) if self.values or self.removal
                else "(known after signing)",
                "old_values": list(self.old.values) if self.old else [],
                "reason": self.reason}


@dataclass(frozen=True)
class ZoneUnsign:
    """A zone to unsign: disable signing (when it is signing), then deactivate its
    active KSKs and delete every KSK. ``wait_seconds``: how long a DS for it may still
    be cached once removed (the TTL waited before disabling)."""

    name: str
    account_id: str
    zone_id: str
    disable: bool
    deactivate: tuple[str, ...]
    delete: tuple[str, ...]
    wait_seconds: int
    reason: str

    def data(self) -> dict[str, Any]:
        return {"zone": self.name, "account_id": self.account_id, "zone_id": self.zone_id,
                "disable": self.disable, "deactivate_ksks": list(self.deactivate),
                "delete_ksks": list(self.delete), "wait_seconds": self.wait_seconds,
                "reason": self.reason}


@dataclass(frozen=True)
class RegistrarDs:
    """A signed root zone: the DS the user gives the registrar (empty: known after
    signing; run `zonecut plan` again)."""

    name: str
    account_id: str
    values: tuple[str, ...]

    def data(self) -> dict[str, Any]:
        return {"zone": self.name, "account_id": self.account_id,
                "ds": list(self.values) if self.values else "(known after signing)"}


@dataclass(frozen=True)
class DnssecPlan:
    signs: tuple[ZoneSign, ...] = ()
    ds_changes: tuple[DsChange, ...] = ()
    unsigns: tuple[ZoneUnsign, ...] = ()
    registrar: tuple[RegistrarDs, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    domains: tuple[DomainChange, ...] = ()
    """Changes at the registrar (Route 53 Domains) of roots with ``registrar: route53``
    (:mod:`zonecut.plan.registrar`)."""

    def domain_changes(self, phase: str) -> tuple[DomainChange, ...]:
        return tuple(c for c in self.domains if c.phase == phase)

    @property
    def ds_removals(self) -> tuple[DsChange, ...]:
        return tuple(c for c in self.ds_changes if c.removal)

    @property
    def ds_writes(self) -> tuple[DsChange, ...]:
        return tuple(c for c in self.ds_changes if not c.removal)

    @property
    def has_changes(self) -> bool:
        return bool(self.signs or self.ds_changes or self.unsigns or self.domains)

    def wait_seconds(self) -> int:
        """The DS TTL waited between step 1 and step 2."""
        return max((u.wait_seconds for u in self.unsigns if u.disable), default=0)

    def steps(self) -> list[str]:
        """The ordered steps, one line each, as plan shows them."""
        lines: list[str] = [c.line() for c in self.domain_changes(FIRST)]
        for c in self.ds_removals:
            lines.append(f"remove DS of {c.child} from {c.parent} ({c.reason})")
        if (self.ds_removals or self.domain_changes(FIRST)) and self.wait_seconds():
            lines.append(f"wait {self.wait_seconds()} s (the DS TTL) for resolvers to "
                         "forget the removed DS")
        for u in self.unsigns:
            what = ["disable signing"] if u.disable else []
            if u.deactivate:
                what.append("deactivate KSK " + ", ".join(u.deactivate))
            if u.delete:
                what.append("delete KSK " + ", ".join(u.delete))
            lines.append(f"unsign {u.name}: " + ", then ".join(what) + f" ({u.reason})")
        for s in self.signs:
            what = []
            if s.create_ksk:
                what.append(f"create KSK {s.ksk} with "
                            + (s.kms_key_arn or "zonecut's KMS key"))
            if s.activate_ksk:
                what.append(f"activate KSK {s.ksk}")
            if s.enable:
                what.append("enable signing")
            lines.append(f"sign {s.name}: " + ", then ".join(what) + ", wait INSYNC")
        for c in self.ds_writes:
            values = ", ".join(c.values) if c.values else "known after signing"
            lines.append(f"{c.action} DS of {c.child} in {c.parent} (TTL {c.ttl}): {values}")
        lines.extend(c.line() for c in self.domain_changes(LAST))
        for r in self.registrar:
            values = ", ".join(r.values) if r.values else (
                "known once it signs: run `zonecut plan` again after apply")
            lines.append(f"give the registrar of {r.name} its DS: {values}")
        return lines

    def merged(self, other: DnssecPlan) -> DnssecPlan:
        """This plan's steps and another's (apply's and prune's), in one plan."""
        return DnssecPlan(signs=self.signs + other.signs,
                          ds_changes=self.ds_changes + other.ds_changes,
                          unsigns=self.unsigns + other.unsigns,
                          registrar=self.registrar + other.registrar,
                          problems=self.problems + other.problems,
                          notes=self.notes + other.notes,
                          domains=self.domains + other.domains)

    def step_count(self) -> int:
        return len(self.signs) + len(self.ds_changes) + len(self.unsigns) + len(self.domains)

    def data(self) -> dict[str, Any]:
        return {"signs": [s.data() for s in self.signs],
                "ds_changes": [c.data() for c in self.ds_changes],
                "unsigns": [u.data() for u in self.unsigns],
                "registrar_ds": [r.data() for r in self.registrar],
                "registrar_changes": [c.data() for c in self.domains],
                "wait_seconds": self.wait_seconds(),
                "steps": self.steps(),
                "problems": list(self.problems), "notes": list(self.notes)}
