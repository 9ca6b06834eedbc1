"""Planning a zone's own records: declared records against the live zone (pure).

Per zone: CREATE what is missing, UPSERT what differs (values, TTL, alias target),
and with ``records_managed: full`` DELETE what the file does not declare, except the
apex SOA and NS, NS (and DS) record sets below the apex (delegations: their removal is
teardown's job), the address records of those NS rrsets' servers (glue the kept
delegations need), ACM validation CNAMEs (certificates need them for renewal), and
whatever sits at an ACM validation name of the zone's certificates (``_`` and 32
characters directly under a certificate's name): `zonecut iam` grants no DELETE there.
A record replaced by one of another type goes in the same batch as its replacement.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zonecut.config.records import record_value
from zonecut.config.tree import DesiredRecord, DesiredZone
from zonecut.names import iam_normalized, normalize, to_fqdn
from zonecut.plan.batching import batches, change_cost
from zonecut.state import RRSet

ACM_VALIDATION_SUFFIX = "acm-validations.aws"
ACM_LABEL_CHARS = 32
"""ACM's validation label is ``_`` and 32 hex characters."""
_KEPT_TYPES = frozenset({"NS", "DS"})
# Types a zone with `records_managed: full` may delete: everything but SOA, NS and DS.
MANAGED_TYPES = ("A", "AAAA", "CAA", "CNAME", "HTTPS", "MX", "NAPTR", "PTR", "SPF", "SRV",
                 "SSHFP", "SVCB", "TLSA", "TXT")


def write_groups(records: Iterable[DesiredRecord]
                 ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Declared records as (types, names) groups: the types declared at exactly the same
    set of names share a group. Every (type, name) pair of a group is declared, so one
    IAM statement per group allows exactly the declared pairs, and a batch holding one
    group's changes is allowed by that one statement (``zonecut.iam.changes``)."""
    names_of: dict[str, set[str]] = {}
    for record in records:
        names_of.setdefault(record.type, set()).add(record.name)
    types_of: dict[tuple[str, ...], list[str]] = {}
    for rtype, names in names_of.items():
        types_of.setdefault(tuple(sorted(names)), []).append(rtype)
    return sorted((tuple(sorted(types)), names) for names, types in types_of.items())


def at_validation_name(name: str, bases: Collection[str]) -> bool:
    """Whether ``name`` is where ACM may put a validation record for one of ``bases``, as
    `zonecut iam` matches it (``_`` + 32 ``?`` + ``.base``; IAM's ``?`` is any character,
    compared on the IAM form of the names)."""
    text = iam_normalized(name)
    return text.startswith("_") and any(
        len(text) == 1 + ACM_LABEL_CHARS + 1 + len(b) and text.endswith("." + b)
        for b in (iam_normalized(base) for base in bases))


def _fqdn_value(rtype: str, value: str) -> str:
    if rtype == "CNAME":
        return to_fqdn(value)
    if rtype == "MX":
        preference, host = value.split(" ", 1)
        return f"{preference} {to_fqdn(host)}"
    return value


def desired_api(record: DesiredRecord) -> dict[str, Any]:
    """The ResourceRecordSet Route 53 takes for ``record``."""
    found: dict[str, Any] = {"Name": to_fqdn(record.name), "Type": record.type}
    if record.alias is not None:
        found["AliasTarget"] = {
            "HostedZoneId": record.alias.hosted_zone_id,
            "DNSName": to_fqdn(record.alias.dns_name),
            "EvaluateTargetHealth": record.alias.evaluate_target_health,
        }
        return found
    found["TTL"] = record.ttl
    found["ResourceRecords"] = [{"Value": _fqdn_value(record.type, v)} for v in record.values]
    return found


def live_api(rrset: RRSet) -> dict[str, Any]:
    """The live rrset exactly as Route 53 returned it."""
    if rrset.api_json:
        loaded: dict[str, Any] = json.loads(rrset.api_json)
        return loaded
    return {"Name": to_fqdn(rrset.name), "Type": rrset.type, "TTL": rrset.ttl,
            "ResourceRecords": [{"Value": v} for v in rrset.values]}


def _canonical_values(rtype: str, values: Sequence[str]) -> frozenset[str] | None:
    try:
        return frozenset(record_value(rtype, v) for v in values)
    except ValueError:
        return None


def differences(record: DesiredRecord, live: RRSet) -> list[str]:
    """What differs between a declared record and the live rrset (empty: nothing)."""
    api = live_api(live)
    alias = api.get("AliasTarget")
    if record.alias is not None:
        if not alias:
            return ["a plain record becomes an alias"]
        found: list[str] = []
        if str(alias.get("HostedZoneId", "")) != record.alias.hosted_zone_id:
            found.append(f"alias zone {alias.get('HostedZoneId')} -> "
                         f"{record.alias.hosted_zone_id}")
        if normalize(str(alias.get("DNSName", ""))) != record.alias.dns_name:
            found.append(f"alias target {normalize(str(alias.get('DNSName', '')))} -> "
                         f"{record.alias.dns_name}")
        if bool(alias.get("EvaluateTargetHealth", False)) != \
                record.alias.evaluate_target_health:
            found.append("evaluate_target_health changes")
        return found
    if alias:
        return ["an alias becomes a plain record"]
    found = []
    values = [str(r["Value"]) for r in api.get("ResourceRecords", [])]
    if _canonical_values(record.type, values) != frozenset(record.values):
        found.append(f"values {', '.join(sorted(values))} -> {', '.join(record.values)}")
    ttl = int(api.get("TTL", 0) or 0)
    if ttl != record.ttl:
        found.append(f"TTL {ttl} -> {record.ttl}")
    return found


@dataclass(frozen=True)
class RecordSetChange:
    """One change to a zone's records. ``rrset`` is the ResourceRecordSet sent to Route 53
    (the desired one, or for DELETE the live one exactly)."""

    zone: str
    action: str  # CREATE | UPSERT | DELETE
    name: str
    type: str
    rrset: dict[str, Any]
    reason: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(str(r["Value"]) for r in self.rrset.get("ResourceRecords", []))

    def api(self) -> dict[str, Any]:
        return {"Action": self.action, "ResourceRecordSet": self.rrset}

    def data(self) -> dict[str, Any]:
        alias = self.rrset.get("AliasTarget")
        return {
            "zone": self.zone,
            "action": self.action.lower(),
            "name": self.name,
            "type": self.type,
            "ttl": self.rrset.get("TTL"),
            "values": list(self.values),
            "alias": {"hosted_zone_id": alias["HostedZoneId"],
                      "dns_name": normalize(str(alias["DNSName"]))} if alias else None,
            "reason": self.reason,
        }

    def describe(self) -> str:
        alias = self.rrset.get("AliasTarget")
        what = (f"alias {normalize(str(alias['DNSName']))} ({alias['HostedZoneId']})" if alias
                else ", ".join(self.values))
        text = f"{self.action.lower()} {self.name} {self.type} {what}"
        return f"{text} ({self.reason})" if self.reason else text


@dataclass(frozen=True)
class ZoneRecordPlan:
    """The record changes of one zone; ``zone_id`` is None while the zone does not exist."""

    zone: str
    account_id: str
    account_key: str
    zone_id: str | None
    changes: tuple[RecordSetChange, ...] = ()
    problems: tuple[str, ...] = ()
    left_alone: int = 0
    groups: tuple[tuple[str, ...], ...] = ()
    """The record types of each declared group (:func:`write_groups`)."""

    def data(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "account_id": self.account_id,
            "zone_id": self.zone_id,
            "changes": [c.data() for c in self.changes],
            "problems": list(self.problems),
            "undeclared_left_alone": self.left_alone,
        }

    def batches(self) -> list[list[RecordSetChange]]:
        """The changes in as few ChangeResourceRecordSets calls as Route 53's limits and
        IAM allow.

        IAM allows a whole batch only when one policy statement allows every change in it,
        and `zonecut iam` grants one statement per group of declared types
        (:func:`write_groups`), one for deleting undeclared records and, for a `full`
        zone, one for replacing records at the declared names. So deletions of names the
        file does not declare go first, in calls of their own; then every declared name
        where a record of another type is replaced (a CNAME for an A, say): that name's
        deletions and writes together in one batch, which Route 53 applies atomically, so
        no resolver can see (and cache) the name missing in between; then each group's
        writes in calls of their own. A name's changes are never split across batches.
        """
        group_of = {t: i for i, types in enumerate(self.groups) for t in types}
        written = {c.name for c in self.changes if c.action != "DELETE"}
        replaced = {c.name for c in self.changes if c.action == "DELETE" and c.name in written}
        keys: list[tuple[int, str]] = []
        for change in self.changes:
            if change.name in replaced:
                keys.append((-1, ""))
            elif change.action == "DELETE":
                keys.append((-2, ""))
            else:  # a type outside every group (none today) is a group of its own
                index = group_of.get(change.type)
                keys.append((index, "") if index is not None else (len(group_of), change.type))
        found: list[list[RecordSetChange]] = []
        for key in sorted(set(keys)):
            named: dict[str, list[RecordSetChange]] = {}
            for change, k in zip(self.changes, keys, strict=True):
                if k == key:
                    named.setdefault(change.name, []).append(change)
            units = [sorted(named[n], key=lambda c: (c.action != "DELETE", c.type))
                     for n in sorted(named)]
            for group in batches(units, [_unit_cost(unit) for unit in units]):
                found.append([c for unit in group for c in unit])
        return found


def _unit_cost(unit: Sequence[RecordSetChange]) -> tuple[int, int]:
    costs = [change_cost(c.action, c.values) for c in unit]
    return sum(n for n, _ in costs), sum(c for _, c in costs)


def glue_names(live: Sequence[RRSet]) -> frozenset[str]:
    """The names of the name servers the zone's NS rrsets (its apex and its delegations,
    which full management keeps) point at: address records there are glue that the
    delegations need, in-zone or hidden below a cut."""
    return frozenset(v for rr in live if rr.type == "NS" for v in rr.values)


def _protected(rrset: RRSet, zone: str, keep_names: Collection[str],
               bases: Collection[str] = (), glue: Collection[str] = ()) -> bool:
    """Record sets `records_managed: full` never deletes."""
    if rrset.name == zone and rrset.type in ("SOA", "NS"):
        return True
    if rrset.type in _KEPT_TYPES:
        return True
    if rrset.type in ("A", "AAAA") and rrset.name in glue:
        return True
    if rrset.type == "CNAME" and any(v.endswith(ACM_VALIDATION_SUFFIX) for v in rrset.values):
        return True
    return rrset.name in keep_names or at_validation_name(rrset.name, bases)


def plan_zone_records(zone: DesiredZone, zone_id: str | None, live: Sequence[RRSet],
                      *, keep: Collection[str] = ()) -> ZoneRecordPlan:
    """Changes that make ``zone``'s declared records true. ``live`` is every rrset of the
    zone (empty when it does not exist yet); ``keep`` names records another part of
    zonecut manages here (certificate validation) that full management must not delete."""
    changes: list[RecordSetChange] = []
    problems: list[str] = []
    by_key: dict[tuple[str, str], list[RRSet]] = {}
    for rrset in live:
        by_key.setdefault((rrset.name, rrset.type), []).append(rrset)
    declared = {(r.name, r.type) for r in zone.records}
    declared_names = {r.name for r in zone.records}
    full = zone.records_managed == "full"
    bases = {d.removeprefix("*.") for c in zone.certificates for d in c.domains}
    for record in sorted(zone.records, key=lambda r: (r.name, r.type)):
        found = by_key.get((record.name, record.type), [])
        routed = [rr for rr in found if '"SetIdentifier"' in rr.api_json]
        if routed:
            problems.append(
                f"{zone.name}: {record.name} {record.type} exists with a routing policy "
                f"(set identifier); zonecut declares simple records only: remove it from "
                "the zone or from the file")
            continue
        clash = sorted({t for (n, t) in by_key if n == record.name and (n, t) not in declared
                        and (t == "CNAME" or record.type == "CNAME")
                        and t not in _KEPT_TYPES})
        if clash and not full:
            problems.append(
                f"{zone.name}: {record.name} holds {', '.join(clash)} records not in the file; "
                f"a CNAME cannot share its name: delete them or set records_managed: full")
            continue
        wanted = desired_api(record)
        if not found:
            changes.append(RecordSetChange(zone.name, "CREATE", record.name, record.type,
                                           wanted, "declared"))
            continue
        diff = differences(record, found[0])
        if diff:
            changes.append(RecordSetChange(zone.name, "UPSERT", record.name, record.type,
                                           wanted, "; ".join(diff)))
    left_alone = 0
    glue = glue_names(live)
    for rrset in live:
        if (rrset.name, rrset.type) in declared or _protected(rrset, zone.name, keep, bases,
                                                              glue):
            continue
        if full:
            reason = "not in the file (records_managed: full)"
            if rrset.name in declared_names:
                reason = "replaced by a declared record of another type"
            changes.append(RecordSetChange(zone.name, "DELETE", rrset.name, rrset.type,
                                           live_api(rrset), reason))
        else:
            left_alone += 1
    return ZoneRecordPlan(zone.name, zone.account_id, zone.account_key, zone_id,
                          tuple(changes), tuple(problems), left_alone,
                          tuple(types for types, _ in write_groups(zone.records)))


@dataclass(frozen=True)
class RecordsPlan:
    """Every zone's record plan."""

    zones: tuple[ZoneRecordPlan, ...] = field(default_factory=tuple)

    @property
    def changes(self) -> tuple[RecordSetChange, ...]:
        return tuple(c for z in self.zones for c in z.changes)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for z in self.zones for p in z.problems)
