"""Route 53 writes for one account: zones, tags, record batches, deletion and waiting
for INSYNC, each safe to retry after a lost answer."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.aws.calls import CallCounter
from zonecut.aws.errors import AwsError, SyncTimeout
from zonecut.aws.limiter import QuotaLimiter
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.retry import DEFAULT_POLICY, Attempts, RetryPolicy
from zonecut.aws.route53_reads import Route53Reader, bare_zone_id
from zonecut.aws.waiter import ChangePoller
from zonecut.aws.zone_references import ZoneReferences
from zonecut.names import normalize, to_fqdn
from zonecut.state import HostedZone, RRSet

CHANGE_PREFIX = "/change/"
LIST_ALL_FROM = 3
"""From this many zones in one account on, one paginated ``ListHostedZones`` (100 zones
a page) replaces a ``ListHostedZonesByName`` per zone (``observe`` and
``Route53Account.settle_zones``; ``zonecut iam`` grants ``ListHostedZones`` then)."""
LOST_CHANGE_PREFIX = "zonecut-lost-"
"""Stands for a change whose answer was lost (its id with it); see ``wait_insync``."""
LOST_CHANGE_WAIT = 60.0
"""Route 53 usually syncs a change within 60 s."""


@dataclass(frozen=True)
class RecordChange:
    """One change in a ChangeResourceRecordSets batch."""

    action: str  # CREATE | UPSERT | DELETE
    rrset: RRSet

    def wire_values(self) -> list[str]:
        """The values exactly as sent (names with their trailing dot): what Route 53
        counts against its 32,000 characters."""
        rrset = self.to_api().get("ResourceRecordSet", {})
        return [str(r["Value"]) for r in rrset.get("ResourceRecords", [])]

    def to_api(self) -> dict[str, Any]:
        if self.action == "DELETE" and self.rrset.api_json:
            # Exactly what Route 53 holds: a DELETE must match the live rrset.
            return {"Action": "DELETE", "ResourceRecordSet": json.loads(self.rrset.api_json)}
        values = self.rrset.values
        if self.rrset.type in ("NS", "CNAME"):
            values = tuple(to_fqdn(v) for v in values)
        return {
            "Action": self.action,
            "ResourceRecordSet": {
                "Name": to_fqdn(self.rrset.name),
                "Type": self.rrset.type,
                "TTL": self.rrset.ttl,
                "ResourceRecords": [{"Value": v} for v in values],
            },
        }


class Route53Account(Route53Reader):
    """One account's Route 53: the reads of :class:`Route53Reader` and the writes.

    A write whose answer was lost (the connection broke, or a 5xx) may have been carried
    out: its retry then meets its own effect. ``create_zone`` adopts the zone it made
    (the retry sends the same CallerReference); ``change_rrsets`` checks that the whole
    batch is in effect and returns a stand-in change id (``zonecut-lost-N``), since the
    real one was lost with the answer. ``wait_insync`` cannot poll a stand-in: for a
    batch that removed a delegation it waits ``lost_change_wait`` seconds (Route 53's
    usual sync time), for any other it goes on at once (the records are there; only
    their propagation is not confirmed, as for a zone adopted from an earlier run).
    """

    def __init__(
        self,
        account_id: str,
        client: Any,
        limiter: TokenBucket | QuotaLimiter,
        counter: CallCounter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        principal: str = "",
        retry: RetryPolicy = DEFAULT_POLICY,
        lost_change_wait: float = LOST_CHANGE_WAIT,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(account_id, client, limiter, counter, sleep=sleep,
                         principal=principal, retry=retry, rng=rng)
        self.lost_change_wait = lost_change_wait
        self._clock = clock
        self._lost: dict[str, tuple[float, bool]] = {}
        self.poller = ChangePoller(self._change_status, clock=clock, sleep=sleep)

    def _change_status(self, change_id: str) -> str:
        page = self._call("get_change", f"waiting for change {change_id}", Id=change_id)
        return str(page["ChangeInfo"]["Status"])

    # -- writes -------------------------------------------------------------------------
    def create_zone(self, name: str, references: ZoneReferences, comment: str | None,
                    tags: Sequence[tuple[str, str]] = ()) -> tuple[HostedZone, str | None]:
        """Create a public zone; returns the zone and the change id to wait for (None
        when an existing zone was adopted): :meth:`submit_zone`, then :meth:`settle_zones`
        for it alone."""
        made = self.submit_zone(name, references, comment)
        zone, change_id = self.settle_zones([(name, references, *made)])[0]
        self._tag(zone.zone_id, name, tags)
        return zone, change_id

    def submit_zone(self, name: str, references: ZoneReferences, comment: str | None
                    ) -> tuple[HostedZone, str | None]:
        """``CreateHostedZone`` for a public zone: the zone as its answer gives it (the
        delegation set included: nothing is read again) and the change id (None when a
        zone made with one of the references was adopted).

        The CallerReferences of ``references.sequence()`` are tried in order (see
        :mod:`zonecut.aws.zone_references`). ``HostedZoneAlreadyExists`` means a zone was
        made with that reference: a live zone carrying it is adopted (a retry after a lost
        answer, or a concurrent apply in the same window); a reference spent by a zone
        since deleted moves on to the next. The zone is not settled yet: until
        :meth:`settle_zones` ran, another apply in another window may hold a second one.
        """
        last: AwsError | None = None
        for reference in references.sequence():
            params: dict[str, Any] = {
                "Name": to_fqdn(name),
                "CallerReference": reference,
                "HostedZoneConfig": {"Comment": comment or "", "PrivateZone": False},
            }
            try:
                page = self._call("create_hosted_zone", f"creating zone {name}", **params)
            except AwsError as exc:
                if exc.code != "HostedZoneAlreadyExists":
                    raise
                zone = self._zone_with_reference(name, reference)
                if zone is not None:  # a lost attempt, an earlier run or a concurrent apply
                    return zone, None
                last = exc
                continue
            made = self._zone_from_api(page["HostedZone"])
            servers = tuple(sorted(normalize(n) for n in
                                   page.get("DelegationSet", {}).get("NameServers", [])))
            zone = HostedZone(zone_id=made.zone_id, name=made.name, account_id=self.account_id,
                              name_servers=servers, caller_reference=reference,
                              comment=made.comment)
            return zone, self._watched(page)
        raise AwsError(
            f"creating zone {name}: every caller reference tried is spent ({last})",
            account_id=self.account_id, operation="CreateHostedZone",
            code=last.code if last else "")

    def settle_zones(self, made: Sequence[tuple[str, ZoneReferences, HostedZone, str | None]]
                     ) -> list[tuple[HostedZone, str | None]]:
        """After :meth:`submit_zone` of each (name, references, zone, change id): the
        zones of each name zonecut made in this account are read; when there are several
        (applies in different windows, a stale saved plan run again), the first
        (``references.order``, then zone id: every apply picks the same) is kept; a zone
        this run made that is not the first is deleted (it is empty) and the first
        adopted. Returns (zone, change id to wait for or None when adopted) per item, in
        order; the caller then tags each zone (:meth:`set_tags`).

        The zones are read once every item was submitted: one ``ListHostedZones`` (100
        zones a page) for :data:`LIST_ALL_FROM` items or more (as ``observe`` reads),
        else one ``ListHostedZonesByName`` per name. A concurrent apply's zone made before
        this read is seen here; one made after it sees this run's zone in its own read.
        """
        if len(made) >= LIST_ALL_FROM:
            listed: dict[str, list[HostedZone]] = {}
            for hosted in self.list_zones():
                listed.setdefault(hosted.name, []).append(hosted)
            found = [listed.get(name, []) for name, *_ in made]
        else:
            found = [self.find_zones(name) for name, *_ in made]
        settled: list[tuple[HostedZone, str | None]] = []
        for (name, references, zone, change_id), same_name in zip(made, found, strict=True):
            kept = _earliest_of_ours(references, zone, same_name)
            if kept.zone_id != zone.zone_id:
                if change_id is not None:
                    # another apply made the zone first: the one this call made goes
                    self.delete_zone(zone.zone_id, name)
                zone, change_id = self.get_zone(kept.zone_id), None
            settled.append((zone, change_id))
        return settled

    def list_tags(self, zone_id: str, name: str) -> tuple[tuple[str, str], ...]:
        """The zone's tags, sorted (``ListTagsForResource``)."""
        page = self._call("list_tags_for_resource", f"reading the tags of zone {name}",
                          ResourceType="hostedzone", ResourceId=bare_zone_id(zone_id))
        found = page.get("ResourceTagSet", {}).get("Tags", [])
        return tuple(sorted((str(t["Key"]), str(t.get("Value", ""))) for t in found))

    def set_tags(self, zone_id: str, name: str, tags: Sequence[tuple[str, str]]) -> None:
        """Add or change these tags (others are left as they are)."""
        self._tag(zone_id, name, tags)

    def update_comment(self, zone_id: str, name: str, comment: str) -> None:
        self._call("update_hosted_zone_comment", f"changing the comment of zone {name}",
                   Id=bare_zone_id(zone_id), Comment=comment)

    def _tag(self, zone_id: str, name: str, tags: Sequence[tuple[str, str]]) -> None:
        if tags:
            self._call(
                "change_tags_for_resource", f"tagging zone {name}",
                ResourceType="hostedzone", ResourceId=zone_id,
                AddTags=[{"Key": k, "Value": v} for k, v in tags],
            )

    def _zone_with_reference(self, name: str, reference: str) -> HostedZone | None:
        for candidate in self.find_zones(name):
            if candidate.caller_reference == reference:
                return self.get_zone(candidate.zone_id)
        return None

    def change_rrsets(self, zone_id: str, zone_name: str, changes: Iterable[RecordChange],
                      comment: str) -> str:
        """Send one batch; returns its change id.

        When an attempt's answer was lost and the retry is refused with
        ``InvalidChangeBatch`` because the batch is already in effect (the lost attempt
        made it), returns a stand-in id for ``wait_insync`` instead of failing.
        """
        changes = list(changes)
        attempts = Attempts()
        try:
            page = self._call(
                "change_resource_record_sets",
                f"changing records in zone {zone_name} ({zone_id})", attempts=attempts,
                HostedZoneId=bare_zone_id(zone_id),
                ChangeBatch={"Comment": comment[:256], "Changes": [c.to_api() for c in changes]},
            )
        except AwsError as exc:
            if exc.code != "InvalidChangeBatch" or not attempts.uncertain:
                raise
            if not in_effect(changes, self.list_rrsets(zone_id)):
                raise
            return self._lost_change(zone_name, changes)
        return self._watched(page)

    def _watched(self, page: dict[str, Any]) -> str:
        change_id = str(page["ChangeInfo"]["Id"]).removeprefix(CHANGE_PREFIX)
        self.poller.watch(change_id)
        return change_id

    def _lost_change(self, zone_name: str, changes: Sequence[RecordChange]) -> str:
        cuts = any(c.action == "DELETE" and c.rrset.type == "NS" and c.rrset.name != zone_name
                   for c in changes)
        with self._lock:
            change_id = f"{LOST_CHANGE_PREFIX}{len(self._lost) + 1}"
            self._lost[change_id] = (self._clock(), cuts)
        return change_id

    def delete_zone(self, zone_id: str, name: str) -> str | None:
        """Delete an (empty) hosted zone; None when it is already gone."""
        try:
            page = self._call("delete_hosted_zone", f"deleting zone {name} ({zone_id})",
                              Id=bare_zone_id(zone_id))
        except AwsError as exc:
            if exc.code == "NoSuchHostedZone":
                return None
            raise
        return self._watched(page)

    def wait_insync(self, change_ids: Sequence[str], *, timeout: float, what: str) -> None:
        """Wait until every change is INSYNC, bounded; the account's one
        :class:`~zonecut.aws.waiter.ChangePoller` polls (see :mod:`zonecut.aws.waiter`).

        Stand-ins for changes whose answer was lost (see :meth:`change_rrsets`) cannot be
        polled: one that removed a delegation is given ``lost_change_wait`` seconds from
        when it was found, the others count as INSYNC.
        """
        pending = list(dict.fromkeys(c for c in change_ids
                                     if not c.startswith(LOST_CHANGE_PREFIX)))
        with self._lock:
            lost = [self._lost.get(c, (self._clock(), True)) for c in change_ids
                    if c.startswith(LOST_CHANGE_PREFIX)]
        deadline = self._clock() + timeout
        if pending:
            pending = self.poller.wait(pending, deadline)
        if pending:
            raise SyncTimeout(
                f"{what}: change(s) {', '.join(pending)} still PENDING after "
                f"{timeout:.0f} s; Route 53 usually syncs within 60 s. Run again later: "
                "zonecut picks up where it stopped.",
                account_id=self.account_id, operation="GetChange",
            )
        settle = max((found + self.lost_change_wait for found, cuts in lost if cuts),
                     default=0.0)
        remaining = min(settle, deadline) - self._clock()
        if remaining > 0:
            self._sleep(remaining)


def _earliest_of_ours(references: ZoneReferences, made: HostedZone,
                      same_name: Sequence[HostedZone]) -> HostedZone:
    ours = {z.zone_id: z for z in same_name if references.is_ours(z.caller_reference)}
    ours.setdefault(made.zone_id, made)
    return min(ours.values(), key=lambda z: (references.order(z.caller_reference), z.zone_id))


def in_effect(changes: Sequence[RecordChange], live: Sequence[RRSet]) -> bool:
    """True when ``live`` already shows every change of the batch made."""
    by_key: dict[tuple[str, str], list[RRSet]] = {}
    for rrset in live:
        by_key.setdefault((rrset.name, rrset.type), []).append(rrset)
    for change in changes:
        wanted = change.rrset
        found = by_key.get((wanted.name, wanted.type), [])
        if change.action == "DELETE":
            if any(_same(rr, wanted) for rr in found):
                return False
        elif not any(_same(rr, wanted) for rr in found):
            return False
    return True


def _same(live: RRSet, wanted: RRSet) -> bool:
    if wanted.api_json and live.api_json:
        return bool(json.loads(live.api_json) == json.loads(wanted.api_json))
    values = wanted.values
    if wanted.type in ("NS", "CNAME"):
        values = tuple(normalize(v) for v in values)
    return (live.ttl == wanted.ttl and live.value_set == frozenset(values)
            and live.alias_target == wanted.alias_target)
