"""The planner: desired tree + observed Route 53 -> a Plan. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from zonecut.names import is_below
from zonecut.plan.changes import (
    ApexRepair,
    NsAction,
    NsChange,
    Plan,
    Unmanaged,
    ZoneAction,
    ZoneChange,
)
from zonecut.plan.observed import ObservedState
from zonecut.plan.ownership import adopted_tags
from zonecut.state import HostedZone


class DesiredZoneLike(Protocol):
    """The fields of :class:`zonecut.config.tree.DesiredZone` the planner reads."""

    @property
    def name(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def account_key(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def ns_ttl(self) -> int: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def zone_id(self) -> str | None: ...
    @property
    def depth(self) -> int: ...
    @property
    def apex_ns(self) -> str: ...


MAX_ZONE_TAGS = 10
"""Route 53: 'You can add a maximum of 10 tags to a health check or a hosted zone'."""


def tag_pairs(tags: object) -> tuple[tuple[str, str], ...]:
    """Tags as sorted (key, value) pairs, from a mapping or a sequence of pairs."""
    if isinstance(tags, Mapping):
        items = [(str(k), str(v)) for k, v in tags.items()]
    elif isinstance(tags, Sequence):
        items = [(str(k), str(v)) for k, v in tags]
    else:
        items = []
    return tuple(sorted(items))


def select_zone(desired: DesiredZoneLike,
                candidates: Sequence[HostedZone]) -> tuple[HostedZone | None, str | None]:
    """Pick the hosted zone a declared zone maps to, or say why none can be picked.

    Returns (zone, None), (None, None) when it does not exist yet, or (None, problem).
    """
    public = [c for c in candidates if not c.private]
    if desired.zone_id is not None:
        for candidate in public:
            if candidate.zone_id == desired.zone_id:
                return candidate, None
        ids = ", ".join(c.zone_id for c in public) or "none"
        return None, (
            f"{desired.name}: pinned zone_id {desired.zone_id} is not a public zone of that "
            f"name in account {desired.account_id} ({desired.account_key}); found: {ids}"
        )
    if len(public) > 1:
        ids = ", ".join(sorted(c.zone_id for c in public))
        return None, (
            f"{desired.name}: account {desired.account_id} ({desired.account_key}) has "
            f"{len(public)} public hosted zones of that name ({ids}); pin the one to manage "
            "with `zone_id:`"
        )
    return (public[0] if public else None), None


def make_plan(zones: Sequence[DesiredZoneLike], observed: ObservedState,
              *, tags: Mapping[str, object] | None = None) -> Plan:
    """Compute what apply must do. ``zones`` must be ordered parents first.

    ``tags`` maps a zone name to its declared tags (kept apart so the protocol
    stays small).
    """
    problems: list[str] = []
    zone_changes: list[ZoneChange] = []
    resolved: dict[str, HostedZone | None] = {}
    blocked: set[str] = set()
    adopt_notes: list[str] = []
    by_name = {z.name: z for z in zones}

    for desired in zones:
        picked, problem = select_zone(desired, observed.candidates.get(desired.name, ()))
        if problem:
            problems.append(problem)
            blocked.add(desired.name)
            continue
        if picked is not None:
            detail = observed.details.get(picked.zone_id, picked)
            resolved[desired.name] = detail
            declared_tags = tag_pairs((tags or {}).get(desired.name, ()))
            live = dict(observed.tags.get(detail.zone_id, ()))
            tag_changes: tuple[tuple[str, str, str | None], ...] = ()
            if detail.zone_id in observed.tags:
                wanted_tags, tag_note = adopted_tags(declared_tags, live, detail)
                if tag_note:
                    adopt_notes.append(f"{desired.name}: {tag_note}")
                tag_changes = tuple((k, v, live.get(k)) for k, v in wanted_tags
                                    if live.get(k) != v)
            total = len(set(live) | {k for k, _ in declared_tags})
            if total > MAX_ZONE_TAGS:
                problems.append(
                    f"{desired.name}: the zone would have {total} tags (its {len(live)} and "
                    f"the declared ones); a hosted zone holds at most {MAX_ZONE_TAGS}: remove "
                    "tags in the config or on the zone")
                blocked.add(desired.name)
                tag_changes = ()
            comment = desired.comment
            zone_changes.append(ZoneChange(
                name=desired.name, account_id=desired.account_id,
                account_key=desired.account_key, action=ZoneAction.ADOPT,
                zone_id=detail.zone_id, name_servers=detail.name_servers,
                comment=desired.comment, parent=desired.parent, tags=declared_tags,
                tag_changes=tag_changes,
                comment_change=((comment, detail.comment)
                                if comment is not None and comment != detail.comment
                                else None),
            ))
        else:
            resolved[desired.name] = None
            zone_changes.append(ZoneChange(
                name=desired.name, account_id=desired.account_id,
                account_key=desired.account_key, action=ZoneAction.CREATE,
                comment=desired.comment, parent=desired.parent,
                tags=tag_pairs((tags or {}).get(desired.name, ())),
            ))

    ns_changes: list[NsChange] = []
    ns_index = {(zone_id, rr.name): rr for zone_id, rrsets in observed.rrsets.items()
                for rr in rrsets if rr.type == "NS"}
    for desired in zones:
        if desired.parent is None or desired.name in blocked or desired.parent in blocked:
            continue  # a root, or an ambiguous parent or child: nothing safe to plan
        parent = by_name[desired.parent]
        parent_zone = resolved.get(parent.name)
        child_zone = resolved.get(desired.name)
        current = ns_index.get((parent_zone.zone_id, desired.name)) if parent_zone else None
        wanted = child_zone.name_servers if child_zone is not None else ()
        if child_zone is not None and not wanted:
            problems.append(f"{desired.name}: zone {child_zone.zone_id} reports no name servers")
            continue
        if current is None:
            ns_changes.append(NsChange(
                parent=parent.name, parent_account_id=parent.account_id,
                parent_zone_id=parent_zone.zone_id if parent_zone else None,
                child=desired.name, action=NsAction.CREATE, ttl=desired.ns_ttl,
                new_values=tuple(sorted(wanted)),
                reasons=("not delegated yet",),
            ))
            continue
        reasons: list[str] = []
        if child_zone is None:
            reasons.append("the child zone will be created: new name servers")
        elif current.value_set != frozenset(wanted):
            extra = sorted(current.value_set - frozenset(wanted))
            missing = sorted(frozenset(wanted) - current.value_set)
            if extra:
                reasons.append("servers not in the child's delegation set: " + ", ".join(extra))
            if missing:
                reasons.append("missing servers: " + ", ".join(missing))
        if current.ttl != desired.ns_ttl:
            reasons.append(f"TTL {current.ttl} -> {desired.ns_ttl}")
        if reasons:
            ns_changes.append(NsChange(
                parent=parent.name, parent_account_id=parent.account_id,
                parent_zone_id=parent_zone.zone_id if parent_zone else None,
                child=desired.name, action=NsAction.UPDATE, ttl=desired.ns_ttl,
                new_values=tuple(sorted(wanted)), old_values=current.values,
                old_ttl=current.ttl, reasons=tuple(reasons),
            ))

    apex_repairs: list[ApexRepair] = []
    notes: list[str] = list(adopt_notes)
    for desired in zones:
        zone = resolved.get(desired.name)
        if zone is None or not zone.name_servers or zone.zone_id not in observed.apex_ns:
            continue
        apex = observed.apex_ns[zone.zone_id]
        if apex is None or apex.value_set != frozenset(zone.name_servers):
            if desired.apex_ns == "report":
                found = ", ".join(apex.values) if apex else "none"
                notes.append(f"{desired.name}: the apex NS ({found}) differs from the "
                             "delegation set (" + ", ".join(sorted(zone.name_servers))
                             + "); left as it is (apex_ns: report)")
                continue
            apex_repairs.append(ApexRepair(
                name=desired.name, account_id=desired.account_id, zone_id=zone.zone_id,
                ttl=apex.ttl if apex else 172800,
                old_values=apex.values if apex else (),
                new_values=tuple(sorted(zone.name_servers)),
            ))

    unmanaged: list[Unmanaged] = []
    for desired in zones:
        zone = resolved.get(desired.name)
        if zone is None:
            continue
        for rr in observed.rrsets.get(zone.zone_id, ()):
            if rr.type != "NS" or rr.name == zone.name or not is_below(rr.name, zone.name):
                continue
            declared = by_name.get(rr.name)
            if declared is None or declared.parent != desired.name:
                unmanaged.append(Unmanaged(
                    parent=desired.name, parent_account_id=desired.account_id,
                    child=rr.name, values=rr.values, ttl=rr.ttl,
                ))

    return Plan(
        zones=tuple(zone_changes),
        ns_changes=tuple(ns_changes),
        unmanaged=tuple(unmanaged),
        problems=tuple(problems),
        apex_repairs=tuple(apex_repairs),
        notes=tuple(notes),
    )
