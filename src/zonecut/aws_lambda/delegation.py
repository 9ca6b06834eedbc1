"""The one delegation core of both Lambda handlers: NS record sets in the parent zone,
each with an owner record, under these rules.

- *Prove before write*: a delegation is written only for a hosted zone that exists, in
  the account that claims it (read through that account's read-only role), and its
  values are that zone's own delegation set; servers a request names are only checked
  against it. A delegation is removed only by its recorded owner (a stack's Delete), or,
  for a DeleteHostedZone event, once the zone is gone and no live zone of that name in
  that account is served by the servers the parent lists.
- *Record before change*: the owner record (:mod:`zonecut.aws_lambda.ownership`) is
  written before the NS change and removed after the NS rrset is gone. A delegation
  with no owner record, or another party's, is never UPSERTed or deleted: it is reported
  (status ``foreign``). A record whose zone is gone may be taken over by the same
  account (its zone was recreated).
- *Bounded*: every request, retry and INSYNC wait ends before the deadline.
- Reads in the parent touch only the record name concerned.
- *The right parent*: the zone written in is ``ZONECUT_PARENT_ZONE_ID`` (the name must be
  below it), or else the one public zone of the parent's account that is the name's
  closest enclosing zone (:mod:`zonecut.aws_lambda.parent_lookup`; two of one name are
  refused, never guessed between). The owner record keeps the zone written in, and a
  removal looks there; a request whose parent is now another zone than the recorded one
  is refused.

A failure after a write leaves the owner record naming what may have been written, so
that the owner's next request (CloudFormation's rollback Delete, a redelivered event)
finishes or undoes it.
"""

from __future__ import annotations

import logging

from zonecut.apply.handoff_read import HandoffError, ZoneDocument, parameter_name
from zonecut.aws import bounded
from zonecut.aws.calls import CallCounter
from zonecut.aws.cloudformation import CloudFormationAccount
from zonecut.aws.route53 import RecordChange, Route53Account
from zonecut.aws.sessions import SessionFactory
from zonecut.aws.ssm import SsmAccount
from zonecut.aws_lambda import parent_document
from zonecut.aws_lambda.deadline import Deadline
from zonecut.aws_lambda.outcome import Claim, Outcome
from zonecut.aws_lambda.ownership import Owner, OwnerRecordError, owner_parameter
from zonecut.aws_lambda.parent_zones import ParentZones
from zonecut.aws_lambda.proof import ChildZones
from zonecut.aws_lambda.settings import Settings
from zonecut.delegation_rules import ns_record, servers_refusal, ttl_refusal
from zonecut.state import HostedZone, RRSet

log = logging.getLogger("zonecut.aws_lambda")


class ParentZone:
    """The parent hosted zone, the owner records, and the consumer accounts' zones."""

    def __init__(self, settings: Settings, factory: SessionFactory | None = None,
                 deadline: Deadline | None = None) -> None:
        self.settings = settings
        self.factory = factory or settings.factory()
        self.deadline = deadline or Deadline(reserve=settings.answer_reserve)
        self.counter = CallCounter()
        self.children = ChildZones(self.reader)
        self.wrote = False
        """True once this request has written anything (an owner record first)."""
        self._r53: Route53Account | None = None
        self._ssm: SsmAccount | None = None
        self._handoff: SsmAccount | None = None
        self.parents = ParentZones(settings, lambda: self.r53)
        self._parent_checked: dict[str, str | None] = {}
        self._readers: dict[str, Route53Account] = {}
        self._stacks: dict[tuple[str, str], CloudFormationAccount] = {}

    # -- handles ------------------------------------------------------------------------
    def _guard(self, **kwargs: object) -> None:
        self.deadline.guard(**kwargs)

    def _sleep(self, seconds: float) -> None:
        self.deadline.sleep(seconds)

    @property
    def r53(self) -> Route53Account:
        if self._r53 is None:
            self._r53 = bounded.route53(
                self.factory, self.settings.parent_access(),
                rate_limit=self.settings.rate_limit, counter=self.counter,
                guard=self._guard, sleep=self._sleep)
        return self._r53

    @property
    def ssm(self) -> SsmAccount:
        if self._ssm is None:
            self._ssm = bounded.ssm(self.factory, self.settings.parent_access(),
                                    self.settings.ssm_region, rate_limit=self.settings.rate_limit,
                                    counter=self.counter, guard=self._guard)
        return self._ssm

    @property
    def handoff(self) -> SsmAccount:
        """Where the published documents are: the parent's Parameter Store (``ssm``) or
        the registry's (ZONECUT_SSM_ACCOUNT_ID, through ZONECUT_SSM_ROLE_ARN)."""
        if self.settings.ssm_account_id is None and self.settings.ssm_role_arn is None:
            return self.ssm
        if self._handoff is None:
            self._handoff = bounded.ssm(self.factory, self.settings.handoff_access(),
                                        self.settings.ssm_region,
                                        rate_limit=self.settings.rate_limit,
                                        counter=self.counter, guard=self._guard)
        return self._handoff

    def reader(self, account_id: str) -> Route53Account:
        """Route 53 of a consumer account, through its read-only role."""
        found = self._readers.get(account_id)
        if found is None:
            found = bounded.route53(self.factory, self.settings.child_access(account_id),
                                    rate_limit=self.settings.rate_limit, counter=self.counter,
                                    guard=self._guard, sleep=self._sleep)
            self._readers[account_id] = found
        return found

    def stacks(self, account_id: str, region: str) -> CloudFormationAccount:
        """CloudFormation of a consumer account in a stack's region, through the same
        read-only role."""
        found = self._stacks.get((account_id, region))
        if found is None:
            found = bounded.cloudformation(
                self.factory, self.settings.child_access(account_id), region,
                rate_limit=self.settings.rate_limit, counter=self.counter, guard=self._guard)
            self._stacks[(account_id, region)] = found
        return found

    # -- the parent zone --------------------------------------------------------------
    def parent_problem(self, child: str, parent: HostedZone) -> str | None:
        """With ZONECUT_PARENT_PARAMETER: why the parent zone's published document does
        not describe ``parent`` (:func:`~zonecut.aws_lambda.parent_document.problem`);
        None when it does, or without the setting. Read once per request and zone."""
        key = self.settings.parent_parameter
        if key is None:
            return None
        if parent.zone_id not in self._parent_checked:
            self._parent_checked[parent.zone_id] = parent_document.problem(
                self.settings, child, self.handoff.get(key), parent,
                lambda: self.parents.read_zone(parent.zone_id))
        return self._parent_checked[parent.zone_id]

    # -- checks -------------------------------------------------------------------------
    def refusal(self, account_id: str, name: str) -> str | None:
        """Why ``account_id`` may not have ``name`` delegated here (None: it may). Without
        ZONECUT_PARENT_ZONE_ID the allow-list is asked first: no lookup for a name it
        refuses."""
        if self.settings.parent_zone_id is None:
            refused = self.settings.allow.refusal(account_id, name)
            if refused:
                return refused
        parent = self.parents.parent_for(name)
        if isinstance(parent, str):
            return parent
        return self.settings.allow.refusal(account_id, name)

    def refuse(self, account_id: str, name: str, reason: str, status: str = "refused"
               ) -> Outcome:
        log.warning("%s: account %s, %s: %s", status, account_id, name or "(no name)", reason)
        return Outcome(status, name, reason)

    def _prove(self, claim: Claim) -> HostedZone | Outcome:
        """The claimed zone as Route 53 holds it in the claiming account, or why not."""
        where = f"account {claim.account_id}"
        if claim.zone_id:
            zone = self.children.zone(claim.account_id, claim.zone_id)
            if zone is None or zone.name != claim.name:
                return self.refuse(claim.account_id, claim.name,
                                   f"{where} has no public hosted zone {claim.zone_id} named "
                                   f"{claim.name} (deleted since?); nothing was written",
                                   "stale")
        else:
            zones = self.children.named(claim.account_id, claim.name)
            if claim.servers:
                zones = [z for z in zones
                         if frozenset(z.name_servers) == frozenset(claim.servers)]
            if len(zones) != 1:
                said = (f" with the name servers {', '.join(claim.servers)}"
                        if claim.servers else "")
                what = "no" if not zones else f"{len(zones)}"
                return self.refuse(claim.account_id, claim.name,
                                   f"{where} has {what} public hosted zone(s) {claim.name}"
                                   f"{said}; nothing was written")
            zone = zones[0]
        refused = servers_refusal(claim.servers, zone, where)
        if refused:
            return self.refuse(claim.account_id, claim.name, refused)
        return zone

    # -- the owner records --------------------------------------------------------------
    def owner(self, name: str) -> Owner | None:
        key = owner_parameter(self.settings.owner_prefix, name)
        value = self.ssm.get(key)
        return None if value is None else Owner.from_json(value, key)

    def owner_of_zone(self, zone_id: str) -> Owner | None:
        bare = zone_id.removeprefix("/hostedzone/")
        for key, value in sorted(self.ssm.under(self.settings.owner_prefix).items()):
            try:
                found = Owner.from_json(value, key)
            except OwnerRecordError:
                log.warning("skipped %s: not an owner record", key)
                continue
            if found.zone_id == bare:
                return found
        return None

    def _own(self, owner: Owner) -> None:
        self.wrote = True
        self.ssm.put(owner_parameter(self.settings.owner_prefix, owner.name),
                     owner.to_json(), f"zonecut: owner of the delegation of {owner.name}")

    def _disown(self, owner: Owner) -> None:
        """The published document first, the owner record last: while anything of the
        delegation is left, its owner record says whose it is."""
        self.wrote = True
        self._unpublish(owner)
        self.ssm.delete(owner_parameter(self.settings.owner_prefix, owner.name))

    # -- changes ------------------------------------------------------------------------
    def delegate(self, claim: Claim) -> Outcome:
        """Write the parent's NS rrset for the claimed zone (CREATE or UPSERT), owned."""
        name, account = claim.name, claim.account_id
        refusal = self.refusal(account, name)
        if refusal:
            return self.refuse(account, name, refusal)
        ttl = claim.ttl or self.settings.ns_ttl
        bad_ttl = ttl_refusal(ttl, self.settings.ttl_min, self.settings.ttl_max)
        if bad_ttl:
            return self.refuse(account, name, bad_ttl)
        parent = self.parents.parent_for(name)
        assert isinstance(parent, HostedZone)  # the refusal above says why otherwise
        problem = self.parent_problem(name, parent)
        if problem is not None:
            return self.refuse(account, name, problem)
        proved = self._prove(claim)
        if isinstance(proved, Outcome):
            return proved
        zone = proved
        record = ns_record(name, ttl, zone)
        servers = record.values
        me = Owner(name, account, claim.path, claim.party, zone.zone_id, servers,
                   claim.request, "writing", parent.zone_id)
        held = self.owner(name)
        if held is not None and not claim.owns(held) and claim.path == "event" \
                and (held.account_id, held.zone_id) == (account, zone.zone_id):
            # this very zone, delegated through its stack: nothing for the event to do
            return Outcome("unchanged", name, f"{name} is delegated to this zone already, "
                           f"by {held.describe()}", zone.zone_id)
        if held is not None and not claim.owns(held):
            taken_over = (held.account_id == account
                          and self.children.zone(held.account_id, held.zone_id) is None)
            if not taken_over:
                return self.refuse(account, name, f"the delegation of {name} belongs to "
                                   f"{held.describe()}; left as it is", "foreign")
            log.info("%s: taking over the record of %s, whose zone %s is gone", name,
                     held.describe(), held.zone_id)
        if held is not None and held.parent_zone_id not in ("", parent.zone_id):
            return self.refuse(account, name, f"the delegation of {name} is written in hosted "
                               f"zone {held.parent_zone_id} ({held.describe()}), but the "
                               f"parent zone of {name} is now {parent.zone_id} ({parent.name}):"
                               " remove the delegation first (delete the resource or the "
                               "zone), then delegate again; nothing was changed")
        found = self.r53.rrsets_at(parent.zone_id, name)
        other = sorted({rr.type for rr in found if rr.type not in ("NS", "DS")})
        if other:
            return self.refuse(account, name, f"the parent holds {', '.join(other)} records "
                               f"at {name}; a delegation would hide them")
        current = next((rr for rr in found if rr.type == "NS"), None)
        if current is not None and held is None:
            return self.refuse(account, name, f"{parent.name} already delegates {name} (to "
                               f"{', '.join(current.values)}), not through this function "
                               "(no owner record); left as it is", "foreign")
        right = (current is not None and current.value_set == frozenset(servers)
                 and current.ttl == ttl)
        settled = (held is not None and claim.owns(held) and held.state == "delegated"
                   and held.zone_id == zone.zone_id and held.name_servers == servers
                   and held.parent_zone_id == parent.zone_id)
        if right and settled:
            self._publish(me, parent)
            return Outcome("unchanged", name, f"{parent.name} already delegates {name}",
                           zone.zone_id)
        self._own(me)
        if not right:
            action = "CREATE" if current is None else "UPSERT"
            change_id = self.r53.change_rrsets(
                parent.zone_id, parent.name, [RecordChange(action, record)],
                f"zonecut self-service: delegate {name} to account {account}")
            self.r53.wait_insync([change_id], timeout=self.deadline.bound(
                self.settings.sync_timeout), what=f"delegating {name}")
        self._own(me.moved("delegated"))
        self._publish(me, parent)
        log.info("delegated %s to %s (account %s, zone %s)", name, ", ".join(servers),
                 account, zone.zone_id)
        verb = "UPSERT" if current is not None else "CREATE"
        return Outcome("delegated", name, f"{verb} NS {name} in {parent.name}" if not right
                       else f"{parent.name} already delegated {name}; now recorded",
                       zone.zone_id)

    def remove_owned(self, claim: Claim) -> Outcome:
        """A stack's Delete: remove the delegation it owns (exactly the servers written);
        succeed when it is gone already; leave anything else alone and say so."""
        name = claim.name
        held = self.owner(name)
        parent = self.parents.recorded(held) if held is not None else self.parents.parent_for(name)
        if isinstance(parent, str):
            if held is not None and claim.owns(held):
                self._disown(held)
            return Outcome("gone", name, parent)
        current = self._ns_at(parent, name)
        if held is None or not claim.owns(held):
            whose = held.describe() if held else "no owner record"
            if current is None:
                return Outcome("gone", name, f"{parent.name} holds no NS for {name}")
            log.warning("left %s alone: not this resource's (%s)", name, whose)
            return Outcome("left-alone", name, f"the delegation of {name} is not this "
                           f"resource's ({whose}); left as it is")
        return self._remove(held, parent, current)

    def _ns_at(self, parent: HostedZone, name: str) -> RRSet | None:
        found = self.r53.rrsets_at(parent.zone_id, name)
        return next((rr for rr in found if rr.type == "NS"), None)

    def remove_deleted(self, account_id: str, zone_id: str) -> Outcome:
        """A DeleteHostedZone event: remove the delegation recorded for ``zone_id`` once the
        zone is gone and no live zone of the name is served by the servers listed."""
        held = self.owner_of_zone(zone_id)
        if held is None:
            log.info("ignored: no delegation is recorded for hosted zone %s", zone_id)
            return Outcome("ignored", "", f"no delegation is recorded for hosted zone {zone_id}")
        name = held.name
        if held.account_id != account_id:
            return self.refuse(account_id, name,
                               f"{name} was delegated to account {held.account_id}")
        if self.children.zone(account_id, held.zone_id) is not None:
            return self.refuse(account_id, name, f"hosted zone {held.zone_id} still exists in "
                               f"account {account_id}: nothing is removed for a live zone")
        parent = self.parents.recorded(held)
        if isinstance(parent, str):
            self._disown(held)
            return Outcome("gone", name, parent, held.zone_id)
        current = self._ns_at(parent, name)
        if current is not None and current.value_set == frozenset(held.name_servers):
            serving = self.children.serving(account_id, name, current.value_set)
            if serving is not None:
                return self.refuse(account_id, name, f"the servers of the delegation still "
                                   f"serve zone {serving.zone_id}; left as it is",
                                   "left-alone")
        return self._remove(held, parent, current)

    def _remove(self, held: Owner, parent: HostedZone, current: RRSet | None) -> Outcome:
        name = held.name
        if current is None:
            self._disown(held)
            return Outcome("gone", name, f"{parent.name} holds no NS for {name}",
                           held.zone_id)
        if current.value_set != frozenset(held.name_servers):
            log.warning("left %s alone: its NS rrset lists %s, not the servers written (%s)",
                        name, ", ".join(current.values), ", ".join(held.name_servers))
            self._disown(held)
            return Outcome("left-alone", name, "the NS rrset was changed since it was made; "
                           "left as it is", held.zone_id)
        self._own(held.moved("removing"))
        change_id = self.r53.change_rrsets(
            parent.zone_id, parent.name, [RecordChange("DELETE", current)],
            f"zonecut self-service: remove the delegation of {name}")
        self.r53.wait_insync([change_id], timeout=self.deadline.bound(
            self.settings.sync_timeout), what=f"removing the delegation of {name}")
        self._disown(held)
        log.info("removed the delegation of %s (%s)", name, held.describe())
        return Outcome("removed", name, f"DELETE NS {name} in {parent.name}", held.zone_id)

    # -- the published zone document (the SSM handoff) ----------------------------------
    def _publish(self, owner: Owner, parent: HostedZone) -> None:
        if not self.settings.ssm_prefix:
            return
        document = ZoneDocument(owner.name, owner.zone_id, owner.account_id,
                                owner.name_servers, parent.name, parent.zone_id,
                                self.settings.parent_account_id)
        key = parameter_name(self.settings.ssm_prefix, owner.name)
        if self.handoff.get(key) != document.to_json():
            self.wrote = True
            self.handoff.put(key, document.to_json(), f"zonecut self-service: {owner.name} "
                         f"(account {owner.account_id})")

    def _unpublish(self, owner: Owner) -> None:
        if not self.settings.ssm_prefix:
            return
        key = parameter_name(self.settings.ssm_prefix, owner.name)
        value = self.handoff.get(key)
        if value is None:
            return
        try:
            document = ZoneDocument.from_json(value, key)
        except HandoffError:
            return
        if document.zone_id == owner.zone_id and document.account_id == owner.account_id:
            self.handoff.delete(key)
