"""Route 53's rules for a ``ChangeResourceRecordSets`` batch, checked before any change.

Pure logic over plain data (no moto). A batch is atomic: the changes are simulated in
order against the live record sets and every violation is reported, with Route 53's
wording where it is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.names import iam_normalized, is_at_or_below, normalize

MAX_VALUE_CHARACTERS = 32_000
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
"""The hosted zone id of every CloudFront alias target (Route 53 API reference, AliasTarget)."""
# Types whose values are domain names: compared without case and trailing dot.
_NAME_VALUED = frozenset({"NS", "CNAME", "PTR"})


@dataclass(frozen=True)
class RRKey:
    """What identifies a record set inside a zone."""

    name: str  # canonical
    type: str
    set_identifier: str | None = None


@dataclass(frozen=True)
class RRData:
    """The comparable content of a record set."""

    ttl: int | None
    values: frozenset[str]
    alias: tuple[str, str] | None = None  # (hosted zone id, canonical dns name)


def stored_name(name: str) -> str:
    """The form Route 53 returns names in: lower case, trailing dot, ``*`` as ``\\052``."""
    return iam_normalized(name) + "."


def _value_key(rtype: str, value: str) -> str:
    return value.rstrip(".").lower() if rtype in _NAME_VALUED else value


def key_of(record_set: Mapping[str, Any]) -> RRKey:
    return RRKey(
        normalize(str(record_set.get("Name", ""))),
        str(record_set.get("Type", "")),
        record_set.get("SetIdentifier"),
    )


def values_of(record_set: Mapping[str, Any]) -> list[str]:
    """Values of a change's record set (``[{"Value": v}]``) or of a stored one (``[v]``)."""
    found: list[str] = []
    for item in record_set.get("ResourceRecords") or []:
        found.append(str(item["Value"]) if isinstance(item, Mapping) else str(item))
    return found


def data_of(record_set: Mapping[str, Any]) -> RRData:
    rtype = str(record_set.get("Type", ""))
    alias = record_set.get("AliasTarget")
    ttl = record_set.get("TTL")
    return RRData(
        ttl=int(ttl) if ttl is not None else None,
        values=frozenset(_value_key(rtype, v) for v in values_of(record_set)),
        alias=(
            (str(alias.get("HostedZoneId", "")), normalize(str(alias.get("DNSName", ""))))
            if isinstance(alias, Mapping)
            else None
        ),
    )


def value_characters(changes: Iterable[Mapping[str, Any]]) -> int:
    """Characters of Value counted against the 32,000 limit (UPSERT counts twice)."""
    total = 0
    for change in changes:
        size = sum(len(v) for v in values_of(change.get("ResourceRecordSet", {})))
        total += 2 * size if change.get("Action") == "UPSERT" else size
    return total


def _label(key: RRKey) -> str:
    extra = f", set-identifier='{key.set_identifier}'" if key.set_identifier else ""
    return f"[name='{stored_name(key.name)}', type='{key.type}'{extra}]"


def problems(
    zone_name: str,
    live: Mapping[RRKey, RRData],
    changes: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Every reason Route 53 would reject ``changes`` for the zone holding ``live``."""
    zone = normalize(zone_name)
    found: list[str] = []
    characters = value_characters(changes)
    if characters > MAX_VALUE_CHARACTERS:
        found.append(
            f"Number of characters limit of {MAX_VALUE_CHARACTERS} exceeded "
            f"(the values of this batch hold {characters}, UPSERT counted twice)."
        )
    state = dict(live)
    for change in changes:
        record_set = change.get("ResourceRecordSet", {})
        key = key_of(record_set)
        action = change.get("Action")
        if not is_at_or_below(key.name, zone):
            found.append(
                f"RRSet with DNS name {stored_name(key.name)} is not permitted in zone "
                f"{stored_name(zone)}"
            )
            continue
        alias = record_set.get("AliasTarget")
        if (action != "DELETE" and isinstance(alias, Mapping)
                and alias.get("EvaluateTargetHealth") in (True, "true")
                and (alias.get("HostedZoneId") == CLOUDFRONT_ZONE_ID
                     or normalize(str(alias.get("DNSName", ""))).endswith(".cloudfront.net"))):
            # AliasTarget, EvaluateTargetHealth: "You can't set EvaluateTargetHealth to
            # true when the alias target is a CloudFront distribution."
            found.append(f"Tried to create an alias {_label(key)} to a CloudFront "
                         "distribution with EvaluateTargetHealth true, but EvaluateTargetHealth "
                         "can't be true when the alias target is a CloudFront distribution")
        if action == "CREATE":
            if key in state:
                found.append(
                    f"Tried to create resource record set {_label(key)} but it already exists"
                )
            state[key] = data_of(record_set)
        elif action == "UPSERT":
            state[key] = data_of(record_set)
        elif action == "DELETE":
            current = state.get(key)
            if current is None:
                found.append(
                    f"Tried to delete resource record set {_label(key)} but it was not found"
                )
            elif current != data_of(record_set):
                found.append(
                    f"Tried to delete resource record set {_label(key)} but the values "
                    "provided do not match the current values"
                )
            state.pop(key, None)
    if not found:
        found.extend(_zone_rules(zone, state))
    return found


def _zone_rules(zone: str, state: Mapping[RRKey, RRData]) -> list[str]:
    """Rules on the zone after the batch: apex SOA and NS, CNAME exclusivity."""
    found: list[str] = []
    types_at: dict[str, set[str]] = {}
    for key in state:
        types_at.setdefault(key.name, set()).add(key.type)
    apex = types_at.get(zone, set())
    if "SOA" not in apex:
        found.append("A HostedZone must contain exactly one SOA record.")
    if "NS" not in apex:
        found.append("A HostedZone must contain at least one NS record for the zone itself.")
    if "CNAME" in apex:
        found.append(
            f"RRSet of type CNAME with DNS name {stored_name(zone)} is not permitted at apex "
            f"in zone {stored_name(zone)}"
        )
    for name, types in sorted(types_at.items()):
        if name != zone and "CNAME" in types and len(types) > 1:
            found.append(
                f"RRSet of type CNAME with DNS name {stored_name(name)} is not permitted as it "
                f"conflicts with other records with the same DNS name in zone {stored_name(zone)}"
            )
    return found
