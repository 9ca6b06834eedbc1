"""Execute the registrar changes of a plan (:mod:`zonecut.plan.registrar`) through Route 53
Domains in each root's account, waiting for every operation (``GetOperationDetail``).

- first: the name servers (to the zone's delegation set, read now for a zone this run
  created), and the DS keys of a root about to be unsigned;
- last: the DS of the root's active KSKs, only when ``GetDNSSEC`` read just before says
  the zone is signing (a DS at the registrar without a signing zone is an outage for the
  whole domain), then the keys that name no active KSK.

Every step reads the registrar first and asks only for what differs, so a rerun after an
interruption finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.domains import POLL_SECONDS, DomainsAccount, domains_account
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.config.tree import DesiredZone
from zonecut.errors import ZonecutError
from zonecut.plan.changes import Plan
from zonecut.plan.dnssec_steps import DnssecPlan
from zonecut.plan.observed import ObservedState
from zonecut.plan.registrar import LAST, ROUTE53, DomainChange, RegistrarDomain, plan_registrar
from zonecut.plan.signing import ZoneSigning, normalize_ds
from zonecut.verify.targets import DelegationTarget, ZoneLookup


class RegistrarSteps:
    def __init__(self, fleet: Fleet, *, sync_timeout: float,
                 on_change: Callable[[DomainChange, str], None],
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.fleet = fleet
        self.sync_timeout = sync_timeout
        self.on_change = on_change
        self._sleep = sleep
        self._handles: dict[str, DomainsAccount] = {}

    def _submit(self, change: DomainChange, submit: Callable[[], str],
                done: Callable[[RegistrarDomain], bool], what: str) -> None:
        """``submit`` and wait for its operation. ``DuplicateRequest`` (the same operation
        is still in progress for the domain: a retry, or another run) is waited out:
        read again until ``done`` or the sync timeout."""
        api = self.domains(change.account_id)
        deadline = time.monotonic() + self.sync_timeout
        while True:
            try:
                operation = submit()
            except AwsError as exc:
                if exc.code != "DuplicateRequest" or time.monotonic() >= deadline:
                    raise
                self._sleep(POLL_SECONDS)
                if done(self._read(change)[1]):
                    return
                continue
            api.wait([operation], timeout=self.sync_timeout, what=what, sleep=self._sleep)
            return

    def domains(self, account_id: str) -> DomainsAccount:
        found = self._handles.get(account_id)
        if found is None:
            found = self._handles[account_id] = domains_account(self.fleet, account_id)
        return found

    def _read(self, change: DomainChange) -> tuple[DomainsAccount, RegistrarDomain]:
        api = self.domains(change.account_id)
        domain = api.get(change.domain)
        if domain is None:
            raise ZonecutError(f"{change.domain}: not registered with Route 53 Domains in "
                               f"account {change.account_id}; nothing was changed there")
        return api, domain

    def run(self, changes: Sequence[DomainChange], zone_ids: Mapping[str, str]) -> None:
        for change in changes:
            if change.action == "name-servers":
                self._name_servers(change, zone_ids)
            elif change.action == "add-ds":
                self._add(change, zone_ids)
            else:
                self._remove(change)

    def _name_servers(self, change: DomainChange, zone_ids: Mapping[str, str]) -> None:
        zone_id = change.zone_id or zone_ids.get(change.domain)
        if zone_id is None:
            raise ZonecutError(f"{change.domain}: the zone is missing; the registrar's name "
                               "servers were not changed")
        servers = self.fleet.route53(change.account_id).get_zone(zone_id).name_servers
        api, domain = self._read(change)
        wanted = tuple(sorted(s.rstrip(".").lower() for s in servers))
        if set(domain.name_servers) == set(wanted):
            return
        self._submit(change, lambda: api.set_name_servers(change.domain, wanted),
                     lambda now: set(now.name_servers) == set(wanted),
                     f"the name servers of {change.domain} at the registrar")
        self.on_change(change, ", ".join(wanted))

    def _add(self, change: DomainChange, zone_ids: Mapping[str, str]) -> None:
        zone_id = change.zone_id or zone_ids.get(change.domain)
        if zone_id is None:
            raise ZonecutError(f"{change.domain}: the zone is missing; no DS was given to "
                               "the registrar")
        signing = Route53Dnssec(self.fleet.route53(change.account_id)).get(zone_id,
                                                                          change.domain)
        active = [k for k in signing.ksks if k.active and k.public_key]
        if not signing.signing or not active:
            raise ZonecutError(
                f"{change.domain}: not signing ({signing.status}); its DS was not given to "
                "the registrar (a DS without a signing zone is an outage)")
        api, domain = self._read(change)
        held = set(domain.ds_values())
        missing = [k for k in active if normalize_ds(k.ds_record) not in held]
        for ksk in missing:  # one at a time: a second while one runs is DuplicateRequest
            self._submit(change, partial(api.add_key, change.domain, ksk),
                         partial(_holds, normalize_ds(ksk.ds_record)),
                         f"the DS of {change.domain} at the registrar")
        if missing:
            self.on_change(change, ", ".join(normalize_ds(k.ds_record) for k in active))

    def _remove(self, change: DomainChange) -> None:
        assert change.key is not None
        api, domain = self._read(change)
        key = next((k for k in domain.keys if k.ds == change.key.ds), None)
        if key is None:
            return  # gone already (an interrupted run)
        if change.phase == LAST:  # a stale key goes only while an active one is held
            zone_id = change.zone_id
            signing = Route53Dnssec(self.fleet.route53(change.account_id)).get(
                zone_id, change.domain) if zone_id else None
            active = set(signing.ds_values()) if signing and signing.signing else set()
            if key.ds in active or not active & set(domain.ds_values()):
                return
        self._submit(change, lambda: api.remove_key(change.domain, key),
                     lambda now: key.ds not in now.ds_values(),
                     f"removing a DS of {change.domain} at the registrar")
        self.on_change(change, key.ds)


def _holds(ds: str, domain: RegistrarDomain) -> bool:
    return ds in domain.ds_values()


def plan_at_registrar(fleet: Fleet, zones: Sequence[DesiredZone], base: Plan,
                      state: ObservedState) -> DnssecPlan | None:
    """Read the registrar of every root with ``registrar: route53`` (GetDomainDetail in the
    root's account; GetDNSSEC of the root when not read yet) and plan its changes; None
    when no root has one."""
    roots = [z for z in zones if z.parent is None and z.registrar == ROUTE53]
    if not roots:
        return None
    by_name = {z.name: z for z in base.zones}
    zone_ids = {r.name: by_name[r.name].zone_id if r.name in by_name else None
                for r in roots}
    servers = {r.name: tuple(sorted(s.rstrip(".").lower()
                                    for s in by_name[r.name].name_servers))
               for r in roots if r.name in by_name and by_name[r.name].zone_id}
    domains = {r.name: domains_account(fleet, r.account_id).get(r.name) for r in roots}
    signing: dict[str, ZoneSigning | None] = {}
    for root in roots:
        zone_id = zone_ids[root.name]
        if zone_id is None or not root.dnssec.managed:
            continue
        if zone_id not in state.signing:
            state.signing[zone_id] = Route53Dnssec(fleet.route53(root.account_id)).get(
                zone_id, root.name)
        signing[root.name] = state.signing[zone_id]
    changes, problems = plan_registrar(roots, zone_ids, servers, domains, signing)
    return DnssecPlan(domains=changes, problems=problems)


@dataclass(frozen=True)
class RegistrarView:
    """A root zone as verify compares it with its registrar."""

    zone: str
    name_servers: tuple[str, ...]
    signing: ZoneSigning | None
    domain: RegistrarDomain


def read_registrars(fleet: Fleet, zones: Sequence[DesiredZone],
                    targets: Sequence[DelegationTarget]) -> list[RegistrarView]:
    """Each root zone verify found (its ``targets``: the zone and its delegation set as
    observed, so nothing is read twice) whose domain is registered with Route 53 Domains
    in the root's account. A root without ``registrar`` whose registration cannot be
    read (AccessDenied: the role predates the permission; a partition without the
    service) is skipped."""
    declared = {z.name: z for z in zones}
    found: list[RegistrarView] = []
    for target in targets:
        root = declared.get(target.child)
        if (root is None or root.parent is not None or target.child_zone is None
                or target.lookup is not ZoneLookup.FOUND):
            continue
        try:
            domain = domains_account(fleet, root.account_id).get(root.name)
        except AwsError:  # AccessDenied, or a partition without Route 53 Domains
            if root.registrar is not None:
                raise
            continue
        if domain is None:
            continue
        zone = target.child_zone
        servers = tuple(sorted(s.rstrip(".").lower() for s in zone.name_servers))
        signing = Route53Dnssec(fleet.route53(root.account_id)).get(zone.zone_id, root.name)
        found.append(RegistrarView(root.name, servers, signing, domain))
    return found
