"""Planning a KSK rollover (pure): the double-DS method, from the live state, so that a
rerun after any interruption picks up where the last run stopped.

Stages, read from the zone's KSKs and its DS in the parent:

1. one active KSK (old): create the next one (``zonecut_N+1``, with its own KMS key:
   Route 53 wants a different key per KSK of a zone), ACTIVE; Route 53 then signs the
   DNSKEY set with both;
2. two active KSKs, the parent's DS does not name both: write both DS values;
3. both named: wait until every resolver can have seen the new DNSKEY and the new DS set
   (the longest of the DS TTL and the DNSKEY TTL); a rerun at this stage waits again,
   since no run can know how long ago the DS set was written;
4. then the DS set is the new key's alone, and the old KSK is deactivated and deleted.

At every boundary a resolver's cached DS names a key the zone's DNSKEY set still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zonecut.plan.dnssec_steps import KSK_PREFIX, ksk_generation
from zonecut.plan.signing import ZoneSigning, normalize_ds
from zonecut.state import RRSet

BOTH = "*"
DNSKEY_TTL = 3600
"""The TTL Route 53 gives the DNSKEY set of a signed zone."""


@dataclass(frozen=True)
class RotationStep:
    """``kind``: create-ksk | write-ds | wait | deactivate-ksk | delete-ksk. A write-ds
    planned before the new KSK exists has no values yet: ``ksk`` says whose DS it writes
    (``BOTH``: every active KSK's; a name: that KSK's alone)."""

    kind: str
    ksk: str = ""
    values: tuple[str, ...] = ()
    ttl: int = 0
    seconds: int = 0

    def text(self) -> str:
        if self.kind == "create-ksk":
            return f"create KSK {self.ksk} (ACTIVE) with its own KMS key, wait INSYNC"
        if self.kind == "write-ds":
            whose = "every active KSK" if self.ksk == BOTH else f"KSK {self.ksk} alone"
            return (f"write the DS set in the parent (TTL {self.ttl}): "
                    + (", ".join(self.values) or f"the DS of {whose}"))
        if self.kind == "wait":
            return f"wait {self.seconds} s: resolvers pick up the new DNSKEY and DS sets"
        return f"{self.kind.split('-')[0]} KSK {self.ksk}, wait INSYNC"

    def data(self) -> dict[str, Any]:
        return {"step": self.kind, "ksk": self.ksk, "values": list(self.values),
                "ttl": self.ttl, "seconds": self.seconds, "text": self.text()}


@dataclass(frozen=True)
class Rotation:
    zone: str
    old: tuple[str, ...]
    new: str
    steps: tuple[RotationStep, ...]
    problems: tuple[str, ...] = ()

    def data(self) -> dict[str, Any]:
        return {"zone": self.zone, "old_ksks": list(self.old), "new_ksk": self.new,
                "steps": [s.data() for s in self.steps], "problems": list(self.problems)}


def plan_rotation(zone: str, signing: ZoneSigning | None, parent: str | None,
                  parent_signing: ZoneSigning | None, parent_ds: RRSet | None,
                  ds_ttl: int, retire: str | None = None) -> Rotation:
    """The steps left of a rollover of ``zone``'s KSK. ``parent`` None: a root (refused:
    its DS is at the registrar). A rollover already begun is continued, not restarted.
    ``retire``: the KSK the rollover retires; once it is gone, nothing is left to do (so
    a rerun after a rollover that finished does not start another)."""
    if retire is not None and signing is not None and signing.ksk(retire) is None:
        return Rotation(zone, (retire,), "", ())
    def refused(why: str) -> Rotation:
        return Rotation(zone, (), "", (), (f"{zone}: {why}",))

    if parent is None:
        return refused("a root zone's DS is at the registrar, which zonecut cannot change; "
                       "roll its KSK over by hand (docs/dnssec.md)")
    if signing is None or not signing.signing:
        return refused("the zone is not signing: nothing to roll over (set dnssec: true "
                       "and apply)")
    if parent_signing is None or not parent_signing.signing:
        return refused(f"its parent {parent} is not signing: there is no chain of trust "
                       "to keep (a new KSK needs no rollover)")
    usable = [k for k in signing.ksks if k.active]
    others = [k for k in signing.ksks if not k.active]
    live = frozenset(normalize_ds(v) for v in (parent_ds.values if parent_ds else ()))
    if len(usable) == 1 and others and all(
            k.status == "INACTIVE" and ksk_generation(k.name) < ksk_generation(usable[0].name)
            and normalize_ds(k.ds_record) not in live for k in others):
        # a rollover stopped after the old KSK was deactivated: delete it
        return Rotation(zone, tuple(k.name for k in others), usable[0].name,
                        tuple(RotationStep("delete-ksk", ksk=k.name) for k in others))
    if others:
        return refused("it has a key-signing key that is not ACTIVE ("
                       + ", ".join(f"{k.name} {k.status}" for k in others)
                       + "); finish or undo that first (Route 53 allows two KSKs)")
    if not usable:
        return refused("it has no active key-signing key")
    if len(usable) == 1:
        old = usable[0]
        new = f"{KSK_PREFIX}{max(ksk_generation(old.name), 1) + 1}"
        return Rotation(zone, (old.name,), new, (
            RotationStep("create-ksk", ksk=new),
            RotationStep("write-ds", ksk=BOTH, ttl=ds_ttl),
            RotationStep("wait", seconds=max(ds_ttl, parent_ds.ttl if parent_ds else 0,
                                             DNSKEY_TTL)),
            RotationStep("write-ds", ksk=new, ttl=ds_ttl),  # the new key's alone
            RotationStep("deactivate-ksk", ksk=old.name),
            RotationStep("delete-ksk", ksk=old.name)))
    ordered = sorted(usable, key=lambda k: (ksk_generation(k.name), k.name))
    new_key, old_keys = ordered[-1], ordered[:-1]
    both = tuple(sorted(normalize_ds(k.ds_record) for k in usable))
    alone = (normalize_ds(new_key.ds_record),)
    tail = tuple(s for k in old_keys for s in (RotationStep("deactivate-ksk", ksk=k.name),
                                                RotationStep("delete-ksk", ksk=k.name)))
    if live == frozenset(alone):
        steps = tail  # the DS already names the new key alone
    elif live == frozenset(both):
        steps = (RotationStep("wait", seconds=max(ds_ttl, parent_ds.ttl if parent_ds else 0,
                                                  DNSKEY_TTL)),
                 RotationStep("write-ds", values=alone, ttl=ds_ttl), *tail)
    elif live and not live & frozenset(both):
        return refused(f"the DS in {parent} names none of its keys (an outage now): run "
                       "`zonecut apply` to correct it before rolling over")
    else:
        steps = (RotationStep("write-ds", values=both, ttl=ds_ttl),
                 RotationStep("wait", seconds=max(ds_ttl, parent_ds.ttl if parent_ds else 0,
                                                  DNSKEY_TTL)),
                 RotationStep("write-ds", values=alone, ttl=ds_ttl), *tail)
    return Rotation(zone, tuple(k.name for k in old_keys), new_key.name, steps)
