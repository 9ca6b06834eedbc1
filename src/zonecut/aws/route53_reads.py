"""Route 53 reads for one account, rate limited, with results as zonecut data; and the
call machinery (token bucket, retries, errors in plain words) the writes share."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from zonecut.aws.calls import CallCounter
from zonecut.aws.errors import AccessDenied, AwsError
from zonecut.aws.limiter import QuotaLimiter
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.retry import DEFAULT_POLICY, Attempts, RetryPolicy, classify
from zonecut.names import normalize, to_fqdn
from zonecut.state import HostedZone, RRSet

ZONE_PREFIX = "/hostedzone/"


def bare_zone_id(zone_id: str) -> str:
    return zone_id.removeprefix(ZONE_PREFIX)


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


class Route53Reader:
    """One account's Route 53 reads, every request through the account's token bucket.

    Each call is tried up to ``retry.max_attempts`` times (see :mod:`zonecut.aws.retry`:
    throttling, ``PriorRequestNotComplete``, 5xx, broken connections and read timeouts),
    with jittered exponential backoff; botocore itself does not retry Route 53 calls.
    Every HTTP attempt takes a token, so retries stay within the rate too. A call that
    fails for good raises :class:`AwsError` naming the account, the API call, the zone
    (in the message) and what the attempts met. The writes are
    :class:`zonecut.aws.route53.Route53Account`.
    """

    def __init__(
        self,
        account_id: str,
        client: Any,
        limiter: TokenBucket | QuotaLimiter,
        counter: CallCounter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        principal: str = "",
        retry: RetryPolicy = DEFAULT_POLICY,
        rng: random.Random | None = None,
    ) -> None:
        self.account_id = account_id
        self.principal = principal
        self.client = client
        self.limiter = limiter
        self.counter = counter
        self.retry = retry
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._retried: Counter[tuple[str, str]] = Counter()
        events = client.meta.events
        events.register("before-send.route53", self._before_send)
        events.register("response-received.route53", self._answered)

    def _before_send(self, request: Any = None, event_name: str = "", **kwargs: Any) -> None:
        """Every HTTP attempt (retries included) takes a token and is counted.

        botocore names the event ``before-send.route53.<Operation>``."""
        operation = event_name.rsplit(".", 1)[-1] if event_name.count(".") >= 2 else "?"
        self.limiter.acquire(operation)
        self.counter.add(self.account_id, operation)

    def _answered(self, **kwargs: Any) -> None:
        """botocore's ``response-received`` (after every attempt, answered or failed):
        the request is no longer in flight."""
        self.limiter.release()

    def _attempt(self, method: Callable[..., dict[str, Any]], params: dict[str, Any]
                 ) -> dict[str, Any]:
        try:
            return method(**params)
        finally:  # an attempt that ended without response-received frees its slot here
            self.limiter.release()

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
                return self._attempt(method, params)
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
