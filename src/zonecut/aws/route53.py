"""Route 53 calls for one account, rate limited, with results as zonecut data."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from zonecut.aws.errors import AccessDenied, AwsError, SyncTimeout
from zonecut.aws.limiter import QuotaLimiter
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.retry import DEFAULT_POLICY, Attempts, RetryPolicy, classify
from zonecut.aws.waiter import ChangePoller
from zonecut.aws.zone_references import ZoneReferences
from zonecut.names import normalize, to_fqdn
from zonecut.state import HostedZone, RRSet

ZONE_PREFIX = "/hostedzone/"
CHANGE_PREFIX = "/change/"
LOST_CHANGE_PREFIX = "zonecut-lost-"
"""Stands for a change whose answer was lost (its id with it); see ``wait_insync``."""
LOST_CHANGE_WAIT = 60.0
"""Route 53 usually syncs a change within 60 s."""


def bare_zone_id(zone_id: str) -> str:
    return zone_id.removeprefix(ZONE_PREFIX)


class CallCounter:
    """Thread-safe counts of API calls (HTTP requests) per (account, operation)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, account_id: str, operation: str) -> None:
        with self._lock:
            self._counts[(account_id, operation)] += 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def total(self, account_id: str | None = None, operation: str | None = None) -> int:
        with self._lock:
            return sum(
                n for (acc, op), n in self._counts.items()
                if (account_id is None or acc == account_id)
                and (operation is None or op == operation)
            )


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


def _rrset_from_api(item: dict[str, Any]) -> RRSet:
    rtype = str(item["Type"])
    raw = [str(r["Value"]) for r in item.get("ResourceRecords", [])]
    values = tuple(sorted(normalize(v) for v in raw)) if rtype in ("NS", "CNAME") else tuple(
        sorted(raw))
    alias = item.get("AliasTarget")
    return RRSet(
        name=normalize(str(item["Name"])),
        type=rtype,
        ttl=int(item.get("TTL", 0) or 0),
        values=values,
        alias_target=normalize(str(alias["DNSName"])) if alias else None,
        api_json=json.dumps(item, sort_keys=True, default=str),
    )


class Route53Account:
    """One account's Route 53, every request through the account's token bucket.

    Each call is tried up to ``retry.max_attempts`` times (see :mod:`zonecut.aws.retry`:
    throttling, ``PriorRequestNotComplete``, 5xx, broken connections and read timeouts),
    with jittered exponential backoff; botocore itself does not retry Route 53 calls.
    Every HTTP attempt takes a token, so retries stay within the rate too. A call that
    fails for good raises :class:`AwsError` naming the account, the API call, the zone
    (in the message) and what the attempts met.

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
        self.account_id = account_id
        self.principal = principal
        self.client = client
        self.limiter = limiter
        self.counter = counter
        self.retry = retry
        self.lost_change_wait = lost_change_wait
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._retried: Counter[tuple[str, str]] = Counter()
        self._lost: dict[str, tuple[float, bool]] = {}
        self.poller = ChangePoller(self._change_status, clock=clock, sleep=sleep)
        events = client.meta.events
        events.register("before-send.route53", self._before_send)

    def _before_send(self, request: Any = None, event_name: str = "", **kwargs: Any) -> None:
        """Every HTTP attempt (retries included) takes a token and is counted.

        botocore names the event ``before-send.route53.<Operation>``."""
        operation = event_name.rsplit(".", 1)[-1] if event_name.count(".") >= 2 else "?"
        self.limiter.acquire(operation)
        self.counter.add(self.account_id, operation)

    def _change_status(self, change_id: str) -> str:
        page = self._call("get_change", f"waiting for change {change_id}", Id=change_id)
        return str(page["ChangeInfo"]["Status"])

    def retried(self) -> dict[tuple[str, str], int]:
        """Retries so far, keyed (API call, what the failed attempt met)."""
        with self._lock:
            return dict(self._retried)

    def _call(self, operation: str, what: str, *, attempts: Attempts | None = None,
              **params: Any) -> dict[str, Any]:
        method = getattr(self.client, operation)
        api = str(self.client.meta.method_to_api_mapping.get(operation, operation))
        track = attempts if attempts is not None else Attempts()
        while True:
            track.count += 1
            try:
                result: dict[str, Any] = method(**params)
                return result
            except (ClientError, BotoCoreError) as exc:
                failure = classify(exc)
                track.uncertain = track.uncertain or failure.uncertain
                track.reasons[failure.reason] += 1
                if not failure.retryable or track.count >= self.retry.max_attempts:
                    raise self._failed(exc, what, api, track) from exc
                with self._lock:
                    self._retried[(api, failure.reason)] += 1
                delay = self.retry.delay(track.count, self._rng)
                track.waited += delay
                self._sleep(delay)

    def _failed(self, exc: ClientError | BotoCoreError, what: str, api: str,
                track: Attempts) -> AwsError:
        tried = f" (after {track.summary()})" if track.count > 1 else ""
        if isinstance(exc, BotoCoreError):
            return AwsError(f"{what}: {exc}{tried}", account_id=self.account_id,
                            operation=api)
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message", exc))
        if code in ("AccessDenied", "AccessDeniedException"):
            who = f" for {self.principal}" if self.principal else ""
            return AccessDenied(
                f"{what}: route53:{api} was denied{who}: {message}. The role needs the "
                "permissions listed by `zonecut iam`.",
                account_id=self.account_id, operation=api, code=code)
        return AwsError(f"{what}: {code}: {message}{tried}", account_id=self.account_id,
                        operation=api, code=code)

    # -- reads --------------------------------------------------------------------------
    def find_zones(self, name: str, *, include_private: bool = False) -> list[HostedZone]:
        """Every hosted zone named exactly ``name`` (public only unless asked)."""
        fqdn = to_fqdn(name)
        found: list[HostedZone] = []
        params: dict[str, Any] = {"DNSName": fqdn, "MaxItems": "100"}
        while True:
            page = self._call("list_hosted_zones_by_name", f"looking up zone {name}", **params)
            past = False
            for item in page.get("HostedZones", []):
                if normalize(str(item["Name"])) != name:
                    past = True
                    break
                private = bool(item.get("Config", {}).get("PrivateZone", False))
                if private and not include_private:
                    continue
                found.append(self._zone_from_api(item))
            if past or not page.get("IsTruncated"):
                break
            next_name = page.get("NextDNSName")
            if next_name is None or normalize(str(next_name)) != name:
                break
            params = {"DNSName": next_name, "HostedZoneId": page["NextHostedZoneId"],
                      "MaxItems": "100"}
        return found

    def list_zones(self, *, include_private: bool = False) -> list[HostedZone]:
        """Every public (or every) hosted zone of the account (``ListHostedZones``, 100 a
        page)."""
        found: list[HostedZone] = []
        params: dict[str, Any] = {"MaxItems": "100"}
        while True:
            page = self._call("list_hosted_zones", "listing hosted zones", **params)
            for item in page.get("HostedZones", []):
                zone = self._zone_from_api(item)
                if include_private or not zone.private:
                    found.append(zone)
            marker = page.get("NextMarker")
            if not page.get("IsTruncated") or not marker:
                return found
            params = {"MaxItems": "100", "Marker": marker}

    def get_zone(self, zone_id: str) -> HostedZone:
        """The zone with its delegation set (name servers)."""
        page = self._call("get_hosted_zone", f"reading zone {zone_id}", Id=bare_zone_id(zone_id))
        zone = self._zone_from_api(page["HostedZone"])
        servers = tuple(sorted(normalize(n) for n in
                               page.get("DelegationSet", {}).get("NameServers", [])))
        return HostedZone(
            zone_id=zone.zone_id, name=zone.name, account_id=self.account_id,
            name_servers=servers, private=zone.private, record_count=zone.record_count,
            caller_reference=zone.caller_reference, comment=zone.comment,
        )

    def list_rrsets(self, zone_id: str) -> tuple[RRSet, ...]:
        """Every record set of the zone, 300 a page, each page retried on its own."""
        rrsets: list[RRSet] = []
        params: dict[str, Any] = {"HostedZoneId": bare_zone_id(zone_id), "MaxItems": "300"}
        while True:
            page = self._call("list_resource_record_sets",
                              f"listing records of zone {zone_id}", **params)
            rrsets.extend(_rrset_from_api(item) for item in page.get("ResourceRecordSets", []))
            if not page.get("IsTruncated"):
                break
            params = {"HostedZoneId": bare_zone_id(zone_id), "MaxItems": "300",
                      "StartRecordName": page["NextRecordName"]}
            if page.get("NextRecordType"):
                params["StartRecordType"] = page["NextRecordType"]
            if page.get("NextRecordIdentifier"):
                params["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        return tuple(sorted(rrsets))

    def rrsets_at(self, zone_id: str, name: str) -> tuple[RRSet, ...]:
        """The record sets named exactly ``name`` (every type), reading only that name:
        ``ListResourceRecordSets`` from ``StartRecordName``, a few items a page, stopping
        at the first other name (Route 53 lists a name's own sets first)."""
        found: list[RRSet] = []
        params: dict[str, Any] = {"HostedZoneId": bare_zone_id(zone_id),
                                  "StartRecordName": to_fqdn(name), "MaxItems": "10"}
        while True:
            page = self._call("list_resource_record_sets",
                              f"reading the records at {name} in zone {zone_id}", **params)
            for item in page.get("ResourceRecordSets", []):
                rrset = _rrset_from_api(item)
                if rrset.name != name:
                    return tuple(sorted(found))
                found.append(rrset)
            following = page.get("NextRecordName")
            if not page.get("IsTruncated") or following is None \
                    or normalize(str(following)) != name:
                return tuple(sorted(found))
            params = {"HostedZoneId": bare_zone_id(zone_id), "StartRecordName": following,
                      "MaxItems": "10"}
            if page.get("NextRecordType"):
                params["StartRecordType"] = page["NextRecordType"]
            if page.get("NextRecordIdentifier"):
                params["StartRecordIdentifier"] = page["NextRecordIdentifier"]

    def apex_ns(self, zone_id: str, name: str) -> RRSet | None:
        """The zone's apex NS rrset, with one call."""
        page = self._call("list_resource_record_sets", f"reading the apex NS of {name}",
                          HostedZoneId=bare_zone_id(zone_id), StartRecordName=to_fqdn(name),
                          StartRecordType="NS", MaxItems="1")
        for item in page.get("ResourceRecordSets", []):
            rrset = _rrset_from_api(item)
            if rrset.name == name and rrset.type == "NS":
                return rrset
        return None

    def zone_tags(self, zone_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """The tags of each zone (``ListTagsForResources``, 10 zones a call)."""
        found: dict[str, dict[str, str]] = {}
        ids = [bare_zone_id(z) for z in dict.fromkeys(zone_ids)]
        for start in range(0, len(ids), 10):
            chunk = ids[start:start + 10]
            page = self._call("list_tags_for_resources",
                              f"reading the tags of zone(s) {', '.join(chunk)}",
                              ResourceType="hostedzone", ResourceIds=chunk)
            for item in page.get("ResourceTagSets", []):
                found[bare_zone_id(str(item.get("ResourceId", "")))] = {
                    str(t["Key"]): str(t.get("Value", "")) for t in item.get("Tags", [])}
        return found

    def _zone_from_api(self, item: dict[str, Any]) -> HostedZone:
        config = item.get("Config", {})
        return HostedZone(
            zone_id=bare_zone_id(str(item["Id"])),
            name=normalize(str(item["Name"])),
            account_id=self.account_id,
            private=bool(config.get("PrivateZone", False)),
            record_count=int(item.get("ResourceRecordSetCount", 0) or 0),
            caller_reference=str(item.get("CallerReference", "")),
            comment=str(config.get("Comment", "") or ""),
        )

    # -- writes -------------------------------------------------------------------------
    def create_zone(self, name: str, references: ZoneReferences, comment: str | None,
                    tags: Sequence[tuple[str, str]] = ()) -> tuple[HostedZone, str | None]:
        """Create a public zone; returns the zone and the change id to wait for (None
        when an existing zone was adopted).

        The CallerReferences of ``references.sequence()`` are tried in order (see
        :mod:`zonecut.aws.zone_references`). ``HostedZoneAlreadyExists`` means a zone was
        made with that reference: a live zone carrying it is adopted (a retry after a lost
        answer, or a concurrent apply in the same window); a reference spent by a zone
        since deleted moves on to the next. Then the zones of that name zonecut made in
        this account are listed: when there are several (applies in different windows, a
        stale saved plan run again), the first (``references.order``, then zone id: every
        apply picks the same) is kept; a zone this call made that is not the first is
        deleted (it is empty) and the first adopted.
        """
        zone: HostedZone | None = None
        change_id: str | None = None
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
                if zone is not None:
                    break  # made by a lost attempt, an earlier run or a concurrent apply
                last = exc
                continue
            made = self._zone_from_api(page["HostedZone"])
            servers = tuple(sorted(normalize(n) for n in
                                   page.get("DelegationSet", {}).get("NameServers", [])))
            zone = HostedZone(zone_id=made.zone_id, name=made.name, account_id=self.account_id,
                              name_servers=servers, caller_reference=reference,
                              comment=made.comment)
            change_id = self._watched(page)
            break
        if zone is None:
            raise AwsError(
                f"creating zone {name}: every caller reference tried is spent ({last})",
                account_id=self.account_id, operation="CreateHostedZone",
                code=last.code if last else "")
        kept = self._earliest_of_ours(name, references, zone)
        if kept.zone_id != zone.zone_id:
            if change_id is not None:
                # another apply made the zone first: the one this call made goes
                self.delete_zone(zone.zone_id, name)
            zone, change_id = self.get_zone(kept.zone_id), None
        self._tag(zone.zone_id, name, tags)
        return zone, change_id

    def _earliest_of_ours(self, name: str, references: ZoneReferences,
                          made: HostedZone) -> HostedZone:
        ours = {z.zone_id: z for z in self.find_zones(name)
                if references.is_ours(z.caller_reference)}
        ours.setdefault(made.zone_id, made)
        return min(ours.values(),
                   key=lambda z: (references.order(z.caller_reference), z.zone_id))

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
