"""Which hosted zones zonecut owns (pure): only those may be pruned.

A zone is zonecut's when zonecut created it. Two marks say so:

- the ``zonecut:managed`` tag, which apply adds to every zone it creates (with the
  config's own tags, in one ``ChangeTagsForResource`` call: Route 53 takes 10 tags a
  call, so the config may declare 9);
- a CallerReference of the scheme zonecut used before that tag (the one
  :func:`zonecut.apply.executor.caller_reference` still makes): ``zonecut-<name>-<16 hex
  digits of sha256("<account>|<name>")>-<n>``, which another tool would not produce by
  chance.

A zone made by another tool carries neither: `apply --prune` reports it and leaves it,
with its delegation, alone. A zone zonecut adopted (declared in the file, made by
someone else) is not tagged, so prune leaves it alone too once the file drops it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

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
    """True when the zone's CallerReference is one zonecut derives for its account and name."""
    reference = zone.caller_reference
    digest = hashlib.sha256(f"{zone.account_id}|{zone.name}".encode()).hexdigest()[:16]
    head = f"zonecut-{zone.name[:80]}-{digest}-"
    return reference.startswith(head) and reference[len(head):].isdigit()


def created_by_zonecut(zone: HostedZone, tags: Mapping[str, str] | None) -> bool:
    """``tags``: the zone's tags (None: not read, as the reference already decides)."""
    if legacy_reference(zone):
        return True
    return tags is not None and tags.get(MANAGED_TAG[0]) == MANAGED_TAG[1]
