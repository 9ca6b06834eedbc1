"""Read what Route 53 holds for a config: the planner's input."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import partial

from zonecut.apply.parallel import each, per_account
from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import LIST_ALL_FROM
from zonecut.plan.observed import ObservedState
from zonecut.plan.ownership import legacy_reference
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.plan.signing import ZoneSigning
from zonecut.state import HostedZone, RRSet

BARE_ZONE_RRSETS = 2
"""A zone holding only what Route 53 made with it: the apex SOA and NS rrsets."""


def observe(zones: Sequence[DesiredZoneLike], fleet: Fleet, *, max_workers: int = 8,
            contents_for: Collection[str] = (),
            tags_for: Collection[str] = (),
            signing_for: Collection[str] = (), adopted_tags: bool = False,
            only: Collection[str] | None = None,
            delegation_sets: bool = True, bare_unread: bool = False) -> ObservedState:
    """Look every declared zone up in its account, accounts in parallel and, within an
    account, the zones' reads overlapping (:func:`zonecut.apply.parallel.each`).

    Per zone: ``ListHostedZonesByName``; for the zone that will be managed,
    ``GetHostedZone`` (its delegation set) and its apex NS rrset; for zones with
    declared children, every record set (to find the NS rrsets of the children and unmanaged ones);
    the same for the zones in ``contents_for`` (zones to tear down); the tags
    (``ListTagsForResource``) of existing zones in ``tags_for`` (zones that declare tags)
    and, with ``adopted_tags``, of every other existing zone whose CallerReference is not
    zonecut's (an adopted zone: apply tags it ``zonecut:managed``; one
    ``ListTagsForResources`` for 10 of them); the DNSSEC status (``GetDNSSEC``) of
    existing zones in ``signing_for``.

    ``only``: the zones read beyond their lookup (None: every declared zone); without
    ``delegation_sets``, no ``GetHostedZone`` (``state.details`` stays empty: a teardown
    plan needs the records, not the name servers); with ``bare_unread``, a zone of
    ``contents_for`` without declared children whose listing counts only the apex SOA
    and NS (``ResourceRecordSetCount`` 2: Route 53 refuses to delete either) has no
    records read (it has none to delete, and delegates nothing).
    """
    by_account: dict[str, list[DesiredZoneLike]] = defaultdict(list)
    for zone in zones:
        by_account[zone.account_id].append(zone)
    declared_parents = {z.parent for z in zones if z.parent is not None}
    parents = declared_parents | set(contents_for)

    def job(account_id: str) -> tuple[dict[str, tuple[HostedZone, ...]],
                                      dict[str, HostedZone], dict[str, tuple[RRSet, ...]],
                                      dict[str, RRSet | None],
                                      dict[str, tuple[tuple[str, str], ...]],
                                      dict[str, ZoneSigning]]:
        r53 = fleet.route53(account_id)
        candidates: dict[str, tuple[HostedZone, ...]] = {}
        details: dict[str, HostedZone] = {}
        rrsets: dict[str, tuple[RRSet, ...]] = {}
        apex: dict[str, RRSet | None] = {}
        tags: dict[str, tuple[tuple[str, str], ...]] = {}
        signing: dict[str, ZoneSigning] = {}
        mine = by_account[account_id]
        in_account: dict[str, list[HostedZone]] | None = None
        if len(mine) >= LIST_ALL_FROM:
            in_account = defaultdict(list)
            for hosted in r53.list_zones():
                in_account[hosted.name].append(hosted)
        if in_account is not None:
            found = [tuple(in_account.get(zone.name, ())) for zone in mine]
        else:
            found = each(mine, lambda zone: tuple(r53.find_zones(zone.name)))
        candidates.update(zip((zone.name for zone in mine), found, strict=True))

        def read(zone: DesiredZoneLike) -> str | None:
            """One zone's reads (each zone writes only its own keys); the zone's id when
            its tags are read with the other adopted zones'."""
            picked, problem = select_zone(zone, candidates[zone.name])
            if picked is None or problem or (only is not None and zone.name not in only):
                return None
            adopt: str | None = None
            if delegation_sets:
                details[picked.zone_id] = r53.get_zone(picked.zone_id)
            if zone.name in tags_for:
                tags[picked.zone_id] = r53.list_tags(picked.zone_id, zone.name)
            elif adopted_tags and not legacy_reference(picked):
                adopt = picked.zone_id
            if zone.name in signing_for:
                signing[picked.zone_id] = Route53Dnssec(r53).get(picked.zone_id, zone.name)
            if bare_unread and zone.name not in declared_parents \
                    and picked.record_count == BARE_ZONE_RRSETS:
                return adopt
            if zone.name in parents:
                listed = r53.list_rrsets(picked.zone_id)
                rrsets[picked.zone_id] = listed
                apex[picked.zone_id] = next(
                    (rr for rr in listed if rr.type == "NS" and rr.name == zone.name), None)
            else:
                apex[picked.zone_id] = r53.apex_ns(picked.zone_id, zone.name)
            return adopt

        adopted = [z for z in each(mine, read) if z is not None]
        if adopted:  # ListTagsForResources, 10 zones a call (ReadZones grants it)
            found_tags = r53.zone_tags(adopted)
            for zone_id in adopted:
                tags[zone_id] = tuple(sorted(found_tags.get(zone_id, {}).items()))
        return candidates, details, rrsets, apex, tags, signing

    results = per_account({acc: partial(job, acc) for acc in by_account}, max_workers)
    state = ObservedState()
    for candidates, details, rrsets, apex, tags, signing in results.values():
        state.tags.update(tags)
        state.signing.update(signing)
        state.candidates.update(candidates)
        state.details.update(details)
        state.rrsets.update(rrsets)
        state.apex_ns.update(apex)
    return state


def find_owners(names: Collection[str], state: ObservedState, fleet: Fleet,
                *, max_workers: int = 8) -> dict[str, HostedZone]:
    """For delegations the config no longer declares: the zone in a declared account
    whose delegation set holds every server the parent's NS rrset names. Reads the
    records of each zone found (they are deleted before the zone)."""
    wanted: dict[str, frozenset[str]] = {}
    for rrsets in state.rrsets.values():
        for rr in rrsets:
            if rr.type == "NS" and rr.name in names:
                wanted[rr.name] = rr.value_set

    def job(account_id: str) -> dict[str, tuple[HostedZone, tuple[RRSet, ...]]]:
        r53 = fleet.route53(account_id)
        found: dict[str, tuple[HostedZone, tuple[RRSet, ...]]] = {}
        for name, servers in sorted(wanted.items()):
            for candidate in r53.find_zones(name):
                detail = r53.get_zone(candidate.zone_id)
                if servers <= frozenset(detail.name_servers):
                    found[name] = (detail, r53.list_rrsets(detail.zone_id))
        return found

    results = per_account({acc: partial(job, acc) for acc in fleet.accesses}, max_workers)
    owners: dict[str, HostedZone] = {}
    for found in results.values():
        for name, (zone, rrsets) in found.items():
            owners[name] = zone
            state.details[zone.zone_id] = zone
            state.rrsets[zone.zone_id] = rrsets
    return owners


def read_all_contents(zones: Sequence[DesiredZoneLike], state: ObservedState,
                      fleet: Fleet) -> bool:
    """Read the records of every existing declared zone that observe did not read (a zone
    without declared children), for prune: a delegation the config no longer declares may
    sit in any of them, and goes with its zone. True when any was read."""
    read = False
    for zone in zones:
        picked, problem = select_zone(zone, state.candidates.get(zone.name, ()))
        if picked is None or problem or picked.zone_id in state.rrsets:
            continue
        state.rrsets[picked.zone_id] = fleet.route53(zone.account_id).list_rrsets(
            picked.zone_id)
        read = True
    return read
