"""Run a KSK rollover (``zonecut.plan.rotation``): each step in order, each INSYNC.

Before a DS set is written it is checked against the zone's live KSKs (GetDNSSEC): it
must name only active keys, so a stale plan can never publish a DS for a key the zone
does not sign with.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.fleet import Fleet
from zonecut.aws.kms import kms_account
from zonecut.aws.route53 import RecordChange
from zonecut.errors import ZonecutError
from zonecut.plan.dnssec_steps import ksk_generation
from zonecut.plan.rotation import BOTH, Rotation, RotationStep
from zonecut.plan.signing import normalize_ds
from zonecut.state import RRSet


@dataclass(frozen=True)
class ZoneRef:
    name: str
    account_id: str
    zone_id: str


class RotationRunner:
    def __init__(self, fleet: Fleet, *, sync_timeout: float = 300.0, ttl_scale: float = 1.0,
                 partition: str = "aws", kms_key_arn: str | None = None,
                 on_step: Callable[[RotationStep], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.fleet = fleet
        self.sync_timeout = sync_timeout
        self.ttl_scale = ttl_scale
        self.partition = partition
        self.kms_key_arn = kms_key_arn
        self.on_step = on_step or (lambda step: None)
        self._sleep = sleep

    def run(self, rotation: Rotation, zone: ZoneRef, parent: ZoneRef) -> list[RotationStep]:
        if rotation.problems:
            raise ZonecutError("; ".join(rotation.problems))
        api = Route53Dnssec(self.fleet.route53(zone.account_id))
        what = f"rolling over the KSK of {zone.name}"
        done: list[RotationStep] = []
        for step in rotation.steps:
            if step.kind == "create-ksk":
                arn = self.kms_key_arn or kms_account(self.fleet, zone.account_id).dnssec_key(
                    max(1, ksk_generation(step.ksk)), self.partition)
                api.wait([api.create_ksk(zone.zone_id, zone.name, step.ksk, arn)],
                         timeout=self.sync_timeout, what=what)
            elif step.kind == "write-ds":
                self._write_ds(api, step, zone, parent)
            elif step.kind == "wait":
                self._sleep(step.seconds * self.ttl_scale)
            elif step.kind == "deactivate-ksk":
                api.wait([api.deactivate_ksk(zone.zone_id, zone.name, step.ksk)],
                         timeout=self.sync_timeout, what=what)
            elif step.kind == "delete-ksk":
                api.wait([api.delete_ksk(zone.zone_id, zone.name, step.ksk)],
                         timeout=self.sync_timeout, what=what)
            done.append(step)
            self.on_step(step)
        return done

    def _write_ds(self, api: Route53Dnssec, step: RotationStep, zone: ZoneRef,
                  parent: ZoneRef) -> None:
        live = api.get(zone.zone_id, zone.name)
        active = {k.name: normalize_ds(k.ds_record) for k in live.ksks if k.active}
        values = step.values
        if not values:
            values = (tuple(sorted(active.values())) if step.ksk == BOTH
                      else tuple(v for n, v in active.items() if n == step.ksk))
        if not live.signing or not values or not set(values) <= set(active.values()):
            raise ZonecutError(
                f"{zone.name}: the DS set {', '.join(values) or '(none)'} does not name only "
                f"active keys of the zone ({', '.join(sorted(active)) or 'none'}); nothing "
                f"was written into {parent.name}. Run `zonecut rotate-ksk {zone.name}` again.")
        r53 = self.fleet.route53(parent.account_id)
        change = r53.change_rrsets(parent.zone_id, parent.name, [RecordChange(
            "UPSERT", RRSet(zone.name, "DS", step.ttl, values))],
            f"zonecut: DS of {zone.name} for its KSK rollover")
        r53.wait_insync([change], timeout=self.sync_timeout,
                        what=f"the DS of {zone.name} in {parent.name}")
