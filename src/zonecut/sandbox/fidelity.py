"""Patches that make moto's Route 53 behave like Route 53 where zonecut depends on it.

Applied to ``moto.route53.models.Route53Backend`` in the process that runs the moto
server (the sandbox), never on import. Each patch replaces one backend method:

``create_hosted_zone``
    a reused CallerReference in the account is ``HostedZoneAlreadyExists`` (409) naming
    the zone made with it, also when that zone has since been deleted (the API
    reference: "You must use a unique CallerReference string every time you submit a
    CreateHostedZone request"); invalid names are ``InvalidDomainName``; a public zone gets 4
    name servers from the sandbox pool (see :mod:`zonecut.sandbox.nameservers`), and
    the delegation set, the apex NS (TTL 172800, trailing dots) and a real apex SOA
    (TTL 900) agree; moto's habit of listing every zone's own delegation set as a
    reusable delegation set is undone.
``delete_hosted_zone``
    ``HostedZoneNotEmpty`` for any record set other than the apex SOA and NS (moto lets
    a zone holding delegations go), and for a zone that is DNSSEC signing (see
    :mod:`zonecut.sandbox.dnssec_api`); the servers' load is freed.
``change_resource_record_sets``
    the batch is checked as a whole before anything changes
    (:mod:`zonecut.sandbox.change_batch`): CREATE of an existing set, a DELETE that does
    not match the live set exactly, the 32,000-character limit, names outside the zone
    (on a label boundary), apex SOA/NS removal and CNAME conflicts are all
    ``InvalidChangeBatch``. Names are stored as Route 53 returns them (lower case,
    trailing dot, ``*`` as ``\\052``).
``change_tags_for_resource``
    more than 10 ``AddTags`` in one call is ``InvalidInput`` (botocore route53 model:
    TagList max 10, "You can add a maximum of 10 tags"; the words are those Route 53's
    XML schema check gives for a list over its maximum); moto takes any number;
    a hosted zone holds at most 10 tags (the API reference, ChangeTagsForResource: "You
    can add a maximum of 10 tags to a health check or a hosted zone"; ``ResourceTagSet``
    Tags max 10): a change that would leave more is ``InvalidInput`` and changes nothing.

Reusable delegation sets are left as moto has them (its fixed names, not served by the
sandbox DNS). :func:`install` is idempotent; :func:`uninstall` restores moto.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from moto.route53.exceptions import HostedZoneNotEmpty, InvalidInput, Route53ClientError
from moto.route53.models import RecordSet, Route53Backend
from moto.route53.utils import validate_domain_name

from zonecut.names import normalize
from zonecut.names import problems as name_problems
from zonecut.sandbox import dnssec_api
from zonecut.sandbox.change_batch import (
    RRData,
    RRKey,
    data_of,
    key_of,
    problems,
    stored_name,
    values_of,
)
from zonecut.sandbox.nameservers import PRIVATE_ZONE_NAME_SERVERS, Assigner, PoolExhausted
from zonecut.sandbox.zone_data import (
    BACKEND_LOCK,
    bump_generation,
    iter_moto_zones,
    plain,
    touch,
    zone_name_servers,
)

APEX_NS_TTL = 172800
APEX_SOA_TTL = 900
MAX_ZONE_TAGS = 10
MAX_ADD_TAGS = 10
SOA_TAIL = "awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"


class HostedZoneAlreadyExists(Route53ClientError):
    def __init__(self, zone_id: str, zone_name: str) -> None:
        super().__init__(
            "HostedZoneAlreadyExists",
            "A hosted zone has already been created with the specified caller reference: "
            f"/hostedzone/{zone_id} ({zone_name}).",
        )


class TooManyTags(Route53ClientError):
    def __init__(self, resource_id: str, count: int) -> None:
        super().__init__(
            "InvalidInput",
            f"Cannot add tags to hostedzone {resource_id}: it would have {count} tags; a "
            f"hosted zone can have at most {MAX_ZONE_TAGS} tags.",
        )


class InvalidChangeBatch(Route53ClientError):
    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("InvalidChangeBatch", "[" + ", ".join(messages) + "]")
        self.messages = list(messages)


class InvalidDomainName(Route53ClientError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidDomainName", message)


class DelegationSetNotAvailable(Route53ClientError):
    def __init__(self, message: str) -> None:
        super().__init__("DelegationSetNotAvailable", message)


# moto's RecordSet is a CloudFormation model that mypy sees as abstract.
_RecordSet: Any = RecordSet
_assigner: Assigner | None = None
_originals: dict[str, Callable[..., Any]] = {}


def _apex_is(rrset: Any, zone: Any, *types: str) -> bool:
    return bool(rrset.type in types and normalize(str(rrset.name)) == normalize(str(zone.name)))


def set_name_servers(zone: Any, servers: Sequence[str]) -> None:
    """Make the delegation set, apex NS and apex SOA of a moto zone name ``servers``."""
    apex = stored_name(str(zone.name))
    zone.delegation_set.name_servers = list(servers)
    ns = _RecordSet(
        {
            "Name": apex,
            "Type": "NS",
            "TTL": APEX_NS_TTL,
            "ResourceRecords": [s + "." for s in servers],
        }
    )
    soa = _RecordSet(
        {
            "Name": apex,
            "Type": "SOA",
            "TTL": APEX_SOA_TTL,
            "ResourceRecords": [f"{servers[0]}. {SOA_TAIL}"],
        }
    )
    zone.rrsets = [r for r in zone.rrsets if not _apex_is(r, zone, "NS", "SOA")] + [ns, soa]


def _create_hosted_zone(
    self: Any,
    name: str,
    private_zone: bool,
    caller_reference: str | None = None,
    vpcid: str | None = None,
    vpcregion: str | None = None,
    comment: str | None = None,
    delegation_set_id: str | None = None,
) -> Any:
    found = name_problems(name)
    if found:
        raise InvalidDomainName(f"{name} is not a valid domain name: " + "; ".join(found))
    with BACKEND_LOCK:
        spent = _spent_references(self)
        if caller_reference:
            for existing in self.zones.values():
                if existing.caller_reference == caller_reference:
                    raise HostedZoneAlreadyExists(existing.resource_id, existing.name)
            if caller_reference in spent:
                raise HostedZoneAlreadyExists(*spent[caller_reference])
        zone = _originals["create_hosted_zone"](
            self,
            name,
            private_zone,
            caller_reference=caller_reference,
            vpcid=vpcid,
            vpcregion=vpcregion,
            comment=comment,
            delegation_set_id=delegation_set_id,
        )
        if delegation_set_id is None:
            for key, delegation_set in list(self.delegation_sets.items()):
                if delegation_set is zone.delegation_set:
                    del self.delegation_sets[key]
            if private_zone:
                servers: Sequence[str] = PRIVATE_ZONE_NAME_SERVERS
            else:
                assert _assigner is not None, "zonecut sandbox fidelity patches not installed"
                live = [
                    (str(other.name), zone_name_servers(other))
                    for _, other in iter_moto_zones()
                    if other is not zone and not other.private_zone
                ]
                try:
                    servers = _assigner.assign(str(zone.name), live)
                except PoolExhausted as exc:
                    self.zones.pop(zone.resource_id, None)
                    raise DelegationSetNotAvailable(str(exc)) from exc
            set_name_servers(zone, servers)
        spent[str(zone.caller_reference)] = (str(zone.resource_id), str(zone.name))
        touch(zone)
        bump_generation()
        return zone


def _spent_references(backend: Any) -> dict[str, tuple[str, str]]:
    """CallerReferences used in the account, deleted zones' too (kept on the backend, so
    a sandbox reset forgets them with the account)."""
    spent: dict[str, tuple[str, str]] = backend.__dict__.setdefault(
        "zonecut_spent_references", {})
    return spent


def _change_tags_for_resource(self: Any, resource_type: str, resource_id: str,
                              add_tags: list[dict[str, str]] | None,
                              remove_tag_keys: list[str] | None) -> None:
    if add_tags and len(add_tags) > MAX_ADD_TAGS:
        raise InvalidInput(
            "Invalid XML ; cvc-complex-type.2.4.f: 'Tag' can occur a maximum of "
            f"'{MAX_ADD_TAGS}' times in the current sequence. This limit was exceeded. No "
            "child element is expected at this point.")
    with BACKEND_LOCK:
        if resource_type == "hostedzone" and resource_id in self.zones:
            after = dict(self.resource_tags.get(resource_id, {}))
            for key in remove_tag_keys or []:
                after.pop(key, None)
            for tag in add_tags or []:
                after[tag["Key"]] = tag["Value"]
            if len(after) > MAX_ZONE_TAGS:
                raise TooManyTags(resource_id, len(after))
        _originals["change_tags_for_resource"](self, resource_type, resource_id, add_tags,
                                               remove_tag_keys)


def _delete_hosted_zone(self: Any, id_: str) -> Any:
    with BACKEND_LOCK:
        zone = self.get_hosted_zone(id_)
        if any(not _apex_is(r, zone, "NS", "SOA") for r in zone.rrsets):
            raise HostedZoneNotEmpty()
        dnssec_api.check_deletable(self, zone)
        result = _originals["delete_hosted_zone"](self, id_)
        dnssec_api.forget(self, str(zone.resource_id))
        bump_generation()
        return result


_INDEX = "zonecut_rrset_index"


def rrset_index(zone: Any) -> tuple[dict[RRKey, RRData], dict[RRKey, Any]] | None:
    """The zone's record sets by key: (key -> data, key -> moto RecordSet), in the
    order of ``zone.rrsets``; None when two record sets share a key.

    Kept on the zone for the very list and RecordSet objects it was made from (moto
    replaces a RecordSet to change it), so a change to a big zone reads only what the
    last change wrote instead of every record set again.
    """
    rrsets = zone.rrsets
    memo = zone.__dict__.get(_INDEX)
    if (memo is not None and memo[0] is rrsets and len(memo[1]) == len(rrsets)
            and all(a is b for a, b in zip(memo[1], rrsets, strict=True))):
        return memo[2], memo[3]
    live: dict[RRKey, RRData] = {}
    by_key: dict[RRKey, Any] = {}
    for rrset in rrsets:
        fields = plain(rrset)
        key = key_of(fields)
        live[key] = data_of(fields)
        by_key[key] = rrset
    if len(by_key) != len(rrsets):
        zone.__dict__.pop(_INDEX, None)
        return None
    zone.__dict__[_INDEX] = (rrsets, tuple(rrsets), live, by_key)
    return live, by_key


def _store_index(zone: Any, live: dict[RRKey, RRData], by_key: dict[RRKey, Any]) -> None:
    zone.rrsets = list(by_key.values())
    zone.__dict__[_INDEX] = (zone.rrsets, tuple(zone.rrsets), live, by_key)


def _change_resource_record_sets(self: Any, zoneid: str, change_list: list[dict[str, Any]]) -> None:
    with BACKEND_LOCK:
        zone = self.get_hosted_zone(zoneid)
        for change in change_list:
            validate_domain_name(change["ResourceRecordSet"]["Name"], code="InvalidChangeBatch")
        index = rrset_index(zone)
        live = index[0] if index is not None else {
            key_of(plain(r)): data_of(plain(r)) for r in zone.rrsets}
        found = problems(str(zone.name), live, change_list)
        if found:
            raise InvalidChangeBatch(found)
        if index is not None:
            live, by_key = dict(index[0]), dict(index[1])
        for change in change_list:
            record_set = dict(change["ResourceRecordSet"])
            record_set["Name"] = stored_name(str(record_set["Name"]))
            if "ResourceRecords" in record_set:
                record_set["ResourceRecords"] = values_of(record_set)
            key = key_of(record_set)
            if index is None:
                kept = [r for r in zone.rrsets if key_of(plain(r)) != key]
                if change["Action"] != "DELETE":
                    kept.append(_RecordSet(record_set))
                zone.rrsets = kept
                continue
            live.pop(key, None)
            by_key.pop(key, None)
            if change["Action"] != "DELETE":  # a changed set goes last, as moto has it
                stored = _RecordSet(record_set)
                live[key] = data_of(plain(stored))
                by_key[key] = stored
        if index is not None:
            _store_index(zone, live, by_key)
        touch(zone)
        bump_generation()


_PATCHES: dict[str, Callable[..., Any]] = {
    "create_hosted_zone": _create_hosted_zone,
    "change_tags_for_resource": _change_tags_for_resource,
    "delete_hosted_zone": _delete_hosted_zone,
    "change_resource_record_sets": _change_resource_record_sets,
}


def install(assigner: Assigner) -> None:
    """Patch moto's Route 53 backend (once) and use ``assigner`` for new zones."""
    global _assigner
    with BACKEND_LOCK:
        _assigner = assigner
        for name, patch in _PATCHES.items():
            current = getattr(Route53Backend, name)
            if current is not patch:
                _originals[name] = current
                setattr(Route53Backend, name, patch)


def uninstall() -> None:
    """Restore moto's own methods."""
    global _assigner
    with BACKEND_LOCK:
        for name, original in _originals.items():
            setattr(Route53Backend, name, original)
        _originals.clear()
        _assigner = None


def installed() -> bool:
    return all(getattr(Route53Backend, name) is patch for name, patch in _PATCHES.items())
