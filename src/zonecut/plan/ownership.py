"""Which hosted zones zonecut owns (pure): only those may be pruned.

A zone is zonecut's when zonecut created it. Two marks say so:

- the ``zonecut:managed`` tag, which apply adds to every zone it creates (with the
  config's own tags, in one ``ChangeTagsForResource`` call: Route 53 takes 10 tags a
  call, so the config may declare 9);
- a CallerReference zonecut made (:class:`zonecut.aws.zone_references.ZoneReferences`,
  and the scheme before it): ``zonecut-<name>-<16 hex digits of
  sha256("<account>|<name>")>-...``, which another tool would not produce by chance. It
  also covers a zone whose creation was cut off before it was tagged.

A zone made by another tool carries neither: `apply --prune` reports it and leaves it,
with its delegation, alone. A zone zonecut adopts (made by someone else, declared in the
file) gets the tag from apply while the file declares it (:func:`adopted_tags`; the plan
shows it as a tag change), so prune removes it once the file drops it; a zone the file
never declared is never tagged, so never pruned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from zonecut.state import HostedZone

MANAGED_TAG = ("zonecut:managed", "true")
MAX_ZONE_TAGS = 10
"""Tags in one ``ChangeTagsForResource`` call (botocore route53 service model: AddTags is
a TagList, max 10; "You can add a maximum of 10 tags to ... a hosted zone")."""
MAX_DECLARED_TAGS = MAX_ZONE_TAGS - 1


def with_managed_tag(tags: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The tags a new zone gets: the declared ones and zonecut's mark."""
    return (*(t for t in tags if t[0] != MANAGED_TAG[0]), MANAGED_TAG)


def legacy_reference(zone: HostedZone) -> bool:
    """True when the zone's CallerReference carries the mark zonecut derives for its
    account and name (every reference scheme zonecut has used does)."""
    digest = hashlib.sha256(f"{zone.account_id}|{zone.name}".encode()).hexdigest()[:16]
    return zone.caller_reference.startswith("zonecut-") and f"-{digest}-" in (
        zone.caller_reference)


def created_by_zonecut(zone: HostedZone, tags: Mapping[str, str] | None) -> bool:
    """``tags``: the zone's tags (None: not read, as the reference already decides)."""
    if legacy_reference(zone):
        return True
    return tags is not None and tags.get(MANAGED_TAG[0]) == MANAGED_TAG[1]


def adopted_tags(declared: Sequence[tuple[str, str]], live: Mapping[str, str],
                 zone: HostedZone) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The tags a declared zone that exists should carry, and a note when zonecut's mark
    cannot be added: the declared ones, plus ``zonecut:managed`` when the zone's
    CallerReference does not already say zonecut made it (an adopted zone) and the
    zone has room for one more tag."""
    tags = tuple(declared)
    if legacy_reference(zone) or live.get(MANAGED_TAG[0]) == MANAGED_TAG[1]:
        return tags, None
    keys = set(live) | {k for k, _ in tags}
    if MANAGED_TAG[0] not in keys and len(keys) >= MAX_ZONE_TAGS:
        return tags, (f"zone {zone.zone_id} holds {MAX_ZONE_TAGS} tags, so zonecut cannot "
                      f"tag it {MANAGED_TAG[0]}; `apply --prune` will leave it alone once "
                      "the file no longer declares it")
    return with_managed_tag(tags), None
